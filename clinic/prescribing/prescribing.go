package prescribing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/stock"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/visits"
)

func init() {
	patients.RegisterOwnedTable("prescription_items", "patient_id")
	patients.RegisterOwnedTable("dispensings", "patient_id")
}

// Item statuses.
const (
	StatusPrescribed = "prescribed"
	StatusDispensed  = "dispensed"
	StatusCancelled  = "cancelled"
)

// Item is one prescribed drug of a visit.
type Item struct {
	ID             int64
	VisitID        int64
	PatientID      int64
	Drug           formulary.Drug
	DoseMilli      int64
	DoseUnit       string
	Frequency      string
	PRNMax         int64
	Route          string
	Days           int64
	Quantity       int64 // dispensing units
	QuantityWorked int64
	InstructionsEN string
	InstructionsZH string
	UnitPriceCents int64
	Warnings       string
	OverrideReason string
	Status         string
	CancelReason   string
	PrescribedBy   string
	CreatedAt      time.Time
	Dispensed      int64 // net of returns
	DispensedBy    string
	DispensedAt    time.Time
}

// Dose is the dose as written: "1.5".
func (i Item) Dose() string { return formulary.FormatMilli(i.DoseMilli) }

// Directions are the dose and frequency in words, English and Chinese.
func (i Item) Directions() (en, zh string) {
	return Directions(i.DoseMilli, i.DoseUnit, i.Frequency, i.PRNMax)
}

// ToDispense is what is still to be handed over.
func (i Item) ToDispense() int64 {
	if i.Status == StatusCancelled {
		return 0
	}
	return max(0, i.Quantity-i.Dispensed)
}

// Input is a prescription as typed.
type Input struct {
	DrugID         int64
	Dose           string // "1", "0.5", "5"
	Frequency      string
	PRNMax         string
	Route          string
	Days           string
	Quantity       string // empty: worked out
	InstructionsEN string
	InstructionsZH string
	OverrideReason string // needed when a check stops the prescription
	Confirmed      bool   // the prescriber has seen the warnings
}

