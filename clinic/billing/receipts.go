package billing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Receipt is a numbered receipt. Its Content is exactly what it printed the first time, kept
// so that a reprint is the same receipt (marked COPY), whatever happened to the bill since.
type Receipt struct {
	ID         int64
	Number     string
	BillID     int64
	IssuedAt   time.Time
	IssuedBy   string
	Prints     int
	VoidReason string
	VoidedAt   string
	VoidedBy   string
	Content    ReceiptContent
}

// Voided tells whether the receipt was voided.
func (r *Receipt) Voided() bool { return r.VoidedAt != "" }

// ReceiptContent is what a receipt says.
type ReceiptContent struct {
	Number       string
	BillNumber   string
	CorrectsBill string
	Day          string
	IssuedAt     string // clinic time, "2026-12-01 10:32"
	ClinicEN     string
	ClinicZH     string
	Address      string
	Phone        string
	PatientNo    string
	PatientEN    string
	PatientZH    string
	DoctorEN     string
	DoctorZH     string
	Lines        []ReceiptLine
	Total        Cents
	Payments     []ReceiptPayment
	Paid         Cents
	Balance      Cents
	IssuedBy     string
	// Language is the patient's preferred language when the receipt was issued ("en", "zh",
	// "both"), kept so that a reprint is the same receipt; receipts from before it was kept
	// have none and print in both.
	Language string `json:",omitempty"`
}

// ReceiptLine is one charge as printed.
type ReceiptLine struct {
	DescriptionEN, DescriptionZH string
	Quantity                     int64
	Unit                         Cents
	Amount                       Cents
	Included                     bool
	Discount                     bool
}

// ReceiptPayment is one payment as printed.
type ReceiptPayment struct {
	Method    string
	Amount    Cents
	Tendered  Cents
	Change    Cents
	Reference string
	Company   string
}

func readReceipts(ctx context.Context, q querier, billID int64) ([]Receipt, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM receipts WHERE bill_id = ? ORDER BY id`, billID)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	var out []Receipt
	for _, id := range ids {
		r, err := GetReceipt(ctx, q, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// GetReceipt reads one receipt.
func GetReceipt(ctx context.Context, q querier, id int64) (Receipt, error) {
	var r Receipt
	var content, at string
	err := q.QueryRowContext(ctx, `SELECT id, number, bill_id, content, issued_at, issued_by, prints, void_reason, voided_at, voided_by
		FROM receipts WHERE id = ?`, id).Scan(&r.ID, &r.Number, &r.BillID, &content, &at, &r.IssuedBy, &r.Prints, &r.VoidReason,
		&r.VoidedAt, &r.VoidedBy)
	if errors.Is(err, sql.ErrNoRows) {
		return r, clinic.ErrNotFound
	}
	if err != nil {
		return r, err
	}
	r.IssuedAt, _ = time.Parse(time.RFC3339Nano, at)
	if err := json.Unmarshal([]byte(content), &r.Content); err != nil {
		return r, fmt.Errorf("receipt %d: %w", id, err)
	}
	return r, nil
}

// IssueReceipt numbers a receipt for the bill as it stands: its charges, every payment and
// what is still owed. When nothing changed since the last receipt still valid, that one is
// given again (a reprint) rather than a second number for the same thing; copy then says so.
func IssueReceipt(ctx context.Context, db *store.DB, billID int64, zone *time.Location, actor audit.Actor) (r Receipt, copy bool, err error) {
	err = db.Write(ctx, func(tx *sql.Tx) error {
		b, err := Get(ctx, tx, billID)
		if err != nil {
			return err
		}
		if b.Status == StatusVoid {
			return clinic.Invalid("bill", "error.billing.bill_void")
		}
		if len(b.Charged()) == 0 {
			return clinic.Invalid("bill", "error.billing.nothing_to_receipt")
		}
		c, err := receiptContent(ctx, tx, &b)
		if err != nil {
			return err
		}
		for i := len(b.Receipts) - 1; i >= 0; i-- {
			last := b.Receipts[i]
			if last.Voided() {
				continue
			}
			c.Number, c.IssuedAt, c.IssuedBy = last.Content.Number, last.Content.IssuedAt, last.Content.IssuedBy
			if sameReceipt(c, last.Content) {
				r, copy = last, true
				return markPrinted(ctx, tx, &r, b.PatientID, actor)
			}
			break
		}
		number, err := nextNumber(ctx, tx, "receipt", "R")
		if err != nil {
			return err
		}
		at := time.Now()
		c.Number, c.IssuedAt, c.IssuedBy = number, at.In(zone).Format("2006-01-02 15:04"), actor.Username
		raw, err := json.Marshal(c)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO receipts (number, bill_id, content, issued_at, issued_by) VALUES (?,?,?,?,?)`,
			number, billID, string(raw), at.UTC().Format(time.RFC3339Nano), actor.Username)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		r = Receipt{ID: id, Number: number, BillID: billID, IssuedAt: at, IssuedBy: actor.Username, Prints: 1, Content: c}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionPrint, "receipt", fmt.Sprint(id), b.PatientID,
			fmt.Sprintf("receipt %s for %s, total %s", number, b.Number, b.Total)))
	})
	return r, copy, err
}

