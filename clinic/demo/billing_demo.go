package demo

import (
	"context"
	"database/sql"
	"time"

	"github.com/onramp-hk/onramp/clinic/store"
)

// The billing step (Order 30): a fee schedule, a bill for every visit with its consultation and
// the medicine dispensed, paid the way a Hong Kong counter is paid (the voucher for patients of
// 65 and over, cash, EPS, Octopus, FPS, card), and every past day closed with its cash counted.
// Everything is set-based SQL in one transaction, so it takes seconds for a large practice.
func init() {
	Register(Step{Name: "billing", Order: 30, Run: Billing})
}

// Billing adds the demo's bills. Visits that already have a bill are left alone.
func Billing(ctx context.Context, db *store.DB, o Options) error {
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		loc = time.FixedZone("HKT", 8*3600)
	}
	today := time.Now().In(loc).Format("2006-01-02")
	now := time.Now().UTC().Format(time.RFC3339Nano)
	return db.Write(ctx, func(tx *sql.Tx) error {
		var start int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT last FROM billing_seq WHERE name = 'bill'), 0)`).Scan(&start); err != nil {
			return err
		}
		steps := []struct {
			q    string
			args []any
		}{
			// The fee schedule, for the visit types the practice has, unless it has one already.
			{`INSERT INTO fees (kind, code, name_en, name_zh, amount_cents, created_at, created_by)
				SELECT 'consultation', type, 'Consultation (' || replace(type, '_', ' ') || ')', '診金',
					CASE type WHEN 'follow_up' THEN 18000 WHEN 'vaccination' THEN 12000 WHEN 'procedure' THEN 35000 ELSE 25000 END, ?, 'demo'
				FROM (SELECT DISTINCT type FROM visits)
				WHERE NOT EXISTS (SELECT 1 FROM fees WHERE kind = 'consultation' AND code = type AND active = 1)`, []any{now}},
			{`INSERT INTO fees (kind, code, name_en, name_zh, amount_cents, created_at, created_by)
				SELECT 'certificate', 'sick_leave', 'Sick leave certificate', '病假證明書', 5000, ?, 'demo'
				WHERE NOT EXISTS (SELECT 1 FROM fees WHERE kind = 'certificate' AND code = 'sick_leave' AND active = 1)`, []any{now}},
			{`INSERT INTO discounts (name_en, name_zh, percent_bp, created_at)
				SELECT 'Senior citizen', '長者', 1000, ? WHERE NOT EXISTS (SELECT 1 FROM discounts)`, []any{now}},
			// A bill for every visit without one, numbered after the bills already made.
			{`INSERT INTO bills (number, visit_id, patient_id, doctor_id, day, created_at, updated_at)
				SELECT printf('B%06d', ? + ROW_NUMBER() OVER (ORDER BY v.id)), v.id, v.patient_id, v.doctor_id, v.visit_date, ?, ?
				FROM visits v WHERE v.status <> 'entered_in_error' AND NOT EXISTS (SELECT 1 FROM bills b WHERE b.visit_id = v.id)`,
				[]any{start, now, now}},
			{`INSERT INTO billing_seq (name, last) VALUES ('bill', (SELECT COUNT(*) FROM bills))
				ON CONFLICT(name) DO UPDATE SET last = (SELECT COUNT(*) FROM bills)`, nil},
			{`CREATE TEMP TABLE demo_new_bills AS SELECT b.id, b.visit_id, b.patient_id, b.day FROM bills b
				WHERE b.total_cents = 0 AND b.paid_cents = 0 AND b.status = 'open' AND b.visit_id IS NOT NULL
				AND NOT EXISTS (SELECT 1 FROM bill_lines l WHERE l.bill_id = b.id)`, nil},
			{`INSERT INTO bill_lines (bill_id, source, source_ref, description_en, description_zh, quantity, unit_cents, amount_cents, created_at, updated_at)
				SELECT nb.id, 'consultation', 'visit:' || v.id, f.name_en, f.name_zh, 1, f.amount_cents, f.amount_cents, ?, ?
				FROM demo_new_bills nb JOIN visits v ON v.id = nb.visit_id
				JOIN fees f ON f.kind = 'consultation' AND f.code = v.type AND f.active = 1 AND f.doctor_id IS NULL`, []any{now, now}},
			{`INSERT INTO bill_lines (bill_id, source, source_ref, description_en, description_zh, quantity, unit_cents, amount_cents, created_at, updated_at)
				SELECT nb.id, 'drug', 'item:' || pi.id, dr.name || CASE WHEN dr.strength <> '' THEN ' ' || dr.strength ELSE '' END, dr.name_zh,
					SUM(d.quantity), dr.selling_price_cents, SUM(d.quantity) * dr.selling_price_cents, ?, ?
				FROM demo_new_bills nb JOIN dispensings d ON d.visit_id = nb.visit_id
				JOIN prescription_items pi ON pi.id = d.prescription_item_id JOIN drugs dr ON dr.id = pi.drug_id
				GROUP BY nb.id, pi.id HAVING SUM(d.quantity) > 0`, []any{now, now}},
			{`UPDATE bills SET total_cents = (SELECT COALESCE(SUM(amount_cents), 0) FROM bill_lines l WHERE l.bill_id = bills.id AND l.removed = 0)
				WHERE id IN (SELECT id FROM demo_new_bills)`, nil},
			// Paid at the counter: patients of 65 and over use the voucher for half (when the bill is
			// big enough) and pay the rest in cash; the others pay by one method, chosen by bill id.
			{`INSERT INTO payments (bill_id, method, amount_cents, tendered_cents, reference, day, doctor_id, received_by_name, created_at)
				SELECT b.id, 'voucher', b.total_cents / 2, 0, printf('EHV%08d', b.id), b.day, b.doctor_id, 'demo', ?
				FROM bills b JOIN demo_new_bills nb ON nb.id = b.id JOIN patients p ON p.id = b.patient_id
				WHERE b.total_cents >= 200 AND CAST(substr(b.day, 1, 4) AS INTEGER) - CAST(substr(p.dob, 1, 4) AS INTEGER) >= 65`, []any{now}},
			{`INSERT INTO payments (bill_id, method, amount_cents, tendered_cents, day, doctor_id, received_by_name, created_at)
				SELECT b.id,
					CASE WHEN EXISTS (SELECT 1 FROM payments x WHERE x.bill_id = b.id) THEN 'cash'
						ELSE CASE b.id % 6 WHEN 0 THEN 'eps' WHEN 1 THEN 'octopus' WHEN 2 THEN 'fps' WHEN 3 THEN 'card' ELSE 'cash' END END,
					b.total_cents - COALESCE((SELECT SUM(amount_cents) FROM payments x WHERE x.bill_id = b.id), 0),
					0, b.day, b.doctor_id, 'demo', ?
				FROM bills b JOIN demo_new_bills nb ON nb.id = b.id
				WHERE b.total_cents - COALESCE((SELECT SUM(amount_cents) FROM payments x WHERE x.bill_id = b.id), 0) > 0`, []any{now}},
			{`UPDATE payments SET tendered_cents = amount_cents WHERE method = 'cash' AND tendered_cents = 0`, nil},
			{`UPDATE bills SET paid_cents = (SELECT COALESCE(SUM(amount_cents), 0) FROM payments p WHERE p.bill_id = bills.id),
				status = CASE WHEN total_cents > 0 AND total_cents = (SELECT COALESCE(SUM(amount_cents), 0) FROM payments p WHERE p.bill_id = bills.id)
					THEN 'settled' ELSE 'open' END
				WHERE id IN (SELECT id FROM demo_new_bills)`, nil},
			// Every day before today is closed with its cash counted right.
			{`INSERT INTO day_closes (day, expected_cash_cents, counted_cash_cents, note, closed_at, closed_by)
				SELECT day, SUM(CASE WHEN method = 'cash' THEN amount_cents ELSE 0 END), SUM(CASE WHEN method = 'cash' THEN amount_cents ELSE 0 END),
					'', ?, 'demo'
				FROM payments WHERE day < ? AND day NOT IN (SELECT day FROM day_closes) GROUP BY day`, []any{now, today}},
			{`DROP TABLE demo_new_bills`, nil},
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
				return err
			}
		}
		return nil
	})
}