func parseWhole(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 || v > 100000 {
		return 0, errors.New("bad number")
	}
	return v, nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// Querier is a *sql.DB or a *sql.Tx.
type Querier = formulary.Querier

// Worked is an input read and its quantity worked out, before saving.
type worked struct {
	drug      formulary.Drug
	doseMilli int64
	freq      string
	prnMax    int64
	days      int64
	qty       int64
	ruleQty   int64
}

func (in *Input) work(ctx context.Context, q Querier) (worked, error) {
	var w worked
	var errs clinic.ValidationErrors
	d, err := formulary.Get(ctx, q, in.DrugID)
	if err != nil || !d.Active {
		return w, clinic.Invalid("drug_id", "error.rx.drug")
	}
	w.drug = d
	if w.doseMilli, err = formulary.ParseMilli(in.Dose); err != nil || w.doseMilli <= 0 {
		errs = append(errs, clinic.Invalid("dose", "error.rx.dose"))
	}
	f, ok := FrequencyByCode(in.Frequency)
	if !ok {
		errs = append(errs, clinic.Invalid("frequency", "error.rx.frequency"))
	}
	w.freq = f.Code
	if w.prnMax, err = parseWhole(in.PRNMax); err != nil {
		errs = append(errs, clinic.Invalid("prn_max", "error.rx.number"))
	}
	if w.days, err = parseWhole(in.Days); err != nil {
		errs = append(errs, clinic.Invalid("days", "error.rx.number"))
	}
	if utf8.RuneCountInString(in.InstructionsEN) > 300 || utf8.RuneCountInString(in.InstructionsZH) > 300 {
		errs = append(errs, clinic.Invalid("instructions_en", "error.rx.too_long"))
	}
	if len(errs) > 0 {
		return w, errs
	}
	w.ruleQty, err = Quantity(Course{DoseMilli: w.doseMilli, Frequency: w.freq, PRNMaxPerDay: w.prnMax, Days: w.days,
		UnitsPerDispensing: d.UnitsPerDispensing})
	if strings.TrimSpace(in.Quantity) == "" {
		if err != nil {
			return w, clinic.Invalid("quantity", "error.rx.quantity_needed")
		}
		w.qty = w.ruleQty
	} else {
		q, perr := parseWhole(in.Quantity)
		if perr != nil || q <= 0 {
			return w, clinic.Invalid("quantity", "error.rx.number")
		}
		w.qty = q
	}
	return w, nil
}

// Preview works out the quantity and runs the checks without saving, for the form.
func Preview(ctx context.Context, q Querier, visitID int64, in Input) (qty int64, findings []Finding, err error) {
	v, err := visits.Get(ctx, q, visitID)
	if err != nil {
		return 0, nil, err
	}
	w, err := in.work(ctx, q)
	if err != nil {
		return 0, nil, err
	}
	others, err := Items(ctx, q, visitID)
	if err != nil {
		return 0, nil, err
	}
	findings, err = check(ctx, q, v.PatientID, w.drug, DailyMilli(w.doseMilli, w.freq, w.prnMax), others)
	return w.qty, findings, err
}

// Prescribe adds an item to a visit. The checks run in the same transaction as the insert, so
// an allergy recorded a moment ago is seen. A stop without an override reason, or a warning
// not confirmed, returns a *CheckError and saves nothing.
func Prescribe(ctx context.Context, db *store.DB, visitID int64, in Input, by audit.Actor) (Item, error) {
	var item Item
	err := db.Write(ctx, func(tx *sql.Tx) error {
		id, err := prescribe(ctx, tx, visitID, in, by)
		if err != nil {
			return err
		}
		item, err = GetItem(ctx, tx, id)
		return err
	})
	return item, err
}

func prescribe(ctx context.Context, tx *sql.Tx, visitID int64, in Input, by audit.Actor) (int64, error) {
	v, err := visits.Get(ctx, tx, visitID)
	if err != nil {
		return 0, err
	}
	if v.InError() {
		return 0, clinic.Invalid("visit", "error.rx.visit_in_error")
	}
	w, err := in.work(ctx, tx)
	if err != nil {
		return 0, err
	}
	others, err := Items(ctx, tx, visitID)
	if err != nil {
		return 0, err
	}
	findings, err := check(ctx, tx, v.PatientID, w.drug, DailyMilli(w.doseMilli, w.freq, w.prnMax), others)
	if err != nil {
		return 0, err
	}
	reason := strings.TrimSpace(in.OverrideReason)
	var texts []string
	stops, warns := false, false
	for _, f := range findings {
		texts = append(texts, f.Text)
		stops = stops || f.Stop
		warns = warns || !f.Stop
	}
	if (stops && reason == "") || (warns && !in.Confirmed && reason == "") {
		return 0, &CheckError{Findings: findings}
	}
	if !stops {
		reason = "" // nothing was overridden
	}
	route := strings.ToUpper(strings.TrimSpace(in.Route))
	if route == "" {
		route = w.drug.Route
	}
	enIns, zhIns := strings.TrimSpace(in.InstructionsEN), strings.TrimSpace(in.InstructionsZH)
	if enIns == "" && zhIns == "" {
		enIns, zhIns = w.drug.InstructionsEN, w.drug.InstructionsZH
	}
	ruleQty := int64(0)
	if w.ruleQty != w.qty {
		ruleQty = w.ruleQty
	}
	t := now()
	res, err := tx.ExecContext(ctx, `INSERT INTO prescription_items (visit_id, patient_id, drug_id, dose_milli, dose_unit,
		frequency, prn_max_per_day, route, days, quantity, quantity_worked, instructions_en, instructions_zh,
		unit_price_cents, warnings, override_reason, prescribed_by, prescribed_by_name, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, visitID, v.PatientID, w.drug.ID, w.doseMilli, w.drug.DoseUnit,
		w.freq, w.prnMax, route, w.days, w.qty, ruleQty, enIns, zhIns, w.drug.PriceCents, strings.Join(texts, "; "),
		reason, nullID(by.UserID), by.Username, t, t)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	entries := []audit.Entry{by.Entry(audit.ActionCreate, "prescription_item", fmt.Sprint(id), v.PatientID,
		fmt.Sprintf("%s %s %s x%d", w.drug.Label(), formulary.FormatMilli(w.doseMilli), w.freq, w.qty))}
	if reason != "" {
		entries = append(entries, by.Entry("override", "prescription_item", fmt.Sprint(id), v.PatientID,
			strings.Join(texts, "; ")+" — reason: "+reason))
	}
	if err := shareItem(ctx, tx, id, v.PatientID, outbox.Insert, ""); err != nil {
		return 0, err
	}
	return id, audit.Append(ctx, tx, entries...)
}

// Cancel takes an item off the prescription with a reason. A dispensed item is returned first.
func Cancel(ctx context.Context, db *store.DB, itemID int64, reason string, by audit.Actor) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return clinic.Invalid("reason", "error.rx.reason")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		it, err := GetItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if it.Status == StatusCancelled {
			return clinic.ErrConflict
		}
		if it.Dispensed > 0 {
			return clinic.Invalid("reason", "error.rx.cancel_dispensed")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE prescription_items SET status = 'cancelled', cancel_reason = ?, updated_at = ?
			WHERE id = ?`, reason, now(), itemID); err != nil {
			return err
		}
		if err := shareItem(ctx, tx, itemID, it.PatientID, outbox.Delete, reason); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "prescription_item", fmt.Sprint(itemID), it.PatientID, "cancelled: "+reason))
	})
}

