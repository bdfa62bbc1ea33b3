package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
)

// Arrival is a patient coming in.
type Arrival struct {
	PatientID     int64
	DoctorID      int64 // 0: the first free doctor
	Urgent        bool
	AppointmentID int64 // set when the arrival comes from a booking
}

// CheckIn gives an arriving patient today's next ticket.
func (q *Queue) CheckIn(ctx context.Context, in Arrival, by audit.Actor) (a Attendance, err error) {
	err = q.DB.Write(ctx, func(tx *sql.Tx) error {
		a, err = q.CheckInTx(ctx, tx, in, by)
		return err
	})
	return a, err
}

// CheckInTx is CheckIn in the caller's transaction (an arrival from a booking changes the
// appointment in the same one).
func (q *Queue) CheckInTx(ctx context.Context, tx *sql.Tx, in Arrival, by audit.Actor) (Attendance, error) {
	if in.PatientID <= 0 {
		return Attendance{}, clinic.Invalid("patient", "error.queue.patient")
	}
	// A merged-away record stands for its survivor.
	var merged sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT merged_into FROM patients WHERE id = ?`, in.PatientID).Scan(&merged)
	if errors.Is(err, sql.ErrNoRows) {
		return Attendance{}, clinic.Invalid("patient", "error.queue.patient")
	}
	if err != nil {
		return Attendance{}, err
	}
	if merged.Valid && merged.Int64 != 0 {
		in.PatientID = merged.Int64
	}
	var doc Doctor
	if in.DoctorID != 0 {
		if doc, err = doctorByID(ctx, tx, in.DoctorID); err != nil {
			return Attendance{}, err
		}
	}
	now := q.now()
	day := q.Day(now)
	// The same person twice in today's queue is a mistake (two clerks, a double click).
	var existing string
	err = tx.QueryRowContext(ctx, `SELECT ticket_label FROM attendances WHERE day = ? AND patient_id = ?
		AND state IN ('waiting','with_doctor','awaiting_medicine_payment','skipped') LIMIT 1`, day, in.PatientID).Scan(&existing)
	if err == nil {
		return Attendance{}, clinic.Invalid("patient", "error.queue.already_in", existing)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return Attendance{}, err
	}
	mode, err := setting(ctx, tx, SettingNumbering)
	if err != nil {
		return Attendance{}, err
	}
	seq, prefix := NumberingClinic, ""
	if mode == NumberingDoctor {
		seq = "doctor:" + strconv.FormatInt(in.DoctorID, 10)
		prefix = doc.Prefix
	}
	var ticket int
	var position int64
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(ticket), 0) + 1 FROM attendances WHERE day = ? AND seq = ?`,
		day, seq).Scan(&ticket); err != nil {
		return Attendance{}, err
	}
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM attendances WHERE day = ?`,
		day).Scan(&position); err != nil {
		return Attendance{}, err
	}
	label := prefix + strconv.Itoa(ticket)
	res, err := tx.ExecContext(ctx, `INSERT INTO attendances (day, seq, ticket, ticket_label, patient_id, doctor_id,
		appointment_id, state, urgent, position, arrived_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
		day, seq, ticket, label, in.PatientID, nullID(in.DoctorID), nullID(in.AppointmentID), Waiting, in.Urgent, position,
		ts(now), ts(now))
	if err != nil {
		return Attendance{}, fmt.Errorf("queue: check in: %w", err)
	}
	id, _ := res.LastInsertId()
	if err := Touch(ctx, tx); err != nil {
		return Attendance{}, err
	}
	kind := "walk-in"
	if in.AppointmentID != 0 {
		kind = fmt.Sprintf("from appointment %d", in.AppointmentID)
	}
	detail := fmt.Sprintf("checked in, ticket %s (%s)", label, kind)
	if in.Urgent {
		detail += ", urgent"
	}
	if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "attendance", fmt.Sprint(id), in.PatientID, detail)); err != nil {
		return Attendance{}, err
	}
	return get(ctx, tx, id)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// change runs fn on one attendance in one transaction: it reads the row, lets fn decide and
// write, bumps the stamp and the row's version, and appends fn's audit detail.
func (q *Queue) change(ctx context.Context, id int64, by audit.Actor, action string,
	fn func(tx *sql.Tx, a *Attendance) (detail string, err error)) (a Attendance, err error) {
	err = q.DB.Write(ctx, func(tx *sql.Tx) error {
		a, err = q.changeTx(ctx, tx, id, by, action, fn)
		return err
	})
	return a, err
}

