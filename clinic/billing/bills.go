package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Bill states.
const (
	StatusOpen    = "open"    // something is still owed (or nothing was charged yet)
	StatusSettled = "settled" // paid in full, by the patient or billed to a company
	StatusVoid    = "void"
)

// Line is one charge of a bill.
type Line struct {
	ID            int64
	Source        string
	SourceRef     string
	DescriptionEN string
	DescriptionZH string
	Quantity      int64
	UnitName      string // "tab", for the screen; not stored
	Unit          Cents
	PercentBP     int64 // a percentage discount
	Amount        Cents // negative for a discount
	Included      bool  // covered by a package
	Adjusted      bool
	Removed       bool
	Reason        string
	NoFee         bool // the schedule has no price for it: the clerk should set one
}

// Bill is what a visit (or a correction) charges, what was paid, and its receipts.
type Bill struct {
	ID             int64
	Number         string
	VisitID        int64
	PatientID      int64
	DoctorID       int64
	DoctorEN       string
	DoctorZH       string
	Day            string
	Status         string
	Total          Cents
	Paid           Cents
	CorrectsBillID int64
	CorrectsNumber string
	VoidReason     string
	Version        int64
	Locked         bool // its day is closed: corrections go into a later day
	Lines          []Line
	Payments       []Payment
	Receipts       []Receipt
}

// Balance is what is still owed; negative when the clinic owes the patient.
func (b *Bill) Balance() Cents { return b.Total - b.Paid }

// Charged is the lines still on the bill.
func (b *Bill) Charged() []Line {
	var out []Line
	for _, l := range b.Lines {
		if !l.Removed {
			out = append(out, l)
		}
	}
	return out
}

// Refundable is the most that can be given back: what was paid, or on a correction what the
// clinic owes.
func (b *Bill) Refundable() Cents { return max(b.Paid, b.Paid-b.Total, 0) }

func isDayClosed(ctx context.Context, q querier, day string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM day_closes WHERE day = ?`, day).Scan(&n)
	return n > 0, err
}

// Get reads a bill with its lines, payments and receipts.
func Get(ctx context.Context, q querier, id int64) (Bill, error) {
	var b Bill
	var visit, doctor, corrects sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT b.id, b.number, b.visit_id, b.patient_id, b.doctor_id, COALESCE(u.full_name,''),
			COALESCE(u.full_name_zh,''), b.day, b.status, b.total_cents, b.paid_cents, b.corrects_bill_id,
			COALESCE(c.number,''), b.void_reason, b.version
		FROM bills b LEFT JOIN users u ON u.id = b.doctor_id LEFT JOIN bills c ON c.id = b.corrects_bill_id
		WHERE b.id = ?`, id).
		Scan(&b.ID, &b.Number, &visit, &b.PatientID, &doctor, &b.DoctorEN, &b.DoctorZH, &b.Day, &b.Status, &b.Total, &b.Paid,
			&corrects, &b.CorrectsNumber, &b.VoidReason, &b.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return Bill{}, clinic.ErrNotFound
	}
	if err != nil {
		return Bill{}, err
	}
	b.VisitID, b.DoctorID, b.CorrectsBillID = visit.Int64, doctor.Int64, corrects.Int64
	if b.Locked, err = isDayClosed(ctx, q, b.Day); err != nil {
		return Bill{}, err
	}
	if b.Lines, err = readLines(ctx, q, id); err != nil {
		return Bill{}, err
	}
	if b.Payments, err = readPayments(ctx, q, id); err != nil {
		return Bill{}, err
	}
	if b.Receipts, err = readReceipts(ctx, q, id); err != nil {
		return Bill{}, err
	}
	return b, nil
}

