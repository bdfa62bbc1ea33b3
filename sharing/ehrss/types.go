package ehrss

import "time"

// Institution is the clinic that uploads: an eHealth healthcare provider.
type Institution struct {
	ID     string // 10-digit HCP / institution identifier assigned by eHealth
	NameEN string // English name, used as the record create / update institution name
	NameZH string // Chinese name; the lab guides' "local name" of the requesting institution
}

// Patient is the healthcare recipient as eHealth identifies them: eHR
// number, identity document, date of birth and sex.
type Patient struct {
	RecordKey string // the clinic's own key for the patient; it names the patient in Problems

	EHRNo      string // 12-digit eHR number
	DocType    string // eHealth document type: "ID", "BC", "CD", "ECID", "EC", "OP", ... ("PASSPORT" means OP)
	DocNo      string // document number; HKID-format numbers may be written "A123456(3)"
	DocCountry string // issuing country of a travel document (not an eHealth field; sent as the identifier's assigner)

	SurnameEN   string // sent upper case: "CHAN"
	GivenNameEN string // sent upper case: "TAI MAN"
	NameZH      string // kept for the clinic; the guides have no element for a Chinese name

	Sex          string // "M", "F" or "U"
	DOB          string // "1980", "1980-05" or "1980-05-17"
	DOBPrecision string // "Y", "M" or "D"; empty means as precise as DOB is written
}

// PatientRecords is one patient with their records. BuildBundles uses only
// the slice that belongs to the domain it is asked for (Allergies for both
// AL1 and ADR).
type PatientRecords struct {
	Patient       Patient
	Allergies     []Allergy
	Diagnoses     []Diagnosis
	Procedures    []Procedure
	Immunisations []Immunisation
	LabResults    []LabResult
	LabReports    []LabReport
}

// Record is what every record carries: the section entry of the
// Composition (every guide's §"Composition": record key, transaction type,
// dates) and the optional Encounter.
type Record struct {
	RecordKey   string    // stable key; an update or delete repeats the insert's key
	TxType      TxType    // TxInsert, TxUpdate or TxDelete
	RecordTime  time.Time // when the record was last changed in OnRamp
	CreatedTime time.Time // when it was first created; zero leaves the create time out

	EncounterKey  string    // episode (visit) number; empty means no Encounter
	EncounterDate time.Time // the visit's date, sent as Encounter.period.start

	DeleteReason string // why a delete; only allergies and ADRs send it
}

// Reaction is one reaction of an allergy or adverse drug reaction.
type Reaction struct {
	Code string // eHR "Allergic reaction" code, "1".."39" (AL1 only)
	Desc string // the clinic's description
}

// Allergy is an allergy (AL1) or adverse drug reaction (ADR) record; the
// domain passed to BuildBundles decides which.
type Allergy struct {
	Record

	AllergenCode string // local code
	AllergenDesc string // local description (required)
	Terminology  string // recognised terminology: "HKCTT" or "RPP"; empty for level 2
	TermCode     string
	TermDesc     string

	AllergenType          string // AL1: "Drug", "Non-drug" or "Unclassify"
	AllergenTypeLocalDesc string // defaults to eHealth's description
	Certainty             string // AL1: "S" suspected or "C" certain
	CertaintyLocalDesc    string
	Severity              string // ADR: "M" mild or "S" severe
	SeverityLocalDesc     string

	Reactions []Reaction // eHealth takes one reaction per record
	Onset     string     // date the allergy began, "YYYY[-MM[-DD]]"; optional
	Remarks   string
	Inactive  bool // eHealth has no inactive allergy: an inactive one is deleted with a reason
}

// Diagnosis is a problem / diagnosis record (PROB). (The name avoids a clash
// with Problem, the result of Check.)
type Diagnosis struct {
	Record

	LocalCode   string
	DescEN      string // local description; DescZH is used when DescEN is empty
	DescZH      string
	Terminology string // "HKCTT", "SNOMED CT", "ICD10-2001", "ICD10-2010", "ICD10-MBD" or "ICPC2"
	TermCode    string
	TermDesc    string

	Principal   bool      // principal or secondary diagnosis; the guide has no element for it
	Onset       string    // "YYYY[-MM[-DD]]", sent as onsetDateTime; optional
	DiagnosedAt time.Time // [Diagnosis reference date]; zero means RecordTime, as the guide says

	Status          string // "P", "A", "I", "R" or "C"; optional
	StatusLocalDesc string
	CancelReason    string // only with status C
	Comment         string
}

