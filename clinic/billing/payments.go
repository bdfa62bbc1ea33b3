package billing

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Payment methods taken at a Hong Kong counter.
const (
	MethodCash    = "cash"
	MethodEPS     = "eps"
	MethodCard    = "card"
	MethodFPS     = "fps"
	MethodOctopus = "octopus"
	MethodCheque  = "cheque"
	MethodVoucher = "voucher" // Elderly Health Care Voucher
	MethodCompany = "company" // billed to the patient's employer or insurer
)

// Methods in the order the counter offers them.
var Methods = []string{MethodCash, MethodEPS, MethodCard, MethodFPS, MethodOctopus, MethodCheque, MethodVoucher, MethodCompany}

// RefundMethods are the ways money goes back: a voucher claim or a company's bill is
// withdrawn the same way it was made.
var RefundMethods = Methods

// VoucherAge is the age from which the Elderly Health Care Voucher may be used. The voucher is
// given to those who reach 65 in the calendar year, so the year of birth decides: a date of
// birth known only to the year is enough.
const VoucherAge = 65

// Payment is money received for a bill (or, negative, given back).
type Payment struct {
	ID        int64
	BillID    int64
	Method    string
	Amount    Cents
	Tendered  Cents
	Change    Cents
	Reference string
	Company   string
	RefundOf  int64
	Reason    string
	Day       string
	By        string
	At        string
	// TicketDone: taking this payment finished the patient's visit, and moved their queue
	// ticket to done; the live screens need telling. Not stored.
	TicketDone bool
}

func readPayments(ctx context.Context, q querier, billID int64) ([]Payment, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, bill_id, method, amount_cents, tendered_cents, change_cents, reference, company,
		COALESCE(refund_of, 0), reason, day, received_by_name, created_at FROM payments WHERE bill_id = ? ORDER BY id`, billID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Payment
	for rows.Next() {
		var p Payment
		if err := rows.Scan(&p.ID, &p.BillID, &p.Method, &p.Amount, &p.Tendered, &p.Change, &p.Reference, &p.Company,
			&p.RefundOf, &p.Reason, &p.Day, &p.By, &p.At); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// PaymentInput is the payment form as typed. Amount empty means the whole balance.
type PaymentInput struct {
	Method    string
	Amount    string
	Tendered  string // cash handed over; empty means exactly the amount
	Reference string
	Company   string
	Day       string // today, clinic time: the takings day it counts to
}

// Pay takes a payment on the bill. It runs in one write transaction that reads the balance
// first, so two clerks taking the same bill at the same moment can never both be paid: the
// second finds the balance gone (or the bill's version moved) and is refused.
func Pay(ctx context.Context, db *store.DB, billID, version int64, in PaymentInput, actor audit.Actor) (Payment, error) {
	var p Payment
	err := db.Write(ctx, func(tx *sql.Tx) error {
		b, err := lockForChange(ctx, tx, billID, version, false)
		if err != nil {
			return err
		}
		if closed, err := isDayClosed(ctx, tx, in.Day); err != nil {
			return err
		} else if closed {
			return clinic.Invalid("amount", "error.billing.day_closed", in.Day)
		}
		balance := b.Balance()
		if balance <= 0 {
			return clinic.Invalid("amount", "error.billing.nothing_owed")
		}
		p, err = parsePayment(ctx, tx, &b, in, balance)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO payments (bill_id, method, amount_cents, tendered_cents, change_cents, reference,
			company, day, doctor_id, received_by, received_by_name, created_at) VALUES (?,?,?,?,?,?,?,?,NULLIF(?,0),NULLIF(?,0),?,?)`,
			billID, p.Method, p.Amount, p.Tendered, p.Change, p.Reference, p.Company, in.Day, b.DoctorID, actor.UserID, actor.Username, now())
		if err != nil {
			return err
		}
		p.ID, _ = res.LastInsertId()
		paid := b.Paid + p.Amount
		if err := setTotals(ctx, tx, billID, nil, &paid); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "payment", fmt.Sprint(p.ID), b.PatientID,
			fmt.Sprintf("%s: %s %s ref %q", b.Number, p.Method, p.Amount, p.Reference))); err != nil {
			return err
		}
		// Settled with nothing left to hand over, the patient's day at the clinic is done.
		if paid == b.Total && b.VisitID != 0 {
			p.TicketDone, err = queue.New(db, nil).CounterFinishedTx(ctx, tx, b.VisitID, actor)
		}
		return err
	})
	return p, err
}

