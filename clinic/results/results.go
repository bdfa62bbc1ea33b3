// Package results keeps investigation results: entered by hand (test, value, unit, reference
// range, abnormal flag, date, laboratory) or as a report file (PDF, JPEG, PNG). Files are kept in
// the practice's attachment folder under their SHA-256, which the backups include, so the same
// report uploaded twice is stored once and a file cannot be changed without its name changing.
package results

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Abnormal flags: high, low, abnormal (not a number); "" is within range.
var Flags = []string{"", "H", "L", "A"}

// Result is one result.
type Result struct {
	ID          int64
	PatientID   int64
	VisitID     int64
	Test        string
	Value       string
	ValueNum    float64
	HasNum      bool
	Unit        string
	RefRange    string
	Abnormal    string
	TakenOn     string
	Laboratory  string
	FileID      int64
	Status      string
	ErrorReason string
}

// InError reports whether it was withdrawn.
func (r *Result) InError() bool { return r.Status == "entered_in_error" }

// File is an uploaded report.
type File struct {
	Name string // as uploaded
	Data []byte
}

// Input is the result form.
type Input struct {
	Test, Value, Unit, RefRange, Abnormal, TakenOn, Laboratory string
	File                                                       *File
}

// Store keeps report files in a folder.
type Store struct {
	Dir      string // the practice's attachment folder; files go under results/
	MaxBytes int64
}

var allowed = map[string]string{"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}

// path of a file by its hash: results/ab/abcdef....pdf.
func (s Store) path(sum, ext string) string {
	return filepath.Join(s.Dir, "results", sum[:2], sum+ext)
}

// Open returns a stored file's content and type.
func (s Store) Open(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, id int64) ([]byte, string, error) {
	var sum, mime string
	err := q.QueryRowContext(ctx, `SELECT sha256, mime FROM result_files WHERE id = ?`, id).Scan(&sum, &mime)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", clinic.ErrNotFound
	}
	if err != nil {
		return nil, "", err
	}
	b, err := os.ReadFile(s.path(sum, allowed[mime]))
	if err != nil {
		return nil, "", fmt.Errorf("results: report file %s: %w", sum, err)
	}
	return b, mime, nil
}

func (in *Input) validate() (float64, bool, clinic.ValidationErrors) {
	var errs clinic.ValidationErrors
	for _, p := range []*string{&in.Test, &in.Value, &in.Unit, &in.RefRange, &in.Abnormal, &in.TakenOn, &in.Laboratory} {
		*p = strings.TrimSpace(*p)
	}
	if in.Test == "" && in.File == nil {
		errs = append(errs, clinic.Invalid("test", "error.results.test_required"))
	}
	for _, f := range []struct {
		name, val string
		max       int
	}{{"test", in.Test, 100}, {"value", in.Value, 200}, {"unit", in.Unit, 30}, {"ref_range", in.RefRange, 60}, {"laboratory", in.Laboratory, 100}} {
		if len(f.val) > f.max {
			errs = append(errs, clinic.Invalid(f.name, "error.too_long", f.max))
		}
	}
	ok := false
	for _, f := range Flags {
		ok = ok || in.Abnormal == f
	}
	if !ok {
		errs = append(errs, clinic.Invalid("abnormal", "error.results.flag"))
	}
	if d, err := time.Parse(time.DateOnly, in.TakenOn); err != nil {
		errs = append(errs, clinic.Invalid("taken_on", "error.visit.date"))
	} else if d.After(time.Now().AddDate(0, 0, 1)) {
		errs = append(errs, clinic.Invalid("taken_on", "error.results.future"))
	}
	num, err := strconv.ParseFloat(strings.TrimLeft(in.Value, "<>= "), 64)
	return num, err == nil, errs
}

