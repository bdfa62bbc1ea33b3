package ehrss

// This file is the one place where every URL, coding system and fixed value
// of the eHRSS implementation guides lives. Each value is copied from the
// guide's field table (the authority), not from its template or from the
// sample JSON files; a comment says where the guide or a sample differs, so
// a value can be corrected here without a hunt.
//
// Rule for guide typos: where a guide is consistent with itself we copy it
// literally even when it looks like a typo (each such value says "literal");
// where a guide contradicts itself we take its field table over its template.
//
// The guides come in three generations that disagree on URLs:
//   - Feb 2024 (FHIR_ALLERGY_ADR_EHRSS_HK, FHIR_IMMUNISATION_EHRSS_HK):
//     http://ehealth.gov.hk/FHIR/... and http://ehealth.gov.hk/HCP/...;
//   - May 2024 (FHIR_PROBLEM_PROB_EHRSS_HK, FHIR_PROCEDURE_PX_EHRSS_HK) §9
//     "Data variable": [eHR FHIR URL] = https://ehealth.gov.hk/FHIR and
//     [HCP FHIR URL] = https://ehealth.gov.hk/FHIR/HCP/local;
//   - Oct 2024 (FHIR_LABGEN_EHRSS_HK, FHIR_LABAP_EHRSS_HK) §9: the same two
//     variables, plus Composition-level upload metadata and millisecond times.
// Each domain follows its own guide.

// Domain is an eHR data domain ("eHR Record Type"), packaged one per bundle.
type Domain string

// The data domains the guides cover.
const (
	DomainAllergy      Domain = "AL1"    // allergy
	DomainADR          Domain = "ADR"    // adverse drug reaction
	DomainImmunisation Domain = "IMMU"   // immunisation
	DomainProblem      Domain = "PROB"   // diagnosis / problem
	DomainProcedure    Domain = "PX"     // procedure
	DomainLabGeneral   Domain = "LABGEN" // laboratory result, general
	DomainLabAP        Domain = "LABAP"  // laboratory result, anatomical pathology
)

// Provisional domains: the Stage One sharable data that no guide covers yet.
// The codes follow the guides' pattern but are our invention; BuildBundles
// refuses them until eHealth publishes guides.
const (
	DomainPersonal   Domain = "PID" // provisional: personal identification and demographics
	DomainEncounter  Domain = "ENC" // provisional: encounters / appointments
	DomainMedication Domain = "MED" // provisional: medication
	DomainSummary    Domain = "CLN" // provisional: clinical note / summary
	DomainReferral   Domain = "REF" // provisional: healthcare referral
)

// UploadMode is the "99999999-UploadMode" value.
type UploadMode string

// Upload modes. Guides Feb/May 2024 §3 "Type of Upload"; Oct 2024 §4.3.1.
const (
	ModeMaterialisation UploadMode = "BL-M" // data materialisation: first upload after consent, inserts only
	ModeIncremental     UploadMode = "BL"   // incremental load of inserts, updates and deletes
	ModeNonBulk         UploadMode = "NBL"  // the only mode the laboratory guides permit
)

// TxType is the "99999999-TransactionType" value.
type TxType string

// Transaction types (every guide, Composition section entry).
const (
	TxInsert TxType = "I"
	TxUpdate TxType = "U"
	TxDelete TxType = "D"
)

// generation holds the URLs one generation of guides fixes for every domain.
type generation struct {
	Name            string
	BundleIDSystem  string // Bundle.identifier.system
	CompositionType string // Composition.type.coding.system
	DataDomain      string // Composition.section.code.coding.system
	ExtBase         string // prefix of every "99999999-..." and "100xxxx-..." extension URL
	RecordKey       string // record key identifier system
	TypeOfID        string // Patient.identifier.type.coding.system
	EncounterClass  string // Encounter.class.system
	EpisodeNum      string // Encounter.identifier.system
	// AuthorIsResource: the lab guides make Composition.author reference a
	// real Organization entry; the others fix "Organization/author".
	AuthorIsResource bool
	// UploadMetaOnComposition: the lab guides carry compliance level, upload
	// mode, domain version and sending location once on the Composition; the
	// others carry level and mode on every section entry.
	UploadMetaOnComposition bool
	// DateTimeLayout is the guide's dateTime format: dateTime(25)
	// "YYYY-MM-DDThh:mm:ss+zz:zz" or, for the lab guides, dateTime(29)
	// "YYYY-MM-DDThh:mm:ss.sss+zz:zz".
	DateTimeLayout string
	// PadSingleLetterHKID: the May 2024 guides (§5.4 Patient, HKIC value)
	// say "One leading space if there is only one leading alphabet in HKIC
	// number"; no other guide does.
	PadSingleLetterHKID bool
	RecordKeyMax        int // record key length: varchar(40), lab string(50)
	// DocNoMax is the length of a non-HKID identity document number:
	// string(20) in Feb 2024, string(30) in May 2024, string(12) in Oct 2024.
	DocNoMax int
}