// IDForVisit finds the bill of a visit, or ErrNotFound when none was started.
func IDForVisit(ctx context.Context, q querier, visitID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM bills WHERE visit_id = ?`, visitID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, clinic.ErrNotFound
	}
	return id, err
}

func readLines(ctx context.Context, q querier, billID int64) ([]Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, source, source_ref, description_en, description_zh, quantity, unit_cents,
		percent_bp, amount_cents, included, adjusted, removed, reason FROM bill_lines WHERE bill_id = ? ORDER BY id`, billID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Line
	for rows.Next() {
		var l Line
		if err := rows.Scan(&l.ID, &l.Source, &l.SourceRef, &l.DescriptionEN, &l.DescriptionZH, &l.Quantity, &l.Unit,
			&l.PercentBP, &l.Amount, &l.Included, &l.Adjusted, &l.Removed, &l.Reason); err != nil {
			return nil, err
		}
		l.NoFee = l.Amount == 0 && !l.Included && l.Source != SourceDiscount
		out = append(out, l)
	}
	return out, rows.Err()
}

func nextNumber(ctx context.Context, tx *sql.Tx, name, prefix string) (string, error) {
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO billing_seq (name, last) VALUES (?, 1)
		ON CONFLICT(name) DO UPDATE SET last = last + 1 RETURNING last`, name).Scan(&n)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s%06d", prefix, n), nil
}

// ForVisit opens the bill of a visit, starting it if needed, and builds it again from the
// visit (unless its day is closed or it is void), all in one transaction so that two clerks
// opening it at once get one bill. The view of the bill is audited.
func ForVisit(ctx context.Context, db *store.DB, visitID int64, actor audit.Actor) (Bill, error) {
	var b Bill
	err := db.Write(ctx, func(tx *sql.Tx) error {
		v, err := readVisit(ctx, tx, visitID)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		id, err := IDForVisit(ctx, tx, visitID)
		switch {
		case errors.Is(err, clinic.ErrNotFound):
			number, err := nextNumber(ctx, tx, "bill", "B")
			if err != nil {
				return err
			}
			ts := now()
			res, err := tx.ExecContext(ctx, `INSERT INTO bills (number, visit_id, patient_id, doctor_id, day, created_at, updated_at)
				VALUES (?,?,?,NULLIF(?,0),?,?,?)`, number, visitID, v.patientID, v.doctorID, v.day, ts, ts)
			if err != nil {
				return err
			}
			id, _ = res.LastInsertId()
			if err := audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "bill", fmt.Sprint(id), v.patientID,
				fmt.Sprintf("bill %s for visit %d", number, visitID))); err != nil {
				return err
			}
		case err != nil:
			return err
		}
		if err := rebuild(ctx, tx, id, visitID); err != nil {
			return err
		}
		if b, err = Get(ctx, tx, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionView, "bill", fmt.Sprint(id), b.PatientID, b.Number))
	})
	return b, err
}

// Open reads a bill for the screen and audits the view.
func Open(ctx context.Context, db *store.DB, id int64, actor audit.Actor) (Bill, error) {
	b, err := Get(ctx, db.R, id)
	if err != nil {
		return b, err
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		return audit.Append(ctx, tx, actor.Entry(audit.ActionView, "bill", fmt.Sprint(id), b.PatientID, b.Number))
	})
	return b, err
}

// rebuild asks every source for the visit's lines and brings the bill in step: new things are
// added, changed prices and quantities follow, a thing gone from the visit is taken off with a
// reason; lines the clerk adjusted stay as the clerk left them.
func rebuild(ctx context.Context, tx *sql.Tx, billID, visitID int64) error {
	var status, day string
	if err := tx.QueryRowContext(ctx, `SELECT status, day FROM bills WHERE id = ?`, billID).Scan(&status, &day); err != nil {
		return err
	}
	if closed, err := isDayClosed(ctx, tx, day); err != nil || closed || status == StatusVoid {
		return err
	}
	var fresh []Line
	for _, s := range registered() {
		lines, err := s.fn(ctx, tx, visitID)
		if err != nil {
			return fmt.Errorf("billing: source %s: %w", s.name, err)
		}
		fresh = append(fresh, lines...)
	}
	// A package covers the medicine of the visit.
	hasPackage := false
	for _, l := range fresh {
		hasPackage = hasPackage || l.Source == SourcePackage
	}
	if hasPackage {
		for i := range fresh {
			if fresh[i].Source == SourceDrug {
				fresh[i].Included, fresh[i].Amount, fresh[i].NoFee = true, 0, false
			}
		}
	}
	existing, err := readLines(ctx, tx, billID)
	if err != nil {
		return err
	}
	byRef := map[string]Line{}
	for _, l := range existing {
		if l.SourceRef != "" {
			byRef[l.SourceRef] = l
		}
	}
	ts := now()
	seen := map[string]bool{}
	changed := false
	for _, l := range fresh {
		seen[l.SourceRef] = true
		old, ok := byRef[l.SourceRef]
		switch {
		case !ok:
			if _, err := tx.ExecContext(ctx, `INSERT INTO bill_lines (bill_id, source, source_ref, description_en, description_zh,
				quantity, unit_cents, amount_cents, included, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
				billID, l.Source, l.SourceRef, l.DescriptionEN, l.DescriptionZH, l.Quantity, l.Unit, l.Amount, l.Included, ts, ts); err != nil {
				return err
			}
			changed = true
		case old.Adjusted:
			// The clerk's word stands.
		case old.Removed || old.Source != l.Source || old.DescriptionEN != l.DescriptionEN || old.DescriptionZH != l.DescriptionZH ||
			old.Quantity != l.Quantity || old.Unit != l.Unit || old.Amount != l.Amount || old.Included != l.Included:
			if _, err := tx.ExecContext(ctx, `UPDATE bill_lines SET source = ?, description_en = ?, description_zh = ?, quantity = ?,
				unit_cents = ?, amount_cents = ?, included = ?, removed = 0, reason = '', updated_at = ? WHERE id = ?`,
				l.Source, l.DescriptionEN, l.DescriptionZH, l.Quantity, l.Unit, l.Amount, l.Included, ts, old.ID); err != nil {
				return err
			}
			changed = true
		}
	}
	for _, old := range existing {
		if old.SourceRef == "" || seen[old.SourceRef] || old.Adjusted || old.Removed || !fromVisit(old.Source) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bill_lines SET removed = 1, reason = 'no longer in the visit', updated_at = ?
			WHERE id = ?`, ts, old.ID); err != nil {
			return err
		}
		changed = true
	}
	if !changed {
		return nil
	}
	return retotal(ctx, tx, billID)
}

func fromVisit(source string) bool { return source != SourceManual && source != SourceDiscount }

// retotal works the discounts out again from the charges and writes the bill's total and
// state. A discount never takes a bill below zero.
func retotal(ctx context.Context, tx *sql.Tx, billID int64) error {
	lines, err := readLines(ctx, tx, billID)
	if err != nil {
		return err
	}
	var charges Cents
	for _, l := range lines {
		if !l.Removed && l.Source != SourceDiscount {
			charges += l.Amount
		}
	}
	total := charges
	for _, l := range lines {
		if l.Removed || l.Source != SourceDiscount {
			continue
		}
		off := l.Unit
		if l.PercentBP > 0 {
			off = PercentOf(charges, l.PercentBP)
		}
		off = min(off, max(total, 0))
		if -off != l.Amount {
			if _, err := tx.ExecContext(ctx, `UPDATE bill_lines SET amount_cents = ? WHERE id = ?`, -off, l.ID); err != nil {
				return err
			}
		}
		total -= off
	}
	return setTotals(ctx, tx, billID, &total, nil)
}

// setTotals writes the total and/or paid amount and the state that follows from them.
func setTotals(ctx context.Context, tx *sql.Tx, billID int64, total, paid *Cents) error {
	var t, p Cents
	var status string
	if err := tx.QueryRowContext(ctx, `SELECT total_cents, paid_cents, status FROM bills WHERE id = ?`, billID).Scan(&t, &p, &status); err != nil {
		return err
	}
	if total != nil {
		t = *total
	}
	if paid != nil {
		p = *paid
	}
	if status != StatusVoid {
		status = StatusOpen
		if t == p && (t != 0 || p != 0) {
			status = StatusSettled
		}
	}
	_, err := tx.ExecContext(ctx, `UPDATE bills SET total_cents = ?, paid_cents = ?, status = ?, version = version + 1, updated_at = ?
		WHERE id = ?`, t, p, status, now(), billID)
	return err
}

// lockForChange reads the bill inside a write and refuses a stale form (version 0 skips the
// check), a void bill, and a bill whose day is closed when its lines would change.
func lockForChange(ctx context.Context, tx *sql.Tx, billID, version int64, linesChange bool) (Bill, error) {
	b, err := Get(ctx, tx, billID)
	if err != nil {
		return b, err
	}
	switch {
	case version != 0 && b.Version != version:
		return b, clinic.ErrConflict
	case b.Status == StatusVoid:
		return b, clinic.Invalid("bill", "error.billing.bill_void")
	case linesChange && b.Locked:
		return b, clinic.Invalid("bill", "error.billing.bill_locked", b.Day)
	}
	return b, nil
}

// LineInput is a line typed by the clerk, or a change to one.
type LineInput struct {
	DescriptionEN, DescriptionZH string
	Quantity                     string
	Unit                         string
	Reason                       string
}

func (in *LineInput) parse(needReason, allowNegative bool) (qty int64, unit Cents, errs clinic.ValidationErrors) {
	in.DescriptionEN, in.DescriptionZH, in.Reason = strings.TrimSpace(in.DescriptionEN), strings.TrimSpace(in.DescriptionZH), strings.TrimSpace(in.Reason)
	qty, err := strconv.ParseInt(strings.TrimSpace(in.Quantity), 10, 64)
	if strings.TrimSpace(in.Quantity) == "" {
		qty, err = 1, nil
	}
	if err != nil || qty < 1 || qty > 10000 {
		errs = append(errs, clinic.Invalid("quantity", "error.billing.quantity"))
	}
	unit, ok := ParseCents(in.Unit)
	if !ok || (unit < 0 && !allowNegative) {
		errs = append(errs, clinic.Invalid("unit", "error.billing.amount"))
	}
	if needReason && in.Reason == "" {
		errs = append(errs, clinic.Invalid("reason", "error.billing.reason"))
	}
	if len(in.Reason) > 500 || len(in.DescriptionEN) > 200 || len(in.DescriptionZH) > 200 {
		errs = append(errs, clinic.Invalid("reason", "error.billing.too_long"))
	}
	return qty, unit, errs
}

// AddLine puts a charge of the clerk's on the bill (something sold at the counter, a
// correction). Only a correction bill takes a negative amount.
func AddLine(ctx context.Context, db *store.DB, billID, version int64, in LineInput, actor audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		b, err := lockForChange(ctx, tx, billID, version, true)
		if err != nil {
			return err
		}
		qty, unit, errs := in.parse(false, b.CorrectsBillID != 0)
		if in.DescriptionEN == "" {
			errs = append(errs, clinic.Invalid("description_en", "error.billing.description"))
		}
		if err := errs.Err(); err != nil {
			return err
		}
		ts := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO bill_lines (bill_id, source, description_en, description_zh, quantity, unit_cents,
			amount_cents, adjusted, reason, created_at, updated_at) VALUES (?,?,?,?,?,?,?,1,?,?,?)`,
			billID, SourceManual, in.DescriptionEN, in.DescriptionZH, qty, unit, unit*Cents(qty), in.Reason, ts, ts)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := retotal(ctx, tx, billID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "bill", fmt.Sprint(billID), b.PatientID,
			fmt.Sprintf("%s: line %d added: %s %d x %s", b.Number, id, in.DescriptionEN, qty, unit)))
	})
}

