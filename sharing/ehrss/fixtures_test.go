package ehrss

import "time"

// Test fixtures: records a clinic would send, built here rather than copied
// from the guides' sample files.

var (
	testNow  = time.Date(2024, 3, 1, 15, 4, 48, 865_000_000, hkt)
	testTime = time.Date(2024, 2, 20, 10, 30, 0, 0, hkt)
	testPDF  = []byte("%PDF-1.7\n%test report\n")
)

func testInstitution() Institution {
	return Institution{ID: "9938744799", NameEN: "Families Clinic", NameZH: "家庭診所"}
}

func testPatient() Patient {
	return Patient{
		RecordKey: "P0001", EHRNo: "944272043043", DocType: "ID", DocNo: "A123456(3)",
		SurnameEN: "chan", GivenNameEN: "tai  man", NameZH: "陳大文",
		Sex: "M", DOB: "1980-05", DOBPrecision: "M",
	}
}

func testPatient2() Patient {
	return Patient{
		RecordKey: "P0002", EHRNo: "621528665811", DocType: "PASSPORT", DocNo: "K1234567", DocCountry: "GBR",
		SurnameEN: "Smith", GivenNameEN: "Jane", Sex: "F", DOB: "1975", DOBPrecision: "Y",
	}
}

func rec(key string, tx TxType) Record {
	return Record{
		RecordKey: key, TxType: tx, RecordTime: testTime, CreatedTime: testTime.Add(-time.Hour),
		EncounterKey: "OP123456", EncounterDate: testTime,
	}
}

func testAllergy() Allergy {
	return Allergy{
		Record:       rec("AL-1", TxInsert),
		AllergenCode: "19498", AllergenDesc: "Aldomet (methyldopa)",
		Terminology: "HKCTT", TermCode: "6000704", TermDesc: "Methyldopa",
		AllergenType: "Drug", Certainty: "C",
		Reactions: []Reaction{{Code: "21", Desc: "Skin rash"}},
		Onset:     "2019-06", Remarks: "Reported by patient",
	}
}

func testADR() Allergy {
	return Allergy{
		Record:       rec("ADR-1", TxInsert),
		AllergenCode: "PEN", AllergenDesc: "Penicillin V",
		Terminology: "RPP", TermCode: "HK-12345", TermDesc: "Penicillin V Tablets 250mg",
		Severity:  "S",
		Reactions: []Reaction{{Desc: "Urticaria and lip swelling"}},
		Remarks:   "Needed adrenaline",
	}
}

func testDiagnosis() Diagnosis {
	return Diagnosis{
		Record:    rec("PROB-1", TxInsert),
		LocalCode: "TIA", DescEN: "Transient ischaemic attack - TIA",
		Terminology: "ICD10-2010", TermCode: "G45.9", TermDesc: "Transient cerebral ischaemic attack, unspecified",
		Principal: true, Onset: "2023-06-13", DiagnosedAt: testTime,
		Status: "A", Comment: "Refer to neurology",
	}
}

func testProcedure() Procedure {
	return Procedure{
		Record:    rec("PX-1", TxInsert),
		LocalCode: "2231", Desc: "Lobectomy of left lung",
		Terminology: "HKCTT", TermCode: "23815", TermDesc: "Lobectomy of lung - left lower lobe",
		PerformedAt: testTime, Comment: "lower lobe",
	}
}

func testImmunisation() Immunisation {
	return Immunisation{
		Record:      rec("IMMU-1", TxInsert),
		VaccineCode: "FLU24", VaccineDesc: "Seasonal influenza vaccine 2024/25",
		Terminology: "RPP", TermCode: "HK-67890", TermDesc: "Influenza Vaccine Inj",
		Date: "2024-02-20", DoseNumber: "1", Batch: "AC37B358AC",
		Site: "LD", Route: "IM", RecordNumber: "R01", Premises: "Families Clinic, Central",
		Remark: "Next dose in one year",
	}
}

func testLabResult() LabResult {
	return LabResult{
		LabCommon: testLabCommon("LAB-1", "CHEM", "Chemical Pathology"),
		Tests: []LabTest{
			{
				LocalCode: "K", LocalDesc: "Potassium", Terminology: "LOINC", TermCode: "2823-3", TermDesc: "Potassium [Moles/volume] in Serum or Plasma",
				Type: ResultNumeric, Value: "5.8", Unit: "mmol/L", ReferenceRange: "3.5-5.1", Abnormal: "H", AbnormalLocalDesc: "HH",
			},
			{
				LocalCode: "CRP", LocalDesc: "C-reactive protein", Terminology: "LOINC", TermCode: "1988-5", TermDesc: "C reactive protein [Mass/volume] in Serum or Plasma",
				Type: ResultNumeric, Value: "5", Unit: "mg/L", DetectionLimit: "<", Note: "Below detection limit",
			},
		},
	}
}

