// Package documents keeps what a visit issued on paper: sick leave and attendance certificates,
// referral letters, visit summaries. Each is numbered ("SL-2026-000012") and its PDF is stored
// as first printed, with a second rendering stamped COPY, so that every reprint is the same
// document, marked as a copy; each print is audited.
package documents

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

func init() { patients.RegisterOwnedTable("documents", "patient_id") }

// Kinds of document, and the letters their numbers start with.
const (
	SickLeave    = "sick_leave"
	Attendance   = "attendance"
	Referral     = "referral"
	VisitSummary = "visit_summary"
)

// Kinds in the order the visit page offers them.
var Kinds = []string{SickLeave, Attendance, Referral, VisitSummary}

var prefixes = map[string]string{SickLeave: "SL", Attendance: "AC", Referral: "RF", VisitSummary: "VS"}

// Document is one issued document.
type Document struct {
	ID          int64
	VisitID     int64
	PatientID   int64
	Kind        string
	Number      string
	Language    string // en, zh, both
	Details     map[string]string
	Prints      int
	CreatedAt   time.Time
	CreatedBy   int64
	CreatedName string
}

// Rendering makes the original and the copy of a document once its number is known.
type Rendering func(number string) (original, copy []byte, err error)

// Issue numbers a document, renders it, stores both PDFs and audits the first print, all in
// one transaction: a number is never handed out for a document that was not stored.
func Issue(ctx context.Context, db *store.DB, d Document, year int, render Rendering, by audit.Actor) (Document, []byte, error) {
	prefix, ok := prefixes[d.Kind]
	if !ok {
		return d, nil, clinic.Invalid("kind", "error.documents.kind")
	}
	if d.Language != "en" && d.Language != "zh" && d.Language != "both" {
		return d, nil, clinic.Invalid("language", "error.documents.language")
	}
	details, err := json.Marshal(d.Details)
	if err != nil {
		return d, nil, err
	}
	var original []byte
	err = db.Write(ctx, func(tx *sql.Tx) error {
		var n int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO document_number_seq (kind, year, last) VALUES (?, ?, 1)
			ON CONFLICT (kind, year) DO UPDATE SET last = last + 1 RETURNING last`, d.Kind, year).Scan(&n); err != nil {
			return err
		}
		d.Number = fmt.Sprintf("%s-%04d-%06d", prefix, year, n)
		orig, cp, err := render(d.Number)
		if err != nil {
			return err
		}
		original = orig
		ts := time.Now().UTC()
		res, err := tx.ExecContext(ctx, `INSERT INTO documents (visit_id, patient_id, kind, number, language, details, pdf,
			pdf_copy, prints, created_at, created_by, created_name) VALUES (NULLIF(?,0), ?, ?, ?, ?, ?, ?, ?, 1, ?, NULLIF(?,0), ?)`,
			d.VisitID, d.PatientID, d.Kind, d.Number, d.Language, string(details), orig, cp, ts.Format(time.RFC3339Nano),
			by.UserID, d.CreatedName)
		if err != nil {
			return err
		}
		d.ID, _ = res.LastInsertId()
		d.Prints, d.CreatedAt, d.CreatedBy = 1, ts, by.UserID
		if err := share(ctx, tx, d); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionPrint, "document", fmt.Sprint(d.ID), d.PatientID,
			fmt.Sprintf("issued %s %s", d.Kind, d.Number)))
	})
	return d, original, err
}

// Reprint returns the stored copy and audits the print.
func Reprint(ctx context.Context, db *store.DB, id int64, by audit.Actor) (Document, []byte, error) {
	var d Document
	var pdf []byte
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = get(ctx, tx, id); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT pdf_copy FROM documents WHERE id = ?`, id).Scan(&pdf); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET prints = prints + 1 WHERE id = ?`, id); err != nil {
			return err
		}
		d.Prints++
		return audit.Append(ctx, tx, by.Entry(audit.ActionPrint, "document", fmt.Sprint(id), d.PatientID,
			fmt.Sprintf("reprinted %s %s (copy)", d.Kind, d.Number)))
	})
	return d, pdf, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const columns = `id, COALESCE(visit_id,0), patient_id, kind, number, language, details, prints, created_at,
	COALESCE(created_by,0), created_name`

func scan(row interface{ Scan(...any) error }) (Document, error) {
	var d Document
	var details, at string
	if err := row.Scan(&d.ID, &d.VisitID, &d.PatientID, &d.Kind, &d.Number, &d.Language, &details, &d.Prints, &at,
		&d.CreatedBy, &d.CreatedName); err != nil {
		return d, err
	}
	_ = json.Unmarshal([]byte(details), &d.Details)
	d.CreatedAt, _ = time.Parse(time.RFC3339Nano, at)
	return d, nil
}

func get(ctx context.Context, q querier, id int64) (Document, error) {
	d, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM documents WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, clinic.ErrNotFound
	}
	return d, err
}

// Get returns one document without its PDFs.
func Get(ctx context.Context, q querier, id int64) (Document, error) { return get(ctx, q, id) }

// ForVisit lists a visit's documents, the first first.
func ForVisit(ctx context.Context, q querier, visitID int64) ([]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM documents WHERE visit_id = ? ORDER BY id`, visitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