// AdjustLine changes a line's quantity and price, or takes it off, always with a reason; the
// old and new values go to the audit trail. A rebuild leaves an adjusted line alone.
func AdjustLine(ctx context.Context, db *store.DB, billID, lineID, version int64, in LineInput, remove bool, actor audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		b, err := lockForChange(ctx, tx, billID, version, true)
		if err != nil {
			return err
		}
		var old *Line
		for i := range b.Lines {
			if b.Lines[i].ID == lineID {
				old = &b.Lines[i]
			}
		}
		if old == nil {
			return clinic.ErrNotFound
		}
		if remove {
			in.Quantity, in.Unit = strconv.FormatInt(old.Quantity, 10), old.Unit.Plain()
		}
		qty, unit, errs := in.parse(true, b.CorrectsBillID != 0 || old.Source == SourceDiscount)
		if err := errs.Err(); err != nil {
			return err
		}
		amount := unit * Cents(qty)
		if old.Included && !remove {
			amount = 0
		}
		detail := fmt.Sprintf("%s: line %d %q %d x %s = %s -> %d x %s = %s; reason: %s", b.Number, lineID, old.DescriptionEN,
			old.Quantity, old.Unit, old.Amount, qty, unit, amount, in.Reason)
		if remove {
			detail = fmt.Sprintf("%s: line %d %q (%s) removed; reason: %s", b.Number, lineID, old.DescriptionEN, old.Amount, in.Reason)
		}
		if old.Source == SourceDiscount && !remove {
			// A discount changed by hand becomes a fixed amount off.
			if _, err := tx.ExecContext(ctx, `UPDATE bill_lines SET percent_bp = 0, unit_cents = ? WHERE id = ?`, max(unit, -unit), lineID); err != nil {
				return err
			}
			amount = -max(unit, -unit)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE bill_lines SET quantity = ?, unit_cents = CASE WHEN source = 'discount' THEN unit_cents ELSE ? END,
			amount_cents = ?, adjusted = 1, removed = ?, reason = ?, updated_at = ? WHERE id = ?`,
			qty, unit, amount, remove, in.Reason, now(), lineID); err != nil {
			return err
		}
		if err := retotal(ctx, tx, billID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "bill", fmt.Sprint(billID), b.PatientID, detail))
	})
}

// DiscountApply is a discount given on a bill: one of the clinic's by id, or a percentage or
// amount typed by the clerk; a reason is always needed.
type DiscountApply struct {
	DiscountID      int64
	Percent, Amount string
	Reason          string
}

// ApplyDiscount gives a discount on the bill. A percentage follows the charges as they change.
func ApplyDiscount(ctx context.Context, db *store.DB, billID, version int64, in DiscountApply, actor audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		b, err := lockForChange(ctx, tx, billID, version, true)
		if err != nil {
			return err
		}
		in.Reason = strings.TrimSpace(in.Reason)
		var errs clinic.ValidationErrors
		var bp int64
		var amount Cents
		nameEN, nameZH := "Discount", "折扣"
		if in.DiscountID != 0 {
			err := tx.QueryRowContext(ctx, `SELECT name_en, name_zh, percent_bp, amount_cents FROM discounts WHERE id = ? AND active = 1`,
				in.DiscountID).Scan(&nameEN, &nameZH, &bp, &amount)
			if errors.Is(err, sql.ErrNoRows) {
				errs = append(errs, clinic.Invalid("discount_id", "error.billing.discount_unknown"))
			} else if err != nil {
				return err
			}
		} else {
			d := DiscountInput{NameEN: nameEN, Percent: in.Percent, Amount: in.Amount}
			var perrs clinic.ValidationErrors
			bp, amount, perrs = d.parse()
			errs = append(errs, perrs...)
		}
		if in.Reason == "" {
			errs = append(errs, clinic.Invalid("reason", "error.billing.reason"))
		}
		if len(in.Reason) > 500 {
			errs = append(errs, clinic.Invalid("reason", "error.billing.too_long"))
		}
		if err := errs.Err(); err != nil {
			return err
		}
		ts := now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO bill_lines (bill_id, source, description_en, description_zh, quantity, unit_cents,
			percent_bp, amount_cents, reason, created_at, updated_at) VALUES (?,?,?,?,1,?,?,0,?,?,?)`,
			billID, SourceDiscount, nameEN, nameZH, amount, bp, in.Reason, ts, ts); err != nil {
			return err
		}
		if err := retotal(ctx, tx, billID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "bill", fmt.Sprint(billID), b.PatientID,
			fmt.Sprintf("%s: discount %s (%d bp, %s); reason: %s", b.Number, nameEN, bp, amount, in.Reason)))
	})
}

