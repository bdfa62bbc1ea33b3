package queue

import (
	"context"
	"database/sql"
	"testing"
)

// TestCounterFinished: the counter sends a patient home only from "waiting for medicine and
// payment", only when the bill is settled (or void) and nothing is left to hand over, and only
// for a visit opened from a ticket; anything else is left alone without an error.
func TestCounterFinished(t *testing.T) {
	for _, tt := range []struct {
		name      string
		state     string // the ticket's state; "" for a visit opened without a ticket
		bill      string // the bill's status; "" for no bill yet
		wantMoved bool
		wantState string
	}{
		{"settled, nothing to hand over", AwaitingMedicinePayment, "settled", true, Done},
		{"void bill", AwaitingMedicinePayment, "void", true, Done},
		{"bill still open", AwaitingMedicinePayment, "open", false, AwaitingMedicinePayment},
		{"no bill yet", AwaitingMedicinePayment, "", false, AwaitingMedicinePayment},
		{"still with the doctor", WithDoctor, "settled", false, WithDoctor},
		{"already done", Done, "settled", false, Done},
		{"visit without a ticket", "", "settled", false, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, 1, 1)
			ctx := context.Background()
			var attendance any
			if tt.state != "" {
				a := f.checkIn(0, f.doctors[0], false)
				f.force(a.ID, tt.state, f.doctors[0])
				attendance = a.ID
			}
			res, err := f.db.W.Exec(`INSERT INTO visits (patient_id, doctor_id, attendance_id, episode_no, visit_date, type, status,
				created_at, updated_at) VALUES (?, ?, ?, 'V1', '2026-11-23', 'consultation', 'signed', 'x', 'x')`,
				f.patients[0], f.doctors[0], attendance)
			if err != nil {
				t.Fatal(err)
			}
			visitID, _ := res.LastInsertId()
			if tt.bill != "" {
				if _, err := f.db.W.Exec(`INSERT INTO bills (number, visit_id, patient_id, day, status, created_at, updated_at)
					VALUES ('B1', ?, ?, '2026-11-23', ?, 'x', 'x')`, visitID, f.patients[0], tt.bill); err != nil {
					t.Fatal(err)
				}
			}
			var moved bool
			err = f.db.Write(ctx, func(tx *sql.Tx) error {
				moved, err = f.q.CounterFinishedTx(ctx, tx, visitID, f.by)
				return err
			})
			if err != nil || moved != tt.wantMoved {
				t.Fatalf("CounterFinishedTx = %v, %v; want moved %v", moved, err, tt.wantMoved)
			}
			if tt.state == "" {
				return
			}
			a, err := f.q.Get(ctx, attendance.(int64))
			if err != nil {
				t.Fatal(err)
			}
			if a.State != tt.wantState {
				t.Errorf("ticket %s, want %s", a.State, tt.wantState)
			}
			visits, err := VisitsOfDay(ctx, f.db.R, "2026-11-23")
			if err != nil || visits[a.ID] != visitID || len(visits) != 1 {
				t.Errorf("VisitsOfDay = %v, %v; want ticket %d → visit %d", visits, err, a.ID, visitID)
			}
			if other, err := VisitsOfDay(ctx, f.db.R, "2026-11-24"); err != nil || len(other) != 0 {
				t.Errorf("another day's visits: %v, %v", other, err)
			}
		})
	}
}
