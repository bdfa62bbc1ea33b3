// Package queue is the day's queue at the front desk: a patient arrives (walked in or booked),
// gets a ticket number for the day, waits, is called by a doctor, waits for medicine and the
// bill, and leaves. The numbers run per clinic or per doctor (a setting), and the day is the
// clinic's local day.
//
// Every change runs in one IMMEDIATE transaction on the single writer connection: that is what
// makes ticket numbers and "next patient" race-free without locks of our own. Every change is
// audited with the patient's id, and bumps the front-desk stamp that live screens watch.
package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// States of an attendance.
const (
	Waiting                 = "waiting"
	WithDoctor              = "with_doctor"
	AwaitingMedicinePayment = "awaiting_medicine_payment"
	Done                    = "done"
	Skipped                 = "skipped"
	NoShow                  = "no_show"
	Cancelled               = "cancelled"
)

// States in the order a day runs through them.
var States = []string{Waiting, WithDoctor, AwaitingMedicinePayment, Done, Skipped, NoShow, Cancelled}

// transitions are the moves the front desk and the doctors make in the ordinary run of a day.
// Done and cancelled are final: they go back only through Correct, with a reason.
var transitions = map[string][]string{
	Waiting:                 {WithDoctor, Skipped, NoShow, Cancelled},
	Skipped:                 {Waiting, WithDoctor, NoShow, Cancelled},
	WithDoctor:              {AwaitingMedicinePayment, Done, Waiting},
	AwaitingMedicinePayment: {Done, WithDoctor},
	NoShow:                  {Waiting, Cancelled},
	Done:                    nil,
	Cancelled:               nil,
}

// correctable are the final states a correction may reopen, and to where.
var correctable = map[string][]string{
	Done:      {Waiting, WithDoctor, AwaitingMedicinePayment},
	Cancelled: {Waiting},
}

// Allowed lists the states an attendance in state from may move to (without a correction).
func Allowed(from string) []string { return transitions[from] }

// CanMove reports whether from → to is an ordinary transition.
func CanMove(from, to string) bool { return slices.Contains(transitions[from], to) }

// CorrectableTo lists the states a correction may return a final attendance to.
func CorrectableTo(from string) []string { return correctable[from] }

// Active reports whether the patient is still somewhere in the clinic's day.
func Active(state string) bool {
	return state == Waiting || state == WithDoctor || state == AwaitingMedicinePayment || state == Skipped
}

// TransitionError is a move the rules refuse; the web layer names both states to the user.
type TransitionError struct{ From, To string }

func (e *TransitionError) Error() string {
	return fmt.Sprintf("queue: an attendance cannot go from %s to %s", e.From, e.To)
}

// ErrNobodyWaiting is "next patient" with no one waiting for this doctor.
var ErrNobodyWaiting = errors.New("queue: nobody is waiting")

// Settings of the queue, in the settings table.
const (
	SettingNumbering = "queue.numbering" // "clinic" (one sequence, the default) or "doctor"
	NumberingClinic  = "clinic"
	NumberingDoctor  = "doctor"
)

// Audit action of a correction, beyond the common ones.
const ActionCorrect = "correct"

// Queue is the day's queue of one practice.
type Queue struct {
	DB   *store.DB
	Zone *time.Location   // the clinic's time zone: it decides which day it is
	Now  func() time.Time // the clock; tests move it across midnight
}

// New returns the queue with the real clock.
func New(db *store.DB, zone *time.Location) *Queue {
	return &Queue{DB: db, Zone: zone, Now: time.Now}
}

func (q *Queue) now() time.Time {
	if q.Now == nil {
		return time.Now()
	}
	return q.Now()
}

// Day is the clinic's local day of t, as stored: "2026-11-22".
func (q *Queue) Day(t time.Time) string { return t.In(q.zone()).Format(time.DateOnly) }

// Today is the clinic's local day now.
func (q *Queue) Today() string { return q.Day(q.now()) }

func (q *Queue) zone() *time.Location {
	if q.Zone == nil {
		return time.UTC
	}
	return q.Zone
}

// Attendance is one patient's place in one day, with the names the screens show.
type Attendance struct {
	ID            int64
	Day           string
	Ticket        int
	TicketLabel   string
	PatientID     int64
	PatientNumber string
	SurnameEN     string
	GivenNameEN   string
	NameZH        string
	DoctorID      int64 // 0: any doctor
	DoctorName    string
	DoctorNameZH  string
	AppointmentID int64
	State         string
	Urgent        bool
	Position      int64
	ArrivedAt     time.Time
	CalledAt      time.Time
	Calls         int
	RoomEN        string
	RoomZH        string
	FinishedAt    time.Time
	Version       int64
}

