package billing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// What a fee is for.
const (
	KindConsultation = "consultation"
	KindProcedure    = "procedure"
	KindCertificate  = "certificate"
	KindDrug         = "drug"
	KindPackage      = "package"
)

// FeeKinds in the order the fee schedule shows them.
var FeeKinds = []string{KindConsultation, KindPackage, KindProcedure, KindCertificate, KindDrug}

// How a drug fee counts.
const (
	PerItem   = "item"
	PerUnit   = "unit"
	PerCourse = "course"
)

// Fee is one price of the schedule.
type Fee struct {
	ID       int64
	Kind     string
	Code     string // visit type, procedure code, document kind or drug id
	DoctorID int64  // 0: every doctor
	Doctor   string // the doctor's name, for the schedule page
	NameEN   string
	NameZH   string
	Amount   Cents
	Per      string
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// lookupFee finds the active fee for a thing, the doctor's own before the one for everybody.
func lookupFee(ctx context.Context, q querier, kind, code string, doctorID int64) (Fee, bool, error) {
	var f Fee
	var doctor sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT id, kind, code, doctor_id, name_en, name_zh, amount_cents, per FROM fees
		WHERE kind = ? AND code = ? AND active = 1 AND (doctor_id = ? OR doctor_id IS NULL)
		ORDER BY doctor_id IS NULL LIMIT 1`, kind, code, doctorID).
		Scan(&f.ID, &f.Kind, &f.Code, &doctor, &f.NameEN, &f.NameZH, &f.Amount, &f.Per)
	if errors.Is(err, sql.ErrNoRows) {
		return Fee{}, false, nil
	}
	f.DoctorID = doctor.Int64
	return f, err == nil, err
}

// Fees lists the active schedule.
func Fees(ctx context.Context, q querier) ([]Fee, error) {
	rows, err := q.QueryContext(ctx, `SELECT f.id, f.kind, f.code, COALESCE(f.doctor_id, 0), COALESCE(u.full_name, ''),
		f.name_en, f.name_zh, f.amount_cents, f.per
		FROM fees f LEFT JOIN users u ON u.id = f.doctor_id WHERE f.active = 1 ORDER BY f.kind, f.code, f.doctor_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Fee
	for rows.Next() {
		var f Fee
		if err := rows.Scan(&f.ID, &f.Kind, &f.Code, &f.DoctorID, &f.Doctor, &f.NameEN, &f.NameZH, &f.Amount, &f.Per); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// FeeInput is the fee form as typed.
type FeeInput struct {
	Kind, Code string
	DoctorID   int64
	NameEN     string
	NameZH     string
	Amount     string
	Per        string
}

func (in *FeeInput) validate() (Cents, clinic.ValidationErrors) {
	var errs clinic.ValidationErrors
	in.Code, in.NameEN, in.NameZH = strings.TrimSpace(in.Code), strings.TrimSpace(in.NameEN), strings.TrimSpace(in.NameZH)
	if !slices.Contains(FeeKinds, in.Kind) {
		errs = append(errs, clinic.Invalid("kind", "error.billing.fee_kind"))
	}
	if in.Code == "" || len(in.Code) > 64 {
		errs = append(errs, clinic.Invalid("code", "error.billing.fee_code"))
	}
	if in.NameEN == "" || len(in.NameEN) > 200 || len(in.NameZH) > 200 {
		errs = append(errs, clinic.Invalid("name_en", "error.billing.fee_name"))
	}
	amount, ok := ParseCents(in.Amount)
	if !ok || amount < 0 {
		errs = append(errs, clinic.Invalid("amount", "error.billing.amount"))
	}
	switch {
	case in.Per == "":
		in.Per = PerItem
		if in.Kind == KindDrug {
			in.Per = PerUnit
		}
	case in.Kind != KindDrug && in.Per != PerItem, !slices.Contains([]string{PerItem, PerUnit, PerCourse}, in.Per):
		errs = append(errs, clinic.Invalid("per", "error.billing.fee_per"))
	}
	if in.Kind == KindDrug && in.Per == PerItem {
		in.Per = PerUnit
	}
	if in.DoctorID != 0 && in.Kind != KindConsultation && in.Kind != KindPackage {
		errs = append(errs, clinic.Invalid("doctor_id", "error.billing.fee_doctor"))
	}
	return amount, errs
}

// SetFee puts a price in the schedule. A price for the same thing (and doctor) already there
// is retired, not overwritten, so old bills keep meaning what they said.
func SetFee(ctx context.Context, db *store.DB, in FeeInput, actor audit.Actor) (int64, error) {
	amount, errs := in.validate()
	if err := errs.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		ts := now()
		if _, err := tx.ExecContext(ctx, `UPDATE fees SET active = 0, retired_at = ?
			WHERE kind = ? AND code = ? AND COALESCE(doctor_id, 0) = ? AND active = 1`, ts, in.Kind, in.Code, in.DoctorID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO fees (kind, code, doctor_id, name_en, name_zh, amount_cents, per, created_at, created_by)
			VALUES (?,?,NULLIF(?,0),?,?,?,?,?,?)`, in.Kind, in.Code, in.DoctorID, in.NameEN, in.NameZH, amount, in.Per, ts, actor.Username)
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "fee", fmt.Sprint(id), 0,
			fmt.Sprintf("%s %s doctor %d: %s %s per %s", in.Kind, in.Code, in.DoctorID, in.NameEN, amount, in.Per)))
	})
	return id, err
}

// RetireFee takes a price off the schedule.
func RetireFee(ctx context.Context, db *store.DB, id int64, actor audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE fees SET active = 0, retired_at = ? WHERE id = ? AND active = 1`, now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "fee", fmt.Sprint(id), 0, "retired"))
	})
}

