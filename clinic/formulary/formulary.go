// Package formulary is the clinic's list of drugs and vaccines: names, ingredients, strength,
// form, route, dispensing unit, prices in cents, default dose and instructions in English and
// Chinese, the team's cautionary texts, and CSV import and export. Stock lives in clinic/stock.
package formulary

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Ingredient is one active ingredient of a drug, its name in lower case.
type Ingredient struct {
	Name     string
	Strength string
}

// Caution is one cautionary text of the team's library.
type Caution struct {
	ID     int64
	Code   string
	TextEN string
	TextZH string
	Active bool
}

// Drug is one item of the formulary.
type Drug struct {
	ID                 int64
	LocalCode          string
	Name               string
	NameZH             string
	Strength           string
	Form               string
	Route              string
	DispensingUnit     string
	DoseUnit           string
	UnitsPerDispensing int64 // dose units per dispensing unit, thousandths
	PackSize           int64
	RPPNo              string
	TermCode           string
	CostCents          int64
	PriceCents         int64
	DefaultDoseMilli   int64
	DefaultFrequency   string
	DefaultDays        int64
	InstructionsEN     string
	InstructionsZH     string
	MaxDailyMilli      int64
	ReorderLevel       int64
	IsVaccine          bool
	Active             bool
	Version            int64
	Ingredients        []Ingredient
	Cautions           []Caution
}

// Label is the drug's name with its strength, as printed: "Panadol 500 mg".
func (d Drug) Label() string {
	if d.Strength == "" {
		return d.Name
	}
	return d.Name + " " + d.Strength
}

// IngredientNames lists the ingredient names.
func (d Drug) IngredientNames() []string {
	out := make([]string, len(d.Ingredients))
	for i, in := range d.Ingredients {
		out[i] = in.Name
	}
	return out
}

// Input is a drug as typed into the form or read from a CSV row. Amounts are text so that a
// failed form keeps exactly what was typed.
type Input struct {
	LocalCode, Name, NameZH, Strength, Form, Route, DispensingUnit, DoseUnit string
	UnitsPerDispensing                                                       string // "1", "100" (ml per bottle)
	PackSize                                                                 string
	RPPNo, TermCode                                                          string
	Cost, Price                                                              string // dollars, "12.50"
	DefaultDose, DefaultFrequency, DefaultDays                               string
	InstructionsEN, InstructionsZH                                           string
	MaxDaily, ReorderLevel                                                   string
	Ingredients                                                              string // "paracetamol 500 mg; caffeine 65 mg"
	CautionCodes                                                             []string
	IsVaccine, Inactive                                                      bool
	Version                                                                  int64
}

