package formulary

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// CSVColumns is the header of the formulary file, export and import alike, so that a clinic can
// export, edit in a spreadsheet and import back.
var CSVColumns = []string{"local_code", "name", "name_zh", "strength", "form", "route", "dispensing_unit",
	"dose_unit", "units_per_dispensing", "pack_size", "rpp_no", "term_code", "cost", "price", "default_dose",
	"default_frequency", "default_days", "instructions_en", "instructions_zh", "max_daily", "reorder_level",
	"ingredients", "cautions", "vaccine", "active"}

// ExportCSV writes the whole formulary.
func ExportCSV(ctx context.Context, q Querier, w io.Writer) error {
	ds, err := List(ctx, q, Filter{Limit: 1 << 30})
	if err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVColumns); err != nil {
		return err
	}
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	for _, d := range ds {
		codes := make([]string, len(d.Cautions))
		for i, c := range d.Cautions {
			codes[i] = c.Code
		}
		num := func(v int64) string { return fmt.Sprint(v) }
		if err := cw.Write([]string{d.LocalCode, d.Name, d.NameZH, d.Strength, d.Form, d.Route, d.DispensingUnit,
			d.DoseUnit, FormatMilli(d.UnitsPerDispensing), num(d.PackSize), d.RPPNo, d.TermCode, FormatCents(d.CostCents),
			FormatCents(d.PriceCents), FormatMilli(d.DefaultDoseMilli), d.DefaultFrequency, num(d.DefaultDays),
			d.InstructionsEN, d.InstructionsZH, FormatMilli(d.MaxDailyMilli), num(d.ReorderLevel),
			FormatIngredients(d.Ingredients), strings.Join(codes, ";"), yes(d.IsVaccine), yes(d.Active)}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// RowError is a CSV row that could not be imported, with the fields at fault.
type RowError struct {
	Line   int
	Errors clinic.ValidationErrors
}

// ImportResult says what an import did.
type ImportResult struct {
	Added, Updated int
	Rejected       []RowError
}

// ErrCSVHeader means the file is not a formulary CSV.
var ErrCSVHeader = errors.New("formulary: the file's first line is not the formulary header")

// ImportCSV adds the rows whose local code is new and updates the others, all in one
// transaction. Rows with errors are listed and skipped; the good rows still go in.
func ImportCSV(ctx context.Context, db *store.DB, r io.Reader, by audit.Actor) (ImportResult, error) {
	var res ImportResult
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return res, ErrCSVHeader
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"local_code", "name", "dispensing_unit"} {
		if _, ok := col[need]; !ok {
			return res, ErrCSVHeader
		}
	}
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return res, fmt.Errorf("formulary: CSV line %d: %w", len(rows)+2, err)
		}
		rows = append(rows, rec)
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		for i, rec := range rows {
			get := func(name string) string {
				if j, ok := col[name]; ok && j < len(rec) {
					return strings.TrimSpace(rec[j])
				}
				return ""
			}
			in := Input{LocalCode: get("local_code"), Name: get("name"), NameZH: get("name_zh"), Strength: get("strength"),
				Form: get("form"), Route: get("route"), DispensingUnit: get("dispensing_unit"), DoseUnit: get("dose_unit"),
				UnitsPerDispensing: get("units_per_dispensing"), PackSize: get("pack_size"), RPPNo: get("rpp_no"),
				TermCode: get("term_code"), Cost: get("cost"), Price: get("price"), DefaultDose: get("default_dose"),
				DefaultFrequency: get("default_frequency"), DefaultDays: get("default_days"),
				InstructionsEN: get("instructions_en"), InstructionsZH: get("instructions_zh"), MaxDaily: get("max_daily"),
				ReorderLevel: get("reorder_level"), Ingredients: get("ingredients"),
				CautionCodes: strings.Split(get("cautions"), ";"),
				IsVaccine:    isYes(get("vaccine")), Inactive: get("active") != "" && !isYes(get("active"))}
			if err := importRow(ctx, tx, in, &res); err != nil {
				var ve *clinic.ValidationError
				var ves clinic.ValidationErrors
				switch {
				case errors.As(err, &ves):
					res.Rejected = append(res.Rejected, RowError{Line: i + 2, Errors: ves})
				case errors.As(err, &ve):
					res.Rejected = append(res.Rejected, RowError{Line: i + 2, Errors: clinic.ValidationErrors{ve}})
				default:
					return err
				}
			}
		}
		return audit.Append(ctx, tx, by.Entry("import", entityDrug, "", 0,
			fmt.Sprintf("formulary CSV: %d added, %d updated, %d rejected", res.Added, res.Updated, len(res.Rejected))))
	})
	return res, err
}

// importRow adds or updates one drug inside a savepoint, so a row that fails half way leaves
// nothing behind.
func importRow(ctx context.Context, tx *sql.Tx, in Input, res *ImportResult) (err error) {
	p, err := in.parse()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `SAVEPOINT drug_row`); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_, _ = tx.ExecContext(ctx, `ROLLBACK TO drug_row`)
		}
		_, _ = tx.ExecContext(ctx, `RELEASE drug_row`)
	}()
	var id int64
	switch err := tx.QueryRowContext(ctx, `SELECT id FROM drugs WHERE local_code = ?`, p.d.LocalCode).Scan(&id); {
	case errors.Is(err, sql.ErrNoRows):
		if _, err := insert(ctx, tx, &p); err != nil {
			return err
		}
		res.Added++
		return nil
	case err != nil:
		return err
	}
	x := &p.d
	if _, err := tx.ExecContext(ctx, `UPDATE drugs SET name=?, name_zh=?, strength=?, form=?, route=?,
		dispensing_unit=?, dose_unit=?, units_per_dispensing_milli=?, pack_size=?, rpp_no=?, term_code=?, cost_cents=?,
		selling_price_cents=?, default_dose_milli=?, default_frequency=?, default_days=?, instructions_en=?,
		instructions_zh=?, max_daily_milli=?, reorder_level=?, is_vaccine=?, active=?, version=version+1, updated_at=?
		WHERE id = ?`,
		x.Name, x.NameZH, x.Strength, x.Form, x.Route, x.DispensingUnit, x.DoseUnit, x.UnitsPerDispensing,
		x.PackSize, x.RPPNo, x.TermCode, x.CostCents, x.PriceCents, x.DefaultDoseMilli, x.DefaultFrequency, x.DefaultDays,
		x.InstructionsEN, x.InstructionsZH, x.MaxDailyMilli, x.ReorderLevel, x.IsVaccine, x.Active, now(), id); err != nil {
		return err
	}
	if err := saveParts(ctx, tx, id, &p); err != nil {
		return err
	}
	res.Updated++
	return nil
}

func isYes(s string) bool {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "yes", "y", "1", "true", "是":
		return true
	}
	return false
}
