// Package appointments is the clinic's diary: opening hours per weekday with a lunch break,
// public holidays, the slot length and slot types, and the bookings themselves per doctor. A
// booking refuses a slot already taken unless its slot type may share one (an "extra"), and
// the check and the booking happen in one IMMEDIATE transaction, so two clerks pressing "book"
// at the same moment get one booking and one clear refusal. An arriving patient's booking turns
// into a queue ticket in the same transaction; bookings nobody came for become no-shows at the
// end of the day and are counted on the patient.
package appointments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/store"
)

// A merge of two patient records moves their bookings to the survivor.
func init() { patients.RegisterOwnedTable("appointments", "patient_id") }

// Statuses of a booking.
const (
	Booked    = "booked"
	Arrived   = "arrived" // turned into a queue ticket
	Cancelled = "cancelled"
	NoShow    = "no_show"
)

// Statuses in the order screens list them.
var Statuses = []string{Booked, Arrived, Cancelled, NoShow}

// SettingSlotMinutes is the length of one slot in minutes (default DefaultSlotMinutes).
const (
	SettingSlotMinutes = "appointments.slot_minutes"
	DefaultSlotMinutes = 15
)

// Diary is the practice's appointment book.
type Diary struct {
	DB    *store.DB
	Zone  *time.Location
	Now   func() time.Time
	Queue *queue.Queue // where arrivals go; shares the diary's clock and zone
}

// New returns the diary with the real clock, and its queue.
func New(db *store.DB, zone *time.Location) *Diary {
	d := &Diary{DB: db, Zone: zone, Now: time.Now}
	d.Queue = &queue.Queue{DB: db, Zone: zone, Now: d.now}
	return d
}

func (d *Diary) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

func (d *Diary) zone() *time.Location {
	if d.Zone == nil {
		return time.UTC
	}
	return d.Zone
}

// Today is the clinic's local day now, "2026-11-23".
func (d *Diary) Today() string { return d.now().In(d.zone()).Format(time.DateOnly) }

// ParseDay reads a day "2026-11-23" as midnight in the clinic's zone.
func (d *Diary) ParseDay(s string) (time.Time, error) {
	t, err := time.ParseInLocation(time.DateOnly, strings.TrimSpace(s), d.zone())
	if err != nil {
		return t, clinic.Invalid("day", "error.date")
	}
	return t, nil
}

// At is the instant of a local day and time of day ("2026-11-23", "10:30").
func (d *Diary) At(day, hhmm string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02 15:04", strings.TrimSpace(day)+" "+strings.TrimSpace(hhmm), d.zone())
	if err != nil {
		return t, clinic.Invalid("time", "error.appointment.time")
	}
	return t, nil
}

// Appointment is one booking with the names the screens show.
type Appointment struct {
	ID            int64
	PatientID     int64
	PatientNumber string
	SurnameEN     string
	GivenNameEN   string
	NameZH        string
	Mobile        string
	Language      string // the patient's language for printed matter and reminders: en, zh, both
	DoctorID      int64
	DoctorName    string
	DoctorNameZH  string
	Day           string
	Start, End    time.Time
	SlotType      string
	SlotNameEN    string
	SlotNameZH    string
	Overbook      bool
	Status        string
	Reason        string
	FromVisitID   int64
	CancelReason  string
	AttendanceID  int64 // the queue ticket, once arrived
	Ticket        string
	NoShows       int // the patient's no-shows so far
	Version       int64
}

// NameEN is the English name as Hong Kong writes it: "CHAN Tai Man".
func (a *Appointment) NameEN() string {
	s := strings.ToUpper(strings.TrimSpace(a.SurnameEN))
	g := strings.TrimSpace(a.GivenNameEN)
	switch {
	case s == "":
		return g
	case g == "":
		return s
	}
	return s + " " + g
}

// stamp is the stored form of instants: UTC to the second, fixed width so text order is time
// order (overlap checks compare the text).
const stamp = "2006-01-02T15:04:05Z"

func ts(t time.Time) string { return t.UTC().Format(stamp) }

func parseTS(s string) time.Time {
	t, _ := time.Parse(time.RFC3339, s)
	return t
}

