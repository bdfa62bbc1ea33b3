package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/terms"
)

// Diagnosis is one diagnosis of a visit: a term of the terminology, or free text when nothing
// fits. The term's code and names are copied in, so that a later change to the terminology does
// not rewrite what was diagnosed.
type Diagnosis struct {
	ID          int64
	VisitID     int64
	PatientID   int64
	TermID      int64 // 0 for free text
	Code        string
	ICD10       string
	TextEN      string
	TextZH      string
	Principal   bool
	Status      string // ok, entered_in_error
	ErrorReason string
	CreatedAt   time.Time
}

// InError reports whether it was withdrawn.
func (d *Diagnosis) InError() bool { return d.Status == StatusEnteredInError }

// Procedure is one procedure done in a visit.
type Procedure struct {
	ID          int64
	VisitID     int64
	PatientID   int64
	TermID      int64
	Code        string
	TextEN      string
	TextZH      string
	Status      string
	ErrorReason string
	CreatedAt   time.Time
}

// InError reports whether it was withdrawn.
func (p *Procedure) InError() bool { return p.Status == StatusEnteredInError }

// CodedInput adds a diagnosis or procedure: TermID from the terminology, or FreeText.
type CodedInput struct {
	TermID    int64
	FreeText  string
	Principal bool // diagnoses only
	// AddProblem also puts the diagnosis on the patient's problem list (a long-term condition).
	AddProblem bool
}

const maxFreeText = 300

// resolve turns the input into the term's code and names, or the free text.
func resolve(ctx context.Context, tx *sql.Tx, kind string, in CodedInput) (terms.Term, error) {
	if in.TermID != 0 {
		t, err := terms.Get(ctx, tx, in.TermID)
		if errors.Is(err, clinic.ErrNotFound) || err == nil && t.Kind != kind {
			return t, clinic.Invalid("term", "error.visit.term_unknown")
		}
		return t, err
	}
	text := strings.TrimSpace(in.FreeText)
	switch {
	case text == "":
		return terms.Term{}, clinic.Invalid("term", "error.visit.term_required")
	case len(text) > maxFreeText:
		return terms.Term{}, clinic.Invalid("term", "error.visit.free_text_too_long", maxFreeText)
	}
	return terms.Term{NameEN: text}, nil
}

// visitForChange loads the visit a coded entry is added to: not withdrawn.
func visitForChange(ctx context.Context, tx *sql.Tx, visitID int64) (Visit, error) {
	v, err := Get(ctx, tx, visitID)
	if err != nil {
		return v, err
	}
	if v.InError() {
		return v, clinic.Invalid("term", "error.visit.withdrawn")
	}
	return v, nil
}

// AddDiagnosis records a diagnosis. The first diagnosis of a visit is the principal one unless
// another is already; choosing a new principal makes the old one secondary. Diagnoses may be
// added after signing (a result comes back): each is its own dated entry.
func AddDiagnosis(ctx context.Context, db *store.DB, visitID int64, in CodedInput, by audit.Actor) (Diagnosis, error) {
	var out Diagnosis
	err := db.Write(ctx, func(tx *sql.Tx) error {
		v, err := visitForChange(ctx, tx, visitID)
		if err != nil {
			return err
		}
		t, err := resolve(ctx, tx, terms.Diagnosis, in)
		if err != nil {
			return err
		}
		var hasPrincipal bool
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM visit_diagnoses WHERE visit_id = ? AND principal = 1
			AND status = 'ok')`, visitID).Scan(&hasPrincipal); err != nil {
			return err
		}
		principal := in.Principal || !hasPrincipal
		if principal && hasPrincipal {
			if _, err := tx.ExecContext(ctx, `UPDATE visit_diagnoses SET principal = 0 WHERE visit_id = ? AND principal = 1`, visitID); err != nil {
				return err
			}
		}
		ts := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO visit_diagnoses (visit_id, patient_id, term_id, code, icd10, text_en,
			text_zh, principal, created_at, created_by) VALUES (?, ?, NULLIF(?,0), ?, ?, ?, ?, ?, ?, NULLIF(?,0))`,
			visitID, v.PatientID, t.ID, t.Code, t.ICD10, t.NameEN, t.NameZH, principal, ts, by.UserID)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := share(ctx, tx, DiagnosisKey(id), outbox.Insert, v.PatientID); err != nil {
			return err
		}
		if in.AddProblem {
			if _, err := addProblem(ctx, tx, v.PatientID, visitID, t, v.Date, by); err != nil {
				return err
			}
		}
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "diagnosis", fmt.Sprint(id), v.PatientID,
			fmt.Sprintf("visit %d: %s %s", visitID, t.Code, t.NameEN))); err != nil {
			return err
		}
		out, err = getDiagnosis(ctx, tx, id)
		return err
	})
	return out, err
}