func (q *Queue) changeTx(ctx context.Context, tx *sql.Tx, id int64, by audit.Actor, action string,
	fn func(tx *sql.Tx, a *Attendance) (detail string, err error)) (Attendance, error) {
	a, err := get(ctx, tx, id)
	if err != nil {
		return a, err
	}
	detail, err := fn(tx, &a)
	if err != nil {
		return a, err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attendances SET version = version + 1, updated_at = ? WHERE id = ?`,
		ts(q.now()), id); err != nil {
		return a, err
	}
	if err := Touch(ctx, tx); err != nil {
		return a, err
	}
	if err := audit.Append(ctx, tx, by.Entry(action, "attendance", fmt.Sprint(id), a.PatientID, detail)); err != nil {
		return a, err
	}
	return get(ctx, tx, id)
}

// Next gives a doctor the first patient waiting for them (or for any doctor): urgent ones
// first, then in queue order. Two doctors pressing it together get two different patients,
// because the choice and the change happen in one transaction on the single writer.
func (q *Queue) Next(ctx context.Context, doctorID int64, by audit.Actor) (a Attendance, err error) {
	err = q.DB.Write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM attendances WHERE day = ? AND state = 'waiting'
			AND (doctor_id = ? OR doctor_id IS NULL) ORDER BY urgent DESC, position LIMIT 1`, q.Today(), doctorID).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNobodyWaiting
		}
		if err != nil {
			return err
		}
		a, err = q.callTx(ctx, tx, id, doctorID, by)
		return err
	})
	return a, err
}

// Call calls one patient to a doctor (out of queue order), or calls again a patient already
// called by that doctor who has not come in: the board shows the number again and chimes.
func (q *Queue) Call(ctx context.Context, id, doctorID int64, by audit.Actor) (a Attendance, err error) {
	err = q.DB.Write(ctx, func(tx *sql.Tx) error {
		a, err = q.callTx(ctx, tx, id, doctorID, by)
		return err
	})
	return a, err
}

func (q *Queue) callTx(ctx context.Context, tx *sql.Tx, id, doctorID int64, by audit.Actor) (Attendance, error) {
	a, err := get(ctx, tx, id)
	if err != nil {
		return a, err
	}
	doc, err := doctorByID(ctx, tx, doctorID)
	if err != nil {
		return a, err
	}
	recall := a.State == WithDoctor && a.DoctorID == doctorID
	if !recall && !CanMove(a.State, WithDoctor) {
		return a, &TransitionError{From: a.State, To: WithDoctor}
	}
	if !recall && a.State == AwaitingMedicinePayment && a.DoctorID != doctorID {
		return a, &TransitionError{From: a.State, To: WithDoctor}
	}
	now := q.now()
	if _, err := tx.ExecContext(ctx, `UPDATE attendances SET state = 'with_doctor', doctor_id = ?, called_at = ?,
		calls = calls + 1, room_en = ?, room_zh = ?, version = version + 1, updated_at = ? WHERE id = ?`,
		doctorID, ts(now), doc.RoomEN, doc.RoomZH, ts(now), id); err != nil {
		return a, err
	}
	if err := Touch(ctx, tx); err != nil {
		return a, err
	}
	detail := fmt.Sprintf("called ticket %s to %s", a.TicketLabel, doc.Name)
	if recall {
		detail = fmt.Sprintf("called ticket %s again to %s", a.TicketLabel, doc.Name)
	}
	if err := audit.Append(ctx, tx, by.Entry(audit.ActionChange, "attendance", fmt.Sprint(id), a.PatientID, detail)); err != nil {
		return a, err
	}
	return get(ctx, tx, id)
}

// Move changes an attendance's state along an ordinary transition. Moving back to a doctor
// (from waiting for medicine) goes to the doctor it had; use Call to pick a doctor.
func (q *Queue) Move(ctx context.Context, id int64, to string, by audit.Actor) (a Attendance, err error) {
	err = q.DB.Write(ctx, func(tx *sql.Tx) error {
		a, err = q.MoveTx(ctx, tx, id, to, by)
		return err
	})
	return a, err
}

