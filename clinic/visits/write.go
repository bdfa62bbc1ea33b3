package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/store"
)

func init() {
	for _, t := range []string{"visits", "vitals", "visit_diagnoses", "visit_procedures", "problems", "results", "documents"} {
		patients.RegisterOwnedTable(t, "patient_id")
	}
}

// MaxNoteLen bounds each part of the note: long enough for any consultation, short enough that
// a pasted file is refused rather than stored.
const MaxNoteLen = 20000

// OpenInput is what a new visit needs.
type OpenInput struct {
	PatientID    int64
	DoctorID     int64  // 0 when a nurse opens it before a doctor is known
	AttendanceID int64  // 0 when opened directly
	Date         string // YYYY-MM-DD in the clinic's zone
	Type         string
}

// Open starts a draft visit. A visit opened from a queue ticket is found again rather than made
// twice (the doctor may press "next patient" and then reload), so Open returns the existing one.
func Open(ctx context.Context, db *store.DB, in OpenInput, actor audit.Actor) (Visit, error) {
	if in.Type == "" {
		in.Type = TypeConsultation
	}
	var errs clinic.ValidationErrors
	if !slices.Contains(Types, in.Type) {
		errs = append(errs, clinic.Invalid("type", "error.visit.type"))
	}
	day, err := time.Parse(time.DateOnly, in.Date)
	if err != nil {
		errs = append(errs, clinic.Invalid("date", "error.visit.date"))
	}
	if err := errs.Err(); err != nil {
		return Visit{}, err
	}
	var v Visit
	err = db.Write(ctx, func(tx *sql.Tx) error {
		if in.AttendanceID != 0 {
			existing, err := ByAttendance(ctx, tx, in.AttendanceID)
			if err == nil {
				v = existing
				return nil
			}
			if !errors.Is(err, clinic.ErrNotFound) {
				return err
			}
		}
		var merged int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(merged_into,0) FROM patients WHERE id = ?`, in.PatientID).Scan(&merged)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		if merged != 0 {
			return clinic.Invalid("patient", "error.visit.patient_merged")
		}
		no, err := nextEpisode(ctx, tx, day.Year())
		if err != nil {
			return err
		}
		ts := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO visits (patient_id, doctor_id, attendance_id, episode_no, visit_date,
			type, status, created_at, created_by, updated_at) VALUES (?, NULLIF(?,0), NULLIF(?,0), ?, ?, ?, 'draft', ?, NULLIF(?,0), ?)`,
			in.PatientID, in.DoctorID, in.AttendanceID, no, in.Date, in.Type, ts, actor.UserID, ts)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := patients.TouchLastVisit(ctx, tx, in.PatientID, time.Now()); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "visit", fmt.Sprint(id), in.PatientID, "opened visit "+no)); err != nil {
			return err
		}
		v, err = Get(ctx, tx, id)
		return err
	})
	return v, err
}