var (
	// guideFeb2024: FHIR_ALLERGY_ADR_EHRSS_HK and FHIR_IMMUNISATION_EHRSS_HK.
	guideFeb2024 = generation{
		Name:            "Feb 2024 (AL1/ADR, IMMU)",
		BundleIDSystem:  "urn:ietf:rfc:3986",
		CompositionType: "http://ehealth.gov.hk/fhir", // §4.2 type; lower-case "fhir" is the guide's
		// §4.2 section.code: the field table says ".../fhir/datadomain"; the
		// AL1/ADR templates and AL1 sample say ".../FHIR/datadomain".
		DataDomain: "http://ehealth.gov.hk/fhir/datadomain",
		ExtBase:    "http://ehealth.gov.hk/FHIR",
		// §4.2/§4.4 record key; the IMMU template and sample say ".../HCPID/Recordkey".
		RecordKey: "http://ehealth.gov.hk/HCP/Recordkey",
		// §4.3; the IMMU template and sample write ".../fhir/typeofID-ext" for EHRNO.
		TypeOfID: "http://ehealth.gov.hk/FHIR/typeofID-ext",
		// §4.5/§4.6; the IMMU template and sample say ".../fhir/class".
		EncounterClass: "http://ehealth.gov.hk/FHIR/class",
		// §4.5 table; the AL1/ADR templates and AL1 sample say ".../HCPID/EpisodeNum".
		EpisodeNum:     "http://ehealth.gov.hk/HCP/EpisodeNum",
		DateTimeLayout: layoutSeconds,
		RecordKeyMax:   40,
		DocNoMax:       20,
	}

	// guideMay2024: FHIR_PROBLEM_PROB_EHRSS_HK and FHIR_PROCEDURE_PX_EHRSS_HK.
	guideMay2024 = generation{
		Name: "May 2024 (PROB, PX)",
		// §5.2 table; the templates write "urn:ietf:rfc:4122".
		BundleIDSystem: "urn:ietf:rfc:3986",
		// §5.3 "[eHR FHIR URL]"; the PX template writes "https://ehealth.gov.hk/fhir".
		CompositionType: "https://ehealth.gov.hk/FHIR",
		DataDomain:      "https://ehealth.gov.hk/FHIR/datadomain",
		ExtBase:         "https://ehealth.gov.hk/FHIR",
		// "[HCP FHIR URL]/Recordkey"; the PROB template writes
		// "https://ehealth.gov.hk/HCP/Recordkey".
		RecordKey:           "https://ehealth.gov.hk/FHIR/HCP/local/Recordkey",
		TypeOfID:            "https://ehealth.gov.hk/FHIR/typeofID-ext",
		EncounterClass:      "https://ehealth.gov.hk/FHIR/class",
		EpisodeNum:          "https://ehealth.gov.hk/FHIR/HCP/local/EpisodeNum",
		DateTimeLayout:      layoutSeconds,
		PadSingleLetterHKID: true,
		RecordKeyMax:        40,
		DocNoMax:            30,
	}

	// guideOct2024: FHIR_LABGEN_EHRSS_HK and FHIR_LABAP_EHRSS_HK.
	guideOct2024 = generation{
		Name:            "Oct 2024 (LABGEN, LABAP)",
		BundleIDSystem:  "urn:ietf:rfc:4122", // §4.3
		CompositionType: "https://ehealth.gov.hk/FHIR",
		DataDomain:      "https://ehealth.gov.hk/FHIR/datadomain",
		ExtBase:         "https://ehealth.gov.hk/FHIR",
		// §4.3.1 "[HCP FHIR URL]/Recordkey"; the delete samples write
		// "https://ehealth.gov.hk/HCP/Recordkey".
		RecordKey: "https://ehealth.gov.hk/FHIR/HCP/local/Recordkey",
		TypeOfID:  "https://ehealth.gov.hk/FHIR/typeofID-ext",
		// §4.3.10; the LABGEN template writes ".../FHIR/HCP/local/class" and
		// the level 3 sample makes Encounter.class a list.
		EncounterClass:          "https://ehealth.gov.hk/FHIR/class",
		EpisodeNum:              "https://ehealth.gov.hk/FHIR/HCP/local/EpisodeNum",
		AuthorIsResource:        true,
		UploadMetaOnComposition: true,
		DateTimeLayout:          layoutMillis,
		RecordKeyMax:            50,
		DocNoMax:                12,
	}
)