var (
	codeRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.\-/]{0,31}$`)
	rppRe  = regexp.MustCompile(`^HK-\d{5}$`)
)

// IsFrequency is set by the prescribing package so the formulary can check default frequencies
// without importing it.
var IsFrequency = func(code string) bool { return true }

// parsed is an Input after validation.
type parsed struct {
	d       Drug
	caution []string
}

// Validate checks an input and returns every fault.
func (in Input) parse() (parsed, error) {
	var errs clinic.ValidationErrors
	p := parsed{d: Drug{
		LocalCode: strings.TrimSpace(in.LocalCode), Name: strings.TrimSpace(in.Name), NameZH: strings.TrimSpace(in.NameZH),
		Strength: strings.TrimSpace(in.Strength), Form: strings.TrimSpace(in.Form), Route: strings.ToUpper(strings.TrimSpace(in.Route)),
		DispensingUnit: strings.TrimSpace(in.DispensingUnit), DoseUnit: strings.TrimSpace(in.DoseUnit),
		RPPNo: strings.ToUpper(strings.TrimSpace(in.RPPNo)), TermCode: strings.TrimSpace(in.TermCode),
		DefaultFrequency: strings.ToUpper(strings.TrimSpace(in.DefaultFrequency)),
		InstructionsEN:   strings.TrimSpace(in.InstructionsEN), InstructionsZH: strings.TrimSpace(in.InstructionsZH),
		IsVaccine: in.IsVaccine, Active: !in.Inactive, Version: in.Version,
	}}
	d := &p.d
	if !codeRe.MatchString(d.LocalCode) {
		errs = append(errs, clinic.Invalid("local_code", "error.drug.code"))
	}
	if d.Name == "" || utf8.RuneCountInString(d.Name) > 120 {
		errs = append(errs, clinic.Invalid("name", "error.drug.name"))
	}
	if d.DispensingUnit == "" {
		errs = append(errs, clinic.Invalid("dispensing_unit", "error.drug.unit"))
	}
	if d.DoseUnit == "" {
		d.DoseUnit = d.DispensingUnit
	}
	if d.Route == "" {
		d.Route = "PO"
	}
	if d.RPPNo != "" && !rppRe.MatchString(d.RPPNo) {
		errs = append(errs, clinic.Invalid("rpp_no", "error.drug.rpp", d.RPPNo))
	}
	amount := func(field, s string, parse func(string) (int64, error), dflt int64, dst *int64) {
		if strings.TrimSpace(s) == "" {
			*dst = dflt
			return
		}
		v, err := parse(s)
		if err != nil {
			errs = append(errs, clinic.Invalid(field, "error.drug.amount", s))
			return
		}
		*dst = v
	}
	whole := func(s string) (int64, error) { return parseFixed(s, 0) }
	amount("units_per_dispensing", in.UnitsPerDispensing, ParseMilli, 1000, &d.UnitsPerDispensing)
	if d.UnitsPerDispensing == 0 {
		errs = append(errs, clinic.Invalid("units_per_dispensing", "error.drug.amount", in.UnitsPerDispensing))
	}
	amount("pack_size", in.PackSize, whole, 0, &d.PackSize)
	amount("cost", in.Cost, ParseCents, 0, &d.CostCents)
	amount("price", in.Price, ParseCents, 0, &d.PriceCents)
	amount("default_dose", in.DefaultDose, ParseMilli, 0, &d.DefaultDoseMilli)
	amount("default_days", in.DefaultDays, whole, 0, &d.DefaultDays)
	amount("max_daily", in.MaxDaily, ParseMilli, 0, &d.MaxDailyMilli)
	amount("reorder_level", in.ReorderLevel, whole, 0, &d.ReorderLevel)
	if d.DefaultFrequency != "" && !IsFrequency(d.DefaultFrequency) {
		errs = append(errs, clinic.Invalid("default_frequency", "error.drug.frequency", d.DefaultFrequency))
	}
	ings, err := ParseIngredients(in.Ingredients)
	if err != nil {
		errs = append(errs, clinic.Invalid("ingredients", "error.drug.ingredients"))
	}
	if len(ings) == 0 && !d.IsVaccine && err == nil {
		// Without ingredients the allergy check has nothing to compare: refuse rather than let a
		// drug slip past it.
		errs = append(errs, clinic.Invalid("ingredients", "error.drug.ingredients"))
	}
	d.Ingredients = ings
	for _, c := range in.CautionCodes {
		if c = strings.TrimSpace(c); c != "" {
			p.caution = append(p.caution, c)
		}
	}
	return p, errs.Err()
}

// ParseIngredients reads "paracetamol 500 mg; caffeine 65 mg": ingredients separated by ";" or
// "+", each a name and an optional strength starting at the first digit.
func ParseIngredients(s string) ([]Ingredient, error) {
	var out []Ingredient
	seen := map[string]bool{}
	for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '+' || r == '\n' }) {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, strength := part, ""
		if i := strings.IndexAny(part, "0123456789"); i > 0 {
			name, strength = strings.TrimSpace(part[:i]), strings.TrimSpace(part[i:])
		}
		name = NormaliseIngredient(name)
		if name == "" || utf8.RuneCountInString(name) > 80 {
			return nil, errors.New("bad ingredient")
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, Ingredient{Name: name, Strength: strength})
		}
	}
	return out, nil
}

// NormaliseIngredient is the form ingredients are compared in: lower case, single spaces.
func NormaliseIngredient(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), " ")
}

// FormatIngredients writes ingredients back the way ParseIngredients reads them.
func FormatIngredients(ings []Ingredient) string {
	parts := make([]string, len(ings))
	for i, in := range ings {
		parts[i] = strings.TrimSpace(in.Name + " " + in.Strength)
	}
	return strings.Join(parts, "; ")
}

// Audit entity names.
const entityDrug = "drug"

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Create adds a drug.
func Create(ctx context.Context, db *store.DB, in Input, by audit.Actor) (Drug, error) {
	p, err := in.parse()
	if err != nil {
		return Drug{}, err
	}
	var d Drug
	err = db.Write(ctx, func(tx *sql.Tx) error {
		id, err := insert(ctx, tx, &p)
		if err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, entityDrug, fmt.Sprint(id), 0, p.d.Label())); err != nil {
			return err
		}
		d, err = Get(ctx, tx, id)
		return err
	})
	return d, err
}

func insert(ctx context.Context, tx *sql.Tx, p *parsed) (int64, error) {
	d := &p.d
	var exists int64
	if err := tx.QueryRowContext(ctx, `SELECT id FROM drugs WHERE local_code = ?`, d.LocalCode).Scan(&exists); err == nil {
		return 0, clinic.Invalid("local_code", "error.drug.code_taken", d.LocalCode)
	}
	t := now()
	res, err := tx.ExecContext(ctx, `INSERT INTO drugs (local_code, name, name_zh, strength, form, route, dispensing_unit,
		dose_unit, units_per_dispensing_milli, pack_size, rpp_no, term_code, cost_cents, selling_price_cents,
		default_dose_milli, default_frequency, default_days, instructions_en, instructions_zh, max_daily_milli,
		reorder_level, is_vaccine, active, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		d.LocalCode, d.Name, d.NameZH, d.Strength, d.Form, d.Route, d.DispensingUnit, d.DoseUnit, d.UnitsPerDispensing,
		d.PackSize, d.RPPNo, d.TermCode, d.CostCents, d.PriceCents, d.DefaultDoseMilli, d.DefaultFrequency, d.DefaultDays,
		d.InstructionsEN, d.InstructionsZH, d.MaxDailyMilli, d.ReorderLevel, d.IsVaccine, d.Active, t, t)
	if err != nil {
		return 0, err
	}
	id, _ := res.LastInsertId()
	return id, saveParts(ctx, tx, id, p)
}