// nextEpisode hands out the year's next episode number: "V2026-000123".
func nextEpisode(ctx context.Context, tx *sql.Tx, year int) (string, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO visit_number_seq (year, last) VALUES (?, 1)
		ON CONFLICT (year) DO UPDATE SET last = last + 1 RETURNING last`, year).Scan(&n)
	if err != nil {
		return "", err
	}
	return FormatEpisode(year, n), nil
}

// FormatEpisode builds an episode number.
func FormatEpisode(year int, n int64) string { return fmt.Sprintf("V%04d-%06d", year, n) }

// Draft is what the note form sends.
type Draft struct {
	Note    Note
	Type    string
	Version int64 // the visit's version the form was drawn from
}

func (n *Note) clean() {
	n.History = strings.TrimSpace(n.History)
	n.Examination = strings.TrimSpace(n.Examination)
	n.Assessment = strings.TrimSpace(n.Assessment)
	n.Plan = strings.TrimSpace(n.Plan)
}

func (n *Note) validate() clinic.ValidationErrors {
	var errs clinic.ValidationErrors
	for _, f := range []struct{ field, text string }{{"history", n.History}, {"examination", n.Examination},
		{"assessment", n.Assessment}, {"plan", n.Plan}} {
		if len(f.text) > MaxNoteLen {
			errs = append(errs, clinic.Invalid(f.field, "error.visit.note_too_long", MaxNoteLen))
		}
	}
	return errs
}

// ErrLocked is the message for a change to a signed or withdrawn note.
var errLocked = clinic.Invalid("note", "error.visit.locked")

// load reads the visit in the write transaction and checks the form was drawn from it.
func load(ctx context.Context, tx *sql.Tx, id, version int64) (Visit, error) {
	v, err := Get(ctx, tx, id)
	if err != nil {
		return v, err
	}
	if version != 0 && version != v.Version {
		return v, clinic.ErrConflict
	}
	return v, nil
}

// SaveDraft writes the note of a draft in place. A signed note is refused: it changes only by
// Amend.
func SaveDraft(ctx context.Context, db *store.DB, id int64, d Draft, actor audit.Actor) (Visit, error) {
	d.Note.clean()
	errs := d.Note.validate()
	if d.Type != "" && !slices.Contains(Types, d.Type) {
		errs = append(errs, clinic.Invalid("type", "error.visit.type"))
	}
	if err := errs.Err(); err != nil {
		return Visit{}, err
	}
	var out Visit
	err := db.Write(ctx, func(tx *sql.Tx) error {
		v, err := load(ctx, tx, id, d.Version)
		if err != nil {
			return err
		}
		if !v.Draft() {
			return errLocked
		}
		typ := d.Type
		if typ == "" {
			typ = v.Type
		}
		if _, err := tx.ExecContext(ctx, `UPDATE visits SET history = ?, examination = ?, assessment = ?, plan = ?, type = ?,
			updated_at = ?, version = version + 1 WHERE id = ?`,
			d.Note.History, d.Note.Examination, d.Note.Assessment, d.Note.Plan, typ, now(), id); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "visit", fmt.Sprint(id), v.PatientID, "draft note saved")); err != nil {
			return err
		}
		out, err = Get(ctx, tx, id)
		return err
	})
	return out, err
}

// Sign locks the note as version 1. The signer becomes the visit's doctor when none was set.
// d carries the note as last typed, so that "sign" on the form saves and signs in one step.
func Sign(ctx context.Context, db *store.DB, id int64, d Draft, signer audit.Actor, signerName string) (Visit, error) {
	d.Note.clean()
	if err := d.Note.validate().Err(); err != nil {
		return Visit{}, err
	}
	if d.Note.Empty() {
		return Visit{}, clinic.Invalid("history", "error.visit.note_empty")
	}
	var out Visit
	err := db.Write(ctx, func(tx *sql.Tx) error {
		v, err := load(ctx, tx, id, d.Version)
		if err != nil {
			return err
		}
		if !v.Draft() {
			return errLocked
		}
		typ := d.Type
		if typ == "" || !slices.Contains(Types, typ) {
			typ = v.Type
		}
		ts := now()
		if _, err := tx.ExecContext(ctx, `UPDATE visits SET history = ?, examination = ?, assessment = ?, plan = ?, type = ?,
			status = 'signed', note_version = 1, signed_at = ?, signed_by = ?, doctor_id = COALESCE(doctor_id, ?),
			updated_at = ?, version = version + 1 WHERE id = ?`,
			d.Note.History, d.Note.Examination, d.Note.Assessment, d.Note.Plan, typ, ts, signer.UserID, signer.UserID, ts, id); err != nil {
			return err
		}
		if err := addVersion(ctx, tx, id, 1, d.Note, "", ts, signer.UserID, signerName); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, signer.Entry(audit.ActionChange, "visit", fmt.Sprint(id), v.PatientID, "note signed")); err != nil {
			return err
		}
		// Signed, the visit is an encounter eHealth may hold: its diagnoses and procedures
		// name it by episode number.
		if err := share(ctx, tx, EncounterKey(id), outbox.Insert, v.PatientID); err != nil {
			return err
		}
		if v.AttendanceID != 0 {
			// The patient leaves the room: to the counter, or home when nothing is left there.
			counter, err := leftAtCounter(ctx, tx, id)
			if err != nil {
				return err
			}
			if _, err := queue.New(db, nil).ConsultationEndedTx(ctx, tx, v.AttendanceID, counter, signer); err != nil {
				return err
			}
		}
		out, err = Get(ctx, tx, id)
		return err
	})
	return out, err
}

// leftAtCounter reports whether a visit leaves something for the counter: medicine still to
// hand over, or a bill not yet settled (none made yet counts as unpaid: the counter makes it).
// The counter sends the patient home by the same rule (queue.CounterFinishedTx).
func leftAtCounter(ctx context.Context, tx *sql.Tx, visitID int64) (bool, error) {
	return queue.LeftAtCounter(ctx, tx, visitID)
}

func addVersion(ctx context.Context, tx *sql.Tx, visitID int64, n int, note Note, reason, ts string, byID int64, byName string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO visit_note_versions (visit_id, version, history, examination, assessment,
		plan, reason, at, by_id, by_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?,0), ?)`,
		visitID, n, note.History, note.Examination, note.Assessment, note.Plan, reason, ts, byID, byName)
	return err
}