// MoveTx is Move in the caller's transaction: the consultation moves its attendance on to
// "medicine and payment" in the transaction that saves the visit, the bill to "done" in the one
// that records the payment. Call the server's FrontDeskChanged after the commit.
func (q *Queue) MoveTx(ctx context.Context, tx *sql.Tx, id int64, to string, by audit.Actor) (Attendance, error) {
	if !slices.Contains(States, to) {
		return Attendance{}, clinic.Invalid("to", "error.choose")
	}
	return q.changeTx(ctx, tx, id, by, audit.ActionChange, func(tx *sql.Tx, a *Attendance) (string, error) {
		if !CanMove(a.State, to) {
			return "", &TransitionError{From: a.State, To: to}
		}
		if to == WithDoctor {
			if a.DoctorID == 0 {
				return "", clinic.Invalid("doctor", "error.queue.no_doctor")
			}
			if _, err := tx.ExecContext(ctx, `UPDATE attendances SET called_at = ?, calls = calls + 1 WHERE id = ?`,
				ts(q.now()), a.ID); err != nil {
				return "", err
			}
		}
		if err := q.setState(ctx, tx, a, to); err != nil {
			return "", err
		}
		return fmt.Sprintf("ticket %s: %s → %s", a.TicketLabel, a.State, to), nil
	})
}

// setState writes a new state and what goes with it: a finishing time for the final states, and
// a place at the back of the queue for a skipped patient who comes back.
func (q *Queue) setState(ctx context.Context, tx *sql.Tx, a *Attendance, to string) error {
	finished := ""
	if to == Done || to == NoShow || to == Cancelled {
		finished = ts(q.now())
	}
	if _, err := tx.ExecContext(ctx, `UPDATE attendances SET state = ?, finished_at = ? WHERE id = ?`, to, finished, a.ID); err != nil {
		return err
	}
	if to == Waiting && (a.State == Skipped || a.State == NoShow || a.State == Cancelled || a.State == Done) {
		var pos int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(position), 0) + 1 FROM attendances WHERE day = ?`, a.Day).Scan(&pos); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attendances SET position = ? WHERE id = ?`, pos, a.ID); err != nil {
			return err
		}
	}
	return nil
}

// Correct reopens a final attendance (done, or cancelled by mistake). It is the only way back
// from those states, and it needs a reason, which the audit log keeps.
func (q *Queue) Correct(ctx context.Context, id int64, to, reason string, by audit.Actor) (Attendance, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return Attendance{}, clinic.Invalid("reason", "error.queue.reason")
	}
	if utf8.RuneCountInString(reason) > 500 {
		return Attendance{}, clinic.Invalid("reason", "error.too_long", 500)
	}
	return q.change(ctx, id, by, ActionCorrect, func(tx *sql.Tx, a *Attendance) (string, error) {
		if !slices.Contains(correctable[a.State], to) {
			return "", &TransitionError{From: a.State, To: to}
		}
		if err := q.setState(ctx, tx, a, to); err != nil {
			return "", err
		}
		return fmt.Sprintf("correction of ticket %s: %s → %s; reason: %s", a.TicketLabel, a.State, to, reason), nil
	})
}

// Directions of Reorder.
const (
	Up     = "up"
	Down   = "down"
	ToTop  = "top"
	ToLast = "last"
)

// Reorder moves a waiting patient one place up or down the queue, or to its top or end. Urgent
// patients stay ahead of the others whatever the order.
func (q *Queue) Reorder(ctx context.Context, id int64, dir string, by audit.Actor) (Attendance, error) {
	if dir != Up && dir != Down && dir != ToTop && dir != ToLast {
		return Attendance{}, clinic.Invalid("dir", "error.choose")
	}
	return q.change(ctx, id, by, audit.ActionChange, func(tx *sql.Tx, a *Attendance) (string, error) {
		if a.State != Waiting {
			return "", clinic.Invalid("dir", "error.queue.reorder_state")
		}
		var other sql.NullInt64
		var otherPos sql.NullInt64
		var err error
		switch dir {
		case Up:
			err = tx.QueryRowContext(ctx, `SELECT id, position FROM attendances WHERE day = ? AND state = 'waiting'
				AND urgent = ? AND position < ? ORDER BY position DESC LIMIT 1`, a.Day, a.Urgent, a.Position).Scan(&other, &otherPos)
		case Down:
			err = tx.QueryRowContext(ctx, `SELECT id, position FROM attendances WHERE day = ? AND state = 'waiting'
				AND urgent = ? AND position > ? ORDER BY position LIMIT 1`, a.Day, a.Urgent, a.Position).Scan(&other, &otherPos)
		case ToTop:
			err = tx.QueryRowContext(ctx, `SELECT NULL, MIN(position) - 1 FROM attendances WHERE day = ?`, a.Day).Scan(&other, &otherPos)
		case ToLast:
			err = tx.QueryRowContext(ctx, `SELECT NULL, MAX(position) + 1 FROM attendances WHERE day = ?`, a.Day).Scan(&other, &otherPos)
		}
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Sprintf("ticket %s already at the %s", a.TicketLabel, dir), nil
		}
		if err != nil {
			return "", err
		}
		if other.Valid {
			if _, err := tx.ExecContext(ctx, `UPDATE attendances SET position = ? WHERE id = ?`, a.Position, other.Int64); err != nil {
				return "", err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attendances SET position = ? WHERE id = ?`, otherPos.Int64, a.ID); err != nil {
			return "", err
		}
		return fmt.Sprintf("ticket %s moved %s", a.TicketLabel, dir), nil
	})
}

// Assign gives a waiting (or skipped) patient to a doctor, or back to any doctor (0). The ticket
// number stays the one the patient holds.
func (q *Queue) Assign(ctx context.Context, id, doctorID int64, by audit.Actor) (Attendance, error) {
	return q.change(ctx, id, by, audit.ActionChange, func(tx *sql.Tx, a *Attendance) (string, error) {
		if a.State != Waiting && a.State != Skipped {
			return "", clinic.Invalid("doctor", "error.queue.reassign_state")
		}
		name := "any doctor"
		if doctorID != 0 {
			d, err := doctorByID(ctx, tx, doctorID)
			if err != nil {
				return "", err
			}
			name = d.Name
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attendances SET doctor_id = ? WHERE id = ?`, nullID(doctorID), a.ID); err != nil {
			return "", err
		}
		return fmt.Sprintf("ticket %s assigned to %s", a.TicketLabel, name), nil
	})
}

