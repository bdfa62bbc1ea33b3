package demo

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/store"
)

// The medication step (Order 20): the team's cautionary texts, a formulary of drugs a Hong Kong
// general practice keeps with stock by batch (one batch expiring soon), allergies (one patient
// in twenty is allergic to penicillin, one in twenty-five had an adverse reaction to Augmentin,
// one in three has "no known drug allergy" recorded, the rest are not recorded yet), one or two
// items prescribed and dispensed for each visit, and a flu
// vaccine for each vaccination visit. Set-based SQL in one transaction: seconds for a large
// practice. Running it again adds nothing twice.
func init() {
	Register(Step{Name: "medication", Order: 20, Run: Medication})
}

// demoDrug is one formulary item with the regimen the demo prescribes of it.
type demoDrug struct {
	code, name, nameZH, strength, form, unit, doseUnit, perUnit, ingredients, price, freq, cautions string
	dose, days                                                                                      string
	vaccine                                                                                         bool
}

var demoDrugs = []demoDrug{
	{"PARA500", "Panadol", "必理痛", "500 mg", "tablet", "tab", "tab", "1", "paracetamol 500 mg", "0.50", "QID", "", "1", "3", false},
	{"AMOX250", "Amoxil", "安莫西林", "250 mg", "capsule", "cap", "cap", "1", "amoxicillin 250 mg", "2.00", "TDS", "COURSE", "1", "5", false},
	{"AUGM625", "Augmentin", "安滅菌", "625 mg", "tablet", "tab", "tab", "1", "amoxicillin 500 mg; clavulanic acid 125 mg", "6.00", "BD", "COURSE;FOOD", "1", "5", false},
	{"CHLO4", "Piriton", "撲爾敏", "4 mg", "tablet", "tab", "tab", "1", "chlorphenamine 4 mg", "0.40", "TDS", "DROWSY;NOALCOHOL", "1", "3", false},
	{"LORA10", "Clarityne", "開瑞坦", "10 mg", "tablet", "tab", "tab", "1", "loratadine 10 mg", "2.50", "QD", "", "1", "5", false},
	{"BROM", "Bisolvon syrup", "必消痰糖漿", "4 mg/5 ml", "syrup", "bottle", "ml", "100", "bromhexine 4 mg/5 ml", "35.00", "TDS", "SHAKE", "5", "5", false},
	{"DEXT", "Dextromethorphan syrup", "右美沙芬糖漿", "15 mg/5 ml", "syrup", "bottle", "ml", "100", "dextromethorphan 15 mg/5 ml", "30.00", "TDS", "DROWSY;SHAKE", "10", "5", false},
	{"IBU200", "Brufen", "布洛芬", "200 mg", "tablet", "tab", "tab", "1", "ibuprofen 200 mg", "0.80", "TDS", "FOOD", "1", "3", false},
	{"OMEP20", "Losec", "洛賽克", "20 mg", "capsule", "cap", "cap", "1", "omeprazole 20 mg", "3.00", "QD", "EMPTY", "1", "14", false},
	{"AMLO5", "Norvasc", "絡活喜", "5 mg", "tablet", "tab", "tab", "1", "amlodipine 5 mg", "2.00", "QD", "", "1", "30", false},
	{"METF500", "Glucophage", "格華止", "500 mg", "tablet", "tab", "tab", "1", "metformin 500 mg", "0.60", "BD", "FOOD", "1", "30", false},
	{"HYDC1", "Hydrocortisone cream", "氫化可的松軟膏", "1%", "cream", "tube", "application", "30", "hydrocortisone 1%", "25.00", "BD", "EXTERNAL", "1", "7", false},
	{"FLU", "Vaxigrip Tetra", "四價流感疫苗", "0.5 ml", "injection", "dose", "dose", "1", "", "180.00", "STAT", "", "1", "1", true},
}

