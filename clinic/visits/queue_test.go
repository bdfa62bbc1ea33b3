package visits_test

import (
	"context"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/visits"
)

// Signing the visit of a queue ticket moves the patient on: to "waiting for medicine and
// payment" while medicine is left to hand over or the bill is not settled, to "done" when
// nothing is left at the counter; a patient the front desk has already moved stays put.
func TestSignMovesAttendance(t *testing.T) {
	ctx := context.Background()
	ts := time.Now().UTC().Format(time.RFC3339Nano)
	cases := []struct {
		name      string
		bill      string // status of the visit's bill; "" for none yet
		medicine  int64  // quantity prescribed
		dispensed int64
		before    string // where the front desk put the patient before the signature
		want      string
	}{
		{"nothing charged yet", "", 0, 0, queue.WithDoctor, queue.AwaitingMedicinePayment},
		{"bill open", "open", 0, 0, queue.WithDoctor, queue.AwaitingMedicinePayment},
		{"paid, medicine to hand over", "settled", 10, 0, queue.WithDoctor, queue.AwaitingMedicinePayment},
		{"paid, medicine partly handed over", "settled", 10, 4, queue.WithDoctor, queue.AwaitingMedicinePayment},
		{"paid, medicine handed over", "settled", 10, 10, queue.WithDoctor, queue.Done},
		{"paid, no medicine", "settled", 0, 0, queue.WithDoctor, queue.Done},
		{"already sent to the counter", "", 0, 0, queue.AwaitingMedicinePayment, queue.AwaitingMedicinePayment},
		{"sent back to waiting", "", 0, 0, queue.Waiting, queue.Waiting},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if _, err := f.db.W.Exec(`INSERT INTO user_roles (user_id, role) VALUES (?, 'doctor')`, f.doctor.UserID); err != nil {
				t.Fatal(err)
			}
			q := queue.New(f.db, nil)
			a, err := q.CheckIn(ctx, queue.Arrival{PatientID: f.patient, DoctorID: f.doctor.UserID}, f.doctor)
			if err != nil {
				t.Fatal(err)
			}
			if a, err = q.Next(ctx, f.doctor.UserID, f.doctor); err != nil || a.State != queue.WithDoctor {
				t.Fatalf("next patient: %v %v", a.State, err)
			}
			v, err := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, DoctorID: f.doctor.UserID, AttendanceID: a.ID,
				Date: a.Day}, f.doctor)
			if err != nil {
				t.Fatal(err)
			}
			if tc.bill != "" {
				if _, err := f.db.W.Exec(`INSERT INTO bills (number, visit_id, patient_id, day, status, created_at, updated_at)
					VALUES ('B000001', ?, ?, ?, ?, ?, ?)`, v.ID, f.patient, a.Day, tc.bill, ts, ts); err != nil {
					t.Fatal(err)
				}
			}
			if tc.medicine > 0 {
				addMedicine(t, f, v.ID, tc.medicine, tc.dispensed, ts)
			}
			if tc.before != queue.WithDoctor {
				if _, err := q.Move(ctx, a.ID, tc.before, f.doctor); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := visits.Sign(ctx, f.db, v.ID, visits.Draft{Note: visits.Note{History: "Cough"}}, f.doctor, "Dr Chan"); err != nil {
				t.Fatal(err)
			}
			got, err := q.Get(ctx, a.ID)
			if err != nil || got.State != tc.want {
				t.Fatalf("after signing: %q %v, want %q", got.State, err, tc.want)
			}
		})
	}
}

// addMedicine prescribes qty of a drug on the visit and records given of it handed over.
func addMedicine(t *testing.T, f *fixture, visitID, qty, given int64, ts string) {
	t.Helper()
	res, err := f.db.W.Exec(`INSERT INTO drugs (local_code, name, dispensing_unit, dose_unit, created_at, updated_at)
		VALUES ('PCM500', 'Paracetamol 500mg', 'tab', 'tab', ?, ?)`, ts, ts)
	if err != nil {
		t.Fatal(err)
	}
	drug, _ := res.LastInsertId()
	res, err = f.db.W.Exec(`INSERT INTO prescription_items (visit_id, patient_id, drug_id, dose_milli, dose_unit, frequency,
		quantity, created_at, updated_at) VALUES (?, ?, ?, 1000, 'tab', 'TDS', ?, ?, ?)`, visitID, f.patient, drug, qty, ts, ts)
	if err != nil {
		t.Fatal(err)
	}
	item, _ := res.LastInsertId()
	if given == 0 {
		return
	}
	res, err = f.db.W.Exec(`INSERT INTO stock_batches (drug_id, batch_no, expiry, quantity, received_at)
		VALUES (?, 'B1', '2030-01-01', 100, ?)`, drug, ts)
	if err != nil {
		t.Fatal(err)
	}
	batch, _ := res.LastInsertId()
	if _, err := f.db.W.Exec(`INSERT INTO dispensings (prescription_item_id, visit_id, patient_id, drug_id, batch_id, kind,
		quantity, at) VALUES (?, ?, ?, ?, ?, 'dispense', ?, ?)`, item, visitID, f.patient, drug, batch, given, ts); err != nil {
		t.Fatal(err)
	}
}