// MaxReasonLen bounds a reason for an amendment or a withdrawal.
const MaxReasonLen = 1000

func checkReason(reason string) (string, error) {
	reason = strings.TrimSpace(reason)
	switch {
	case reason == "":
		return "", clinic.Invalid("reason", "error.visit.reason_required")
	case len(reason) > MaxReasonLen:
		return "", clinic.Invalid("reason", "error.visit.reason_too_long", MaxReasonLen)
	}
	return reason, nil
}

// Amend corrects a signed note: the new text becomes the next version, with the reason, who
// and when; every earlier version stays as it was.
func Amend(ctx context.Context, db *store.DB, id int64, d Draft, reason string, by audit.Actor, byName string) (Visit, error) {
	d.Note.clean()
	errs := d.Note.validate()
	reason, rerr := checkReason(reason)
	if rerr != nil {
		errs = append(errs, rerr.(*clinic.ValidationError))
	}
	if err := errs.Err(); err != nil {
		return Visit{}, err
	}
	var out Visit
	err := db.Write(ctx, func(tx *sql.Tx) error {
		v, err := load(ctx, tx, id, d.Version)
		if err != nil {
			return err
		}
		if !v.Signed() {
			if v.Draft() {
				return clinic.Invalid("note", "error.visit.not_signed")
			}
			return errLocked
		}
		if d.Note == v.Note {
			return clinic.Invalid("history", "error.visit.amend_unchanged")
		}
		ts := now()
		n := v.NoteVersion + 1
		if _, err := tx.ExecContext(ctx, `UPDATE visits SET history = ?, examination = ?, assessment = ?, plan = ?,
			note_version = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
			d.Note.History, d.Note.Examination, d.Note.Assessment, d.Note.Plan, n, ts, id); err != nil {
			return err
		}
		if err := addVersion(ctx, tx, id, n, d.Note, reason, ts, by.UserID, byName); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionChange, "visit", fmt.Sprint(id), v.PatientID,
			fmt.Sprintf("note amended to version %d: %s", n, reason))); err != nil {
			return err
		}
		out, err = Get(ctx, tx, id)
		return err
	})
	return out, err
}

// MarkInError withdraws a visit recorded by mistake (wrong patient, duplicate). Nothing is
// deleted: the visit and its note stay, marked, with the reason.
func MarkInError(ctx context.Context, db *store.DB, id int64, reason string, version int64, by audit.Actor) (Visit, error) {
	reason, err := checkReason(reason)
	if err != nil {
		return Visit{}, err
	}
	var out Visit
	err = db.Write(ctx, func(tx *sql.Tx) error {
		v, err := load(ctx, tx, id, version)
		if err != nil {
			return err
		}
		if v.InError() {
			return errLocked
		}
		ts := now()
		if err := withdrawShared(ctx, tx, id, v.PatientID); err != nil {
			return err
		}
		if v.Signed() {
			// A draft never went to eHealth as an encounter; a signed visit did.
			if err := share(ctx, tx, EncounterKey(id), outbox.Delete, v.PatientID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE visits SET status = 'entered_in_error', error_reason = ?, error_at = ?,
			error_by = NULLIF(?,0), updated_at = ?, version = version + 1 WHERE id = ?`, reason, ts, by.UserID, ts, id); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "visit", fmt.Sprint(id), v.PatientID,
			"entered in error: "+reason)); err != nil {
			return err
		}
		out, err = Get(ctx, tx, id)
		return err
	})
	return out, err
}

// NoteVersion is one signed version of a note.
type NoteVersion struct {
	Version int
	Note    Note
	Reason  string
	At      time.Time
	ByID    int64
	ByName  string
}

// Versions lists every signed version of a visit's note, the first first.
func Versions(ctx context.Context, q Querier, visitID int64) ([]NoteVersion, error) {
	rows, err := q.QueryContext(ctx, `SELECT version, history, examination, assessment, plan, reason, at,
		COALESCE(by_id,0), by_name FROM visit_note_versions WHERE visit_id = ? ORDER BY version`, visitID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NoteVersion
	for rows.Next() {
		var nv NoteVersion
		var at string
		if err := rows.Scan(&nv.Version, &nv.Note.History, &nv.Note.Examination, &nv.Note.Assessment, &nv.Note.Plan,
			&nv.Reason, &at, &nv.ByID, &nv.ByName); err != nil {
			return nil, err
		}
		nv.At = parseTime(at)
		out = append(out, nv)
	}
	return out, rows.Err()
}