// Extensions shared by every guide; the URL is the generation's ExtBase, a
// slash and the name.
const (
	extTransactionType          = "99999999-TransactionType" // the IMMU, PROB, PX and LABGEN templates misspell it "TransactonType"
	extLastUpdateDateTime       = "99999999-LastUpdateDateTime"
	extTransactionDateTime      = "99999999-TransactionDateTime"
	extComplianceLevel          = "99999999-ComplianceLevel"
	extUploadMode               = "99999999-UploadMode"
	extRecordCreateDatetime     = "99999999-RecordCreateDatetime"
	extRecordCreateInstID       = "99999999-RecordCreateInstIdentifier"
	extRecordCreateInstName     = "99999999-RecordCreateInstName"
	extRecordLastUpdateDatetime = "99999999-RecordLastUpdateDatetime"
	// The guides' examples for this one show the url "...RecordCreateInstIdentifier"
	// (a copy-paste slip); the text says "...RecordUpdateInstIdentifier".
	extRecordUpdateInstID     = "99999999-RecordUpdateInstIdentifier"
	extRecordUpdateInstName   = "99999999-RecordUpdateInstName"
	extAttendanceInstID       = "99999999-AttendanceInstIdentifier"
	extSendingLocation        = "99999999-SendingLocation" // lab guides §4.3.1
	extDomainVersion          = "99999999-DomainVersion"   // lab guides §4.3.1
	extLabTestResultType      = "99999999-LabTestResultType"
	extLabReportStatusDesc    = "1003520-LabReportStatusDesc"
	extLabReportStatusLocal   = "1003521-LabReportStatusLocalDesc"
	extLabReportAuthNameZH    = "1003524-LabReportAuthHCSChineseName" // §4.3.8 table; the template says "...LabReportAuthorizedCStaffChineseName"
	extLabReportComment       = "1003526-LabReportComment"
	extLabReportText          = "1003529-LabReportText"
	extSpecimenDetail         = "1003530-SpecimenDetail"
	extLabTestNumericResult   = "1003543-LabTestNumericResult"
	extLabTestEnumResult      = "1003544-LabTestEnumResult"
	extLabReportableResult    = "1003545-LabReportableResult"
	extDetectionLimitCode     = "1003546-DetectionLimitIndicatorCode"
	extDetectionLimitDesc     = "1003547-DetectionLimitIndicatorDesc"      // one example in the table says "11003547-"
	extDetectionLimitLocal    = "1003548-DetectionLimitIndicatorLocalDesc" // the table's example url repeats "...Code"
	extLabTestTextResult      = "1003554-LabTestTextResult"
	extLabTestResultNote      = "1003555-LabTestResultNote"
	extAllergenTypeCode       = "1003138-Typeofallergencode"
	extAllergenTypeDesc       = "1003139-TypeofAllergenDesc"
	extAllergenTypeLocalDesc  = "1003140-TypeofAllergenLocalDesc"
	extDeleteAllergyReason    = "1003145-DeleteAllergyReason"
	extSeverityDesc           = "1003159-LevelofserverityDesc"          // literal ("serverity")
	extSeverityLocalDesc      = "1003160-LevelofserverityLocalDesc"     // literal
	extDeleteADRReason        = "1003165-deleteADRcausativeAgentReason" // §4.4.2 table; the ADR template reuses 1003145-DeleteAllergyReason
	extHistoricalImmunisation = "1004028-Historicalimmunisation"
	extVaccineAdminRemark     = "1003428-vaccineAdminRemark"
	// Level 1 immunisation reports (text, or a PDF in a DocumentReference)
	// are not produced yet; the URLs are kept here with the others.
	extImmuRecordReportText = "1003430-ImmuRecordReportText"
	extImmuRecordReport     = "1001818-ImmuRecordReport"
	extReasonForCancel      = "1003582-ReasonForCancel"
)

