// Package stock keeps the formulary's stock by batch and expiry: receiving, stock-take,
// adjustments with reasons, taking stock for dispensing from the earliest-expiring batch, and
// the low-stock and expiring-soon lists. Every change is a row of stock_movements; a batch's
// quantity never goes below zero (the code refuses, and a CHECK in the table stands behind it).
package stock

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Batch is one delivery of a drug with its expiry.
type Batch struct {
	ID        int64
	DrugID    int64
	DrugName  string
	BatchNo   string
	Expiry    string // YYYY-MM-DD
	Quantity  int64
	CostCents int64
	Supplier  string
}

// ShortError means there is not enough stock of a drug: the dispenser is told how much there is.
type ShortError struct {
	DrugID         int64
	Wanted, OnHand int64
}

func (e *ShortError) Error() string {
	return fmt.Sprintf("stock: drug %d: %d wanted, %d on hand", e.DrugID, e.Wanted, e.OnHand)
}

var dateRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Receipt is a delivery as typed.
type Receipt struct {
	DrugID   int64
	BatchNo  string
	Expiry   string
	Quantity int64
	Cost     int64 // cents per dispensing unit
	Supplier string
}

// Receive books a delivery into stock as a new batch (or onto the same batch number and expiry).
func Receive(ctx context.Context, db *store.DB, r Receipt, by audit.Actor) (int64, error) {
	r.BatchNo, r.Supplier = strings.TrimSpace(r.BatchNo), strings.TrimSpace(r.Supplier)
	var errs clinic.ValidationErrors
	if r.BatchNo == "" {
		errs = append(errs, clinic.Invalid("batch_no", "error.stock.batch"))
	}
	if _, err := time.Parse("2006-01-02", r.Expiry); err != nil || !dateRe.MatchString(r.Expiry) {
		errs = append(errs, clinic.Invalid("expiry", "error.stock.expiry"))
	}
	if r.Quantity <= 0 || r.Quantity > 1_000_000 {
		errs = append(errs, clinic.Invalid("quantity", "error.stock.quantity"))
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	var batchID int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM drugs WHERE id = ?`, r.DrugID).Scan(&name); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return clinic.Invalid("drug_id", "error.stock.drug")
			}
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT id FROM stock_batches WHERE drug_id = ? AND batch_no = ? AND expiry = ?`,
			r.DrugID, r.BatchNo, r.Expiry).Scan(&batchID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			res, err := tx.ExecContext(ctx, `INSERT INTO stock_batches (drug_id, batch_no, expiry, quantity, cost_cents, supplier, received_at)
				VALUES (?,?,?,?,?,?,?)`, r.DrugID, r.BatchNo, r.Expiry, r.Quantity, r.Cost, r.Supplier, now())
			if err != nil {
				return err
			}
			batchID, _ = res.LastInsertId()
		case err != nil:
			return err
		default:
			if _, err := tx.ExecContext(ctx, `UPDATE stock_batches SET quantity = quantity + ? WHERE id = ?`, r.Quantity, batchID); err != nil {
				return err
			}
		}
		if err := move(ctx, tx, r.DrugID, batchID, "receive", r.Quantity, r.Supplier, 0, by); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry("receive", "stock_batch", fmt.Sprint(batchID), 0,
			fmt.Sprintf("%s batch %s exp %s: +%d", name, r.BatchNo, r.Expiry, r.Quantity)))
	})
	return batchID, err
}

func move(ctx context.Context, tx *sql.Tx, drugID, batchID int64, kind string, qty int64, reason string, dispensingID int64, by audit.Actor) error {
	var disp any
	if dispensingID != 0 {
		disp = dispensingID
	}
	var byID any
	if by.UserID != 0 {
		byID = by.UserID
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO stock_movements (drug_id, batch_id, kind, quantity, reason, dispensing_id, at, by_id, by_name)
		VALUES (?,?,?,?,?,?,?,?,?)`, drugID, batchID, kind, qty, reason, disp, now(), byID, by.Username)
	return err
}

// Adjustment reasons the form offers; "other" needs words.
var AdjustReasons = []string{"damaged", "expired", "lost", "found", "returned_to_supplier", "other"}

// Adjust changes a batch by delta (negative takes away) with a reason.
func Adjust(ctx context.Context, db *store.DB, batchID, delta int64, reason string, by audit.Actor) error {
	return change(ctx, db, batchID, "adjust", reason, by, func(have int64) (int64, error) {
		if delta == 0 {
			return 0, clinic.Invalid("quantity", "error.stock.quantity")
		}
		if have+delta < 0 {
			return 0, clinic.Invalid("quantity", "error.stock.below_zero", have)
		}
		return delta, nil
	})
}

// StockTake sets a batch to the quantity counted on the shelf; the difference is recorded.
func StockTake(ctx context.Context, db *store.DB, batchID, counted int64, reason string, by audit.Actor) error {
	if strings.TrimSpace(reason) == "" {
		reason = "stock-take"
	}
	return change(ctx, db, batchID, "stocktake", reason, by, func(have int64) (int64, error) {
		if counted < 0 {
			return 0, clinic.Invalid("counted", "error.stock.quantity")
		}
		return counted - have, nil
	})
}

func change(ctx context.Context, db *store.DB, batchID int64, kind, reason string, by audit.Actor, delta func(have int64) (int64, error)) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return clinic.Invalid("reason", "error.stock.reason")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		var drugID, have int64
		if err := tx.QueryRowContext(ctx, `SELECT drug_id, quantity FROM stock_batches WHERE id = ?`, batchID).Scan(&drugID, &have); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return clinic.ErrNotFound
			}
			return err
		}
		d, err := delta(have)
		if err != nil {
			return err
		}
		if d == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE stock_batches SET quantity = quantity + ? WHERE id = ?`, d, batchID); err != nil {
			return err
		}
		if err := move(ctx, tx, drugID, batchID, kind, d, reason, 0, by); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(kind, "stock_batch", fmt.Sprint(batchID), 0, fmt.Sprintf("%+d: %s", d, reason)))
	})
}

