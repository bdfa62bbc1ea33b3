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
	"github.com/onramp-hk/onramp/clinic/outbox"
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
	CreatedAt   string

	// What eHealth needs to take a laboratory result (migration 0008); all optional locally.
	RequestID    int64  // the laboratory request the row belongs to; 0 without a request number
	RequestNo    string // as on the laboratory's slip
	Category     string // eHealth laboratory category code
	ReportStatus string // F, P or A
	CollectedAt  string // specimen collection, Hong Kong time "YYYY-MM-DDTHH:MM"

	// What eHealth needs of a pathology report (migration 0009), kept on the request.
	AuthorisedAt string // report authorised, Hong Kong time "YYYY-MM-DDTHH:MM"
	APTestName   string // pathology test name as on the report, e.g. "Surgical Biopsy"
}

// Shareable reports whether the row has everything eHealth requires of a laboratory result. A
// row without it stays in the clinic: nothing is made up to fill the gaps.
func (r *Result) Shareable() bool {
	ok := r.RequestID != 0 && r.RequestNo != "" && r.Category != "" && r.ReportStatus != "" && r.CollectedAt != ""
	if r.Category == Pathology {
		ok = ok && r.AuthorisedAt != "" && r.APTestName != ""
	}
	return ok
}

// InError reports whether it was withdrawn.
func (r *Result) InError() bool { return r.Status == "entered_in_error" }

// Category is a row of eHealth's "Laboratory Category" code table.
type Category struct{ Code, Desc string }

// Categories are the laboratory categories a result can be filed under. The full code table is
// in eHealth's Self-Service Kit, which the project does not hold: only the rows the general
// laboratory guides themselves name are here, so that no code is guessed. Anatomical pathology
// (PATH) is shared in the LABAP domain.
var Categories = []Category{{"CHEM", "Chemical Pathology"}, {Pathology, "Anatomical Pathology"}}

// CategoryDesc is eHealth's description of a category code, "" for an unknown one.
func CategoryDesc(code string) string {
	for _, c := range Categories {
		if c.Code == code {
			return c.Desc
		}
	}
	return ""
}

// ReportStatuses are the report statuses a clinic is given on a laboratory's report, as eHealth
// codes them: final, preliminary, amended ("" is not stated).
var ReportStatuses = []string{"", "F", "P", "A"}

// CollectedLayout is how the specimen collection time is kept and typed (an HTML
// datetime-local field), in Hong Kong time.
const CollectedLayout = "2006-01-02T15:04"

// File is an uploaded report.
type File struct {
	Name string // as uploaded
	Data []byte
}

