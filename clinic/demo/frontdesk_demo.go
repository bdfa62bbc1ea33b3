package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/store"
)

// The front-desk step (Order 40): the next two weeks' appointments for each doctor, today's
// queue with walk-ins and arrivals from this morning's bookings, and procedures on some of the
// visits, so that a demo practice shows every kind of record. Bookings and arrivals go through
// the diary and the queue as the screens do (a few hundred, so the cost is small); procedures are
// written in bulk with their eHealth outbox rows, as the consultation writes them one at a time.
func init() {
	Register(Step{Name: "front desk", Order: 40, Run: FrontDesk})
}

// FrontDesk adds appointments, today's queue and procedures. A practice that already has
// appointments is left alone, so running the demo again adds nothing twice.
func FrontDesk(ctx context.Context, db *store.DB, o Options) error {
	if err := demoProcedures(ctx, db); err != nil {
		return err
	}
	var booked int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM appointments`).Scan(&booked); err != nil {
		return err
	}
	if booked > 0 {
		return nil
	}
	doctors, err := queue.Doctors(ctx, db.R)
	if err != nil || len(doctors) == 0 {
		return err
	}
	var maxID int64
	if err := db.R.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM patients`).Scan(&maxID); err != nil || maxID == 0 {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(o.Seed), 40))
	patient := func() int64 {
		for range 20 {
			id := 1 + r.Int64N(maxID)
			var merged sql.NullInt64
			if err := db.R.QueryRowContext(ctx, `SELECT merged_into FROM patients WHERE id = ?`, id).Scan(&merged); err == nil && !merged.Valid {
				return id
			}
		}
		return 1
	}
	zone, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		zone = time.FixedZone("HKT", 8*3600)
	}
	diary := appointments.New(db, zone)
	minutes, err := diary.SlotMinutes(ctx)
	if err != nil {
		return err
	}
	// Bookings: about a third of each doctor's slots over the next 14 days, and this morning's
	// (already past, booked yesterday) are made as arrivals below. The diary refuses closed
	// days, holidays, lunch and past times: those slots are simply skipped.
	today := time.Now().In(zone)
	reasons := []string{"Follow-up", "Blood pressure review", "Diabetes review", "Flu vaccination", "Results", ""}
	for day := 0; day < 14; day++ {
		date := today.AddDate(0, 0, day)
		for _, d := range doctors {
			for t := 9 * 60; t < 18*60; t += minutes {
				if r.IntN(3) != 0 {
					continue
				}
				start := time.Date(date.Year(), date.Month(), date.Day(), t/60, t%60, 0, 0, zone)
				_, err := diary.Book(ctx, appointments.Booking{PatientID: patient(), DoctorID: d.ID, Start: start,
					Reason: reasons[r.IntN(len(reasons))]}, Actor)
				if err != nil && !isInvalid(err) {
					return fmt.Errorf("book: %w", err)
				}
			}
		}
	}
	// Today's queue: the day's bookings that have begun arrive; walk-ins join them.
	todays, err := diary.OnDay(ctx, today.Format(time.DateOnly))
	if err != nil {
		return err
	}
	for _, a := range todays {
		if a.Status == appointments.Booked && r.IntN(2) == 0 {
			if _, err := diary.Arrive(ctx, a.ID, false, Actor); err != nil && !isInvalid(err) {
				return fmt.Errorf("arrive: %w", err)
			}
		}
	}
	for i := 0; i < 12; i++ {
		in := queue.Arrival{PatientID: patient(), DoctorID: doctors[r.IntN(len(doctors))].ID, Urgent: r.IntN(20) == 0}
		if _, err := diary.CheckIn(ctx, in, Actor); err != nil && !isInvalid(err) {
			return fmt.Errorf("check in: %w", err)
		}
	}
	return nil
}

// demoProcedures puts a procedure from the terminology on one signed visit in fifteen, with the
// outbox row the consultation writes (the record key as clinic/visits.ProcedureKey makes it).
func demoProcedures(ctx context.Context, db *store.DB) error {
	var have int
	if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM visit_procedures`).Scan(&have); err != nil || have > 0 {
		return err
	}
	now := time.Now().UTC().Format(time.RFC3339Nano)
	return db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `WITH p AS (SELECT id, code, name_en, name_zh, row_number() OVER (ORDER BY id) - 1 AS n,
				COUNT(*) OVER () AS total FROM terms WHERE kind = 'procedure' AND active = 1)
			INSERT INTO visit_procedures (visit_id, patient_id, term_id, code, text_en, text_zh, created_at, created_by)
			SELECT v.id, v.patient_id, p.id, p.code, p.name_en, p.name_zh, v.visit_date || 'T03:00:00Z', v.doctor_id
			FROM visits v JOIN p ON p.n = v.id % p.total
			WHERE v.status = 'signed' AND v.id % 15 = 0 ORDER BY v.id`); err != nil {
			return fmt.Errorf("procedures: %w", err)
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
			SELECT 'OR-PX-visit_procedures-' || id, 'PX', 'I', patient_id, ? FROM visit_procedures ORDER BY id`, now)
		if err != nil {
			return fmt.Errorf("procedures outbox: %w", err)
		}
		return nil
	})
}

// isInvalid reports a refusal the screens would show (a closed day, a taken slot, ...), which the
// demo skips.
func isInvalid(err error) bool {
	var ve *clinic.ValidationError
	var ves clinic.ValidationErrors
	return errors.As(err, &ve) || errors.As(err, &ves)
}