// RepeatResult says what "repeat last prescription" did.
type RepeatResult struct {
	FromVisit int64
	Added     int
	Held      []Item // items the checks stopped now: prescribe them one by one
}

// RepeatLast copies the items of the patient's latest earlier visit with a prescription into
// this visit, in one transaction. Items that a check stops (an allergy recorded since) are not
// copied but handed back, so the prescriber decides on each.
func RepeatLast(ctx context.Context, db *store.DB, visitID int64, by audit.Actor) (RepeatResult, error) {
	var res RepeatResult
	err := db.Write(ctx, func(tx *sql.Tx) error {
		v, err := visits.Get(ctx, tx, visitID)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `SELECT visit_id FROM prescription_items WHERE patient_id = ? AND visit_id <> ?
			AND status <> 'cancelled' ORDER BY id DESC LIMIT 1`, v.PatientID, visitID).Scan(&res.FromVisit)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.Invalid("repeat", "error.rx.nothing_to_repeat")
		}
		if err != nil {
			return err
		}
		prev, err := Items(ctx, tx, res.FromVisit)
		if err != nil {
			return err
		}
		for _, p := range prev {
			if p.Status == StatusCancelled {
				continue
			}
			in := Input{DrugID: p.Drug.ID, Dose: p.Dose(), Frequency: p.Frequency, PRNMax: strconv.FormatInt(p.PRNMax, 10),
				Route: p.Route, Days: strconv.FormatInt(p.Days, 10), Quantity: strconv.FormatInt(p.Quantity, 10),
				InstructionsEN: p.InstructionsEN, InstructionsZH: p.InstructionsZH, Confirmed: true}
			_, err := prescribe(ctx, tx, visitID, in, by)
			var ce *CheckError
			var ve *clinic.ValidationError
			switch {
			case errors.As(err, &ce), errors.As(err, &ve):
				res.Held = append(res.Held, p)
			case err != nil:
				return err
			default:
				res.Added++
			}
		}
		return nil
	})
	return res, err
}

const itemColumns = `i.id, i.visit_id, i.patient_id, i.drug_id, i.dose_milli, i.dose_unit, i.frequency, i.prn_max_per_day,
	i.route, i.days, i.quantity, i.quantity_worked, i.instructions_en, i.instructions_zh, i.unit_price_cents, i.warnings,
	i.override_reason, i.status, i.cancel_reason, i.prescribed_by_name, i.created_at,
	COALESCE((SELECT SUM(quantity) FROM dispensings d WHERE d.prescription_item_id = i.id), 0),
	COALESCE((SELECT by_name || '|' || at FROM dispensings d WHERE d.prescription_item_id = i.id AND kind = 'dispense'
		ORDER BY id DESC LIMIT 1), '')`

func scanItem(row interface{ Scan(...any) error }) (Item, error) {
	var it Item
	var created, disp string
	err := row.Scan(&it.ID, &it.VisitID, &it.PatientID, &it.Drug.ID, &it.DoseMilli, &it.DoseUnit, &it.Frequency, &it.PRNMax,
		&it.Route, &it.Days, &it.Quantity, &it.QuantityWorked, &it.InstructionsEN, &it.InstructionsZH, &it.UnitPriceCents,
		&it.Warnings, &it.OverrideReason, &it.Status, &it.CancelReason, &it.PrescribedBy, &created, &it.Dispensed, &disp)
	it.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	if name, at, ok := strings.Cut(disp, "|"); ok {
		it.DispensedBy = name
		it.DispensedAt, _ = time.Parse(time.RFC3339Nano, at)
	}
	return it, err
}