const apptCols = `a.id, a.patient_id, p.number, p.surname_en, p.given_name_en, p.name_zh, COALESCE(p.mobile, ''), p.language,
	a.doctor_id, u.full_name, u.full_name_zh, a.day, a.starts_at, a.ends_at, a.slot_type, st.name_en, st.name_zh, a.overbook,
	a.status, a.reason, COALESCE(a.from_visit_id, 0), a.cancel_reason, COALESCE(q.id, 0), COALESCE(q.ticket_label, ''),
	(SELECT COUNT(*) FROM appointments n WHERE n.patient_id = a.patient_id AND n.status = 'no_show'), a.version`

const apptFrom = ` FROM appointments a JOIN patients p ON p.id = a.patient_id JOIN users u ON u.id = a.doctor_id
	JOIN slot_types st ON st.code = a.slot_type LEFT JOIN attendances q ON q.appointment_id = a.id`

type scanner interface{ Scan(...any) error }

func scanAppointment(s scanner) (Appointment, error) {
	var a Appointment
	var start, end string
	err := s.Scan(&a.ID, &a.PatientID, &a.PatientNumber, &a.SurnameEN, &a.GivenNameEN, &a.NameZH, &a.Mobile, &a.Language,
		&a.DoctorID, &a.DoctorName, &a.DoctorNameZH, &a.Day, &start, &end, &a.SlotType, &a.SlotNameEN, &a.SlotNameZH, &a.Overbook,
		&a.Status, &a.Reason, &a.FromVisitID, &a.CancelReason, &a.AttendanceID, &a.Ticket, &a.NoShows, &a.Version)
	a.Start, a.End = parseTS(start), parseTS(end)
	return a, err
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func get(ctx context.Context, db querier, id int64) (Appointment, error) {
	a, err := scanAppointment(db.QueryRowContext(ctx, `SELECT `+apptCols+apptFrom+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, clinic.ErrNotFound
	}
	return a, err
}

func list(ctx context.Context, db querier, query string, args ...any) ([]Appointment, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Appointment
	for rows.Next() {
		a, err := scanAppointment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Get returns one booking.
func (d *Diary) Get(ctx context.Context, id int64) (Appointment, error) { return get(ctx, d.DB.R, id) }

// ForDoctor lists a doctor's bookings from day `from` to day `to` (inclusive), cancelled ones
// left out.
func (d *Diary) ForDoctor(ctx context.Context, doctorID int64, from, to string) ([]Appointment, error) {
	return list(ctx, d.DB.R, `SELECT `+apptCols+apptFrom+` WHERE a.doctor_id = ? AND a.day BETWEEN ? AND ?
		AND a.status <> 'cancelled' ORDER BY a.starts_at, a.id`, doctorID, from, to)
}

// Between lists every doctor's bookings still to come (status booked) from day `from` to `to`,
// for reminders.
func (d *Diary) Between(ctx context.Context, from, to string) ([]Appointment, error) {
	return list(ctx, d.DB.R, `SELECT `+apptCols+apptFrom+` WHERE a.day BETWEEN ? AND ? AND a.status = 'booked'
		ORDER BY a.starts_at, a.doctor_id, a.id`, from, to)
}

// OnDay lists every doctor's bookings of a day, cancelled ones included, for the front desk.
func (d *Diary) OnDay(ctx context.Context, day string) ([]Appointment, error) {
	return list(ctx, d.DB.R, `SELECT `+apptCols+apptFrom+` WHERE a.day = ? ORDER BY a.starts_at, a.doctor_id, a.id`, day)
}

// ForPatient lists a patient's bookings from a day on (the patient page, a follow-up).
func (d *Diary) ForPatient(ctx context.Context, patientID int64, from string) ([]Appointment, error) {
	return list(ctx, d.DB.R, `SELECT `+apptCols+apptFrom+` WHERE a.patient_id = ? AND a.day >= ?
		ORDER BY a.starts_at`, patientID, from)
}

// NoShowCount is how many bookings a patient did not come to.
func NoShowCount(ctx context.Context, db *sql.DB, patientID int64) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments WHERE patient_id = ? AND status = 'no_show'`,
		patientID).Scan(&n)
	return n, err
}

// Booking is a request for an appointment.
type Booking struct {
	PatientID   int64
	DoctorID    int64
	Start       time.Time
	SlotType    string // "" is the first slot type (a standard consultation)
	Reason      string
	FromVisitID int64 // a follow-up of this visit
}

// Book makes an appointment. It refuses a slot already taken by another booking (unless the
// slot type may share a slot), a closed day, a holiday, the lunch break, a time outside the
// hours, and a time already past.
func (d *Diary) Book(ctx context.Context, b Booking, by audit.Actor) (a Appointment, err error) {
	b.Reason = strings.TrimSpace(b.Reason)
	if utf8.RuneCountInString(b.Reason) > 200 {
		return a, clinic.Invalid("reason", "error.too_long", 200)
	}
	err = d.DB.Write(ctx, func(tx *sql.Tx) error {
		var merged sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT merged_into FROM patients WHERE id = ?`, b.PatientID).Scan(&merged)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.Invalid("patient", "error.appointment.patient")
		}
		if err != nil {
			return err
		}
		if merged.Valid && merged.Int64 != 0 {
			b.PatientID = merged.Int64
		}
		st, end, err := d.check(ctx, tx, b.DoctorID, b.Start, b.SlotType, 0)
		if err != nil {
			return err
		}
		now := ts(d.now())
		res, err := tx.ExecContext(ctx, `INSERT INTO appointments (patient_id, doctor_id, day, starts_at, ends_at, slot_type,
			overbook, status, reason, from_visit_id, created_by, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			b.PatientID, b.DoctorID, d.day(b.Start), ts(b.Start), ts(end), st.Code, st.Overbook, Booked, b.Reason,
			nullID(b.FromVisitID), nullID(by.UserID), now, now)
		if isUnique(err) {
			return clinic.Invalid("time", "error.appointment.taken")
		}
		if err != nil {
			return fmt.Errorf("appointments: book: %w", err)
		}
		id, _ := res.LastInsertId()
		if err := queue.Touch(ctx, tx); err != nil {
			return err
		}
		detail := fmt.Sprintf("booked %s %s with doctor %d (%s)", d.day(b.Start), d.hhmm(b.Start), b.DoctorID, st.Code)
		if b.FromVisitID != 0 {
			detail += fmt.Sprintf(", follow-up of visit %d", b.FromVisitID)
		}
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "appointment", fmt.Sprint(id), b.PatientID, detail)); err != nil {
			return err
		}
		a, err = get(ctx, tx, id)
		return err
	})
	return a, err
}

func (d *Diary) day(t time.Time) string  { return t.In(d.zone()).Format(time.DateOnly) }
func (d *Diary) hhmm(t time.Time) string { return t.In(d.zone()).Format("15:04") }

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// check applies the diary's rules to a booking of doctorID at start (ignoring booking `self`
// when one is moved) and returns its slot type and end.
func (d *Diary) check(ctx context.Context, tx *sql.Tx, doctorID int64, start time.Time, code string, self int64) (SlotType, time.Time, error) {
	var errs clinic.ValidationErrors
	var isDoctor int
	_ = tx.QueryRowContext(ctx, `SELECT 1 FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'doctor'
		WHERE u.id = ? AND u.disabled = 0`, doctorID).Scan(&isDoctor)
	if isDoctor != 1 {
		errs = append(errs, clinic.Invalid("doctor", "error.appointment.doctor"))
	}
	st, err := slotType(ctx, tx, code)
	if err != nil {
		errs = append(errs, clinic.Invalid("slot_type", "error.choose"))
	}
	if start.IsZero() {
		errs = append(errs, clinic.Invalid("time", "error.appointment.time"))
	}
	if err := errs.Err(); err != nil {
		return st, time.Time{}, err
	}
	minutes, err := slotMinutes(ctx, tx)
	if err != nil {
		return st, time.Time{}, err
	}
	end := start.Add(time.Duration(st.Slots*minutes) * time.Minute)
	if start.Before(d.now().Add(-time.Minute)) {
		return st, end, clinic.Invalid("time", "error.appointment.past")
	}
	local := start.In(d.zone())
	day := local.Format(time.DateOnly)
	if h, err := holiday(ctx, tx, day); err == nil {
		return st, end, clinic.Invalid("day", "error.appointment.holiday", h.NameEN, h.NameZH)
	} else if !errors.Is(err, clinic.ErrNotFound) {
		return st, end, err
	}
	hours, err := hoursOn(ctx, tx, local.Weekday())
	if err != nil {
		return st, end, err
	}
	if hours.Closed() {
		return st, end, clinic.Invalid("day", "error.appointment.closed")
	}
	from, to := local.Format("15:04"), end.In(d.zone()).Format("15:04")
	if end.In(d.zone()).Format(time.DateOnly) != day {
		to = "24:00"
	}
	if from < hours.Opens || to > hours.Closes {
		return st, end, clinic.Invalid("time", "error.appointment.hours", hours.Opens, hours.Closes)
	}
	if hours.HasLunch() && from < hours.LunchTo && to > hours.LunchFrom {
		return st, end, clinic.Invalid("time", "error.appointment.lunch", hours.LunchFrom, hours.LunchTo)
	}
	if st.Overbook {
		return st, end, nil
	}
	var taken int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM appointments WHERE doctor_id = ? AND day = ? AND status IN ('booked','arrived')
		AND overbook = 0 AND starts_at < ? AND ends_at > ? AND id <> ? LIMIT 1`,
		doctorID, day, ts(end), ts(start), self).Scan(&taken)
	if err == nil {
		return st, end, clinic.Invalid("time", "error.appointment.taken")
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return st, end, err
	}
	return st, end, nil
}

// Reschedule moves a booking to another time, and perhaps another doctor, under the same rules
// as a new booking.
func (d *Diary) Reschedule(ctx context.Context, id, doctorID int64, start time.Time, by audit.Actor) (a Appointment, err error) {
	err = d.DB.Write(ctx, func(tx *sql.Tx) error {
		old, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Status != Booked {
			return clinic.Invalid("status", "error.appointment.not_booked")
		}
		_, end, err := d.check(ctx, tx, doctorID, start, old.SlotType, id)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE appointments SET doctor_id = ?, day = ?, starts_at = ?, ends_at = ?,
			updated_at = ?, version = version + 1 WHERE id = ?`, doctorID, d.day(start), ts(start), ts(end), ts(d.now()), id)
		if isUnique(err) {
			return clinic.Invalid("time", "error.appointment.taken")
		}
		if err != nil {
			return err
		}
		if err := queue.Touch(ctx, tx); err != nil {
			return err
		}
		detail := fmt.Sprintf("moved from %s %s (doctor %d) to %s %s (doctor %d)", old.Day, d.hhmm(old.Start), old.DoctorID,
			d.day(start), d.hhmm(start), doctorID)
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionChange, "appointment", fmt.Sprint(id), old.PatientID, detail)); err != nil {
			return err
		}
		a, err = get(ctx, tx, id)
		return err
	})
	return a, err
}

// Cancel cancels a booking; the reason is optional ("patient phoned") and kept.
func (d *Diary) Cancel(ctx context.Context, id int64, reason string, by audit.Actor) error {
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) > 200 {
		return clinic.Invalid("cancel_reason", "error.too_long", 200)
	}
	return d.setStatus(ctx, id, Cancelled, reason, by)
}

// MarkNoShow records that the patient of one booking did not come.
func (d *Diary) MarkNoShow(ctx context.Context, id int64, by audit.Actor) error {
	return d.setStatus(ctx, id, NoShow, "", by)
}

func (d *Diary) setStatus(ctx context.Context, id int64, status, reason string, by audit.Actor) error {
	return d.DB.Write(ctx, func(tx *sql.Tx) error {
		a, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if a.Status != Booked {
			return clinic.Invalid("status", "error.appointment.not_booked")
		}
		if status == NoShow && a.Day > d.Today() {
			return clinic.Invalid("status", "error.appointment.future_no_show")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = ?, cancel_reason = ?, updated_at = ?,
			version = version + 1 WHERE id = ?`, status, reason, ts(d.now()), id); err != nil {
			return err
		}
		if err := queue.Touch(ctx, tx); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s %s: %s", status, a.Day, d.hhmm(a.Start), reason)
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "appointment", fmt.Sprint(id), a.PatientID, strings.TrimSuffix(detail, ": ")))
	})
}