func parsePayment(ctx context.Context, tx *sql.Tx, b *Bill, in PaymentInput, balance Cents) (Payment, error) {
	p := Payment{BillID: b.ID, Method: in.Method, Reference: strings.TrimSpace(in.Reference), Company: strings.TrimSpace(in.Company), Day: in.Day}
	var errs clinic.ValidationErrors
	if !slices.Contains(Methods, p.Method) {
		return p, clinic.Invalid("method", "error.billing.method")
	}
	if strings.TrimSpace(in.Amount) == "" {
		p.Amount = balance
	} else if a, ok := ParseCents(in.Amount); !ok || a <= 0 {
		errs = append(errs, clinic.Invalid("amount", "error.billing.amount"))
	} else if a > balance {
		errs = append(errs, clinic.Invalid("amount", "error.billing.more_than_owed", balance.String()))
	} else {
		p.Amount = a
	}
	if len(p.Reference) > 100 || len(p.Company) > 200 {
		errs = append(errs, clinic.Invalid("reference", "error.billing.too_long"))
	}
	switch p.Method {
	case MethodCash:
		p.Tendered = p.Amount
		if t := strings.TrimSpace(in.Tendered); t != "" {
			tendered, ok := ParseCents(t)
			switch {
			case !ok || tendered <= 0:
				errs = append(errs, clinic.Invalid("tendered", "error.billing.amount"))
			case tendered < p.Amount:
				errs = append(errs, clinic.Invalid("tendered", "error.billing.tendered_short", p.Amount.String()))
			default:
				p.Tendered = tendered
			}
		}
		p.Change = p.Tendered - p.Amount
	case MethodVoucher:
		if p.Reference == "" {
			errs = append(errs, clinic.Invalid("reference", "error.billing.voucher_reference"))
		}
		ok, err := voucherAge(ctx, tx, b.PatientID, b.Day)
		if err != nil {
			return p, err
		}
		if !ok {
			errs = append(errs, clinic.Invalid("method", "error.billing.voucher_age", VoucherAge))
		}
	case MethodCheque:
		if p.Reference == "" {
			errs = append(errs, clinic.Invalid("reference", "error.billing.cheque_reference"))
		}
	case MethodCompany:
		if p.Company == "" {
			errs = append(errs, clinic.Invalid("company", "error.billing.company"))
		}
	}
	if p.Method != MethodCompany {
		p.Company = ""
	}
	return p, errs.Err()
}

// voucherAge tells whether the patient reaches VoucherAge in the year of the bill.
func voucherAge(ctx context.Context, q querier, patientID int64, day string) (bool, error) {
	var dob string
	if err := q.QueryRowContext(ctx, `SELECT dob FROM patients WHERE id = ?`, patientID).Scan(&dob); err != nil {
		return false, err
	}
	if len(dob) < 4 || len(day) < 4 {
		return false, nil
	}
	born, err1 := strconv.Atoi(dob[:4])
	year, err2 := strconv.Atoi(day[:4])
	return err1 == nil && err2 == nil && born > 0 && year-born >= VoucherAge, nil
}

// RefundInput is money given back: how, how much, and why.
type RefundInput struct {
	Method    string
	Amount    string
	Reference string
	Reason    string
	Day       string
}

