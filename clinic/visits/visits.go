// Package visits is the consultation record: a visit (encounter) of one patient with one doctor,
// its four-part note, and the note's life from draft to signed, amended and entered in error.
// A signed note is a medico-legal record: it is never overwritten; every signed version is kept
// in visit_note_versions and the visit row shows the latest.
package visits

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/onramp-hk/onramp/clinic"
)

// Visit types the form offers; the column takes others a clinic adds later.
const (
	TypeConsultation = "consultation"
	TypeFollowUp     = "follow_up"
	TypeVaccination  = "vaccination"
	TypeProcedure    = "procedure"
	TypeOther        = "other"
)

// Types in the order the form lists them.
var Types = []string{TypeConsultation, TypeFollowUp, TypeVaccination, TypeProcedure, TypeOther}

// Statuses of a visit.
const (
	StatusDraft          = "draft"
	StatusSigned         = "signed"
	StatusEnteredInError = "entered_in_error"
)

// Note is the four-part clinical note.
type Note struct {
	History     string // history and presenting complaint
	Examination string
	Assessment  string
	Plan        string
}

// Empty reports whether nothing has been written.
func (n Note) Empty() bool {
	return n.History == "" && n.Examination == "" && n.Assessment == "" && n.Plan == ""
}

// Visit is one encounter.
type Visit struct {
	ID           int64
	PatientID    int64
	DoctorID     int64 // 0 when none yet
	AttendanceID int64 // the queue ticket it was opened from; 0 when opened directly
	EpisodeNo    string
	Date         string // YYYY-MM-DD, clinic time zone
	Type         string
	Status       string
	Note         Note
	NoteVersion  int // 0 while a draft; 1 once signed; 2.. after amendments
	SignedAt     time.Time
	SignedBy     int64
	ErrorReason  string
	ErrorAt      time.Time
	ErrorBy      int64
	CreatedAt    time.Time
	CreatedBy    int64
	UpdatedAt    time.Time
	Version      int64 // give it back on save so that a stale form is refused

	DoctorName   string // for display, from users
	DoctorNameZH string
	DoctorMCR    string // Medical Council registration number
}

// Draft reports whether the note may still be edited in place.
func (v *Visit) Draft() bool { return v.Status == StatusDraft }

// Signed reports whether the note is locked and changes only by amendment.
func (v *Visit) Signed() bool { return v.Status == StatusSigned }

// InError reports whether the visit was marked entered in error.
func (v *Visit) InError() bool { return v.Status == StatusEnteredInError }

// RowQuerier is what Get needs: the reader pool, the writer or a transaction.
type RowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Querier also lists rows.
type Querier interface {
	RowQuerier
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const visitColumns = `v.id, v.patient_id, COALESCE(v.doctor_id,0), COALESCE(v.attendance_id,0), v.episode_no,
	v.visit_date, v.type, v.status, v.history, v.examination, v.assessment, v.plan, v.note_version,
	v.signed_at, COALESCE(v.signed_by,0), v.error_reason, v.error_at, COALESCE(v.error_by,0),
	v.created_at, COALESCE(v.created_by,0), v.updated_at, v.version,
	COALESCE(u.full_name,''), COALESCE(u.full_name_zh,''), COALESCE(u.mcr_no,'')`

const visitFrom = ` FROM visits v LEFT JOIN users u ON u.id = v.doctor_id`

type rowScanner interface{ Scan(dest ...any) error }

func scanVisit(row rowScanner) (Visit, error) {
	var v Visit
	var signed, errAt, created, updated string
	err := row.Scan(&v.ID, &v.PatientID, &v.DoctorID, &v.AttendanceID, &v.EpisodeNo, &v.Date, &v.Type, &v.Status,
		&v.Note.History, &v.Note.Examination, &v.Note.Assessment, &v.Note.Plan, &v.NoteVersion,
		&signed, &v.SignedBy, &v.ErrorReason, &errAt, &v.ErrorBy, &created, &v.CreatedBy, &updated, &v.Version,
		&v.DoctorName, &v.DoctorNameZH, &v.DoctorMCR)
	if err != nil {
		return v, err
	}
	v.SignedAt, v.ErrorAt = parseTime(signed), parseTime(errAt)
	v.CreatedAt, v.UpdatedAt = parseTime(created), parseTime(updated)
	return v, nil
}

// Get returns one visit. The caller records the view in the audit trail.
func Get(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, id int64) (Visit, error) {
	v, err := scanVisit(q.QueryRowContext(ctx, `SELECT `+visitColumns+visitFrom+` WHERE v.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, clinic.ErrNotFound
	}
	return v, err
}

// ByAttendance returns the visit opened from a queue ticket, or clinic.ErrNotFound.
func ByAttendance(ctx context.Context, q RowQuerier, attendanceID int64) (Visit, error) {
	v, err := scanVisit(q.QueryRowContext(ctx, `SELECT `+visitColumns+visitFrom+` WHERE v.attendance_id = ?`, attendanceID))
	if errors.Is(err, sql.ErrNoRows) {
		return v, clinic.ErrNotFound
	}
	return v, err
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }
