package sharing

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// The loaders hand records over as values of the ehrss input types; these helpers reach the
// Record every one of them carries, so that the rest of the adapter need not know the domain.

// recordOf returns the item's Record, or false for a type the mapping does not take.
func recordOf(item any) (ehrss.Record, bool) {
	switch v := item.(type) {
	case ehrss.Allergy:
		return v.Record, true
	case ehrss.Diagnosis:
		return v.Record, true
	case ehrss.Procedure:
		return v.Record, true
	case ehrss.Immunisation:
		return v.Record, true
	case ehrss.LabResult:
		return v.Record, true
	case ehrss.LabReport:
		return v.Record, true
	case ehrss.PersonalRecord:
		return v.Record, true
	case ehrss.EncounterRecord:
		return v.Record, true
	case ehrss.MedicationRecord:
		return v.Record, true
	case ehrss.DocumentRecord:
		return v.Record, true
	}
	return ehrss.Record{}, false
}

// withRecord returns the item with its Record replaced.
func withRecord(item any, r ehrss.Record) any {
	switch v := item.(type) {
	case ehrss.Allergy:
		v.Record = r
		return v
	case ehrss.Diagnosis:
		v.Record = r
		return v
	case ehrss.Procedure:
		v.Record = r
		return v
	case ehrss.Immunisation:
		v.Record = r
		return v
	case ehrss.LabResult:
		v.Record = r
		return v
	case ehrss.LabReport:
		v.Record = r
		return v
	case ehrss.PersonalRecord:
		v.Record = r
		return v
	case ehrss.EncounterRecord:
		v.Record = r
		return v
	case ehrss.MedicationRecord:
		v.Record = r
		return v
	case ehrss.DocumentRecord:
		v.Record = r
		return v
	}
	return item
}

// emptyItem is a record of the domain with nothing but its Record: what a delete sends when
// the record itself is gone (every guide marks a delete's content "NA").
func emptyItem(domain ehrss.Domain, r ehrss.Record) any {
	switch domain {
	case ehrss.DomainAllergy, ehrss.DomainADR:
		return ehrss.Allergy{Record: r}
	case ehrss.DomainProblem:
		return ehrss.Diagnosis{Record: r}
	case ehrss.DomainProcedure:
		return ehrss.Procedure{Record: r}
	case ehrss.DomainImmunisation:
		return ehrss.Immunisation{Record: r}
	case ehrss.DomainLabGeneral:
		return ehrss.LabResult{LabCommon: ehrss.LabCommon{Record: r}}
	case ehrss.DomainLabAP:
		return ehrss.LabReport{LabCommon: ehrss.LabCommon{Record: r}}
	case ehrss.DomainPersonal:
		return ehrss.PersonalRecord{Record: r}
	case ehrss.DomainEncounter:
		return ehrss.EncounterRecord{Record: r}
	case ehrss.DomainMedication:
		return ehrss.MedicationRecord{Record: r}
	case ehrss.DomainSummary:
		return ehrss.DocumentRecord{Record: r, Kind: "visit_summary"}
	case ehrss.DomainReferral:
		return ehrss.DocumentRecord{Record: r, Kind: "referral"}
	}
	return nil
}

// appendItem adds the item to the patient's records of its kind.
func appendItem(pr *ehrss.PatientRecords, item any) error {
	switch v := item.(type) {
	case ehrss.Allergy:
		pr.Allergies = append(pr.Allergies, v)
	case ehrss.Diagnosis:
		pr.Diagnoses = append(pr.Diagnoses, v)
	case ehrss.Procedure:
		pr.Procedures = append(pr.Procedures, v)
	case ehrss.Immunisation:
		pr.Immunisations = append(pr.Immunisations, v)
	case ehrss.LabResult:
		pr.LabResults = append(pr.LabResults, v)
	case ehrss.LabReport:
		pr.LabReports = append(pr.LabReports, v)
	default:
		return fmt.Errorf("sharing: %T is not a record the eHRSS mapping takes", item)
	}
	return nil
}

// contentHash is the SHA-256 of what the record says, leaving out its transaction type and
// times: a record saved again unchanged, or a patient whose consent alone changed, needs no
// update in eHealth.
func contentHash(item any) string {
	r, ok := recordOf(item)
	if !ok {
		return ""
	}
	r.TxType, r.RecordTime, r.CreatedTime, r.DeleteReason = "", time.Time{}, time.Time{}, ""
	data, err := json.Marshal(withRecord(item, r))
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// fits reports whether an item is of the type the domain's bundles are built from.
func fits(domain ehrss.Domain, item any) bool {
	switch item.(type) {
	case ehrss.Allergy:
		return domain == ehrss.DomainAllergy || domain == ehrss.DomainADR
	case ehrss.Diagnosis:
		return domain == ehrss.DomainProblem
	case ehrss.Procedure:
		return domain == ehrss.DomainProcedure
	case ehrss.Immunisation:
		return domain == ehrss.DomainImmunisation
	case ehrss.LabResult:
		return domain == ehrss.DomainLabGeneral
	case ehrss.LabReport:
		return domain == ehrss.DomainLabAP
	case ehrss.PersonalRecord:
		return domain == ehrss.DomainPersonal
	case ehrss.EncounterRecord:
		return domain == ehrss.DomainEncounter
	case ehrss.MedicationRecord:
		return domain == ehrss.DomainMedication
	case ehrss.DocumentRecord:
		return domain == ehrss.DomainSummary || domain == ehrss.DomainReferral
	}
	return false
}