// Taken is what one dispensing took from one batch.
type Taken struct {
	BatchID  int64
	Quantity int64
}

// Take removes qty of a drug from stock inside the caller's write transaction, earliest expiry
// first, skipping batches already expired on the given day. When there is not enough it takes
// nothing and returns a *ShortError. The single writer connection serialises callers, so two
// dispensers cannot both take the last tablets.
func Take(ctx context.Context, tx *sql.Tx, drugID, qty int64, day string) ([]Taken, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, quantity FROM stock_batches
		WHERE drug_id = ? AND quantity > 0 AND expiry >= ? ORDER BY expiry, id`, drugID, day)
	if err != nil {
		return nil, err
	}
	type avail struct{ id, qty int64 }
	var bs []avail
	var onHand int64
	for rows.Next() {
		var a avail
		if err := rows.Scan(&a.id, &a.qty); err != nil {
			rows.Close()
			return nil, err
		}
		bs = append(bs, a)
		onHand += a.qty
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if onHand < qty {
		return nil, &ShortError{DrugID: drugID, Wanted: qty, OnHand: onHand}
	}
	var out []Taken
	left := qty
	for _, b := range bs {
		if left == 0 {
			break
		}
		n := min(left, b.qty)
		if _, err := tx.ExecContext(ctx, `UPDATE stock_batches SET quantity = quantity - ? WHERE id = ?`, n, b.id); err != nil {
			return nil, err
		}
		out = append(out, Taken{BatchID: b.id, Quantity: n})
		left -= n
	}
	return out, nil
}

// Record writes the movement of a dispensing or return once its row exists.
func Record(ctx context.Context, tx *sql.Tx, drugID, batchID, qty int64, kind, reason string, dispensingID int64, by audit.Actor) error {
	return move(ctx, tx, drugID, batchID, kind, qty, reason, dispensingID, by)
}

// PutBack returns qty to a batch inside the caller's transaction.
func PutBack(ctx context.Context, tx *sql.Tx, batchID, qty int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE stock_batches SET quantity = quantity + ? WHERE id = ?`, qty, batchID)
	return err
}

// Querier is a *sql.DB or a *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

func batches(ctx context.Context, q Querier, where string, args ...any) ([]Batch, error) {
	rows, err := q.QueryContext(ctx, `SELECT b.id, b.drug_id, d.name || CASE WHEN d.strength <> '' THEN ' ' || d.strength ELSE '' END,
		b.batch_no, b.expiry, b.quantity, b.cost_cents, b.supplier
		FROM stock_batches b JOIN drugs d ON d.id = b.drug_id WHERE `+where+` ORDER BY b.expiry, b.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Batch
	for rows.Next() {
		var b Batch
		if err := rows.Scan(&b.ID, &b.DrugID, &b.DrugName, &b.BatchNo, &b.Expiry, &b.Quantity, &b.CostCents, &b.Supplier); err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// Batches lists a drug's batches that still hold stock, earliest expiry first.
func Batches(ctx context.Context, q Querier, drugID int64) ([]Batch, error) {
	return batches(ctx, q, `b.drug_id = ? AND b.quantity > 0`, drugID)
}

// Expiring lists batches with stock that expire on or before the day given (expired ones too).
func Expiring(ctx context.Context, q Querier, until string) ([]Batch, error) {
	return batches(ctx, q, `b.quantity > 0 AND b.expiry <= ?`, until)
}

// Level is a drug's stock against its reorder level.
type Level struct {
	DrugID       int64
	DrugName     string
	Unit         string
	OnHand       int64
	ReorderLevel int64
}

// Low lists active drugs at or below their reorder level (only those that have one).
func Low(ctx context.Context, q Querier) ([]Level, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.id, d.name || CASE WHEN d.strength <> '' THEN ' ' || d.strength ELSE '' END,
		d.dispensing_unit, COALESCE((SELECT SUM(quantity) FROM stock_batches b WHERE b.drug_id = d.id), 0) AS on_hand,
		d.reorder_level FROM drugs d WHERE d.active = 1 AND d.reorder_level > 0 AND
		COALESCE((SELECT SUM(quantity) FROM stock_batches b WHERE b.drug_id = d.id), 0) <= d.reorder_level
		ORDER BY d.name COLLATE NOCASE`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Level
	for rows.Next() {
		var l Level
		if err := rows.Scan(&l.DrugID, &l.DrugName, &l.Unit, &l.OnHand, &l.ReorderLevel); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// OnHand is a drug's total stock.
func OnHand(ctx context.Context, q interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}, drugID int64) (int64, error) {
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(quantity),0) FROM stock_batches WHERE drug_id = ?`, drugID).Scan(&n)
	return n, err
}