// Discount is one the clinic offers by name: a percentage or a fixed amount off.
type Discount struct {
	ID        int64
	NameEN    string
	NameZH    string
	PercentBP int64
	Amount    Cents
}

// Discounts lists the active discounts.
func Discounts(ctx context.Context, q querier) ([]Discount, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, name_en, name_zh, percent_bp, amount_cents FROM discounts WHERE active = 1 ORDER BY name_en`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Discount
	for rows.Next() {
		var d Discount
		if err := rows.Scan(&d.ID, &d.NameEN, &d.NameZH, &d.PercentBP, &d.Amount); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// DiscountInput is the discount form as typed: a percentage or an amount, not both.
type DiscountInput struct {
	NameEN, NameZH  string
	Percent, Amount string
}

func (in *DiscountInput) parse() (bp int64, amount Cents, errs clinic.ValidationErrors) {
	in.NameEN, in.NameZH = strings.TrimSpace(in.NameEN), strings.TrimSpace(in.NameZH)
	in.Percent, in.Amount = strings.TrimSpace(in.Percent), strings.TrimSpace(in.Amount)
	if in.NameEN == "" || len(in.NameEN) > 200 || len(in.NameZH) > 200 {
		errs = append(errs, clinic.Invalid("name_en", "error.billing.fee_name"))
	}
	switch {
	case (in.Percent == "") == (in.Amount == ""):
		errs = append(errs, clinic.Invalid("percent", "error.billing.discount_one"))
	case in.Percent != "":
		var ok bool
		if bp, ok = ParsePercent(in.Percent); !ok || bp == 0 {
			errs = append(errs, clinic.Invalid("percent", "error.billing.percent"))
		}
	default:
		var ok bool
		if amount, ok = ParseCents(in.Amount); !ok || amount <= 0 {
			errs = append(errs, clinic.Invalid("amount", "error.billing.amount"))
		}
	}
	return bp, amount, errs
}

// AddDiscount offers a new discount.
func AddDiscount(ctx context.Context, db *store.DB, in DiscountInput, actor audit.Actor) (int64, error) {
	bp, amount, errs := in.parse()
	if err := errs.Err(); err != nil {
		return 0, err
	}
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO discounts (name_en, name_zh, percent_bp, amount_cents, created_at) VALUES (?,?,?,?,?)`,
			in.NameEN, in.NameZH, bp, amount, now())
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "discount", fmt.Sprint(id), 0,
			fmt.Sprintf("%s: %d bp, %s", in.NameEN, bp, amount)))
	})
	return id, err
}

// RetireDiscount stops offering a discount.
func RetireDiscount(ctx context.Context, db *store.DB, id int64, actor audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE discounts SET active = 0 WHERE id = ? AND active = 1`, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "discount", fmt.Sprint(id), 0, "retired"))
	})
}
