package reports

import (
	"context"
	"database/sql"
	"time"
)

// DayCount is one day of a per-day series; Value is a count or cents.
type DayCount struct {
	Day   string
	Value int64
}

// days lists every day from..to, so that a chart shows a quiet day as zero rather than skipping it.
func days(from, to time.Time) []DayCount {
	var out []DayCount
	for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
		out = append(out, DayCount{Day: d.Format(time.DateOnly)})
	}
	return out
}

func perDay(ctx context.Context, db *sql.DB, from, to time.Time, q string) ([]DayCount, error) {
	out := days(from, to)
	at := map[string]int{}
	for i, d := range out {
		at[d.Day] = i
	}
	rows, err := db.QueryContext(ctx, q, from.Format(time.DateOnly), to.Format(time.DateOnly))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d DayCount
		if err := rows.Scan(&d.Day, &d.Value); err != nil {
			return nil, err
		}
		if i, ok := at[d.Day]; ok {
			out[i].Value = d.Value
		}
	}
	return out, rows.Err()
}

// VisitsPerDay counts the patients who came, day by day (the queue's attendances: every visit
// starts there, and its day index keeps this a short read at any size of practice).
func VisitsPerDay(ctx context.Context, db *sql.DB, from, to time.Time) ([]DayCount, error) {
	return perDay(ctx, db, from, to, `SELECT a.day, COUNT(*) FROM attendances a
		WHERE a.day BETWEEN ? AND ? AND `+attended+` GROUP BY a.day`)
}

// TakingsPerDay is the money received day by day, in cents, net of refunds; nil when the
// practice has no billing.
func TakingsPerDay(ctx context.Context, db *sql.DB, from, to time.Time) ([]DayCount, error) {
	if !hasTable(ctx, db, "payments") {
		return nil, nil
	}
	return perDay(ctx, db, from, to, `SELECT day, SUM(amount_cents) FROM payments WHERE day BETWEEN ? AND ? GROUP BY day`)
}

// Takings is the money received over a range of days, in cents.
func Takings(ctx context.Context, db *sql.DB, from, to string) (int64, error) {
	if !hasTable(ctx, db, "payments") {
		return 0, nil
	}
	var n int64
	err := db.QueryRowContext(ctx, `SELECT COALESCE(SUM(amount_cents), 0) FROM payments WHERE day BETWEEN ? AND ?`, from, to).Scan(&n)
	return n, err
}

// StockAlert is a drug running low, or a batch about to expire.
type StockAlert struct {
	DrugID   int64
	Code     string
	Name     string
	Unit     string
	Quantity int64  // in stock (low), or in the batch (expiring)
	Reorder  int64  // the drug's reorder level
	BatchNo  string // expiring only
	Expiry   string // expiring only
}

// LowStock lists active drugs whose unexpired stock is at or below their reorder level.
func LowStock(ctx context.Context, db *sql.DB, today string, limit int) ([]StockAlert, error) {
	if !hasTable(ctx, db, "stock_batches") {
		return nil, nil
	}
	return alerts(ctx, db, `SELECT g.id, g.local_code, g.name, g.dispensing_unit,
		COALESCE((SELECT SUM(b.quantity) FROM stock_batches b WHERE b.drug_id = g.id AND b.expiry >= ?), 0) AS left,
		g.reorder_level, '', ''
		FROM drugs g WHERE g.active = 1 AND g.reorder_level > 0 AND left <= g.reorder_level
		ORDER BY left, g.name LIMIT ?`, today, limit)
}

// Expiring lists batches still in stock that expire within the given days (expired ones too).
func Expiring(ctx context.Context, db *sql.DB, today string, within, limit int) ([]StockAlert, error) {
	if !hasTable(ctx, db, "stock_batches") {
		return nil, nil
	}
	t, err := time.Parse(time.DateOnly, today)
	if err != nil {
		return nil, err
	}
	until := t.AddDate(0, 0, within).Format(time.DateOnly)
	return alerts(ctx, db, `SELECT g.id, g.local_code, g.name, g.dispensing_unit, b.quantity, g.reorder_level, b.batch_no, b.expiry
		FROM stock_batches b JOIN drugs g ON g.id = b.drug_id
		WHERE b.quantity > 0 AND b.expiry <= ? ORDER BY b.expiry, g.name LIMIT ?`, until, limit)
}

func alerts(ctx context.Context, db *sql.DB, q string, args ...any) ([]StockAlert, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []StockAlert
	for rows.Next() {
		var a StockAlert
		if err := rows.Scan(&a.DrugID, &a.Code, &a.Name, &a.Unit, &a.Quantity, &a.Reorder, &a.BatchNo, &a.Expiry); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