// Arrive turns today's booking into a queue ticket for its doctor, in one transaction.
func (d *Diary) Arrive(ctx context.Context, id int64, urgent bool, by audit.Actor) (att queue.Attendance, err error) {
	err = d.DB.Write(ctx, func(tx *sql.Tx) error {
		att, err = d.arrive(ctx, tx, id, 0, urgent, by)
		return err
	})
	return att, err
}

// arrive checks a booking in; doctorID, when set, sends the patient to another doctor than the
// booked one.
func (d *Diary) arrive(ctx context.Context, tx *sql.Tx, id, doctorID int64, urgent bool, by audit.Actor) (queue.Attendance, error) {
	a, err := get(ctx, tx, id)
	if err != nil {
		return queue.Attendance{}, err
	}
	if a.Status != Booked {
		return queue.Attendance{}, clinic.Invalid("status", "error.appointment.not_booked")
	}
	if a.Day != d.Today() {
		return queue.Attendance{}, clinic.Invalid("day", "error.appointment.not_today")
	}
	if doctorID == 0 {
		doctorID = a.DoctorID
	}
	att, err := d.queue().CheckInTx(ctx, tx, queue.Arrival{PatientID: a.PatientID, DoctorID: doctorID, Urgent: urgent, AppointmentID: id}, by)
	if err != nil {
		return att, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'arrived', updated_at = ?, version = version + 1
		WHERE id = ?`, ts(d.now()), id); err != nil {
		return att, err
	}
	return att, audit.Append(ctx, tx, by.Entry(audit.ActionChange, "appointment", fmt.Sprint(id), a.PatientID,
		"arrived, ticket "+att.TicketLabel))
}

func (d *Diary) queue() *queue.Queue {
	if d.Queue == nil {
		return &queue.Queue{DB: d.DB, Zone: d.Zone, Now: d.now}
	}
	return d.Queue
}

// CheckIn is a patient arriving at the desk: when they have a booking today that is still open
// (the earliest, if several), the booking arrives and becomes the ticket, so it does not turn
// into a no-show at the end of the day; otherwise they are a walk-in.
func (d *Diary) CheckIn(ctx context.Context, in queue.Arrival, by audit.Actor) (att queue.Attendance, err error) {
	err = d.DB.Write(ctx, func(tx *sql.Tx) error {
		var booking int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM appointments WHERE patient_id = ? AND day = ? AND status = 'booked'
			ORDER BY starts_at LIMIT 1`, in.PatientID, d.Today()).Scan(&booking)
		switch {
		case err == nil && in.AppointmentID == 0:
			att, err = d.arrive(ctx, tx, booking, in.DoctorID, in.Urgent, by)
		case err == nil || errors.Is(err, sql.ErrNoRows):
			att, err = d.queue().CheckInTx(ctx, tx, in, by)
		}
		return err
	})
	return att, err
}

