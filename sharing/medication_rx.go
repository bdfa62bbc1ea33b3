package sharing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/prescribing"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// The medication domain (MED, provisional: no eHealth guide covers it yet) holds the items
// prescribed in a visit. clinic/prescribing writes their outbox rows when an item is prescribed
// (an insert), handed over or returned (an update: the status and the quantity out change) and
// cancelled (a delete, with the reason). An item goes as prescribed ("active") and, once handed
// over in full, as "completed" with what was handed over.

const prescriptionItemsTable = "prescription_items"

var rxStatus = map[string]string{prescribing.StatusPrescribed: "active", prescribing.StatusDispensed: "completed"}

type medicationLoader struct{}

func (medicationLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id FROM prescription_items WHERE patient_id = ? ORDER BY id`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, prescribing.ItemKey(id))
	}
	return out, rows.Err()
}

func (medicationLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(ehrss.DomainMedication) || table != prescriptionItemsTable {
			continue
		}
		it, err := prescribing.GetItem(ctx, db.R, id)
		if errors.Is(err, clinic.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		rec := ehrss.Record{RecordKey: k, CreatedTime: it.CreatedAt, RecordTime: it.CreatedAt}
		if it.DispensedAt.After(rec.RecordTime) {
			rec.RecordTime = it.DispensedAt
		}
		fix := fmt.Sprintf("/visits/%d", it.VisitID)
		inError, errorReason := false, ""
		if v, err := visits.Get(ctx, db.R, it.VisitID); err == nil {
			inError, errorReason = v.InError(), v.ErrorReason
			if v.UpdatedAt.After(rec.RecordTime) && it.Status == prescribing.StatusCancelled {
				rec.RecordTime = v.UpdatedAt
			}
			if !v.InError() {
				rec.EncounterKey = v.EpisodeNo
				if day, err := time.ParseInLocation(time.DateOnly, v.Date, hongKong); err == nil {
					rec.EncounterDate = day
				}
			}
		} else if !errors.Is(err, clinic.ErrNotFound) {
			return nil, err
		}
		en, _ := it.Directions()
		item := ehrss.MedicationRecord{
			Record: rec, Status: rxStatus[it.Status], DrugCode: it.Drug.LocalCode, DrugDesc: it.Drug.Label(),
			RPPNo: it.Drug.RPPNo, Directions: en, Quantity: it.Quantity, Dispensed: it.Dispensed,
			Unit: it.Drug.DispensingUnit, Prescriber: it.PrescribedBy, AuthoredOn: it.CreatedAt, HandedOver: it.DispensedAt,
		}
		loaded := Loaded{PatientID: it.PatientID, Deleted: it.Status == prescribing.StatusCancelled,
			DeleteReason: it.CancelReason, Item: item, FixURL: fix}
		if inError {
			// The visit was opened in error (on the wrong patient, say): its prescriptions are
			// withdrawn with it.
			loaded.Deleted, loaded.DeleteReason = true, errorReason
		}
		out[k] = loaded
	}
	return out, nil
}

func init() { RegisterDomain(ehrss.DomainMedication, medicationLoader{}) }

// buildProvisional groups the medication, summary or referral jobs by patient and builds them.
func (st *runState) buildProvisional(domain ehrss.Domain, mode ehrss.UploadMode, js []*job) ([]*fhir.Bundle, []ehrss.Problem, error) {
	idx := map[int64]int{}
	if domain == ehrss.DomainMedication {
		var pms []ehrss.PatientMedications
		for _, j := range js {
			i, ok := idx[j.under]
			if !ok {
				i = len(pms)
				idx[j.under] = i
				pms = append(pms, ehrss.PatientMedications{Patient: j.identity})
			}
			pms[i].Medications = append(pms[i].Medications, j.item.(ehrss.MedicationRecord))
		}
		return ehrss.BuildMedicationChecked(st.inst, mode, pms, st.now())
	}
	var pds []ehrss.PatientDocuments
	for _, j := range js {
		i, ok := idx[j.under]
		if !ok {
			i = len(pds)
			idx[j.under] = i
			pds = append(pds, ehrss.PatientDocuments{Patient: j.identity})
		}
		pds[i].Documents = append(pds[i].Documents, j.item.(ehrss.DocumentRecord))
	}
	return ehrss.BuildDocumentChecked(st.inst, domain, mode, pds, st.now())
}