// saveParts writes the ingredients and cautions of a drug, replacing what was there: these are
// the formulary's reference data, not clinical records, and the audit row keeps the change.
func saveParts(ctx context.Context, tx *sql.Tx, id int64, p *parsed) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM drug_ingredients WHERE drug_id = ?`, id); err != nil {
		return err
	}
	for i, in := range p.d.Ingredients {
		if _, err := tx.ExecContext(ctx, `INSERT INTO drug_ingredients (drug_id, ingredient, strength, position) VALUES (?,?,?,?)`,
			id, in.Name, in.Strength, i); err != nil {
			return err
		}
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM drug_cautions WHERE drug_id = ?`, id); err != nil {
		return err
	}
	for i, code := range p.caution {
		var cid int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM cautions WHERE code = ?`, code).Scan(&cid); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return clinic.Invalid("cautions", "error.drug.caution", code)
			}
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO drug_cautions (drug_id, caution_id, position) VALUES (?,?,?)`,
			id, cid, i); err != nil {
			return err
		}
	}
	return nil
}

// Update changes a drug. A form older than the stored drug is refused with ErrConflict.
func Update(ctx context.Context, db *store.DB, id int64, in Input, by audit.Actor) (Drug, error) {
	p, err := in.parse()
	if err != nil {
		return Drug{}, err
	}
	var d Drug
	err = db.Write(ctx, func(tx *sql.Tx) error {
		var other int64
		if err := tx.QueryRowContext(ctx, `SELECT id FROM drugs WHERE local_code = ? AND id <> ?`, p.d.LocalCode, id).Scan(&other); err == nil {
			return clinic.Invalid("local_code", "error.drug.code_taken", p.d.LocalCode)
		}
		x := &p.d
		res, err := tx.ExecContext(ctx, `UPDATE drugs SET local_code=?, name=?, name_zh=?, strength=?, form=?, route=?,
			dispensing_unit=?, dose_unit=?, units_per_dispensing_milli=?, pack_size=?, rpp_no=?, term_code=?, cost_cents=?,
			selling_price_cents=?, default_dose_milli=?, default_frequency=?, default_days=?, instructions_en=?,
			instructions_zh=?, max_daily_milli=?, reorder_level=?, is_vaccine=?, active=?, version=version+1, updated_at=?
			WHERE id = ? AND version = ?`,
			x.LocalCode, x.Name, x.NameZH, x.Strength, x.Form, x.Route, x.DispensingUnit, x.DoseUnit, x.UnitsPerDispensing,
			x.PackSize, x.RPPNo, x.TermCode, x.CostCents, x.PriceCents, x.DefaultDoseMilli, x.DefaultFrequency, x.DefaultDays,
			x.InstructionsEN, x.InstructionsZH, x.MaxDailyMilli, x.ReorderLevel, x.IsVaccine, x.Active, now(), id, x.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			if _, err := Get(ctx, tx, id); err != nil {
				return err
			}
			return clinic.ErrConflict
		}
		if err := saveParts(ctx, tx, id, &p); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionChange, entityDrug, fmt.Sprint(id), 0, x.Label())); err != nil {
			return err
		}
		d, err = Get(ctx, tx, id)
		return err
	})
	return d, err
}

