package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/terms"
)

// Problem states: a long-term condition is active until resolved; a wrong entry is withdrawn.
const (
	ProblemActive   = "active"
	ProblemResolved = "resolved"
)

// Problem is one entry of the patient's problem list, carried from visit to visit.
type Problem struct {
	ID          int64
	PatientID   int64
	TermID      int64
	Code        string
	TextEN      string
	TextZH      string
	Status      string
	Since       string // YYYY-MM-DD or ""
	ResolvedOn  string
	VisitID     int64
	ErrorReason string
	UpdatedAt   time.Time
}

func addProblem(ctx context.Context, tx *sql.Tx, patientID, visitID int64, t terms.Term, since string, by audit.Actor) (int64, error) {
	// The same coded condition twice on the list helps nobody: an active one is kept as it is.
	if t.ID != 0 {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM problems WHERE patient_id = ? AND term_id = ? AND status = 'active'`,
			patientID, t.ID).Scan(&id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return 0, err
		}
	}
	ts := now()
	res, err := tx.ExecContext(ctx, `INSERT INTO problems (patient_id, term_id, code, text_en, text_zh, status, since,
		visit_id, created_at, created_by, updated_at) VALUES (?, NULLIF(?,0), ?, ?, ?, 'active', ?, NULLIF(?,0), ?, NULLIF(?,0), ?)`,
		patientID, t.ID, t.Code, t.NameEN, t.NameZH, since, visitID, ts, by.UserID, ts)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	return id, audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "problem", fmt.Sprint(id), patientID, "problem list: "+t.NameEN))
}

// AddProblem puts a condition on a patient's problem list directly (from the chart).
func AddProblem(ctx context.Context, db *store.DB, patientID int64, in CodedInput, since string, by audit.Actor) (int64, error) {
	if since != "" {
		if _, err := time.Parse(time.DateOnly, since); err != nil {
			return 0, clinic.Invalid("since", "error.visit.date")
		}
	}
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM patients WHERE id = ?`, patientID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return clinic.ErrNotFound
		}
		t, err := resolve(ctx, tx, terms.Diagnosis, in)
		if err != nil {
			return err
		}
		id, err = addProblem(ctx, tx, patientID, 0, t, since, by)
		return err
	})
	return id, err
}

// SetProblemStatus resolves a problem, makes it active again, or (with a reason) withdraws it.
func SetProblemStatus(ctx context.Context, db *store.DB, patientID, id int64, status, reason, day string, by audit.Actor) error {
	if status == StatusEnteredInError {
		r, err := checkReason(reason)
		if err != nil {
			return err
		}
		reason = r
	} else if status != ProblemActive && status != ProblemResolved {
		return clinic.Invalid("status", "error.visit.problem_status")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT status FROM problems WHERE id = ? AND patient_id = ?`, id, patientID).Scan(&cur)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		if cur == StatusEnteredInError {
			return clinic.Invalid("status", "error.visit.locked")
		}
		resolved := ""
		if status == ProblemResolved {
			resolved = day
		}
		if _, err := tx.ExecContext(ctx, `UPDATE problems SET status = ?, resolved_on = ?, error_reason = ?, updated_at = ?
			WHERE id = ?`, status, resolved, reason, now(), id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "problem", fmt.Sprint(id), patientID,
			fmt.Sprintf("problem %s -> %s %s", cur, status, reason)))
	})
}

// Problems lists a patient's problem list: active first, then resolved; withdrawn ones are left
// out.
func Problems(ctx context.Context, q Querier, patientID int64) ([]Problem, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, patient_id, COALESCE(term_id,0), code, text_en, text_zh, status, since,
		resolved_on, COALESCE(visit_id,0), error_reason, updated_at FROM problems
		WHERE patient_id = ? AND status IN ('active','resolved') ORDER BY status, since DESC, id DESC`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Problem
	for rows.Next() {
		var p Problem
		var at string
		if err := rows.Scan(&p.ID, &p.PatientID, &p.TermID, &p.Code, &p.TextEN, &p.TextZH, &p.Status, &p.Since,
			&p.ResolvedOn, &p.VisitID, &p.ErrorReason, &at); err != nil {
			return nil, err
		}
		p.UpdatedAt = parseTime(at)
		out = append(out, p)
	}
	return out, rows.Err()
}
