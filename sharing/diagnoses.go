package sharing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// Diagnoses (PROB) and procedures (PX) of the consultation. clinic/visits writes their outbox
// rows in the same transaction as the change. A diagnosis or procedure entered in error, or one
// of a visit entered in error, is loaded as deleted. The encounter is the visit: its episode
// number and date.

// icd10Terminology is the code system name eHealth takes for the clinic's ICD-10 codes (WHO
// 2010 edition, which the starter list follows).
const icd10Terminology = "ICD10-2010"

type diagnosisLoader struct{}

func (diagnosisLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	ids, err := visits.DiagnosesOf(ctx, db.R, patientID)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = visits.DiagnosisKey(id)
	}
	return out, err
}

func (diagnosisLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(ehrss.DomainProblem) || table != "visit_diagnoses" {
			continue
		}
		d, err := visits.GetDiagnosis(ctx, db.R, id)
		if errors.Is(err, clinic.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		v, err := visits.Get(ctx, db.R, d.VisitID)
		if err != nil {
			return nil, err
		}
		item := ehrss.Diagnosis{
			Record:    encounterRecord(k, d.CreatedAt, v),
			LocalCode: d.Code, DescEN: d.TextEN, DescZH: d.TextZH, Principal: d.Principal,
		}
		if d.ICD10 != "" {
			item.Terminology, item.TermCode, item.TermDesc = icd10Terminology, d.ICD10, d.TextEN
		}
		deleted, reason := d.InError() || v.InError(), d.ErrorReason
		if reason == "" {
			reason = v.ErrorReason
		}
		out[k] = Loaded{PatientID: d.PatientID, Deleted: deleted, DeleteReason: reason, Item: item,
			FixURL: fmt.Sprintf("/visits/%d#diagnoses", d.VisitID)}
	}
	return out, nil
}

type procedureLoader struct{}

func (procedureLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	ids, err := visits.ProceduresOf(ctx, db.R, patientID)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = visits.ProcedureKey(id)
	}
	return out, err
}

func (procedureLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(ehrss.DomainProcedure) || table != "visit_procedures" {
			continue
		}
		p, err := visits.GetProcedure(ctx, db.R, id)
		if errors.Is(err, clinic.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		v, err := visits.Get(ctx, db.R, p.VisitID)
		if err != nil {
			return nil, err
		}
		desc := p.TextEN
		if desc == "" {
			desc = p.TextZH
		}
		item := ehrss.Procedure{Record: encounterRecord(k, p.CreatedAt, v), LocalCode: p.Code, Desc: desc}
		if day, err := time.ParseInLocation(time.DateOnly, v.Date, time.UTC); err == nil {
			item.PerformedAt = day
		}
		reason := p.ErrorReason
		if reason == "" {
			reason = v.ErrorReason
		}
		out[k] = Loaded{PatientID: p.PatientID, Deleted: p.InError() || v.InError(), DeleteReason: reason, Item: item,
			FixURL: fmt.Sprintf("/visits/%d#diagnoses", p.VisitID)}
	}
	return out, nil
}

// encounterRecord is the common part of a visit's record: its key, times and the encounter.
func encounterRecord(key string, created time.Time, v visits.Visit) ehrss.Record {
	r := ehrss.Record{RecordKey: key, RecordTime: v.UpdatedAt, CreatedTime: created, EncounterKey: v.EpisodeNo}
	if r.RecordTime.Before(created) {
		r.RecordTime = created
	}
	if day, err := time.Parse(time.DateOnly, v.Date); err == nil {
		r.EncounterDate = day
	}
	return r
}

func init() {
	RegisterDomain(ehrss.DomainProblem, diagnosisLoader{})
	RegisterDomain(ehrss.DomainProcedure, procedureLoader{})
}
