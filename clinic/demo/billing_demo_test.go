package demo

import (
	"context"
	"database/sql"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/billing"
)

func TestBillingStep(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := Patients(ctx, db, 300, 7, "D"); err != nil {
		t.Fatal(err)
	}
	// Visits as the consultation step makes them: three past days and today.
	if err := db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO users (id, username, full_name, password_hash, created_at, updated_at) VALUES (900, 'drdemo', 'Dr Demo', 'x', 'x', 'x')`); err != nil {
			return err
		}
		_, err := tx.Exec(`INSERT INTO visits (patient_id, doctor_id, episode_no, visit_date, type, status, created_at, updated_at)
			SELECT id, 900, 'E' || id, CASE id % 4 WHEN 0 THEN '2026-01-05' WHEN 1 THEN '2026-01-06' WHEN 2 THEN '2026-01-07' ELSE date('now', '+8 hours') END,
				CASE id % 3 WHEN 0 THEN 'follow_up' ELSE 'consultation' END, CASE WHEN id % 50 = 0 THEN 'entered_in_error' ELSE 'signed' END, 'x', 'x'
			FROM patients`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if err := Billing(ctx, db, Options{}); err != nil {
		t.Fatal(err)
	}
	if err := Billing(ctx, db, Options{}); err != nil { // a second run adds nothing
		t.Fatal(err)
	}
	var bills, visits, unpaid, youngVoucher, closed int
	q := func(query string, dest *int) {
		if err := db.R.QueryRow(query).Scan(dest); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT COUNT(*) FROM bills`, &bills)
	q(`SELECT COUNT(*) FROM visits WHERE status <> 'entered_in_error'`, &visits)
	q(`SELECT COUNT(*) FROM bills WHERE total_cents <> paid_cents OR total_cents = 0 OR status <> 'settled'`, &unpaid)
	q(`SELECT COUNT(*) FROM payments p JOIN bills b ON b.id = p.bill_id JOIN patients pt ON pt.id = b.patient_id
		WHERE p.method = 'voucher' AND CAST(substr(b.day,1,4) AS INTEGER) - CAST(substr(pt.dob,1,4) AS INTEGER) < 65`, &youngVoucher)
	q(`SELECT COUNT(*) FROM day_closes`, &closed)
	if bills != visits || unpaid != 0 || youngVoucher != 0 || closed != 3 {
		t.Fatalf("bills %d of %d visits, %d unpaid, %d vouchers for the young, %d days closed", bills, visits, unpaid, youngVoucher, closed)
	}
	// The demo's bills read back through the billing package and add up.
	tk, err := billing.DayTakings(ctx, db.R, "2026-01-05")
	if err != nil {
		t.Fatal(err)
	}
	if tk.Closed == nil || tk.Received != tk.Charged || tk.Closed.Difference() != 0 || tk.Bills == 0 {
		t.Fatalf("takings %+v", tk)
	}
	b, err := billing.Get(ctx, db.R, 1)
	if err != nil || len(b.Lines) == 0 || b.Balance() != 0 {
		t.Fatalf("bill 1: %+v %v", b, err)
	}
	// A bill made afterwards gets the next number.
	var pid int64
	db.R.QueryRow(`SELECT id FROM patients LIMIT 1`).Scan(&pid)
	id, err := billing.NewBill(ctx, db, pid, 0, "2026-01-08", clerkActor)
	if err != nil {
		t.Fatal(err)
	}
	if nb, _ := billing.Get(ctx, db.R, id); nb.Number <= b.Number {
		t.Fatalf("new bill number %s", nb.Number)
	}
}

var clerkActor = audit.System
