package sharing

import (
	"context"
	"errors"
	"fmt"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// The personal identification domain (PID, provisional: no eHealth guide covers it yet) is the
// patient's own record in the master index: eHR number, identity document, names, sex and date
// of birth. Its outbox rows come from triggers on the patients table (migration 0004).

const patientsTable = "patients"

// PersonalKey is the record key of a patient's personal identification record.
func PersonalKey(patientID int64) string {
	return outbox.Key(string(ehrss.DomainPersonal), patientsTable, patientID)
}

// patientOfKey is the patient id in a PID record key.
func patientOfKey(key string) (int64, bool) {
	d, table, id, ok := outbox.ParseKey(key)
	return id, ok && d == string(ehrss.DomainPersonal) && table == patientsTable
}

// PatientURL is the patient's page; EditPatientURL where their details are corrected.
func PatientURL(id int64) string     { return fmt.Sprintf("/patients/%d", id) }
func EditPatientURL(id int64) string { return fmt.Sprintf("/patients/%d/edit", id) }

// PracticeURL is where the clinic's eHealth provider id and names are set.
const PracticeURL = "/admin/practice"

// docTypeForEHealth maps the master index's document types to eHealth's codes. Provisional:
// a Mainland exit-entry permit travels as eHealth's two-way permit ("TW"); a passport becomes
// the overseas travel document ("OP") in the mapping itself; "OTHER" has no eHealth code, and
// the check before sending holds the patient back with a reason.
var docTypeForEHealth = map[string]string{patients.DocExitEntry: "TW"}

// identity is the patient as eHealth identifies them.
func identity(p patients.Patient) ehrss.Patient {
	docType := p.Doc.Type
	if t, ok := docTypeForEHealth[docType]; ok {
		docType = t
	}
	return ehrss.Patient{
		RecordKey:    PersonalKey(p.ID),
		EHRNo:        p.EHealth.EHRNo,
		DocType:      docType,
		DocNo:        p.Doc.Number,
		DocCountry:   p.Doc.Country,
		SurnameEN:    p.SurnameEN,
		GivenNameEN:  p.GivenNameEN,
		NameZH:       p.NameZH,
		Sex:          p.Sex,
		DOB:          p.DOB.String(),
		DOBPrecision: p.DOB.Precision(),
	}
}

// personalLoader reads PID records from the patient master index.
type personalLoader struct{}

func (personalLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	p, err := patients.Get(ctx, db.R, patientID)
	if errors.Is(err, clinic.ErrNotFound) || (err == nil && p.Merged()) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []string{PersonalKey(patientID)}, nil
}

func (personalLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		id, ok := patientOfKey(k)
		if !ok {
			continue
		}
		p, err := patients.Get(ctx, db.R, id)
		if errors.Is(err, clinic.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if p.Merged() {
			// The duplicate's identity record goes; its records follow the survivor.
			out[k] = Loaded{PatientID: id, Deleted: true, DeleteReason: "Duplicate registration merged into another patient record",
				FixURL: PatientURL(id)}
			continue
		}
		out[k] = Loaded{
			PatientID: id,
			Item: ehrss.PersonalRecord{
				Record:  ehrss.Record{RecordKey: k, RecordTime: p.UpdatedAt, CreatedTime: p.CreatedAt},
				Patient: identity(p),
			},
			FixURL: EditPatientURL(id),
		}
	}
	return out, nil
}

func init() { RegisterDomain(ehrss.DomainPersonal, personalLoader{}) }