// Coding systems and URLs used by one domain each.
const (
	// AL1 (allergy guide §4.4.1).
	sysAllergenLocal = "http://ehealth.gov.hk/local/allergenCode"
	sysCertainty     = "http://eHealth.gov.hk/FHIR/LevelofCertainty" // literal capital H, table and template agree
	sysReaction      = "http://ehealth.gov.hk/FHIR/AllergyReaction"
	// ADR (allergy guide §4.4.2). Literal: table and template both write
	// "ehealth.org.hkk"; AL1's pattern would be "http://ehealth.gov.hk/local/...".
	sysCausativeAgentLocal = "http://ehealth.org.hkk/local/causativeAgent"

	// Recognised terminologies of the Feb 2024 guides (AL1 §4.4.1, ADR
	// §4.4.2, IMMU §4.4). HKCTT: AL1 and IMMU write gov.hk, the ADR table
	// writes "http://ehealth.org.hk/HKCTT"; we take gov.hk. RPP: every table
	// writes "ehealth.org.hk" (literal; README's ".../RPP" suggests gov.hk).
	sysHKCTTFeb = "http://ehealth.gov.hk/HKCTT"
	sysRPP      = "http://ehealth.org.hk/RPP"

	// IMMU (immunisation guide §4.4, §4.8).
	sysVaccineLocal    = "http://ehealth.gov.hk/HCP/vaccinelocal"
	sysImmuRecordNum   = "http://ehealth.gov.hk/HCP/recordnum"
	sysSiteOfAdmin     = "http://ehealth.gov.hk/SiteOfAdmin"
	sysRouteOfAdmin    = "http://ehealth.gov.hk/RouteOfAdmin"
	sysVaccineProvider = "http://ehealth.gov.hk/vaccineProvider" // template only; the table gives no system

	// PROB (problem guide §5.5, §8 "Recognised terminology name - Problem").
	sysDiagnosisLocal  = "https://ehealth.gov.hk/FHIR/HCP/local/diagnosis" // "[HCP FHIR URL]/diagnosis"
	sysDiagnosisStatus = "https://ehealth.gov.hk/FHIR/DiagStatuscd"
	sysHKCTTProblem    = "https://ehealth.gov.hk/FHIR/HKCTT"
	// Literal "eheath" (sic) in all three ICD-10 rows of the §8 table.
	sysICD10v2001 = "https://eheath.gov.hk/FHIR/ICD10-2001"
	sysICD10v2010 = "https://eheath.gov.hk/FHIR/ICD10-2010"
	sysICD10MBD   = "https://eheath.gov.hk/FHIR/ICD10-MBD"
	sysSNOMED     = "http://snomed.info/sct"
	sysICPC2      = "http://hl7.org/fhir/sid/icpc-2"

	// PX (procedure guide §5.5, §8). Its HKCTT uri differs from PROB's.
	sysProcedureLocal = "https://ehealth.gov.hk/FHIR/HCP/local/procedure"
	sysHKCTTProcedure = "https://ehealth.gov.hk/HKCTT"

	// ENC (provisional: no guide covers encounters). Our own systems on the guides'
	// "[HCP FHIR URL]/..." pattern for the clinic's local codes; the episode number uses the
	// generation's EpisodeNum, so that the PROB / PX / LAB records' Encounter and the ENC
	// record name the same visit.
	sysEncounterTypeLocal = "https://ehealth.gov.hk/FHIR/HCP/local/EncounterType" // provisional
	sysDoctorRegNo        = "https://ehealth.gov.hk/FHIR/MCHKRegNo"               // provisional: Medical Council of Hong Kong registration number

	// MED, CLN and REF (provisional: no guide covers medication, clinical summaries or
	// referrals). The clinic's drug and document-kind codes on the same "[HCP FHIR URL]/..."
	// pattern; a drug's RPP number uses the guides' sysRPP.
	sysDrugLocal         = "https://ehealth.gov.hk/FHIR/HCP/local/DrugCode"     // provisional
	sysDocumentKindLocal = "https://ehealth.gov.hk/FHIR/HCP/local/DocumentKind" // provisional

	// Laboratory (LABGEN and LABAP guides §4.3.3-§4.3.9).
	sysProvider       = "https://ehealth.gov.hk/FHIR/pvdr"       // the PROB sample writes "http://ehealth.gov.hk/fhir/pvdr"
	sysLabCategory    = "https://ehealth.gov.hk/FHIR/LabCatCode" // the LABGEN template writes "ehealth.org.hk"
	sysPanel          = "https://ehealth.gov.hk/FHIR/PanelCode"  // table "[eHR FHIR URL]"; the template says ".../HCP/local/PanelCode"
	sysRequestNum     = "https://ehealth.gov.hk/FHIR/HCP/local/RequestNum"
	sysOrderNum       = "https://ehealth.gov.hk/FHIR/OrderNum" // table "[EHR FHIR URL]"; template ".../HCP/local/OrderNum", samples "https://ehealth.gov.hk/HCP/OrderNum"
	sysSpecimenType   = "https://ehealth.gov.hk/FHIR/HCP/local/SpecimenType"
	sysLabTestLocal   = "https://ehealth.gov.hk/FHIR/HCP/local/LabTest"
	sysAbnormal       = "https://ehealth.gov.hk/FHIR/AbnormalResultIndCode"
	sysHKCTTLab       = "https://ehealth.gov.hk/FHIR/HKCTT"
	sysLOINC          = "http://loinc.org"
	sysAPCategory     = "https://ehealth.gov.hk/FHIR/APcategory"
	sysAPDiagTitle    = "https://ehealth.gov.hk/FHIR/HCP/local/APDiagTitle"
	sysAPTopography   = "https://ehealth.gov.hk/FHIR/HCP/local/DiagTopography"
	sysAPFindingLocal = "https://ehealth.gov.hk/FHIR/HCP/local/DiagFing" // literal "DiagFing"; the sample reuses DiagTopography
	sysAPReportDetail = "https://ehealth.gov.hk/FHIR/APReportDetail"

	// Standard FHIR systems used to keep the output valid base R4.
	sysAllergyClinical = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical" // the guides give bare codes; the AL1 sample adds this system
	urlDataAbsent      = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
)