// Items lists a visit's items in the order prescribed, each with its drug.
func Items(ctx context.Context, q Querier, visitID int64) ([]Item, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+itemColumns+` FROM prescription_items i WHERE i.visit_id = ? ORDER BY i.id`, visitID)
	if err != nil {
		return nil, err
	}
	var out []Item
	for rows.Next() {
		it, err := scanItem(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Drug, err = formulary.Get(ctx, q, out[i].Drug.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// GetItem reads one item with its drug.
func GetItem(ctx context.Context, q Querier, id int64) (Item, error) {
	it, err := scanItem(q.QueryRowContext(ctx, `SELECT `+itemColumns+` FROM prescription_items i WHERE i.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return it, clinic.ErrNotFound
	}
	if err != nil {
		return it, err
	}
	it.Drug, err = formulary.Get(ctx, q, it.Drug.ID)
	return it, err
}

// ShortError is stock.ShortError with the drug named, for the dispenser.
type ShortError struct {
	Drug           string
	Wanted, OnHand int64
}

func (e *ShortError) Error() string {
	return fmt.Sprintf("not enough %s: %d wanted, %d on hand", e.Drug, e.Wanted, e.OnHand)
}

// Dispense hands over what is left to dispense of the given items (all of the visit's when none
// are named), taking stock from the earliest-expiring batches in the same transaction. When any
// item is short, nothing is dispensed and a *ShortError names the drug: stock never goes below
// zero, and of two dispensers racing for the last tablets, the second is told plainly.
func Dispense(ctx context.Context, db *store.DB, visitID int64, itemIDs []int64, day string, by audit.Actor) (int, error) {
	res, err := DispenseWith(ctx, db, visitID, itemIDs, day, ShortRefuse, by)
	return res.Items, err
}

// DispenseWith is Dispense under the practice's rule for short stock (ShortRefuse or
// ShortPartial). Under ShortPartial a short item is dispensed as far as the shelf goes, the rest
// stays owing on the item (it is dispensed later, when stock comes in), and the shortfall is
// recorded in the audit log in the same transaction; stock still never goes below zero.
func DispenseWith(ctx context.Context, db *store.DB, visitID int64, itemIDs []int64, day, policy string, by audit.Actor) (Dispensed, error) {
	if !ValidShortPolicy(policy) {
		policy = ShortRefuse
	}
	var out Dispensed
	err := db.Write(ctx, func(tx *sql.Tx) error {
		out = Dispensed{}
		items, err := Items(ctx, tx, visitID)
		if err != nil {
			return err
		}
		want := map[int64]bool{}
		for _, id := range itemIDs {
			want[id] = true
		}
		for _, it := range items {
			if len(want) > 0 && !want[it.ID] {
				continue
			}
			qty := it.ToDispense()
			if qty == 0 {
				continue
			}
			give := qty
			taken, err := stock.Take(ctx, tx, it.Drug.ID, qty, day)
			var short *stock.ShortError
			if errors.As(err, &short) {
				if policy == ShortRefuse {
					return &ShortError{Drug: it.Drug.Label(), Wanted: short.Wanted, OnHand: short.OnHand}
				}
				give = short.OnHand
				out.Shortfalls = append(out.Shortfalls, Shortfall{ItemID: it.ID, Drug: it.Drug.Label(), Wanted: qty, Given: give})
				if err := audit.Append(ctx, tx, by.Entry(ActionDispenseShort, "prescription_item", fmt.Sprint(it.ID), it.PatientID,
					fmt.Sprintf("%s: %d wanted, %d on hand, %d owing", it.Drug.Label(), qty, give, qty-give))); err != nil {
					return err
				}
				if give == 0 {
					continue
				}
				taken, err = stock.Take(ctx, tx, it.Drug.ID, give, day)
			}
			if err != nil {
				return err
			}
			t := now()
			for _, tk := range taken {
				res, err := tx.ExecContext(ctx, `INSERT INTO dispensings (prescription_item_id, visit_id, patient_id, drug_id, batch_id,
					kind, quantity, at, by_id, by_name) VALUES (?,?,?,?,?,'dispense',?,?,?,?)`, it.ID, visitID, it.PatientID,
					it.Drug.ID, tk.BatchID, tk.Quantity, t, nullID(by.UserID), by.Username)
				if err != nil {
					return err
				}
				did, _ := res.LastInsertId()
				if err := stock.Record(ctx, tx, it.Drug.ID, tk.BatchID, -tk.Quantity, "dispense", "", did, by); err != nil {
					return err
				}
			}
			// An item dispensed short stays "prescribed" with the rest owing.
			if give == qty {
				if _, err := tx.ExecContext(ctx, `UPDATE prescription_items SET status = 'dispensed', updated_at = ? WHERE id = ?`,
					t, it.ID); err != nil {
					return err
				}
			}
			if err := audit.Append(ctx, tx, by.Entry("dispense", "prescription_item", fmt.Sprint(it.ID), it.PatientID,
				fmt.Sprintf("%s x%d", it.Drug.Label(), give))); err != nil {
				return err
			}
			if err := shareItem(ctx, tx, it.ID, it.PatientID, outbox.Update, ""); err != nil {
				return err
			}
			out.Items++
		}
		if out.Items == 0 {
			return nil
		}
		// The last medicine handed over on a settled bill: the patient's day at the clinic is done.
		out.TicketDone, err = queue.New(db, nil).CounterFinishedTx(ctx, tx, visitID, by)
		return err
	})
	return out, err
}

// Return puts qty of a dispensed item back into stock, onto the batches it came from (the latest
// first), recorded as return rows beside the dispensing.
func Return(ctx context.Context, db *store.DB, itemID, qty int64, reason string, by audit.Actor) error {
	reason = strings.TrimSpace(reason)
	var errs clinic.ValidationErrors
	if qty <= 0 {
		errs = append(errs, clinic.Invalid("return_qty", "error.rx.number"))
	}
	if reason == "" {
		errs = append(errs, clinic.Invalid("return_reason", "error.rx.reason"))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		it, err := GetItem(ctx, tx, itemID)
		if err != nil {
			return err
		}
		if qty > it.Dispensed {
			return clinic.Invalid("return_qty", "error.rx.return_too_many", it.Dispensed)
		}
		// Net quantity still out, per batch.
		rows, err := tx.QueryContext(ctx, `SELECT batch_id, SUM(quantity) FROM dispensings WHERE prescription_item_id = ?
			GROUP BY batch_id HAVING SUM(quantity) > 0 ORDER BY MAX(id) DESC`, itemID)
		if err != nil {
			return err
		}
		type out struct{ batch, qty int64 }
		var outs []out
		for rows.Next() {
			var o out
			if err := rows.Scan(&o.batch, &o.qty); err != nil {
				rows.Close()
				return err
			}
			outs = append(outs, o)
		}
		rows.Close()
		left, t := qty, now()
		for _, o := range outs {
			if left == 0 {
				break
			}
			n := min(left, o.qty)
			if err := stock.PutBack(ctx, tx, o.batch, n); err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO dispensings (prescription_item_id, visit_id, patient_id, drug_id, batch_id,
				kind, quantity, reason, at, by_id, by_name) VALUES (?,?,?,?,?,'return',?,?,?,?,?)`, it.ID, it.VisitID, it.PatientID,
				it.Drug.ID, o.batch, -n, reason, t, nullID(by.UserID), by.Username)
			if err != nil {
				return err
			}
			did, _ := res.LastInsertId()
			if err := stock.Record(ctx, tx, it.Drug.ID, o.batch, n, "return", reason, did, by); err != nil {
				return err
			}
			left -= n
		}
		if err := shareItem(ctx, tx, itemID, it.PatientID, outbox.Update, ""); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry("return", "prescription_item", fmt.Sprint(itemID), it.PatientID,
			fmt.Sprintf("%s x%d returned: %s", it.Drug.Label(), qty, reason)))
	})
}

// LastVisitWithItems is the patient's latest visit with a prescription other than this one, or 0.
func LastVisitWithItems(ctx context.Context, q Querier, patientID, notVisit int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT visit_id FROM prescription_items WHERE patient_id = ? AND visit_id <> ?
		AND status <> 'cancelled' ORDER BY id DESC LIMIT 1`, patientID, notVisit).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}
