package ehrss

import (
	"strings"
	"testing"
	"time"
)

func TestCheckAcceptsTheFixtures(t *testing.T) {
	for _, f := range allDomainFixtures() {
		for _, f := range []domainFixture{f, asDelete(f)} {
			if ps := Check(testInstitution(), f.domain, f.mode, []PatientRecords{f.records}); len(ps) != 0 {
				t.Errorf("%s: unexpected problems %v", f.domain, ps)
			}
		}
	}
}

// upload is one call of Check.
type upload struct {
	inst   Institution
	domain Domain
	mode   UploadMode
	items  []PatientRecords
}

func fixtureUpload(d Domain) upload {
	for _, f := range allDomainFixtures() {
		if f.domain == d {
			return upload{testInstitution(), f.domain, f.mode, []PatientRecords{f.records}}
		}
	}
	panic("no fixture for " + d)
}

// change returns the fixture upload of the domain after edit.
func change(d Domain, edit func(u *upload)) func() upload {
	return func() upload {
		u := fixtureUpload(d)
		edit(&u)
		return u
	}
}

func patientOf(u *upload) *Patient           { return &u.items[0].Patient }
func allergyOf(u *upload) *Allergy           { return &u.items[0].Allergies[0] }
func diagnosisOf(u *upload) *Diagnosis       { return &u.items[0].Diagnoses[0] }
func procedureOf(u *upload) *Procedure       { return &u.items[0].Procedures[0] }
func immunisationOf(u *upload) *Immunisation { return &u.items[0].Immunisations[0] }
func labResultOf(u *upload) *LabResult       { return &u.items[0].LabResults[0] }
func labReportOf(u *upload) *LabReport       { return &u.items[0].LabReports[0] }
func long(n int) string                      { return strings.Repeat("x", n) }