// Fixed values.
const (
	compositionStatus       = "final"
	documentTitle           = "Hong Kong eHR Healthcare Document" // Composition.type display and title; the AL1 sample writes "...Documen"
	authorReference         = "Organization/author"               // Feb/May 2024 Composition.author
	idTypeEHRNo             = "EHRNO"
	encounterStatus         = "finished"
	encounterClass          = "UNKNOWN"
	encounterClassDsp       = "Unknown status"
	immunStatus             = "completed"
	procedureStatus         = "completed"
	allergyTypeAL1          = "allergy"     // §4.4.1
	allergyTypeADR          = "intolerance" // §4.4.2; the ADR template writes "allergy"
	requestStatus           = "completed"
	requestIntent           = "order"
	observationStatus       = "final"
	contentTypePDF          = "application/pdf"
	dataAbsentNotApplicable = "not-applicable"
	dataAbsentUnknown       = "unknown"

	// fillPartialBirthDate: every guide's Patient table says birthDate is
	// YYYY-MM-DD and "If date is exact to 'Year' (e.g. 2010), the unknown
	// month and day should be filled with '01-01'". OnRamp keeps the
	// precision in its own data; set false to send FHIR's partial dates
	// ("1980", "1980-05") instead.
	fillPartialBirthDate = true

	layoutSeconds = "2006-01-02T15:04:05-07:00"
	layoutMillis  = "2006-01-02T15:04:05.000-07:00"
	layoutInstant = "2006-01-02T15:04:05.000-07:00" // Bundle.timestamp: instant "YYYY-MM-DDThh:mm:ss.sss+zz:zz" in every guide
	layoutPDFDate = "20060102150405"                // PDF file name generation date
)

// AP observation categories (LABAP §4.3.9, system sysAPCategory).
const (
	apDiagnosis    = "Diagnosis"
	apTopography   = "Topography"
	apFinding      = "DiagFinding"
	apReportDetail = "APReportDetail"
)

// domainSpec is one row of the domain table.
type domainSpec struct {
	Domain Domain
	// Title is Composition.section.title and section.code display.
	Title string
	Guide string
	Gen   *generation
	// Resource is the FHIR type the section entries reference.
	Resource string
	// Levels are the permissible "99999999-ComplianceLevel" values.
	Levels []int
	Modes  []UploadMode
	// DomainVersion is the lab guides' fixed "99999999-DomainVersion".
	DomainVersion string
	// Terminologies maps a recognised terminology name to its coding system.
	Terminologies map[string]string
	// Provisional marks a domain no guide covers: its code and title are ours.
	Provisional bool
}

var bulkModes = []UploadMode{ModeMaterialisation, ModeIncremental}