// Querier is a *sql.DB or a *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const drugColumns = `id, local_code, name, name_zh, strength, form, route, dispensing_unit, dose_unit,
	units_per_dispensing_milli, pack_size, rpp_no, term_code, cost_cents, selling_price_cents, default_dose_milli,
	default_frequency, default_days, instructions_en, instructions_zh, max_daily_milli, reorder_level, is_vaccine,
	active, version`

func scanDrug(row interface{ Scan(...any) error }) (Drug, error) {
	var d Drug
	err := row.Scan(&d.ID, &d.LocalCode, &d.Name, &d.NameZH, &d.Strength, &d.Form, &d.Route, &d.DispensingUnit,
		&d.DoseUnit, &d.UnitsPerDispensing, &d.PackSize, &d.RPPNo, &d.TermCode, &d.CostCents, &d.PriceCents,
		&d.DefaultDoseMilli, &d.DefaultFrequency, &d.DefaultDays, &d.InstructionsEN, &d.InstructionsZH,
		&d.MaxDailyMilli, &d.ReorderLevel, &d.IsVaccine, &d.Active, &d.Version)
	return d, err
}

// Get reads one drug with its ingredients and cautions.
func Get(ctx context.Context, q Querier, id int64) (Drug, error) {
	d, err := scanDrug(q.QueryRowContext(ctx, `SELECT `+drugColumns+` FROM drugs WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return d, clinic.ErrNotFound
	}
	if err != nil {
		return d, err
	}
	ds := []Drug{d}
	if err := fillParts(ctx, q, ds); err != nil {
		return d, err
	}
	return ds[0], nil
}