func TestCheckCatchesRuleBreaks(t *testing.T) {
	const whole, patient = "<upload>", "<patient>"
	tests := []struct {
		name   string
		upload func() upload
		field  string
		record string // record key, or whole / patient
	}{
		// The upload itself.
		{"unknown domain", change(DomainAllergy, func(u *upload) { u.domain = "ALG" }), "Domain", whole},
		{"provisional domain", change(DomainAllergy, func(u *upload) { u.domain = DomainMedication }), "Domain", whole},
		{"mode not in the guide", change(DomainAllergy, func(u *upload) { u.mode = ModeNonBulk }), "UploadMode", whole},
		{"lab upload in bulk mode", change(DomainLabGeneral, func(u *upload) { u.mode = ModeIncremental }), "UploadMode", whole},
		{"institution id not 10 digits", change(DomainAllergy, func(u *upload) { u.inst.ID = "99387447" }), "Institution.ID", whole},
		{"institution name missing", change(DomainAllergy, func(u *upload) { u.inst.NameEN = " " }), "Institution.NameEN", whole},

		// The patient's identity.
		{"eHR number not 12 digits", change(DomainAllergy, func(u *upload) { patientOf(u).EHRNo = "94427204304" }), "Patient.EHRNo", patient},
		{"document type not in the table", change(DomainAllergy, func(u *upload) { patientOf(u).DocType = "HKID" }), "Patient.DocType", patient},
		{"document type missing", change(DomainAllergy, func(u *upload) { patientOf(u).DocType = "" }), "Patient.DocType", patient},
		{"document number missing", change(DomainAllergy, func(u *upload) { patientOf(u).DocNo = "" }), "Patient.DocNo", patient},
		{"HKID check digit", change(DomainAllergy, func(u *upload) { patientOf(u).DocNo = "A123456(4)" }), "Patient.DocNo", patient},
		{"HKID format", change(DomainAllergy, func(u *upload) { patientOf(u).DocNo = "A12345(6)" }), "Patient.DocNo", patient},
		{"birth certificate check digit", change(DomainProblem, func(u *upload) { patientOf(u).DocType, patientOf(u).DocNo = "BC", "Z683365(5)" }), "Patient.DocNo", patient},
		{"passport number too long", change(DomainAllergy, func(u *upload) { *patientOf(u) = testPatient2(); patientOf(u).DocNo = long(21) }), "Patient.DocNo", patient},
		{"no English name", change(DomainAllergy, func(u *upload) { patientOf(u).SurnameEN, patientOf(u).GivenNameEN = "", "" }), "Patient.SurnameEN", patient},
		{"Chinese in the English name", change(DomainAllergy, func(u *upload) { patientOf(u).GivenNameEN = "大文" }), "Patient.GivenNameEN", patient},
		{"surname too long", change(DomainAllergy, func(u *upload) { patientOf(u).SurnameEN = long(41) }), "Patient.SurnameEN", patient},
		{"sex not M F U", change(DomainAllergy, func(u *upload) { patientOf(u).Sex = "X" }), "Patient.Sex", patient},
		{"date of birth does not exist", change(DomainAllergy, func(u *upload) { patientOf(u).DOB, patientOf(u).DOBPrecision = "1980-02-30", "D" }), "Patient.DOB", patient},
		{"date of birth more precise than written", change(DomainAllergy, func(u *upload) { patientOf(u).DOB, patientOf(u).DOBPrecision = "1980", "D" }), "Patient.DOB", patient},
		{"date of birth in the future", change(DomainAllergy, func(u *upload) { patientOf(u).DOB, patientOf(u).DOBPrecision = "2999-01-01", "" }), "Patient.DOB", patient},

		// Every record.
		{"record key missing", change(DomainAllergy, func(u *upload) { allergyOf(u).RecordKey = "" }), "RecordKey", ""},
		{"record key too long", change(DomainAllergy, func(u *upload) { allergyOf(u).RecordKey = long(41) }), "RecordKey", long(41)},
		{"record key repeated", change(DomainAllergy, func(u *upload) {
			u.items = append(u.items, PatientRecords{Patient: testPatient2(), Allergies: []Allergy{testAllergy()}})
		}), "RecordKey", "AL-1"},
		{"transaction type unknown", change(DomainAllergy, func(u *upload) { allergyOf(u).TxType = "X" }), "TxType", "AL-1"},
		{"update in data materialisation", change(DomainImmunisation, func(u *upload) { immunisationOf(u).TxType = TxUpdate }), "TxType", "IMMU-1"},
		{"record time missing", change(DomainProcedure, func(u *upload) { procedureOf(u).RecordTime = time.Time{} }), "RecordTime", "PX-1"},
		{"record time not plausible", change(DomainProcedure, func(u *upload) { procedureOf(u).RecordTime = time.Date(10000, 1, 1, 0, 0, 0, 0, hkt) }), "RecordTime", "PX-1"},
		{"episode number too long", change(DomainProcedure, func(u *upload) { procedureOf(u).EncounterKey = long(21) }), "EncounterKey", "PX-1"},
		{"delete reason on an insert", change(DomainAllergy, func(u *upload) { allergyOf(u).DeleteReason = "typo" }), "DeleteReason", "AL-1"},

		// Allergies and adverse drug reactions.
		{"allergen description missing", change(DomainAllergy, func(u *upload) { allergyOf(u).AllergenDesc = "" }), "AllergenDesc", "AL-1"},
		{"terminology not in the guide", change(DomainAllergy, func(u *upload) { allergyOf(u).Terminology = "SNOMED CT" }), "Terminology", "AL-1"},
		{"recognised code without description", change(DomainAllergy, func(u *upload) { allergyOf(u).TermDesc = "" }), "TermDesc", "AL-1"},
		{"reaction code not in the table", change(DomainAllergy, func(u *upload) { allergyOf(u).Reactions[0].Code = "s2" }), "Reactions[0].Code", "AL-1"},
		{"two reactions", change(DomainAllergy, func(u *upload) { allergyOf(u).Reactions = append(allergyOf(u).Reactions, Reaction{Code: "6"}) }), "Reactions", "AL-1"},
		{"empty reaction", change(DomainAllergy, func(u *upload) { allergyOf(u).Reactions[0] = Reaction{} }), "Reactions[0].Desc", "AL-1"},
		{"certainty not S or C", change(DomainAllergy, func(u *upload) { allergyOf(u).Certainty = "Likely" }), "Certainty", "AL-1"},
		{"allergen type not in the table", change(DomainAllergy, func(u *upload) { allergyOf(u).AllergenType = "Food" }), "AllergenType", "AL-1"},
		{"remark too long", change(DomainAllergy, func(u *upload) { allergyOf(u).Remarks = long(4001) }), "Remarks", "AL-1"},
		{"inactive allergy sent as an insert", change(DomainAllergy, func(u *upload) { allergyOf(u).Inactive = true }), "Inactive", "AL-1"},
		{"onset not a date", change(DomainAllergy, func(u *upload) { allergyOf(u).Onset = "last summer" }), "Onset", "AL-1"},
		{"ADR severity moderate", change(DomainADR, func(u *upload) { allergyOf(u).Severity = "Moderate" }), "Severity", "ADR-1"},
		{"ADR reaction without description", change(DomainADR, func(u *upload) { allergyOf(u).Reactions[0].Desc = "" }), "Reactions[0].Desc", "ADR-1"},
		{"ADR recognised description too long", change(DomainADR, func(u *upload) { allergyOf(u).TermDesc = long(256) }), "TermDesc", "ADR-1"},

		// Problems.
		{"diagnosis description missing", change(DomainProblem, func(u *upload) { diagnosisOf(u).DescEN = "" }), "DescEN", "PROB-1"},
		{"ICPC-2 process code as a diagnosis", change(DomainProblem, func(u *upload) {
			d := diagnosisOf(u)
			d.Terminology, d.TermCode, d.TermDesc = "ICPC2", "K30", "Investigation"
		}), "TermCode", "PROB-1"},
		{"diagnosis status not in the table", change(DomainProblem, func(u *upload) { diagnosisOf(u).Status = "X" }), "Status", "PROB-1"},
		{"cancel reason without status C", change(DomainProblem, func(u *upload) { diagnosisOf(u).CancelReason = "wrong" }), "CancelReason", "PROB-1"},
		{"diagnosis comment too long", change(DomainProblem, func(u *upload) { diagnosisOf(u).Comment = long(2001) }), "Comment", "PROB-1"},

		// Procedures.
		{"procedure description missing", change(DomainProcedure, func(u *upload) { procedureOf(u).Desc = "" }), "Desc", "PX-1"},
		{"ICPC-2 diagnosis code as a procedure", change(DomainProcedure, func(u *upload) {
			p := procedureOf(u)
			p.Terminology, p.TermCode, p.TermDesc = "ICPC2", "K74", "Ischaemic heart disease"
		}), "TermCode", "PX-1"},
		{"ICD-10 is not a procedure terminology", change(DomainProcedure, func(u *upload) { procedureOf(u).Terminology = "ICD10-2010" }), "Terminology", "PX-1"},

		// Immunisations.
		{"vaccination date missing", change(DomainImmunisation, func(u *upload) { immunisationOf(u).Date = "" }), "Date", "IMMU-1"},
		{"vaccination date not a full date", change(DomainImmunisation, func(u *upload) { immunisationOf(u).Date = "2024-02" }), "Date", "IMMU-1"},
		{"vaccination date in the future", change(DomainImmunisation, func(u *upload) { immunisationOf(u).Date = "2999-01-01" }), "Date", "IMMU-1"},
		{"site not in the table", change(DomainImmunisation, func(u *upload) { immunisationOf(u).Site = "Left arm" }), "Site", "IMMU-1"},
		{"route not in the table", change(DomainImmunisation, func(u *upload) { immunisationOf(u).Route = "SC" }), "Route", "IMMU-1"},
		{"given elsewhere without provider", change(DomainImmunisation, func(u *upload) { immunisationOf(u).GivenElsewhere = true }), "Provider", "IMMU-1"},
		{"provider not in the table", change(DomainImmunisation, func(u *upload) {
			immunisationOf(u).GivenElsewhere, immunisationOf(u).Provider = true, "NGO"
		}), "Provider", "IMMU-1"},
		{"dose sequence too long", change(DomainImmunisation, func(u *upload) { immunisationOf(u).DoseNumber = long(21) }), "DoseNumber", "IMMU-1"},

		// Laboratory reports.
		{"request number missing", change(DomainLabGeneral, func(u *upload) { labResultOf(u).RequestNo = "" }), "RequestNo", "LAB-1"},
		{"report status not in the table", change(DomainLabGeneral, func(u *upload) { labResultOf(u).Status = "Final" }), "Status", "LAB-1"},
		{"category missing", change(DomainLabGeneral, func(u *upload) { labResultOf(u).CategoryCode = "" }), "CategoryCode", "LAB-1"},
		{"panel description missing", change(DomainLabGeneral, func(u *upload) { labResultOf(u).PanelDesc = "" }), "PanelDesc", "LAB-1"},
		{"reference time missing", change(DomainLabGeneral, func(u *upload) { labResultOf(u).ReferenceTime = time.Time{} }), "ReferenceTime", "LAB-1"},
		{"level 1 report without PDF", change(DomainLabGeneral, func(u *upload) { labResultOf(u).Tests, labResultOf(u).PDF = nil, nil }), "PDF", "LAB-1"},
		{"attachment is not a PDF", change(DomainLabGeneral, func(u *upload) { labResultOf(u).PDF = []byte("GIF89a") }), "PDF", "LAB-1"},
		{"numeric result not a number", change(DomainLabGeneral, func(u *upload) { labResultOf(u).Tests[0].Value = "5,8" }), "Tests[0].Value", "LAB-1"},
		{"test without result or note", change(DomainLabGeneral, func(u *upload) {
			l := labResultOf(u)
			l.Comment, l.Tests[1].Value, l.Tests[1].Note = "", "", ""
		}), "Tests[1].Value", "LAB-1"},
		{"result type missing", change(DomainLabGeneral, func(u *upload) { labResultOf(u).Tests[0].Type = 0 }), "Tests[0].Type", "LAB-1"},
		{"abnormal flag not in the table", change(DomainLabGeneral, func(u *upload) { labResultOf(u).Tests[0].Abnormal = "HH" }), "Tests[0].Abnormal", "LAB-1"},
		{"detection limit not in the table", change(DomainLabGeneral, func(u *upload) { labResultOf(u).Tests[1].DetectionLimit = "<=" }), "Tests[1].DetectionLimit", "LAB-1"},
		{"test coded in SNOMED", change(DomainLabGeneral, func(u *upload) { labResultOf(u).Tests[0].Terminology = "SNOMED CT" }), "Tests[0].Terminology", "LAB-1"},
		{"pathology test name missing", change(DomainLabAP, func(u *upload) { labReportOf(u).TestName = "" }), "TestName", "LABAP-1"},
		{"pathology report without authorised time", change(DomainLabAP, func(u *upload) { labReportOf(u).AuthorisedTime = time.Time{} }), "AuthorisedTime", "LABAP-1"},
		{"pathology sections without diagnosis", change(DomainLabAP, func(u *upload) { labReportOf(u).Diagnoses = nil }), "Diagnoses", "LABAP-1"},
		{"diagnosis title missing", change(DomainLabAP, func(u *upload) { labReportOf(u).Diagnoses[0].Title = "" }), "Diagnoses[0].Title", "LABAP-1"},
		{"finding code without description", change(DomainLabAP, func(u *upload) { labReportOf(u).Diagnoses[0].Findings[0].TermDesc = "" }), "Diagnoses[0].Findings[0].TermDesc", "LABAP-1"},
		{"report section without code", change(DomainLabAP, func(u *upload) { labReportOf(u).Details[0].TitleCode = "" }), "Details[0].TitleCode", "LABAP-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := tt.upload()
			problems := Check(u.inst, u.domain, u.mode, u.items)
			found := false
			for _, p := range problems {
				if p.Reason == "" || p.ReasonZH == "" || !strings.HasSuffix(p.Reason, ".") {
					t.Errorf("problem without a full sentence in both languages: %#v", p)
				}
				if p.Field != tt.field {
					continue
				}
				switch tt.record {
				case whole:
					found = found || (p.PatientKey == "" && p.RecordKey == "")
				case patient:
					found = found || (p.PatientKey != "" && p.RecordKey == "")
				default:
					found = found || p.RecordKey == tt.record
				}
			}
			if !found {
				t.Errorf("no problem on %s (%s); got %v", tt.field, tt.record, problems)
			}
		})
	}
}

// TestCheckSkipsDeletedContent: a delete carries no content ("NA"), so an
// emptied record can still be deleted.
func TestCheckSkipsDeletedContent(t *testing.T) {
	u := fixtureUpload(DomainAllergy)
	a := allergyOf(&u)
	*a = Allergy{Record: a.Record}
	a.TxType, a.DeleteReason = TxDelete, "Duplicate"
	if ps := Check(u.inst, u.domain, u.mode, u.items); len(ps) != 0 {
		t.Errorf("problems on a delete: %v", ps)
	}
}

func TestHKIDProblemSaysTheExpectedDigit(t *testing.T) {
	u := fixtureUpload(DomainAllergy)
	patientOf(&u).DocNo = "A123456(4)"
	ps := Check(u.inst, u.domain, u.mode, u.items)
	if len(ps) != 1 || !strings.Contains(ps[0].Reason, "A123456(3)") || !strings.Contains(ps[0].ReasonZH, "A123456(3)") {
		t.Errorf("problems = %v", ps)
	}
}
