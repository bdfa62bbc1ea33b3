package ehrss

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// FuzzBuildBundle feeds odd values into every field that the builders
// parse or copy, for every domain: Check, BuildBundles and BuildChecked must
// not panic, and whatever is built must marshal.
func FuzzBuildBundle(f *testing.F) {
	f.Add(uint8(0), "A123456(3)", "1980-05", "M", "21", "3.5", "2024-02-20", "AL-1", "I", int64(0), uint8(1))
	f.Add(uint8(1), "AB987654(3)", "1975", "Y", "s2", "abc", "2024-02", "", "U", int64(-1), uint8(2))
	f.Add(uint8(5), "", "", "", "", "", "", "KEY.WITH.DOTS", "D", int64(1<<40), uint8(3))
	f.Add(uint8(6), "陳大文", "1980-02-30", "X", "<", "-0.0", "9999-99-99", strings.Repeat("k", 60), "", int64(7), uint8(0))
	f.Add(uint8(3), " a1234563 ", "0000-01-01", "D", ">", "1e400", "2024-02-29", "\x00", "D", int64(42), uint8(9))
	f.Fuzz(func(t *testing.T, domainIdx uint8, docNo, dob, prec, code, value, date, key, tx string, secs int64, typ uint8) {
		all := []Domain{DomainAllergy, DomainADR, DomainImmunisation, DomainProblem, DomainProcedure, DomainLabGeneral, DomainLabAP, DomainReferral}
		domain := all[int(domainIdx)%len(all)]
		mode := ModeIncremental
		if domain == DomainLabGeneral || domain == DomainLabAP {
			mode = ModeNonBulk
		}
		at := time.Unix(secs, 0)
		r := Record{RecordKey: key, TxType: TxType(tx), RecordTime: at, CreatedTime: at, EncounterKey: code, EncounterDate: at, DeleteReason: value}
		p := Patient{RecordKey: key, EHRNo: docNo, DocType: code, DocNo: docNo, SurnameEN: docNo, GivenNameEN: value, Sex: prec, DOB: dob, DOBPrecision: prec}
		lab := LabCommon{
			Record: r, RequestNo: key, CategoryCode: code, Status: code, PanelDesc: value, ReferenceTime: at,
			PDF: []byte(value), PDFName: key, LabName: value, AuthorisedByZH: docNo, Specimen: &LabSpecimen{LocalDesc: value, Terminology: code, TermCode: code},
		}
		pr := PatientRecords{
			Patient: p,
			Allergies: []Allergy{{Record: r, AllergenDesc: value, Terminology: code, TermCode: value, Severity: code, Certainty: code,
				AllergenType: code, Reactions: []Reaction{{Code: code, Desc: value}}, Onset: date, Remarks: value}},
			Diagnoses:     []Diagnosis{{Record: r, DescZH: value, Terminology: code, TermCode: code, Status: code, Onset: date, CancelReason: value}},
			Procedures:    []Procedure{{Record: r, Desc: value, Terminology: "ICPC2", TermCode: code}},
			Immunisations: []Immunisation{{Record: r, VaccineDesc: value, Date: date, Site: code, Route: code, GivenElsewhere: typ%2 == 0, Provider: code, Premises: value}},
			LabResults: []LabResult{{LabCommon: lab, Tests: []LabTest{{LocalDesc: value, Type: LabResultType(typ), Value: value,
				DetectionLimit: code, Abnormal: code, Terminology: code, TermCode: code}}}},
			LabReports: []LabReport{{LabCommon: lab, TestName: value, Diagnoses: []APDiagnosis{{Title: value, Text: value,
				Topography: &APTerm{TermCode: code}, Findings: []APTerm{{TermCode: value, LocalDesc: code}}}},
				Details: []APDetail{{TitleCode: code, Content: value}}}},
		}
		items := []PatientRecords{pr, pr}
		inst := Institution{ID: docNo, NameEN: value, NameZH: code}

		_ = Check(inst, domain, mode, items)
		bundles, err := BuildBundles(inst, domain, mode, items, at)
		if err == nil {
			for _, b := range bundles {
				if _, err := json.Marshal(b); err != nil {
					t.Fatalf("built bundle does not marshal: %v", err)
				}
			}
		}
		if checked, _, err := BuildChecked(inst, domain, mode, items, at); err == nil {
			for _, b := range checked {
				if _, err := json.Marshal(b); err != nil {
					t.Fatalf("checked bundle does not marshal: %v", err)
				}
			}
		}
	})
}