// NameEN is the English name as Hong Kong writes it: "CHAN Tai Man".
func (a *Attendance) NameEN() string {
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

// Allowed lists the ordinary moves from this attendance's state.
func (a *Attendance) Allowed() []string { return Allowed(a.State) }

// Waited is how long the patient has waited since arriving (until called, or until now).
func (a *Attendance) Waited(now time.Time) time.Duration {
	end := now
	if !a.CalledAt.IsZero() {
		end = a.CalledAt
	}
	return end.Sub(a.ArrivedAt)
}

// stamp is the time format of every instant this package stores: UTC, fixed width so that
// text order is time order.
const stamp = "2006-01-02T15:04:05.000000000Z"

func ts(t time.Time) string { return t.UTC().Format(stamp) }

func parseTS(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

const attendanceCols = `a.id, a.day, a.ticket, a.ticket_label, a.patient_id, p.number, p.surname_en, p.given_name_en,
	p.name_zh, COALESCE(a.doctor_id, 0), COALESCE(u.full_name, ''), COALESCE(u.full_name_zh, ''),
	COALESCE(a.appointment_id, 0), a.state, a.urgent, a.position, a.arrived_at, a.called_at, a.calls,
	a.room_en, a.room_zh, a.finished_at, a.version`

const attendanceFrom = ` FROM attendances a JOIN patients p ON p.id = a.patient_id LEFT JOIN users u ON u.id = a.doctor_id`

type scanner interface{ Scan(...any) error }

func scanAttendance(s scanner) (Attendance, error) {
	var a Attendance
	var arrived, called, finished string
	err := s.Scan(&a.ID, &a.Day, &a.Ticket, &a.TicketLabel, &a.PatientID, &a.PatientNumber, &a.SurnameEN, &a.GivenNameEN,
		&a.NameZH, &a.DoctorID, &a.DoctorName, &a.DoctorNameZH, &a.AppointmentID, &a.State, &a.Urgent, &a.Position,
		&arrived, &called, &a.Calls, &a.RoomEN, &a.RoomZH, &finished, &a.Version)
	if err != nil {
		return a, err
	}
	a.ArrivedAt, a.CalledAt, a.FinishedAt = parseTS(arrived), parseTS(called), parseTS(finished)
	return a, nil
}

// querier is a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func get(ctx context.Context, db querier, id int64) (Attendance, error) {
	a, err := scanAttendance(db.QueryRowContext(ctx, `SELECT `+attendanceCols+attendanceFrom+` WHERE a.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, clinic.ErrNotFound
	}
	return a, err
}

// Get returns one attendance.
func (q *Queue) Get(ctx context.Context, id int64) (Attendance, error) { return get(ctx, q.DB.R, id) }

// dayOrder lists a day as the front desk reads it: who is with a doctor, then who waits (urgent
// first, then in queue order), the skipped, those waiting for medicine and the bill, and last
// those who have left, by ticket.
const dayOrder = ` ORDER BY CASE a.state WHEN 'with_doctor' THEN 0 WHEN 'waiting' THEN 1 WHEN 'skipped' THEN 2
	WHEN 'awaiting_medicine_payment' THEN 3 ELSE 4 END,
	CASE WHEN a.state = 'waiting' THEN -a.urgent ELSE 0 END,
	CASE WHEN a.state IN ('waiting','skipped') THEN a.position ELSE 0 END,
	CASE WHEN a.state = 'with_doctor' THEN a.called_at ELSE '' END,
	a.arrived_at, a.id`

// List returns every attendance of a day (YYYY-MM-DD) in the front desk's order.
func (q *Queue) List(ctx context.Context, day string) ([]Attendance, error) {
	return list(ctx, q.DB.R, `SELECT `+attendanceCols+attendanceFrom+` WHERE a.day = ?`+dayOrder, day)
}

func list(ctx context.Context, db querier, query string, args ...any) ([]Attendance, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Attendance
	for rows.Next() {
		a, err := scanAttendance(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Touch bumps the front-desk stamp in the caller's transaction; every write of the queue and of
// the diary calls it, and so must any other feature that changes an attendance.
func Touch(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `UPDATE frontdesk_stamp SET n = n + 1 WHERE id = 1`)
	return err
}

// Stamp reads the front-desk stamp: when it has moved, something on the front desk changed.
func Stamp(ctx context.Context, db *sql.DB) (int64, error) {
	var n int64
	err := db.QueryRowContext(ctx, `SELECT n FROM frontdesk_stamp WHERE id = 1`).Scan(&n)
	return n, err
}

func setting(ctx context.Context, tx querier, key string) (string, error) {
	var v string
	err := tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// Doctor is a doctor as the queue and the board know them.
type Doctor struct {
	ID         int64
	Name       string
	NameZH     string
	RoomEN     string
	RoomZH     string
	Prefix     string // before the doctor's tickets when each doctor has a sequence
	PrefixAuto bool   // the prefix was not set and follows the doctors' order (A, B, ...)
}

// Doctors lists the enabled doctors with their rooms, in a stable order (by account id), with
// each one's ticket prefix: the one set, or A, B, C... in that order.
func Doctors(ctx context.Context, db *sql.DB) ([]Doctor, error) { return doctors(ctx, db) }

func doctors(ctx context.Context, db querier) ([]Doctor, error) {
	rows, err := db.QueryContext(ctx, `SELECT u.id, u.full_name, u.full_name_zh, COALESCE(r.room_en,''), COALESCE(r.room_zh,''),
		COALESCE(r.prefix,'') FROM users u JOIN user_roles ur ON ur.user_id = u.id AND ur.role = 'doctor'
		LEFT JOIN doctor_rooms r ON r.user_id = u.id WHERE u.disabled = 0 ORDER BY u.id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Doctor
	for rows.Next() {
		var d Doctor
		if err := rows.Scan(&d.ID, &d.Name, &d.NameZH, &d.RoomEN, &d.RoomZH, &d.Prefix); err != nil {
			return nil, err
		}
		if d.Prefix == "" {
			d.Prefix, d.PrefixAuto = autoPrefix(len(out)), true
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func autoPrefix(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return "D" + strconv.Itoa(i+1)
}

func doctorByID(ctx context.Context, db querier, id int64) (Doctor, error) {
	all, err := doctors(ctx, db)
	if err != nil {
		return Doctor{}, err
	}
	for _, d := range all {
		if d.ID == id {
			return d, nil
		}
	}
	return Doctor{}, clinic.Invalid("doctor", "error.queue.not_a_doctor")
}

// Validate tidies a doctor's room and prefix and checks them; field names carry the doctor's id
// ("room_en_3"), for a form with every doctor on it.
func (d *Doctor) Validate() clinic.ValidationErrors {
	d.RoomEN, d.RoomZH = strings.TrimSpace(d.RoomEN), strings.TrimSpace(d.RoomZH)
	d.Prefix = strings.ToUpper(strings.TrimSpace(d.Prefix))
	var errs clinic.ValidationErrors
	if len([]rune(d.RoomEN)) > 40 {
		errs = append(errs, clinic.Invalid(fmt.Sprintf("room_en_%d", d.ID), "error.too_long", 40))
	}
	if len([]rune(d.RoomZH)) > 20 {
		errs = append(errs, clinic.Invalid(fmt.Sprintf("room_zh_%d", d.ID), "error.too_long", 20))
	}
	if d.Prefix != "" && !prefixOK(d.Prefix) {
		errs = append(errs, clinic.Invalid(fmt.Sprintf("prefix_%d", d.ID), "error.queue.prefix"))
	}
	return errs
}

// SetRoom sets a doctor's room (English and Chinese) and ticket prefix.
func SetRoom(ctx context.Context, db *store.DB, d Doctor, by audit.Actor) error {
	if err := d.Validate().Err(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := doctorByID(ctx, tx, d.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO doctor_rooms (user_id, room_en, room_zh, prefix) VALUES (?,?,?,?)
			ON CONFLICT(user_id) DO UPDATE SET room_en=excluded.room_en, room_zh=excluded.room_zh, prefix=excluded.prefix`,
			d.ID, d.RoomEN, d.RoomZH, d.Prefix); err != nil {
			return err
		}
		if err := Touch(ctx, tx); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "doctor_room", fmt.Sprint(d.ID), 0,
			fmt.Sprintf("room %q / %q, prefix %q", d.RoomEN, d.RoomZH, d.Prefix)))
	})
}

func prefixOK(p string) bool {
	if len(p) > 2 {
		return false
	}
	for _, r := range p {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return true
}