// MayVoid says whether someone may void or refund: an administrator or a doctor.
func MayVoid(actor audit.Actor) bool {
	for _, r := range strings.Split(actor.Roles, ",") {
		if r == "admin" || r == "doctor" {
			return true
		}
	}
	return false
}

// VoidBill cancels a bill with nothing paid on it (refund first), with a reason. Its receipts
// are voided with it. Nothing is deleted.
func VoidBill(ctx context.Context, db *store.DB, billID, version int64, reason string, actor audit.Actor) error {
	if !MayVoid(actor) {
		return clinic.Invalid("reason", "error.billing.void_role")
	}
	reason = strings.TrimSpace(reason)
	if reason == "" || len(reason) > 500 {
		return clinic.Invalid("reason", "error.billing.reason")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		b, err := lockForChange(ctx, tx, billID, version, true)
		if err != nil {
			return err
		}
		if b.Paid != 0 {
			return clinic.Invalid("reason", "error.billing.void_paid", b.Paid.String())
		}
		ts := now()
		if _, err := tx.ExecContext(ctx, `UPDATE bills SET status = 'void', void_reason = ?, voided_at = ?, voided_by = ?,
			version = version + 1, updated_at = ? WHERE id = ?`, reason, ts, actor.Username, ts, billID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE receipts SET void_reason = ?, voided_at = ?, voided_by = ? WHERE bill_id = ? AND voided_at = ''`,
			"bill voided: "+reason, ts, actor.Username, billID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "bill", fmt.Sprint(billID), b.PatientID,
			fmt.Sprintf("%s voided; reason: %s", b.Number, reason)))
	})
}

// Correction starts a bill on an open day that corrects a bill of a closed day: same patient
// and doctor, a reference to the original, lines typed by the clerk (negative to give back).
func Correction(ctx context.Context, db *store.DB, billID int64, today string, actor audit.Actor) (int64, error) {
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		b, err := Get(ctx, tx, billID)
		if err != nil {
			return err
		}
		if closed, err := isDayClosed(ctx, tx, today); err != nil {
			return err
		} else if closed {
			return clinic.Invalid("bill", "error.billing.day_closed", today)
		}
		number, err := nextNumber(ctx, tx, "bill", "B")
		if err != nil {
			return err
		}
		ts := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO bills (number, patient_id, doctor_id, day, corrects_bill_id, created_at, updated_at)
			VALUES (?,?,NULLIF(?,0),?,?,?,?)`, number, b.PatientID, b.DoctorID, today, billID, ts, ts)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "bill", fmt.Sprint(id), b.PatientID,
			fmt.Sprintf("%s corrects %s", number, b.Number)))
	})
	return id, err
}

// NewBill starts a bill without a visit for a patient (a counter sale); tests and the demo use
// it too.
func NewBill(ctx context.Context, db *store.DB, patientID, doctorID int64, day string, actor audit.Actor) (int64, error) {
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		number, err := nextNumber(ctx, tx, "bill", "B")
		if err != nil {
			return err
		}
		ts := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO bills (number, patient_id, doctor_id, day, created_at, updated_at)
			VALUES (?,?,NULLIF(?,0),?,?,?)`, number, patientID, doctorID, day, ts, ts)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "bill", fmt.Sprint(id), patientID, number))
	})
	return id, err
}