// Procedure is a procedure performed (PX).
type Procedure struct {
	Record

	LocalCode   string
	Desc        string // local description (required)
	Terminology string // "HKCTT", "SNOMED CT" or "ICPC2"
	TermCode    string
	TermDesc    string

	PerformedAt time.Time // zero means CreatedTime, then RecordTime, as the guide says
	Comment     string
}

// Immunisation is a vaccine given (IMMU).
type Immunisation struct {
	Record

	VaccineCode string // local code
	VaccineDesc string // local description (required)
	Terminology string // "RPP" or "HKCTT"
	TermCode    string // e.g. the RPP registration number "HK-12345"
	TermDesc    string

	Date           string // administration date "YYYY-MM-DD"
	DoseNumber     string // "1", "2", "Booster", ...
	Batch          string
	Site           string // eHealth site code, e.g. "LD"
	SiteLocalDesc  string
	Route          string // eHealth route code, e.g. "IM"
	RouteLocalDesc string

	// GivenElsewhere marks a historical record of a vaccine another
	// provider gave; Provider then says who ("HA", "DH", "Private",
	// "Other"). Otherwise the clinic gave it ("Private").
	GivenElsewhere    bool
	Provider          string
	ProviderLocalDesc string
	Premises          string // where it was given

	RecordNumber string // the clinic's vaccination record number
	AdminRemark  string
	Remark       string
}

// LabCommon is what LABGEN and LABAP reports share (lab guides §4.3.4-4.3.8).
type LabCommon struct {
	Record

	RequestNo string // laboratory test request number (required)
	OrderNo   string // the clinic's order number; optional

	CategoryCode      string // eHealth laboratory category, e.g. "CHEM", "PATH"
	CategoryDesc      string // its eHealth description
	CategoryLocalDesc string // defaults to CategoryDesc

	Status          string // report status "P", "F", "A", "S" or "U"
	StatusLocalDesc string // defaults to eHealth's description

	PanelCode string // test / profile code, e.g. "RFT"
	PanelDesc string // e.g. "Renal Function Test" (required)

	ReferenceTime  time.Time // specimen collection, else arrival, else registration time (required)
	AuthorisedTime time.Time
	ReportTime     time.Time // report date of the PDF

	Comment    string
	ReportText string
	PDF        []byte // level 1 report
	PDFName    string // original file name

	LabName          string // performing laboratory
	RequestingDoctor string
	AuthorisedBy     string // English name of who authorised the report
	AuthorisedByZH   string
	ClinicalInfo     string

	Specimen *LabSpecimen
}

// LabSpecimen is the specimen of a lab report.
type LabSpecimen struct {
	LocalCode   string
	LocalDesc   string
	Terminology string // "SNOMED CT"
	TermCode    string
	TermDesc    string
	Detail      string
	CollectedAt time.Time
	ReceivedAt  time.Time
}

// LabResult is a general laboratory report (LABGEN): level 3 when every
// test carries a recognised code, level 2 with local codes only, level 1
// when it is only a PDF.
type LabResult struct {
	LabCommon
	Tests []LabTest
}

// LabTest is one test result of a LabResult.
type LabTest struct {
	LocalCode   string
	LocalDesc   string // required
	Terminology string // "LOINC" or "HKCTT"
	TermCode    string
	TermDesc    string

	Type           LabResultType // numeric, enumerated or text
	Value          string        // "3.5", "Positive", free text
	Unit           string
	ReferenceRange string

	Abnormal                string // "L" or "H"
	AbnormalLocalDesc       string
	DetectionLimit          string // "<" or ">"
	DetectionLimitLocalDesc string
	Note                    string
}

// LabReport is an anatomical pathology report (LABAP).
type LabReport struct {
	LabCommon
	TestName  string // e.g. "Surgical Biopsy" (required)
	Diagnoses []APDiagnosis
	Details   []APDetail
}

// APDiagnosis is one diagnosis section of a pathology report.
type APDiagnosis struct {
	Title      string // e.g. "Frozen Section Diagnosis"
	Text       string
	Topography *APTerm
	Findings   []APTerm
}

// APTerm is a topography or finding with its HKCTT and local codes.
type APTerm struct {
	TermCode  string // HKCTT
	TermDesc  string
	LocalCode string
	LocalDesc string
}

// APDetail is another section of a pathology report, such as the
// microscopic examination.
type APDetail struct {
	TitleCode      string // eHealth "Anatomical pathology report structure" code, e.g. "MICRO"
	TitleDesc      string
	TitleLocalDesc string
	Content        string
}