// Medication adds the demo's medication records.
func Medication(ctx context.Context, db *store.DB, o Options) error {
	now := time.Now().UTC().Format(time.RFC3339Nano)
	expiry := time.Now().AddDate(2, 0, 0).Format("2006-01-02")
	soon := time.Now().AddDate(0, 1, 0).Format("2006-01-02")
	return db.Write(ctx, func(tx *sql.Tx) error {
		if err := formulary.EnsureStandardCautions(ctx, tx); err != nil {
			return err
		}
		for _, d := range demoDrugs {
			if err := addDemoDrug(ctx, tx, d, now, expiry); err != nil {
				return err
			}
		}
		// The records added below go into the eHealth outbox as the real write paths put them
		// (clinic/allergies.Add, clinic/immunisations.Add): only those above the ids already there.
		var lastAllergy, lastImmu int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM allergies`).Scan(&lastAllergy); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM immunisations`).Scan(&lastImmu); err != nil {
			return err
		}
		steps := []struct {
			q    string
			args []any
		}{
			// A batch of paracetamol expiring next month, for the expiring-soon list.
			{`INSERT INTO stock_batches (drug_id, batch_no, expiry, quantity, cost_cents, supplier, received_at)
				SELECT id, 'DEMO-SOON', ?, 40, cost_cents, 'Demo Supplies Ltd', ? FROM drugs WHERE local_code = 'PARA500'
				AND NOT EXISTS (SELECT 1 FROM stock_batches b WHERE b.batch_no = 'DEMO-SOON')`, []any{soon, now}},
			// Allergies: 1 in 20 patients to amoxicillin (via Amoxil), 1 in 3 NKDA, the rest unrecorded.
			{`INSERT INTO allergies (patient_id, kind, allergen_type, drug_id, allergen, reaction_code, certainty, created_at, created_by_name, updated_at)
				SELECT p.id, 'allergy', 'drug', d.id, d.name, '21', 'C', ?, 'demo', ?
				FROM patients p JOIN drugs d ON d.local_code = 'AMOX250'
				WHERE p.merged_into IS NULL AND p.id % 20 = 7 AND NOT EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = p.id)`, []any{now, now}},
			// Adverse drug reactions (ADR): 1 in 25 patients had diarrhoea on Augmentin, mild, confirmed.
			{`INSERT INTO allergies (patient_id, kind, allergen_type, drug_id, allergen, reaction_code, reaction, severity, certainty,
				created_at, created_by_name, updated_at)
				SELECT p.id, 'adr', 'drug', d.id, d.name, '21', 'Diarrhoea', 'M', 'C', ?, 'demo', ?
				FROM patients p JOIN drugs d ON d.local_code = 'AUGM625'
				WHERE p.merged_into IS NULL AND p.id % 25 = 11 AND NOT EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = p.id)`, []any{now, now}},
			// "No known drug allergy" only where no allergy or ADR is on file: the two cannot both be true.
			{`INSERT INTO allergy_nkda (patient_id, recorded_at, recorded_by_name)
				SELECT p.id, ?, 'demo' FROM patients p WHERE p.merged_into IS NULL AND p.id % 3 = 0
				AND NOT EXISTS (SELECT 1 FROM allergies a WHERE a.patient_id = p.id AND a.status = 'active')
				AND NOT EXISTS (SELECT 1 FROM allergy_nkda n WHERE n.patient_id = p.id)`, []any{now}},
			// The regimens, numbered, and the visits that have no prescription yet.
			{`CREATE TEMP TABLE demo_regimens AS SELECT ROW_NUMBER() OVER (ORDER BY id) - 1 AS rn, id, default_dose_milli AS dose,
				dose_unit, default_frequency AS freq, default_days AS days, units_per_dispensing_milli AS per, selling_price_cents AS price, route
				FROM drugs WHERE local_code IN (` + demoCodes() + `) AND is_vaccine = 0 AND local_code <> 'AMOX250'`, nil},
			{`CREATE TEMP TABLE demo_rx_visits AS SELECT v.id, v.patient_id, v.visit_date FROM visits v
				WHERE v.status <> 'entered_in_error' AND v.type <> 'vaccination'
				AND NOT EXISTS (SELECT 1 FROM prescription_items i WHERE i.visit_id = v.id)`, nil},
			{`INSERT INTO prescription_items (visit_id, patient_id, drug_id, dose_milli, dose_unit, frequency, route, days, quantity,
				unit_price_cents, status, prescribed_by_name, created_at, updated_at)
				SELECT v.id, v.patient_id, r.id, r.dose, r.dose_unit, r.freq, r.route, r.days,
					MAX(1, (r.dose * CASE r.freq WHEN 'QD' THEN 1 WHEN 'BD' THEN 2 WHEN 'TDS' THEN 3 WHEN 'QID' THEN 4 ELSE 1 END * r.days + r.per - 1) / r.per),
					r.price, 'dispensed', 'demo', v.visit_date || 'T02:00:00Z', v.visit_date || 'T02:00:00Z'
				FROM demo_rx_visits v JOIN demo_regimens r
				ON r.rn = v.id % (SELECT COUNT(*) FROM demo_regimens)
				OR (v.id % 3 = 0 AND r.rn = (v.id * 7 + 1) % (SELECT COUNT(*) FROM demo_regimens))`, nil},
			// Dispensed from the drug's main batch on the day (past stock is not replayed).
			{`INSERT INTO dispensings (prescription_item_id, visit_id, patient_id, drug_id, batch_id, kind, quantity, at, by_name)
				SELECT i.id, i.visit_id, i.patient_id, i.drug_id,
					(SELECT b.id FROM stock_batches b WHERE b.drug_id = i.drug_id AND b.batch_no = 'DEMO-1'), 'dispense', i.quantity,
					i.created_at, 'demo'
				FROM prescription_items i JOIN demo_rx_visits v ON v.id = i.visit_id`, nil},
			// A flu vaccine for each vaccination visit.
			{`INSERT INTO immunisations (patient_id, visit_id, drug_id, vaccine, dose_number, given_on, batch_no, site, route, given_by,
				created_at, created_by_name, updated_at)
				SELECT v.patient_id, v.id, d.id, d.name, '1', v.visit_date, 'DEMO-1', 'LD', 'IM', 'demo', ?, 'demo', ?
				FROM visits v JOIN drugs d ON d.local_code = 'FLU'
				WHERE v.type = 'vaccination' AND v.status <> 'entered_in_error'
				AND NOT EXISTS (SELECT 1 FROM immunisations m WHERE m.visit_id = v.id)`, []any{now, now}},
			// Their outbox rows, keyed as outbox.Key keys them ("OR-AL1-allergies-17").
			{`INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
				SELECT 'OR-' || dom || '-allergies-' || id, dom, 'I', patient_id, created_at
				FROM (SELECT id, patient_id, created_at, CASE kind WHEN 'adr' THEN 'ADR' ELSE 'AL1' END AS dom FROM allergies WHERE id > ?)
				ORDER BY id`, []any{lastAllergy}},
			{`INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
				SELECT 'OR-IMMU-immunisations-' || id, 'IMMU', 'I', patient_id, created_at FROM immunisations WHERE id > ? ORDER BY id`,
				[]any{lastImmu}},
			{`DROP TABLE demo_regimens`, nil},
			{`DROP TABLE demo_rx_visits`, nil},
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.q, s.args...); err != nil {
				return err
			}
		}
		return nil
	})
}