// Refund gives money back on a bill (at most what was paid, or what a correction says the
// clinic owes), with a reason, by an administrator or a doctor. It is a payment row of its own
// with a negative amount on today's takings; nothing is changed or deleted.
func Refund(ctx context.Context, db *store.DB, billID, version int64, in RefundInput, actor audit.Actor) (Payment, error) {
	var p Payment
	if !MayVoid(actor) {
		return p, clinic.Invalid("reason", "error.billing.void_role")
	}
	err := db.Write(ctx, func(tx *sql.Tx) error {
		b, err := lockForChange(ctx, tx, billID, version, false)
		if err != nil {
			return err
		}
		var errs clinic.ValidationErrors
		if closed, err := isDayClosed(ctx, tx, in.Day); err != nil {
			return err
		} else if closed {
			return clinic.Invalid("amount", "error.billing.day_closed", in.Day)
		}
		if !slices.Contains(RefundMethods, in.Method) {
			errs = append(errs, clinic.Invalid("method", "error.billing.method"))
		}
		limit := b.Refundable()
		amount, ok := ParseCents(in.Amount)
		switch {
		case !ok || amount <= 0:
			errs = append(errs, clinic.Invalid("amount", "error.billing.amount"))
		case amount > limit:
			errs = append(errs, clinic.Invalid("amount", "error.billing.refund_too_much", limit.String()))
		}
		in.Reason = strings.TrimSpace(in.Reason)
		if in.Reason == "" || len(in.Reason) > 500 {
			errs = append(errs, clinic.Invalid("reason", "error.billing.reason"))
		}
		if err := errs.Err(); err != nil {
			return err
		}
		p = Payment{BillID: billID, Method: in.Method, Amount: -amount, Reference: strings.TrimSpace(in.Reference), Reason: in.Reason, Day: in.Day}
		res, err := tx.ExecContext(ctx, `INSERT INTO payments (bill_id, method, amount_cents, reference, reason, day, doctor_id,
			received_by, received_by_name, created_at) VALUES (?,?,?,?,?,?,NULLIF(?,0),NULLIF(?,0),?,?)`,
			billID, p.Method, p.Amount, p.Reference, p.Reason, in.Day, b.DoctorID, actor.UserID, actor.Username, now())
		if err != nil {
			return err
		}
		p.ID, _ = res.LastInsertId()
		paid := b.Paid + p.Amount
		if err := setTotals(ctx, tx, billID, nil, &paid); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "payment", fmt.Sprint(p.ID), b.PatientID,
			fmt.Sprintf("%s: refund %s %s; reason: %s", b.Number, p.Method, amount, in.Reason)))
	})
	return p, err
}

// CompanyBalance is what a company owes the clinic.
type CompanyBalance struct {
	Company     string
	Billed      Cents
	Settled     Cents
	Outstanding Cents
}

// CompanyBalances lists the companies with something billed, most owed first.
func CompanyBalances(ctx context.Context, q querier) ([]CompanyBalance, error) {
	rows, err := q.QueryContext(ctx, `SELECT company, SUM(billed), SUM(settled) FROM (
			SELECT company, amount_cents AS billed, 0 AS settled FROM payments WHERE company <> ''
			UNION ALL SELECT company, 0, amount_cents FROM company_settlements)
		GROUP BY company ORDER BY SUM(billed) - SUM(settled) DESC, company`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CompanyBalance
	for rows.Next() {
		var c CompanyBalance
		if err := rows.Scan(&c.Company, &c.Billed, &c.Settled); err != nil {
			return nil, err
		}
		c.Outstanding = c.Billed - c.Settled
		out = append(out, c)
	}
	return out, rows.Err()
}

// SettleCompany records money a company paid towards what it was billed.
func SettleCompany(ctx context.Context, db *store.DB, company, amountText, method, reference, day string, actor audit.Actor) error {
	company = strings.TrimSpace(company)
	amount, ok := ParseCents(amountText)
	var errs clinic.ValidationErrors
	if company == "" {
		errs = append(errs, clinic.Invalid("company", "error.billing.company"))
	}
	if !ok || amount <= 0 {
		errs = append(errs, clinic.Invalid("amount", "error.billing.amount"))
	}
	if !slices.Contains(Methods, method) || method == MethodVoucher || method == MethodCompany {
		errs = append(errs, clinic.Invalid("method", "error.billing.method"))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		var owed Cents
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT SUM(amount_cents) FROM payments WHERE company = ?), 0)
			- COALESCE((SELECT SUM(amount_cents) FROM company_settlements WHERE company = ?), 0)`, company, company).Scan(&owed); err != nil {
			return err
		}
		if amount > owed {
			return clinic.Invalid("amount", "error.billing.more_than_owed", owed.String())
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO company_settlements (company, amount_cents, method, reference, day, received_by, created_at)
			VALUES (?,?,?,?,?,?,?)`, company, amount, method, strings.TrimSpace(reference), day, actor.Username, now())
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		return audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "company_settlement", fmt.Sprint(id), 0,
			fmt.Sprintf("%s paid %s by %s", company, amount, method)))
	})
}