// AddProcedure records a procedure done in the visit.
func AddProcedure(ctx context.Context, db *store.DB, visitID int64, in CodedInput, by audit.Actor) (Procedure, error) {
	var out Procedure
	err := db.Write(ctx, func(tx *sql.Tx) error {
		v, err := visitForChange(ctx, tx, visitID)
		if err != nil {
			return err
		}
		t, err := resolve(ctx, tx, terms.Procedure, in)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO visit_procedures (visit_id, patient_id, term_id, code, text_en, text_zh,
			created_at, created_by) VALUES (?, ?, NULLIF(?,0), ?, ?, ?, ?, NULLIF(?,0))`,
			visitID, v.PatientID, t.ID, t.Code, t.NameEN, t.NameZH, now(), by.UserID)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := share(ctx, tx, ProcedureKey(id), outbox.Insert, v.PatientID); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "procedure", fmt.Sprint(id), v.PatientID,
			fmt.Sprintf("visit %d: %s %s", visitID, t.Code, t.NameEN))); err != nil {
			return err
		}
		out.ID, out.VisitID, out.PatientID, out.TermID, out.Code, out.TextEN, out.TextZH, out.Status =
			id, visitID, v.PatientID, t.ID, t.Code, t.NameEN, t.NameZH, "ok"
		return nil
	})
	return out, err
}

// WithdrawCoded marks a diagnosis ("diagnosis") or procedure ("procedure") of a visit entered
// in error, with the reason; it stays on the record.
func WithdrawCoded(ctx context.Context, db *store.DB, entity string, visitID, id int64, reason string, by audit.Actor) error {
	reason, err := checkReason(reason)
	if err != nil {
		return err
	}
	table := map[string]string{"diagnosis": "visit_diagnoses", "procedure": "visit_procedures"}[entity]
	if table == "" {
		return clinic.ErrNotFound
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		var patientID int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM `+table+` WHERE id = ? AND visit_id = ? AND status = 'ok'`,
			id, visitID).Scan(&patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET status = 'entered_in_error', error_reason = ? WHERE id = ?`,
			reason, id); err != nil {
			return err
		}
		key := DiagnosisKey(id)
		if entity == "procedure" {
			key = ProcedureKey(id)
		}
		if err := share(ctx, tx, key, outbox.Delete, patientID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, entity, fmt.Sprint(id), patientID, "entered in error: "+reason))
	})
}

const diagnosisColumns = `id, visit_id, patient_id, COALESCE(term_id,0), code, icd10, text_en, text_zh, principal, status,
	error_reason, created_at`

func scanDiagnosis(row interface{ Scan(...any) error }) (Diagnosis, error) {
	var d Diagnosis
	var at string
	err := row.Scan(&d.ID, &d.VisitID, &d.PatientID, &d.TermID, &d.Code, &d.ICD10, &d.TextEN, &d.TextZH, &d.Principal,
		&d.Status, &d.ErrorReason, &at)
	d.CreatedAt = parseTime(at)
	return d, err
}

func getDiagnosis(ctx context.Context, q RowQuerier, id int64) (Diagnosis, error) {
	d, err := scanDiagnosis(q.QueryRowContext(ctx, `SELECT `+diagnosisColumns+` FROM visit_diagnoses WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, clinic.ErrNotFound
	}
	return d, err
}

// Diagnoses lists a visit's diagnoses, the principal first, withdrawn ones last.
func Diagnoses(ctx context.Context, q Querier, visitID int64) ([]Diagnosis, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+diagnosisColumns+` FROM visit_diagnoses WHERE visit_id = ?
		ORDER BY status <> 'ok', principal DESC, id`, visitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Diagnosis
	for rows.Next() {
		d, err := scanDiagnosis(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Procedures lists a visit's procedures.
func Procedures(ctx context.Context, q Querier, visitID int64) ([]Procedure, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, visit_id, patient_id, COALESCE(term_id,0), code, text_en, text_zh, status,
		error_reason, created_at FROM visit_procedures WHERE visit_id = ? ORDER BY status <> 'ok', id`, visitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Procedure
	for rows.Next() {
		var p Procedure
		var at string
		if err := rows.Scan(&p.ID, &p.VisitID, &p.PatientID, &p.TermID, &p.Code, &p.TextEN, &p.TextZH, &p.Status,
			&p.ErrorReason, &at); err != nil {
			return nil, err
		}
		p.CreatedAt = parseTime(at)
		out = append(out, p)
	}
	return out, rows.Err()
}

// Sharing with eHealth: diagnoses are problem records (PROB), procedures are PX records; each
// change goes into the outbox in the change's own transaction.

// DiagnosisKey is a diagnosis's record key for eHealth.
func DiagnosisKey(id int64) string { return outbox.Key("PROB", "visit_diagnoses", id) }

// ProcedureKey is a procedure's record key for eHealth.
func ProcedureKey(id int64) string { return outbox.Key("PX", "visit_procedures", id) }

// EncounterKey is a signed visit's record key for eHealth's encounter domain (ENC).
func EncounterKey(id int64) string { return outbox.Key("ENC", "visits", id) }

func share(ctx context.Context, tx *sql.Tx, key string, t outbox.TxType, patientID int64) error {
	dom, _, _, _ := outbox.ParseKey(key)
	return outbox.Record(ctx, tx, outbox.Change{Key: key, Domain: dom, Tx: t, PatientID: patientID,
		Reason: map[bool]string{true: "entered in error"}[t == outbox.Delete]})
}

// withdrawShared tells eHealth that the records of a visit entered in error are gone: its
// coded entries, its prescriptions and its shared documents. The keys of the last two are made
// here as clinic/prescribing and clinic/documents make them (those packages build on this one,
// so it cannot call them).
func withdrawShared(ctx context.Context, tx *sql.Tx, visitID, patientID int64) error {
	for _, q := range []struct {
		sql string
		key func(int64) string
	}{
		{`SELECT id FROM visit_diagnoses WHERE visit_id = ? AND status = 'ok'`, DiagnosisKey},
		{`SELECT id FROM visit_procedures WHERE visit_id = ? AND status = 'ok'`, ProcedureKey},
		{`SELECT id FROM prescription_items WHERE visit_id = ? AND status <> 'cancelled'`,
			func(id int64) string { return outbox.Key("MED", "prescription_items", id) }},
		{`SELECT id FROM documents WHERE visit_id = ? AND kind = 'visit_summary'`,
			func(id int64) string { return outbox.Key("CLN", "documents", id) }},
		{`SELECT id FROM documents WHERE visit_id = ? AND kind = 'referral'`,
			func(id int64) string { return outbox.Key("REF", "documents", id) }},
	} {
		rows, err := tx.QueryContext(ctx, q.sql, visitID)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			if err := share(ctx, tx, q.key(id), outbox.Delete, patientID); err != nil {
				return err
			}
		}
	}
	return nil
}

// DiagnosesOf lists every diagnosis of a patient (withdrawn ones too), for eHealth's keys.
func DiagnosesOf(ctx context.Context, q Querier, patientID int64) ([]int64, error) {
	return ids(ctx, q, `SELECT id FROM visit_diagnoses WHERE patient_id = ? ORDER BY id`, patientID)
}

// EncountersOf lists the visits of a patient eHealth may hold as encounters: every visit that
// was signed, those entered in error since included. A draft is not an encounter yet.
func EncountersOf(ctx context.Context, q Querier, patientID int64) ([]int64, error) {
	return ids(ctx, q, `SELECT id FROM visits WHERE patient_id = ? AND signed_at <> '' ORDER BY id`, patientID)
}

// ProceduresOf lists every procedure of a patient.
func ProceduresOf(ctx context.Context, q Querier, patientID int64) ([]int64, error) {
	return ids(ctx, q, `SELECT id FROM visit_procedures WHERE patient_id = ? ORDER BY id`, patientID)
}

func ids(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// GetDiagnosis returns one diagnosis.
func GetDiagnosis(ctx context.Context, q RowQuerier, id int64) (Diagnosis, error) {
	return getDiagnosis(ctx, q, id)
}

// GetProcedure returns one procedure.
func GetProcedure(ctx context.Context, q RowQuerier, id int64) (Procedure, error) {
	var p Procedure
	var at string
	err := q.QueryRowContext(ctx, `SELECT id, visit_id, patient_id, COALESCE(term_id,0), code, text_en, text_zh, status,
		error_reason, created_at FROM visit_procedures WHERE id = ?`, id).Scan(&p.ID, &p.VisitID, &p.PatientID, &p.TermID,
		&p.Code, &p.TextEN, &p.TextZH, &p.Status, &p.ErrorReason, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return p, clinic.ErrNotFound
	}
	p.CreatedAt = parseTime(at)
	return p, err
}
