package patients

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// ConsentRecord is one recorded eHealth state of a patient: what was recorded, when and by whom.
type ConsentRecord struct {
	At             time.Time
	EHRNo          string
	Joined         bool
	Consent        string
	ConsentDate    string
	Method         string
	RecordedBy     int64
	RecordedByName string
	Note           string
}

// SetEHealth records the patient's eHealth joining, eHR number and sharing consent (given or
// revoked, with the day and how). The current state is on the patient; every change is also
// kept in the consent history, which the sharing adapter reads to decide what it may upload.
// Recording the same state again writes nothing.
func SetEHealth(ctx context.Context, db *store.DB, patientID int64, in EHealthInput, actor audit.Actor) error {
	if errs := in.validate(); len(errs) > 0 {
		return errs
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		p, err := get(ctx, tx, patientID)
		if err != nil {
			return err
		}
		if p.Merged() {
			return mergedError(ctx, tx, p)
		}
		e := p.EHealth
		if e.EHRNo == in.EHRNo && e.Joined == in.Joined && e.Consent == in.Consent && e.ConsentDate == in.ConsentDate &&
			e.ConsentMethod == in.Method {
			return nil
		}
		ts := now()
		if _, err := tx.ExecContext(ctx, `UPDATE patients SET ehr_no=NULLIF(?,''), ehealth_joined=?, consent=?, consent_date=?,
			consent_method=?, consent_by=NULLIF(?,0), consent_by_name=?, version=version+1, updated_at=? WHERE id=?`,
			in.EHRNo, in.Joined, in.Consent, in.ConsentDate, in.Method, actor.UserID, actor.Username, ts, patientID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO patient_consents (patient_id, at, ehr_no, joined, consent, consent_date,
			method, recorded_by, recorded_by_name, note) VALUES (?,?,?,?,?,?,?,NULLIF(?,0),?,?)`,
			patientID, ts, in.EHRNo, in.Joined, in.Consent, in.ConsentDate, in.Method, actor.UserID, actor.Username, in.Note); err != nil {
			return err
		}
		detail := fmt.Sprintf("eHealth: joined=%v consent=%s", in.Joined, in.Consent)
		if in.Consent != ConsentNone {
			detail += fmt.Sprintf(" on %s", in.ConsentDate)
		}
		if in.Method != "" {
			detail += " by " + in.Method
		}
		if in.EHRNo != e.EHRNo {
			detail += "; eHR number changed"
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "patient", fmt.Sprint(patientID), patientID, detail))
	})
}

// ConsentHistory returns every recorded eHealth state of a patient, newest first.
func ConsentHistory(ctx context.Context, db *sql.DB, patientID int64) ([]ConsentRecord, error) {
	rows, err := db.QueryContext(ctx, `SELECT at, ehr_no, joined, consent, consent_date, method, COALESCE(recorded_by,0),
		recorded_by_name, note FROM patient_consents WHERE patient_id = ? ORDER BY id DESC`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConsentRecord
	for rows.Next() {
		var c ConsentRecord
		var at string
		if err := rows.Scan(&at, &c.EHRNo, &c.Joined, &c.Consent, &c.ConsentDate, &c.Method, &c.RecordedBy,
			&c.RecordedByName, &c.Note); err != nil {
			return nil, err
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// ConsentOn reports the sharing consent in force at a given instant, from the history: the
// sharing adapter uses it to decide whether a record written then could be shared.
func ConsentOn(history []ConsentRecord, at time.Time) string {
	for _, c := range history { // newest first
		if !c.At.After(at) {
			return c.Consent
		}
	}
	return ConsentNone
}