func testLabReport() LabReport {
	return LabReport{
		LabCommon: testLabCommon("LABAP-1", "PATH", "Anatomical Pathology"),
		TestName:  "Surgical Biopsy",
		Diagnoses: []APDiagnosis{{
			Title: "Frozen Section Diagnosis", Text: "Adenocarcinoma of right lung",
			Topography: &APTerm{TermCode: "8003046", TermDesc: "Right lung structure", LocalCode: "T-28100", LocalDesc: "Lung, right"},
			Findings:   []APTerm{{TermCode: "8002624", TermDesc: "Adenocarcinoma in situ", LocalCode: "M-81402", LocalDesc: "Adenocarcinoma in-situ"}},
		}},
		Details: []APDetail{{TitleCode: "OTH", TitleDesc: "Other", TitleLocalDesc: "Molecular Pathology", Content: "EGFR mutation not detected."}},
	}
}

func testLabCommon(key, cat, catDesc string) LabCommon {
	return LabCommon{
		Record:    rec(key, TxInsert),
		RequestNo: "11-CC123456", OrderNo: "OR1101606192",
		CategoryCode: cat, CategoryDesc: catDesc, CategoryLocalDesc: catDesc + " Laboratory",
		Status: "F", PanelCode: "RFT", PanelDesc: "Renal Function Test",
		ReferenceTime: testTime, AuthorisedTime: testTime.Add(2 * time.Hour), ReportTime: testTime.Add(3 * time.Hour),
		Comment: "Fasting sample", PDF: testPDF, PDFName: "report.123.pdf",
		LabName: "Kowloon Bay Clinical Laboratory", RequestingDoctor: "Dr. TM Chan",
		AuthorisedBy: "Dr. KK Lee", AuthorisedByZH: "李醫生", ClinicalInfo: "Fasting blood sample",
		Specimen: &LabSpecimen{
			LocalCode: "S423", LocalDesc: "Wound Swab", Terminology: "SNOMED CT", TermCode: "258497007", TermDesc: "Abscess swab (specimen)",
			Detail: "Left lower quadrant", CollectedAt: testTime, ReceivedAt: testTime.Add(time.Hour),
		},
	}
}

// domainFixture is one domain with a mode and one patient's records.
type domainFixture struct {
	domain  Domain
	mode    UploadMode
	records PatientRecords
}

func allDomainFixtures() []domainFixture {
	p := testPatient()
	return []domainFixture{
		{DomainAllergy, ModeIncremental, PatientRecords{Patient: p, Allergies: []Allergy{testAllergy()}}},
		{DomainADR, ModeIncremental, PatientRecords{Patient: p, Allergies: []Allergy{testADR()}}},
		{DomainImmunisation, ModeMaterialisation, PatientRecords{Patient: p, Immunisations: []Immunisation{testImmunisation()}}},
		{DomainProblem, ModeIncremental, PatientRecords{Patient: p, Diagnoses: []Diagnosis{testDiagnosis()}}},
		{DomainProcedure, ModeIncremental, PatientRecords{Patient: p, Procedures: []Procedure{testProcedure()}}},
		{DomainLabGeneral, ModeNonBulk, PatientRecords{Patient: p, LabResults: []LabResult{testLabResult()}}},
		{DomainLabAP, ModeNonBulk, PatientRecords{Patient: p, LabReports: []LabReport{testLabReport()}}},
	}
}

// asDelete turns a fixture's records into deletes with a reason.
func asDelete(f domainFixture) domainFixture {
	del := func(r *Record) { r.TxType, r.DeleteReason = TxDelete, "Entered for the wrong patient" }
	pr := f.records
	pr.Allergies = append([]Allergy(nil), pr.Allergies...)
	for i := range pr.Allergies {
		del(&pr.Allergies[i].Record)
	}
	pr.Diagnoses = append([]Diagnosis(nil), pr.Diagnoses...)
	for i := range pr.Diagnoses {
		del(&pr.Diagnoses[i].Record)
		pr.Diagnoses[i].DeleteReason = ""
	}
	pr.Procedures = append([]Procedure(nil), pr.Procedures...)
	for i := range pr.Procedures {
		del(&pr.Procedures[i].Record)
		pr.Procedures[i].DeleteReason = ""
	}
	pr.Immunisations = append([]Immunisation(nil), pr.Immunisations...)
	for i := range pr.Immunisations {
		del(&pr.Immunisations[i].Record)
		pr.Immunisations[i].DeleteReason = ""
	}
	pr.LabResults = append([]LabResult(nil), pr.LabResults...)
	for i := range pr.LabResults {
		del(&pr.LabResults[i].Record)
		pr.LabResults[i].DeleteReason = ""
	}
	pr.LabReports = append([]LabReport(nil), pr.LabReports...)
	for i := range pr.LabReports {
		del(&pr.LabReports[i].Record)
		pr.LabReports[i].DeleteReason = ""
	}
	mode := f.mode
	if mode == ModeMaterialisation {
		mode = ModeIncremental // data materialisation carries inserts only
	}
	return domainFixture{f.domain, mode, pr}
}