// SetUrgent marks a patient urgent (seen before the others) or not.
func (q *Queue) SetUrgent(ctx context.Context, id int64, urgent bool, by audit.Actor) (Attendance, error) {
	return q.change(ctx, id, by, audit.ActionChange, func(tx *sql.Tx, a *Attendance) (string, error) {
		if !Active(a.State) {
			return "", clinic.Invalid("urgent", "error.queue.urgent_state")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE attendances SET urgent = ? WHERE id = ?`, urgent, a.ID); err != nil {
			return "", err
		}
		if urgent {
			return fmt.Sprintf("ticket %s marked urgent", a.TicketLabel), nil
		}
		return fmt.Sprintf("ticket %s no longer urgent", a.TicketLabel), nil
	})
}

// CloseDays ends the days up to and including through (YYYY-MM-DD): whoever is still waiting or
// skipped there left without being seen and becomes a no-show. It runs in the caller's
// transaction (the diary marks its no-shows in the same one) and returns how many it changed.
func (q *Queue) CloseDays(ctx context.Context, tx *sql.Tx, through string, by audit.Actor) (int, error) {
	left, err := list(ctx, tx, `SELECT `+attendanceCols+attendanceFrom+` WHERE a.day <= ? AND a.state IN ('waiting','skipped')
		ORDER BY a.id`, through)
	if err != nil {
		return 0, err
	}
	if len(left) == 0 {
		return 0, nil
	}
	now := ts(q.now())
	var entries []audit.Entry
	for _, a := range left {
		if _, err := tx.ExecContext(ctx, `UPDATE attendances SET state = 'no_show', finished_at = ?, updated_at = ?,
			version = version + 1 WHERE id = ?`, now, now, a.ID); err != nil {
			return 0, err
		}
		entries = append(entries, by.Entry(audit.ActionChange, "attendance", fmt.Sprint(a.ID), a.PatientID,
			fmt.Sprintf("end of day %s: ticket %s not seen, no-show", a.Day, a.TicketLabel)))
	}
	if err := Touch(ctx, tx); err != nil {
		return 0, err
	}
	return len(left), audit.Append(ctx, tx, entries...)
}

// ConsultationEndedTx moves a patient on when the doctor signs the visit opened from their
// ticket: to "waiting for medicine and payment" when something remains to hand over or to pay,
// else to "done". Only a patient still with the doctor moves; one the front desk has already
// moved on (or back) is left where they are, and moved reports whether anything changed. Call
// the server's FrontDeskChanged after the commit.
func (q *Queue) ConsultationEndedTx(ctx context.Context, tx *sql.Tx, attendanceID int64, atCounter bool, by audit.Actor) (moved bool, err error) {
	a, err := get(ctx, tx, attendanceID)
	if errors.Is(err, clinic.ErrNotFound) {
		return false, nil
	}
	if err != nil || a.State != WithDoctor {
		return false, err
	}
	to := Done
	if atCounter {
		to = AwaitingMedicinePayment
	}
	_, err = q.MoveTx(ctx, tx, attendanceID, to, by)
	return err == nil, err
}
