package queue

import (
	"context"
	"database/sql"
	"errors"

	"github.com/onramp-hk/onramp/clinic/audit"
)

// LeftAtCounter reports whether a visit leaves something for the counter: medicine still to
// hand over, or a bill not yet settled (none made yet counts as unpaid: the counter makes it;
// a void bill asks for nothing). It reads the prescribing and billing tables directly because
// those packages sit above the queue.
func LeftAtCounter(ctx context.Context, tx *sql.Tx, visitID int64) (bool, error) {
	var left bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM prescription_items i WHERE i.visit_id = ?
			AND i.status <> 'cancelled'
			AND i.quantity > COALESCE((SELECT SUM(quantity) FROM dispensings d WHERE d.prescription_item_id = i.id), 0))
		OR NOT EXISTS (SELECT 1 FROM bills b WHERE b.visit_id = ? AND b.status IN ('settled', 'void'))`,
		visitID, visitID).Scan(&left)
	return left, err
}

// CounterFinishedTx sends a patient home from the counter: when the visit was opened from a
// ticket that is "waiting for medicine and payment" and nothing is left there (every medicine
// handed over, the bill settled), the ticket moves to done in the caller's transaction, the one
// that took the payment or dispensed the last item. A visit without a ticket, a ticket the front
// desk has already moved elsewhere, or a counter with something still to do is left alone;
// moved reports whether anything changed. Call the server's FrontDeskChanged after the commit.
func (q *Queue) CounterFinishedTx(ctx context.Context, tx *sql.Tx, visitID int64, by audit.Actor) (moved bool, err error) {
	var attendanceID sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT attendance_id FROM visits WHERE id = ?`, visitID).Scan(&attendanceID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !attendanceID.Valid) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var state string
	err = tx.QueryRowContext(ctx, `SELECT state FROM attendances WHERE id = ?`, attendanceID.Int64).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && state != AwaitingMedicinePayment) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	left, err := LeftAtCounter(ctx, tx, visitID)
	if err != nil || left {
		return false, err
	}
	if _, err := q.MoveTx(ctx, tx, attendanceID.Int64, Done, by); err != nil {
		return false, err
	}
	return true, nil
}

// VisitsOfDay maps each of the day's tickets that has had its consultation opened to that
// visit, so that the queue list can lead the counter straight to its medicines and bill. One
// query for the whole day: the list is drawn again on every change.
func VisitsOfDay(ctx context.Context, db *sql.DB, day string) (map[int64]int64, error) {
	rows, err := db.QueryContext(ctx, `SELECT v.attendance_id, v.id FROM visits v JOIN attendances a ON a.id = v.attendance_id
		WHERE a.day = ?`, day)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var attendance, visit int64
		if err := rows.Scan(&attendance, &visit); err != nil {
			return nil, err
		}
		out[attendance] = visit
	}
	return out, rows.Err()
}