func sameReceipt(a, b ReceiptContent) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// Reprint gives a receipt again, as it was, to be marked COPY; the print is audited.
func Reprint(ctx context.Context, db *store.DB, id int64, actor audit.Actor) (Receipt, error) {
	var r Receipt
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		if r, err = GetReceipt(ctx, tx, id); err != nil {
			return err
		}
		var patientID int64
		if err := tx.QueryRowContext(ctx, `SELECT patient_id FROM bills WHERE id = ?`, r.BillID).Scan(&patientID); err != nil {
			return err
		}
		return markPrinted(ctx, tx, &r, patientID, actor)
	})
	return r, err
}

func markPrinted(ctx context.Context, tx *sql.Tx, r *Receipt, patientID int64, actor audit.Actor) error {
	if _, err := tx.ExecContext(ctx, `UPDATE receipts SET prints = prints + 1 WHERE id = ?`, r.ID); err != nil {
		return err
	}
	r.Prints++
	return audit.Append(ctx, tx, actor.Entry(audit.ActionPrint, "receipt", fmt.Sprint(r.ID), patientID, "copy of receipt "+r.Number))
}

// VoidReceipt marks a receipt void with a reason, by an administrator or a doctor. It stays on
// file and still reprints, marked VOID.
func VoidReceipt(ctx context.Context, db *store.DB, id int64, reason string, actor audit.Actor) error {
	if !MayVoid(actor) {
		return clinic.Invalid("reason", "error.billing.void_role")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 {
		return clinic.Invalid("reason", "error.billing.reason")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		r, err := GetReceipt(ctx, tx, id)
		if err != nil {
			return err
		}
		if r.Voided() {
			return clinic.Invalid("reason", "error.billing.receipt_voided")
		}
		var patientID int64
		if err := tx.QueryRowContext(ctx, `SELECT patient_id FROM bills WHERE id = ?`, r.BillID).Scan(&patientID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE receipts SET void_reason = ?, voided_at = ?, voided_by = ? WHERE id = ?`,
			reason, now(), actor.Username, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "receipt", fmt.Sprint(id), patientID,
			fmt.Sprintf("receipt %s voided; reason: %s", r.Number, reason)))
	})
}

func receiptContent(ctx context.Context, tx *sql.Tx, b *Bill) (ReceiptContent, error) {
	c := ReceiptContent{BillNumber: b.Number, CorrectsBill: b.CorrectsNumber, Day: b.Day, DoctorEN: b.DoctorEN, DoctorZH: b.DoctorZH,
		Total: b.Total, Paid: b.Paid, Balance: b.Balance()}
	var p patients.Patient
	if err := tx.QueryRowContext(ctx, `SELECT number, surname_en, given_name_en, name_zh, language FROM patients WHERE id = ?`, b.PatientID).
		Scan(&p.Number, &p.SurnameEN, &p.GivenNameEN, &p.NameZH, &p.Language); err != nil {
		return c, err
	}
	c.PatientNo, c.PatientEN, c.PatientZH, c.Language = p.Number, p.NameEN(), p.NameZH, p.Language
	err := tx.QueryRowContext(ctx, `SELECT name_en, name_zh, address, phone FROM practice WHERE id = 1`).
		Scan(&c.ClinicEN, &c.ClinicZH, &c.Address, &c.Phone)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return c, err
	}
	for _, l := range b.Charged() {
		c.Lines = append(c.Lines, ReceiptLine{DescriptionEN: l.DescriptionEN, DescriptionZH: l.DescriptionZH, Quantity: l.Quantity,
			Unit: l.Unit, Amount: l.Amount, Included: l.Included, Discount: l.Source == SourceDiscount})
	}
	for _, p := range b.Payments {
		c.Payments = append(c.Payments, ReceiptPayment{Method: p.Method, Amount: p.Amount, Tendered: p.Tendered, Change: p.Change,
			Reference: p.Reference, Company: p.Company})
	}
	return c, nil
}
