package ehrss

import (
	"testing"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// TestDeletes: a delete carries what each guide's "Delete Scenario" column
// keeps (record key, transaction type, the resource's id, identifier,
// status and patient, the allergy's delete reason) and nothing marked "NA".
func TestDeletes(t *testing.T) {
	for _, f := range allDomainFixtures() {
		f := asDelete(f)
		t.Run(string(f.domain), func(t *testing.T) {
			g := domains[f.domain].Gen
			b := buildOne(t, f.domain, f.mode, f.records)
			e := composition(t, b).Section[0].Entry[0]
			eq(t, "TransactionType", ext(t, e.Extension, g.ext(extTransactionType)).ValueString, "D")
			for _, name := range []string{extRecordCreateInstID, extRecordCreateInstName, extRecordCreateDatetime, extRecordUpdateInstID} {
				if hasExt(e.Extension, g.ext(name)) {
					t.Errorf("delete carries %s", name)
				}
			}
			if len(all[*fhir.Encounter](b)) != 0 || len(all[*fhir.Observation](b)) != 0 {
				t.Error("delete carries an Encounter or Observations")
			}
			target := resolve(t, b, &e)
			switch r := target.(type) {
			case *fhir.AllergyIntolerance:
				eq(t, "clinicalStatus", r.ClinicalStatus.Coding[0].Code, "inactive")
				name := extDeleteAllergyReason
				if f.domain == DomainADR {
					name = extDeleteADRReason
				}
				eq(t, "delete reason", ext(t, r.Extension, g.ext(name)).ValueString, "Entered for the wrong patient")
				eq(t, "identifier", r.Identifier[0].Value, e.Identifier.Value)
				if r.Code != nil || r.Reaction != nil {
					t.Error("delete carries the allergen or reaction")
				}
			case *fhir.Condition:
				eq(t, "identifier", r.Identifier[0].Value, "PROB-1")
				if r.Code != nil || r.ClinicalStatus != nil || r.RecordedDate != "" {
					t.Error("delete carries content")
				}
			case *fhir.Procedure:
				eq(t, "status", r.Status, "completed")
				if r.Code != nil {
					t.Error("delete carries the procedure code")
				}
			case *fhir.Immunization:
				eq(t, "status", r.Status, "completed")
				eq(t, "vaccineCode", ext(t, r.VaccineCode.Extension, urlDataAbsent).ValueCode, "not-applicable")
				eq(t, "occurrence", ext(t, r.OccurrenceAbsent.Extension, urlDataAbsent).ValueCode, "not-applicable")
			case *fhir.DiagnosticReport:
				eq(t, "status", r.Status, "final")
				eq(t, "panel", r.Code.Coding[0].Code, "RFT")
				sr := resolve(t, b, &r.BasedOn[0]).(*fhir.ServiceRequest)
				eq(t, "order number", sr.Identifier[0].Value, "OR1101606192")
				if r.PresentedForm != nil || r.Result != nil || r.Extension != nil || r.Specimen != nil {
					t.Error("delete carries report content")
				}
			default:
				t.Fatalf("delete references a %T", target)
			}
			checkEntries(t, b)
		})
	}
}