// Add records a result at a visit, with its report file if one came.
func (s Store) Add(ctx context.Context, db *store.DB, visitID int64, in Input, by audit.Actor) (Result, error) {
	num, hasNum, errs := in.validate()
	var mime string
	if in.File != nil {
		switch {
		case len(in.File.Data) == 0:
			errs = append(errs, clinic.Invalid("file", "error.results.file_empty"))
		case s.MaxBytes > 0 && int64(len(in.File.Data)) > s.MaxBytes:
			errs = append(errs, clinic.Invalid("file", "error.results.file_too_big", s.MaxBytes>>20))
		default:
			mime = http.DetectContentType(in.File.Data)
			if _, ok := allowed[mime]; !ok {
				errs = append(errs, clinic.Invalid("file", "error.results.file_type"))
			}
		}
	}
	if err := errs.Err(); err != nil {
		return Result{}, err
	}
	var sum string
	if in.File != nil {
		h := sha256.Sum256(in.File.Data)
		sum = hex.EncodeToString(h[:])
		// The file is written before the row that names it: a crash leaves at worst a file no
		// row names, never a row without its file.
		p := s.path(sum, allowed[mime])
		if _, err := os.Stat(p); err != nil {
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				return Result{}, err
			}
			tmp := p + ".tmp"
			if err := os.WriteFile(tmp, in.File.Data, 0o600); err != nil {
				return Result{}, err
			}
			if err := os.Rename(tmp, p); err != nil {
				return Result{}, err
			}
		}
	}
	var out Result
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var patientID int64
		var status string
		err := tx.QueryRowContext(ctx, `SELECT patient_id, status FROM visits WHERE id = ?`, visitID).Scan(&patientID, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status == "entered_in_error" {
			return clinic.Invalid("test", "error.visit.withdrawn")
		}
		var fileID int64
		if in.File != nil {
			name := filepath.Base(in.File.Name)
			if len(name) > 200 {
				name = name[:200]
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO result_files (sha256, mime, size, original_name, created_at)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET sha256 = excluded.sha256 RETURNING id`,
				sum, mime, len(in.File.Data), name, now()).Scan(&fileID); err != nil {
				return err
			}
		}
		test := in.Test
		if test == "" {
			test = "report"
		}
		var numArg any
		if hasNum {
			numArg = num
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO results (patient_id, visit_id, test, value, value_num, unit, ref_range,
			abnormal, taken_on, laboratory, file_id, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?,0), ?, NULLIF(?,0))`,
			patientID, visitID, test, in.Value, numArg, in.Unit, in.RefRange, in.Abnormal, in.TakenOn, in.Laboratory, fileID, now(), by.UserID)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "result", fmt.Sprint(id), patientID, "result "+test)); err != nil {
			return err
		}
		out, err = get(ctx, tx, id)
		return err
	})
	return out, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const columns = `id, patient_id, COALESCE(visit_id,0), test, value, value_num, unit, ref_range, abnormal, taken_on,
	laboratory, COALESCE(file_id,0), status, error_reason`

func scan(row interface{ Scan(...any) error }) (Result, error) {
	var r Result
	var num sql.NullFloat64
	err := row.Scan(&r.ID, &r.PatientID, &r.VisitID, &r.Test, &r.Value, &num, &r.Unit, &r.RefRange, &r.Abnormal, &r.TakenOn,
		&r.Laboratory, &r.FileID, &r.Status, &r.ErrorReason)
	r.ValueNum, r.HasNum = num.Float64, num.Valid
	return r, err
}

func get(ctx context.Context, q querier, id int64) (Result, error) {
	r, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM results WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return r, clinic.ErrNotFound
	}
	return r, err
}

func list(ctx context.Context, q querier, where string, args ...any) ([]Result, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM results WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		r, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ForVisit lists the results entered at a visit.
func ForVisit(ctx context.Context, q querier, visitID int64) ([]Result, error) {
	return list(ctx, q, `visit_id = ? ORDER BY taken_on DESC, id DESC`, visitID)
}

// Latest lists a patient's latest result of each test, newest first: the chart's summary.
// It walks the (patient_id, test, taken_on) index once per test.
func Latest(ctx context.Context, q querier, patientID int64, limit int) ([]Result, error) {
	return list(ctx, q, `id IN (SELECT (SELECT r2.id FROM results r2 WHERE r2.patient_id = r.patient_id AND r2.test = r.test
		AND r2.status = 'ok' ORDER BY r2.taken_on DESC, r2.id DESC LIMIT 1) FROM results r WHERE r.patient_id = ? GROUP BY r.test)
		ORDER BY taken_on DESC, id DESC LIMIT ?`, patientID, limit)
}

// Trend lists one test's results for a patient, oldest first.
func Trend(ctx context.Context, q querier, patientID int64, test string) ([]Result, error) {
	return list(ctx, q, `patient_id = ? AND test = ? AND status = 'ok' ORDER BY taken_on, id`, patientID, test)
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// FilePatient is the patient a report file belongs to, for the audit of its viewing.
func FilePatient(ctx context.Context, q querier, fileID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT patient_id FROM results WHERE file_id = ? LIMIT 1`, fileID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, clinic.ErrNotFound
	}
	return id, err
}

// MarkInError withdraws a result of a visit entered by mistake, with the reason; it stays.
func MarkInError(ctx context.Context, db *store.DB, visitID, id int64, reason string, by audit.Actor) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return clinic.Invalid("reason", "error.visit.reason_required")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		r, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.VisitID != visitID || r.InError() {
			return clinic.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `UPDATE results SET status = 'entered_in_error', error_reason = ? WHERE id = ?`, reason, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "result", fmt.Sprint(id), r.PatientID, "entered in error: "+reason))
	})
}