// fillParts reads the ingredients and cautions of the drugs given.
func fillParts(ctx context.Context, q Querier, ds []Drug) error {
	if len(ds) == 0 {
		return nil
	}
	idx := map[int64]int{}
	ids := make([]string, len(ds))
	for i, d := range ds {
		idx[d.ID] = i
		ids[i] = fmt.Sprint(d.ID)
	}
	in := strings.Join(ids, ",") // integers from the database: safe to inline
	rows, err := q.QueryContext(ctx, `SELECT drug_id, ingredient, strength FROM drug_ingredients
		WHERE drug_id IN (`+in+`) ORDER BY drug_id, position`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var id int64
		var ing Ingredient
		if err := rows.Scan(&id, &ing.Name, &ing.Strength); err != nil {
			rows.Close()
			return err
		}
		ds[idx[id]].Ingredients = append(ds[idx[id]].Ingredients, ing)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT dc.drug_id, c.id, c.code, c.text_en, c.text_zh, c.active FROM drug_cautions dc
		JOIN cautions c ON c.id = dc.caution_id WHERE dc.drug_id IN (`+in+`) ORDER BY dc.drug_id, dc.position`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c Caution
		if err := rows.Scan(&id, &c.ID, &c.Code, &c.TextEN, &c.TextZH, &c.Active); err != nil {
			return err
		}
		ds[idx[id]].Cautions = append(ds[idx[id]].Cautions, c)
	}
	return rows.Err()
}

// Filter narrows the list.
type Filter struct {
	Query        string // part of the name, code or an ingredient
	VaccinesOnly bool
	ActiveOnly   bool
	Limit        int
}

// List finds drugs by name, code or ingredient, in name order.
func List(ctx context.Context, q Querier, f Filter) ([]Drug, error) {
	where := []string{"1=1"}
	var args []any
	if s := strings.TrimSpace(f.Query); s != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(s)) + "%"
		where = append(where, `(lower(name) LIKE ? ESCAPE '\' OR lower(local_code) LIKE ? ESCAPE '\' OR name_zh LIKE ? ESCAPE '\'
			OR id IN (SELECT drug_id FROM drug_ingredients WHERE ingredient LIKE ? ESCAPE '\'))`)
		args = append(args, like, like, like, like)
	}
	if f.VaccinesOnly {
		where = append(where, "is_vaccine = 1")
	}
	if f.ActiveOnly {
		where = append(where, "active = 1")
	}
	if f.Limit <= 0 {
		f.Limit = 500
	}
	rows, err := q.QueryContext(ctx, `SELECT `+drugColumns+` FROM drugs WHERE `+strings.Join(where, " AND ")+
		` ORDER BY name COLLATE NOCASE, strength LIMIT ?`, append(args, f.Limit)...)
	if err != nil {
		return nil, err
	}
	var out []Drug
	for rows.Next() {
		d, err := scanDrug(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, fillParts(ctx, q, out)
}

// Cautions lists the cautionary-text library in code order.
func Cautions(ctx context.Context, q Querier) ([]Caution, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, text_en, text_zh, active FROM cautions ORDER BY code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Caution
	for rows.Next() {
		var c Caution
		if err := rows.Scan(&c.ID, &c.Code, &c.TextEN, &c.TextZH, &c.Active); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SaveCaution adds a cautionary text or changes the one with the same code.
func SaveCaution(ctx context.Context, db *store.DB, c Caution, by audit.Actor) error {
	c.Code, c.TextEN, c.TextZH = strings.ToUpper(strings.TrimSpace(c.Code)), strings.TrimSpace(c.TextEN), strings.TrimSpace(c.TextZH)
	var errs clinic.ValidationErrors
	if !codeRe.MatchString(c.Code) {
		errs = append(errs, clinic.Invalid("caution_code", "error.drug.code"))
	}
	if c.TextEN == "" {
		errs = append(errs, clinic.Invalid("caution_en", "error.caution.text"))
	}
	if c.TextZH == "" {
		errs = append(errs, clinic.Invalid("caution_zh", "error.caution.text"))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO cautions (code, text_en, text_zh, active) VALUES (?,?,?,1)
			ON CONFLICT (code) DO UPDATE SET text_en = excluded.text_en, text_zh = excluded.text_zh, active = 1`,
			c.Code, c.TextEN, c.TextZH); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "caution", c.Code, 0, c.TextEN))
	})
}

// StandardCautions are the texts a new clinic starts with; the team edits them on the
// formulary page.
var StandardCautions = []Caution{
	{Code: "DROWSY", TextEN: "May cause drowsiness", TextZH: "服用後可能引致昏睡"},
	{Code: "FOOD", TextEN: "Take with or after food", TextZH: "與食物同服或飯後服用"},
	{Code: "COURSE", TextEN: "Finish the whole course", TextZH: "須服完整個療程"},
	{Code: "NOALCOHOL", TextEN: "Avoid alcoholic drink", TextZH: "避免飲用含酒精飲品"},
	{Code: "SHAKE", TextEN: "Shake well before use", TextZH: "使用前搖勻"},
	{Code: "EXTERNAL", TextEN: "For external use only", TextZH: "只供外用"},
	{Code: "EMPTY", TextEN: "Take on an empty stomach", TextZH: "空腹服用"},
}

// EnsureStandardCautions adds the standard texts that the library does not have yet.
func EnsureStandardCautions(ctx context.Context, tx *sql.Tx) error {
	for _, c := range StandardCautions {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO cautions (code, text_en, text_zh) VALUES (?,?,?)`,
			c.Code, c.TextEN, c.TextZH); err != nil {
			return err
		}
	}
	return nil
}
