package ehrss

import (
	"strings"
	"testing"
	"time"
)

// The provisional clinical domains' checks: a record that breaks one is held back with its
// reason and the others still go; a bad upload mode or domain is refused outright.
func TestProvisionalClinicalChecks(t *testing.T) {
	at := testNow.Add(-time.Hour)
	rec := func(key string) Record {
		return Record{RecordKey: key, TxType: TxInsert, RecordTime: at, CreatedTime: at}
	}
	good := MedicationRecord{Record: rec("OR-MED-prescription_items-1"), Status: "active", DrugDesc: "Amoxil 500 mg", AuthoredOn: at, Quantity: 15, Unit: "cap"}
	pdf := []byte("%PDF-1.4\n%%EOF\n")
	gooddoc := DocumentRecord{Record: rec("OR-CLN-documents-1"), Kind: "visit_summary", Number: "VS-2026-000001", Language: "en", Issued: at, PDF: pdf}
	tests := []struct {
		name  string
		med   *MedicationRecord
		doc   *DocumentRecord
		field string
	}{
		{"no drug", &MedicationRecord{Record: rec("OR-MED-prescription_items-2"), Status: "active", AuthoredOn: at}, nil, "DrugDesc"},
		{"unknown status", &MedicationRecord{Record: rec("OR-MED-prescription_items-2"), Status: "draft", DrugDesc: "X", AuthoredOn: at}, nil, "Status"},
		{"no prescribing time", &MedicationRecord{Record: rec("OR-MED-prescription_items-2"), Status: "active", DrugDesc: "X"}, nil, "AuthoredOn"},
		{"not a pdf", nil, &DocumentRecord{Record: rec("OR-CLN-documents-2"), Kind: "visit_summary", Number: "VS-1", Issued: at, PDF: []byte("hello")}, "PDF"},
		{"no pdf", nil, &DocumentRecord{Record: rec("OR-CLN-documents-2"), Kind: "visit_summary", Number: "VS-1", Issued: at}, "PDF"},
		{"unknown kind", nil, &DocumentRecord{Record: rec("OR-CLN-documents-2"), Kind: "sick_leave", Number: "SL-1", Issued: at, PDF: pdf}, "Kind"},
		{"no number", nil, &DocumentRecord{Record: rec("OR-CLN-documents-2"), Kind: "visit_summary", Issued: at, PDF: pdf}, "Number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n int
			var problems []Problem
			var err error
			if tc.med != nil {
				bs, ps, e := BuildMedicationChecked(testInstitution(), ModeIncremental, []PatientMedications{{Patient: testPatient(), Medications: []MedicationRecord{good, *tc.med}}}, testNow)
				n, problems, err = len(bs), ps, e
				if err == nil && n == 1 {
					if keys, _ := BundleRecords(bs[0]); len(keys) != 1 || keys[0] != good.RecordKey {
						t.Errorf("bundle carries %v, want only the good record", keys)
					}
				}
			} else {
				bs, ps, e := BuildDocumentChecked(testInstitution(), DomainSummary, ModeIncremental, []PatientDocuments{{Patient: testPatient(), Documents: []DocumentRecord{gooddoc, *tc.doc}}}, testNow)
				n, problems, err = len(bs), ps, e
				if err == nil && n == 1 {
					if keys, _ := BundleRecords(bs[0]); len(keys) != 1 || keys[0] != gooddoc.RecordKey {
						t.Errorf("bundle carries %v, want only the good record", keys)
					}
				}
			}
			if err != nil || n != 1 {
				t.Fatalf("%d bundles, %v", n, err)
			}
			if len(problems) != 1 || problems[0].Field != tc.field || problems[0].Reason == "" || problems[0].ReasonZH == "" {
				t.Fatalf("problems %+v, want one on %s", problems, tc.field)
			}
		})
	}
	if _, _, err := BuildMedicationChecked(testInstitution(), ModeNonBulk, nil, testNow); err == nil || !strings.Contains(err.Error(), "NBL") {
		t.Errorf("NBL medication upload: %v", err)
	}
	if _, _, err := BuildDocumentChecked(testInstitution(), DomainAllergy, ModeIncremental, nil, testNow); err == nil {
		t.Error("a document bundle for the allergy domain was not refused")
	}
}