func demoCodes() string {
	s := ""
	for i, d := range demoDrugs {
		if i > 0 {
			s += ","
		}
		s += "'" + d.code + "'" // constants of this file: safe to inline
	}
	return s
}

// addDemoDrug adds a drug with its ingredients, cautions and a batch of stock, unless its code
// is already in the formulary.
func addDemoDrug(ctx context.Context, tx *sql.Tx, d demoDrug, now, expiry string) error {
	var id int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM drugs WHERE local_code = ?`, d.code).Scan(&id); err == nil {
		return nil
	}
	price, _ := formulary.ParseCents(d.price)
	per, _ := formulary.ParseMilli(d.perUnit)
	dose, _ := formulary.ParseMilli(d.dose)
	days, _ := formulary.ParseMilli(d.days)
	route := "PO"
	switch {
	case d.vaccine:
		route = "IM"
	case d.form == "cream":
		route = "TOP"
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO drugs (local_code, name, name_zh, strength, form, route, dispensing_unit, dose_unit,
		units_per_dispensing_milli, cost_cents, selling_price_cents, default_dose_milli, default_frequency, default_days,
		reorder_level, is_vaccine, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		d.code, d.name, d.nameZH, d.strength, d.form, route, d.unit, d.doseUnit, per, price/3, price, dose, d.freq, days/1000,
		100, d.vaccine, now, now)
	if err != nil {
		return err
	}
	id, _ = res.LastInsertId()
	ings, _ := formulary.ParseIngredients(d.ingredients)
	for i, in := range ings {
		if _, err := tx.ExecContext(ctx, `INSERT INTO drug_ingredients (drug_id, ingredient, strength, position) VALUES (?,?,?,?)`,
			id, in.Name, in.Strength, i); err != nil {
			return err
		}
	}
	if d.cautions != "" {
		for i, code := range strings.Split(d.cautions, ";") {
			if _, err := tx.ExecContext(ctx, `INSERT INTO drug_cautions (drug_id, caution_id, position)
				SELECT ?, id, ? FROM cautions WHERE code = ?`, id, i, code); err != nil {
				return err
			}
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO stock_batches (drug_id, batch_no, expiry, quantity, cost_cents, supplier, received_at)
		VALUES (?, 'DEMO-1', ?, 5000, ?, 'Demo Supplies Ltd', ?)`, id, expiry, price/3, now)
	return err
}
