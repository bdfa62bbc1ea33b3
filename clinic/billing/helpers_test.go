package billing

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

var (
	clerk  = audit.Actor{UserID: 0, Username: "clerk", Roles: "clerk"}
	doctor = audit.Actor{UserID: 0, Username: "drwong", Roles: "doctor"}
)

const today = "2026-12-01"

// fixture is a practice with one doctor, patients of several ages, and helpers to record a
// visit the way the consultation and medication screens do.
type fixture struct {
	t        testing.TB
	db       *store.DB
	doctorID int64
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.Open(t)
	f := &fixture{t: t, db: db}
	f.exec(`INSERT INTO practice (id, name_en, name_zh, address, phone, created_at, updated_at)
		VALUES (1, 'Harbour Family Clinic', '海港家庭診所', '88 Nathan Road', '2345 6789', 'x', 'x')`)
	f.doctorID = f.exec(`INSERT INTO users (username, full_name, full_name_zh, password_hash, created_at, updated_at)
		VALUES ('drwong', 'Dr WONG Siu Ming', '黃小明醫生', 'x', 'x', 'x')`)
	return f
}

func (f *fixture) exec(q string, args ...any) int64 {
	f.t.Helper()
	var id int64
	err := f.db.Write(context.Background(), func(tx *sql.Tx) error {
		res, err := tx.Exec(q, args...)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return nil
	})
	if err != nil {
		f.t.Fatalf("%s: %v", q, err)
	}
	return id
}

// patient adds a patient born in dob ("1950", "1990-05-17").
func (f *fixture) patient(surname, given, zh, dob string) int64 {
	prec := map[int]string{4: "Y", 7: "M", 10: "D"}[len(dob)]
	return f.exec(`INSERT INTO patients (number, surname_en, given_name_en, name_zh, sex, dob, dob_precision, created_at, updated_at)
		VALUES ('P' || abs(random() % 1000000), ?, ?, ?, 'M', ?, ?, 'x', 'x')`, surname, given, zh, dob, prec)
}

func (f *fixture) visit(patientID int64, typ string) int64 {
	return f.exec(`INSERT INTO visits (patient_id, doctor_id, episode_no, visit_date, type, status, created_at, updated_at)
		VALUES (?, ?, 'E' || abs(random()), ?, ?, 'signed', 'x', 'x')`, patientID, f.doctorID, today, typ)
}

// dispense records a drug prescribed and dispensed in the visit (and returns, as negative).
func (f *fixture) dispense(visitID, patientID int64, name string, priceCents int64, quantities ...int64) int64 {
	drug := f.exec(`INSERT INTO drugs (local_code, name, strength, dispensing_unit, dose_unit, selling_price_cents, created_at, updated_at)
		VALUES (?, ?, '500 mg', 'cap', 'cap', ?, 'x', 'x')`, name, name, priceCents)
	batch := f.exec(`INSERT INTO stock_batches (drug_id, batch_no, expiry, quantity, received_at) VALUES (?, 'B1', '2030-01-01', 1000, 'x')`, drug)
	item := f.exec(`INSERT INTO prescription_items (visit_id, patient_id, drug_id, dose_milli, dose_unit, frequency, quantity, created_at, updated_at)
		VALUES (?, ?, ?, 1000, 'cap', 'TDS', ?, 'x', 'x')`, visitID, patientID, drug, quantities[0])
	for _, q := range quantities {
		kind := "dispense"
		if q < 0 {
			kind = "return"
		}
		f.exec(`INSERT INTO dispensings (prescription_item_id, visit_id, patient_id, drug_id, batch_id, kind, quantity, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, 'x')`, item, visitID, patientID, drug, batch, kind, q)
	}
	return drug
}

func (f *fixture) fee(kind, code, name, amount string, doctorID int64) {
	f.t.Helper()
	if _, err := SetFee(context.Background(), f.db, FeeInput{Kind: kind, Code: code, NameEN: name, NameZH: "費用", Amount: amount,
		DoctorID: doctorID}, clerk); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) bill(visitID int64) Bill {
	f.t.Helper()
	b, err := ForVisit(context.Background(), f.db, visitID, clerk)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func (f *fixture) get(id int64) Bill {
	f.t.Helper()
	b, err := Get(context.Background(), f.db.R, id)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

func (f *fixture) pay(billID int64, in PaymentInput) (Payment, error) {
	if in.Day == "" {
		in.Day = today
	}
	return Pay(context.Background(), f.db, billID, 0, in, clerk)
}

func nil2zone() *time.Location {
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		return time.FixedZone("HKT", 8*3600)
	}
	return loc
}