// Input is the result form.
type Input struct {
	Test, Value, Unit, RefRange, Abnormal, TakenOn, Laboratory string
	File                                                       *File

	// For eHealth: the request number on the laboratory's slip, the category, the report
	// status and the specimen collection time. Optional; all four are needed to share.
	RequestNo, Category, ReportStatus, CollectedAt string

	// For a pathology report (category PATH): when it was authorised and the test name, as
	// printed on it. Kept on the request; needed to share it.
	AuthorisedAt, APTestName string
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
	for _, p := range []*string{&in.Test, &in.Value, &in.Unit, &in.RefRange, &in.Abnormal, &in.TakenOn, &in.Laboratory,
		&in.RequestNo, &in.Category, &in.ReportStatus, &in.CollectedAt, &in.AuthorisedAt, &in.APTestName} {
		*p = strings.TrimSpace(*p)
	}
	if in.Test == "" && in.File == nil {
		errs = append(errs, clinic.Invalid("test", "error.results.test_required"))
	}
	for _, f := range []struct {
		name, val string
		max       int
	}{{"test", in.Test, 100}, {"value", in.Value, 200}, {"unit", in.Unit, 30}, {"ref_range", in.RefRange, 60}, {"laboratory", in.Laboratory, 100}, {"request_no", in.RequestNo, 40},
		{"ap_test_name", in.APTestName, 1000}} {
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
	if in.Category != "" && CategoryDesc(in.Category) == "" {
		errs = append(errs, clinic.Invalid("category", "error.results.category"))
	}
	ok = false
	for _, st := range ReportStatuses {
		ok = ok || in.ReportStatus == st
	}
	if !ok {
		errs = append(errs, clinic.Invalid("report_status", "error.results.report_status"))
	}
	if in.CollectedAt != "" {
		if at, err := time.ParseInLocation(CollectedLayout, in.CollectedAt, hkt); err != nil {
			errs = append(errs, clinic.Invalid("collected_at", "error.results.collected_at"))
		} else if at.After(time.Now().Add(time.Hour)) {
			errs = append(errs, clinic.Invalid("collected_at", "error.results.future"))
		}
	}
	if in.Category != Pathology {
		// Only a pathology report has them; elsewhere they would be kept for no one.
		in.AuthorisedAt, in.APTestName = "", ""
	}
	if in.AuthorisedAt != "" {
		if at, err := time.ParseInLocation(CollectedLayout, in.AuthorisedAt, hkt); err != nil {
			errs = append(errs, clinic.Invalid("authorised_at", "error.results.authorised_at"))
		} else if at.After(time.Now().Add(time.Hour)) {
			errs = append(errs, clinic.Invalid("authorised_at", "error.results.future"))
		}
	}
	if in.Category == Pathology && in.AuthorisedAt != "" && in.APTestName != "" && in.RequestNo == "" {
		// The report's details are kept on the request: without its number they would be lost.
		errs = append(errs, clinic.Invalid("request_no", "error.results.ap_request_no"))
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
		requestID, newRequest, err := requestFor(ctx, tx, patientID, in.RequestNo, in.AuthorisedAt, in.APTestName)
		if err != nil {
			return err
		}
		// Whether eHealth may already hold the record is decided before this row, and the
		// report details it brings, can make earlier rows shareable.
		shared := !newRequest && hadShareable(ctx, tx, requestID, 0, in.Category)
		if err := keepReportDetails(ctx, tx, requestID, in.AuthorisedAt, in.APTestName); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO results (patient_id, visit_id, test, value, value_num, unit, ref_range,
			abnormal, taken_on, laboratory, file_id, created_at, created_by, request_id, category, report_status, collected_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?,0), ?, NULLIF(?,0), NULLIF(?,0), ?, ?, ?)`,
			patientID, visitID, test, in.Value, numArg, in.Unit, in.RefRange, in.Abnormal, in.TakenOn, in.Laboratory, fileID, now(), by.UserID,
			requestID, in.Category, in.ReportStatus, in.CollectedAt)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "result", fmt.Sprint(id), patientID, "result "+test)); err != nil {
			return err
		}
		if out, err = get(ctx, tx, id); err != nil {
			return err
		}
		if !out.Shareable() {
			return nil
		}
		// eHealth holds the whole request as one record: its first shareable row inserts it,
		// later ones change it.
		txType := outbox.Update
		if !shared {
			txType = outbox.Insert
		}
		return outbox.Record(ctx, tx, outbox.Change{Key: KeyOf(requestID, in.Category), Domain: DomainOf(in.Category), Tx: txType, PatientID: patientID})
	})
	return out, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const columns = `id, patient_id, COALESCE(visit_id,0), test, value, value_num, unit, ref_range, abnormal, taken_on,
	laboratory, COALESCE(file_id,0), status, error_reason, created_at, COALESCE(request_id,0),
	COALESCE((SELECT q.request_no FROM lab_requests q WHERE q.id = results.request_id),''), category, report_status, collected_at,
	COALESCE((SELECT q.authorised_at FROM lab_requests q WHERE q.id = results.request_id),''),
	COALESCE((SELECT q.ap_test_name FROM lab_requests q WHERE q.id = results.request_id),'')`

func scan(row interface{ Scan(...any) error }) (Result, error) {
	var r Result
	var num sql.NullFloat64
	err := row.Scan(&r.ID, &r.PatientID, &r.VisitID, &r.Test, &r.Value, &num, &r.Unit, &r.RefRange, &r.Abnormal, &r.TakenOn,
		&r.Laboratory, &r.FileID, &r.Status, &r.ErrorReason, &r.CreatedAt, &r.RequestID, &r.RequestNo, &r.Category,
		&r.ReportStatus, &r.CollectedAt, &r.AuthorisedAt, &r.APTestName)
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
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "result", fmt.Sprint(id), r.PatientID, "entered in error: "+reason)); err != nil {
			return err
		}
		if !r.Shareable() {
			return nil
		}
		// The request changes; when nothing shareable is left of it, eHealth deletes it.
		c := outbox.Change{Key: KeyOf(r.RequestID, r.Category), Domain: DomainOf(r.Category), Tx: outbox.Update, PatientID: r.PatientID}
		if !hadShareable(ctx, tx, r.RequestID, 0, r.Category) {
			c.Tx, c.Reason = outbox.Delete, reason
		}
		return outbox.Record(ctx, tx, c)
	})
}