// domains is the domain table.
var domains = map[Domain]*domainSpec{
	DomainAllergy: {
		Domain: DomainAllergy, Title: "Allergy Records", Guide: "FHIR_ALLERGY_ADR_EHRSS_HK",
		Gen: &guideFeb2024, Resource: "AllergyIntolerance", Levels: []int{2, 3}, Modes: bulkModes,
		Terminologies: map[string]string{"HKCTT": sysHKCTTFeb, "RPP": sysRPP},
	},
	DomainADR: {
		// The ADR template titles the section "Allergy Records"; the table says this.
		Domain: DomainADR, Title: "Adverse Drug Reaction Records", Guide: "FHIR_ALLERGY_ADR_EHRSS_HK",
		Gen: &guideFeb2024, Resource: "AllergyIntolerance", Levels: []int{2, 3}, Modes: bulkModes,
		Terminologies: map[string]string{"HKCTT": sysHKCTTFeb, "RPP": sysRPP},
	},
	DomainImmunisation: {
		// The IMMU template titles the section "Hong Kong eHR Healthcare
		// Document" and the sample's display says "Immunization Records".
		Domain: DomainImmunisation, Title: "Immunisation Records", Guide: "FHIR_IMMUNISATION_EHRSS_HK",
		Gen: &guideFeb2024, Resource: "Immunization", Levels: []int{2, 3}, Modes: bulkModes,
		Terminologies: map[string]string{"HKCTT": sysHKCTTFeb, "RPP": sysRPP},
	},
	DomainProblem: {
		Domain: DomainProblem, Title: "Problem Records", Guide: "FHIR_PROBLEM_PROB_EHRSS_HK",
		Gen: &guideMay2024, Resource: "Condition", Levels: []int{2, 3}, Modes: bulkModes,
		Terminologies: map[string]string{
			"HKCTT": sysHKCTTProblem, "SNOMED CT": sysSNOMED, "ICD10-2001": sysICD10v2001,
			"ICD10-2010": sysICD10v2010, "ICD10-MBD": sysICD10MBD, "ICPC2": sysICPC2,
		},
	},
	DomainProcedure: {
		Domain: DomainProcedure, Title: "Procedure Records", Guide: "FHIR_PROCEDURE_PX_EHRSS_HK",
		Gen: &guideMay2024, Resource: "Procedure", Levels: []int{2, 3}, Modes: bulkModes,
		Terminologies: map[string]string{"HKCTT": sysHKCTTProcedure, "SNOMED CT": sysSNOMED, "ICPC2": sysICPC2},
	},
	DomainLabGeneral: {
		Domain: DomainLabGeneral, Title: "Laboratory Result (General Result) Records", Guide: "FHIR_LABGEN_EHRSS_HK",
		Gen: &guideOct2024, Resource: "DiagnosticReport", Levels: []int{1, 2, 3}, Modes: []UploadMode{ModeNonBulk},
		// §4.3.1 table; the LABGEN template writes "eHRSS-1.4.1".
		DomainVersion: "eHRSS-1.4.3",
		Terminologies: map[string]string{"HKCTT": sysHKCTTLab, "LOINC": sysLOINC, "SNOMED CT": sysSNOMED},
	},
	DomainLabAP: {
		Domain: DomainLabAP, Title: "Laboratory Result (Anatomical Pathology Result) Records", Guide: "FHIR_LABAP_EHRSS_HK",
		Gen: &guideOct2024, Resource: "DiagnosticReport", Levels: []int{1, 2, 3}, Modes: []UploadMode{ModeNonBulk},
		DomainVersion: "eHRSS-2.0.3",
		Terminologies: map[string]string{"HKCTT": sysHKCTTLab, "SNOMED CT": sysSNOMED},
	},

	// Provisional rows: the same pattern, our own codes and titles.
	DomainPersonal:   {Domain: DomainPersonal, Title: "Personal Identification Records", Gen: &guideOct2024, Resource: "Patient", Provisional: true},
	DomainEncounter:  {Domain: DomainEncounter, Title: "Encounter Records", Gen: &guideOct2024, Resource: "Encounter", Provisional: true},
	DomainMedication: {Domain: DomainMedication, Title: "Medication Records", Gen: &guideOct2024, Resource: "MedicationRequest", Provisional: true},
	DomainSummary:    {Domain: DomainSummary, Title: "Clinical Note Records", Gen: &guideOct2024, Resource: "DocumentReference", Provisional: true},
	DomainReferral:   {Domain: DomainReferral, Title: "Referral Records", Gen: &guideOct2024, Resource: "DocumentReference", Provisional: true},
}

// ext returns the full URL of a shared extension in this generation.
func (g *generation) ext(name string) string { return g.ExtBase + "/" + name }