// DayEnd is what closing the days did.
type DayEnd struct {
	NoShows   int // bookings nobody came for
	LeftQueue int // tickets never seen (waiting or skipped at the end of the day)
}

// EndDays closes every day up to and including `through` (YYYY-MM-DD): bookings still open
// become no-shows (counted on the patient), and the queue's unseen tickets become no-shows too.
// The front desk's "end the day" button calls it for today; the scheduler calls it late each
// evening for today and at start-up for yesterday, to catch up on days the server was off.
func (d *Diary) EndDays(ctx context.Context, through string, by audit.Actor) (res DayEnd, err error) {
	if _, err := time.Parse(time.DateOnly, through); err != nil {
		return res, clinic.Invalid("day", "error.date")
	}
	err = d.DB.Write(ctx, func(tx *sql.Tx) error {
		open, err := list(ctx, tx, `SELECT `+apptCols+apptFrom+` WHERE a.day <= ? AND a.status = 'booked' ORDER BY a.id`, through)
		if err != nil {
			return err
		}
		now := ts(d.now())
		var entries []audit.Entry
		for _, a := range open {
			if _, err := tx.ExecContext(ctx, `UPDATE appointments SET status = 'no_show', updated_at = ?, version = version + 1
				WHERE id = ?`, now, a.ID); err != nil {
				return err
			}
			entries = append(entries, by.Entry(audit.ActionChange, "appointment", fmt.Sprint(a.ID), a.PatientID,
				fmt.Sprintf("end of day %s: no-show for %s", a.Day, d.hhmm(a.Start))))
		}
		res.NoShows = len(open)
		if err := audit.Append(ctx, tx, entries...); err != nil {
			return err
		}
		if res.LeftQueue, err = d.queue().CloseDays(ctx, tx, through, by); err != nil {
			return err
		}
		if res.NoShows > 0 {
			return queue.Touch(ctx, tx)
		}
		return nil
	})
	return res, err
}
