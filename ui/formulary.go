package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/prescribing"
)

// The formulary: drugs and vaccines, the team's cautionary texts, CSV import and export.

type formularyPage struct {
	Query    string
	Drugs    []formulary.Drug
	Cautions []formulary.Caution
	Import   *formulary.ImportResult
}

func (s *Server) formularyData(c echo.Context) (*formularyPage, error) {
	ctx := c.Request().Context()
	d := &formularyPage{Query: strings.TrimSpace(c.QueryParam("q"))}
	var err error
	if d.Drugs, err = formulary.List(ctx, s.db.R, formulary.Filter{Query: d.Query}); err != nil {
		return nil, err
	}
	if d.Cautions, err = formulary.Cautions(ctx, s.db.R); err != nil {
		return nil, err
	}
	return d, nil
}

func (s *Server) formularyList(c echo.Context) error {
	d, err := s.formularyData(c)
	if err != nil {
		return err
	}
	v := s.view(c, "med.formulary.title", d)
	v.Form.Set("q", d.Query)
	return s.render(c, http.StatusOK, "formulary", v)
}

type drugFormData struct {
	Drug        *formulary.Drug
	Cautions    []formulary.Caution
	Frequencies []prescribing.Frequency
}

func (s *Server) drugFormData(c echo.Context, d *formulary.Drug) (drugFormData, error) {
	cs, err := formulary.Cautions(c.Request().Context(), s.db.R)
	return drugFormData{Drug: d, Cautions: cs, Frequencies: prescribing.Frequencies}, err
}

func (s *Server) drugNewForm(c echo.Context) error {
	data, err := s.drugFormData(c, nil)
	if err != nil {
		return err
	}
	v := s.view(c, "med.drug.new", data)
	v.Form.Set("route", "PO")
	v.Form.Set("units_per_dispensing", "1")
	return s.render(c, http.StatusOK, "formulary_form", v)
}

func drugInput(c echo.Context) formulary.Input {
	in := formulary.Input{LocalCode: c.FormValue("local_code"), Name: c.FormValue("name"), NameZH: c.FormValue("name_zh"),
		Strength: c.FormValue("strength"), Form: c.FormValue("form"), Route: c.FormValue("route"),
		DispensingUnit: c.FormValue("dispensing_unit"), DoseUnit: c.FormValue("dose_unit"),
		UnitsPerDispensing: c.FormValue("units_per_dispensing"), PackSize: c.FormValue("pack_size"), RPPNo: c.FormValue("rpp_no"),
		TermCode: c.FormValue("term_code"), Cost: c.FormValue("cost"), Price: c.FormValue("price"),
		DefaultDose: c.FormValue("default_dose"), DefaultFrequency: c.FormValue("default_frequency"),
		DefaultDays: c.FormValue("default_days"), InstructionsEN: c.FormValue("instructions_en"),
		InstructionsZH: c.FormValue("instructions_zh"), MaxDaily: c.FormValue("max_daily"), ReorderLevel: c.FormValue("reorder_level"),
		Ingredients: c.FormValue("ingredients"), IsVaccine: c.FormValue("is_vaccine") == "on", Inactive: c.FormValue("inactive") == "on"}
	if f, err := c.FormParams(); err == nil {
		in.CautionCodes = f["cautions"]
	}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

func (s *Server) drugCreate(c echo.Context) error {
	data, err := s.drugFormData(c, nil)
	if err != nil {
		return err
	}
	d, err := formulary.Create(c.Request().Context(), s.db, drugInput(c), currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return s.formError(c, "formulary_form", s.view(c, "med.drug.new", data), err)
	}
	return redirectDone(c, "/formulary?q="+d.LocalCode, "saved")
}

func (s *Server) drugFromPath(c echo.Context) (formulary.Drug, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return formulary.Drug{}, clinic.ErrNotFound
	}
	return formulary.Get(c.Request().Context(), s.db.R, id)
}

func (s *Server) drugEditForm(c echo.Context) error {
	d, err := s.drugFromPath(c)
	if err != nil {
		return err
	}
	data, err := s.drugFormData(c, &d)
	if err != nil {
		return err
	}
	v := s.view(c, "med.drug.edit", data)
	f := v.Form
	for k, val := range map[string]string{"local_code": d.LocalCode, "name": d.Name, "name_zh": d.NameZH, "strength": d.Strength,
		"form": d.Form, "route": d.Route, "dispensing_unit": d.DispensingUnit, "dose_unit": d.DoseUnit,
		"units_per_dispensing": formulary.FormatMilli(d.UnitsPerDispensing), "pack_size": strconv.FormatInt(d.PackSize, 10),
		"rpp_no": d.RPPNo, "term_code": d.TermCode, "cost": formulary.FormatCents(d.CostCents),
		"price": formulary.FormatCents(d.PriceCents), "default_dose": formulary.FormatMilli(d.DefaultDoseMilli),
		"default_frequency": d.DefaultFrequency, "default_days": strconv.FormatInt(d.DefaultDays, 10),
		"instructions_en": d.InstructionsEN, "instructions_zh": d.InstructionsZH, "max_daily": formulary.FormatMilli(d.MaxDailyMilli),
		"reorder_level": strconv.FormatInt(d.ReorderLevel, 10), "ingredients": formulary.FormatIngredients(d.Ingredients),
		"version": strconv.FormatInt(d.Version, 10)} {
		f.Set(k, val)
	}
	for _, c := range d.Cautions {
		f.Add("cautions", c.Code)
	}
	if d.IsVaccine {
		f.Set("is_vaccine", "on")
	}
	if !d.Active {
		f.Set("inactive", "on")
	}
	return s.render(c, http.StatusOK, "formulary_form", v)
}

func (s *Server) drugUpdate(c echo.Context) error {
	d, err := s.drugFromPath(c)
	if err != nil {
		return err
	}
	data, err := s.drugFormData(c, &d)
	if err != nil {
		return err
	}
	_, err = formulary.Update(c.Request().Context(), s.db, d.ID, drugInput(c), currentUser(c).Actor(c.RealIP()))
	if errors.Is(err, clinic.ErrConflict) {
		err = clinic.Invalid("version", "error.drug.stale")
	}
	if err != nil {
		return s.formError(c, "formulary_form", s.view(c, "med.drug.edit", data), err)
	}
	return redirectDone(c, "/formulary?q="+d.LocalCode, "saved")
}

// formularyCSV exports the whole formulary for a spreadsheet.
func (s *Server) formularyCSV(c echo.Context) error {
	var buf bytes.Buffer
	buf.WriteString("\ufeff") // Excel reads the Chinese columns as UTF-8 only with the mark
	if err := formulary.ExportCSV(c.Request().Context(), s.db.R, &buf); err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionExport, "formulary", "", 0, "formulary CSV"))
	h := c.Response().Header()
	h.Set("Content-Disposition", `attachment; filename="formulary.csv"`)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}

// formularyImport reads a CSV in the export's format: new codes are added, known ones updated,
// rows with errors listed.
func (s *Server) formularyImport(c echo.Context) error {
	d, err := s.formularyData(c)
	if err != nil {
		return err
	}
	v := s.view(c, "med.formulary.title", d)
	fh, err := c.FormFile("file")
	if err != nil {
		return s.formError(c, "formulary", v, clinic.Invalid("file", "error.drug.csv_file"))
	}
	f, err := fh.Open()
	if err != nil {
		return s.formError(c, "formulary", v, clinic.Invalid("file", "error.drug.csv_file"))
	}
	defer f.Close()
	res, err := formulary.ImportCSV(c.Request().Context(), s.db, io.LimitReader(f, 20<<20), currentUser(c).Actor(c.RealIP()))
	if errors.Is(err, formulary.ErrCSVHeader) {
		return s.formError(c, "formulary", v, clinic.Invalid("file", "error.drug.csv_header"))
	}
	if err != nil && strings.HasPrefix(err.Error(), "formulary: CSV line") {
		return s.formError(c, "formulary", v, clinic.Invalid("file", "error.drug.csv_syntax"))
	}
	if err != nil {
		return err
	}
	if d, err = s.formularyData(c); err != nil {
		return err
	}
	d.Import = &res
	v = s.view(c, "med.formulary.title", d)
	v.Notice = v.T("med.formulary.imported", res.Added, res.Updated, len(res.Rejected))
	return s.render(c, http.StatusOK, "formulary", v)
}

func (s *Server) cautionSave(c echo.Context) error {
	err := formulary.SaveCaution(c.Request().Context(), s.db, formulary.Caution{Code: c.FormValue("caution_code"),
		TextEN: c.FormValue("caution_en"), TextZH: c.FormValue("caution_zh")}, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		d, derr := s.formularyData(c)
		if derr != nil {
			return derr
		}
		return s.formError(c, "formulary", s.view(c, "med.formulary.title", d), err)
	}
	return redirectDone(c, "/formulary#cautions", "saved")
}

// RowErrorText is an import row's faults in the page's language.
func (v *View) RowErrorText(r formulary.RowError) string {
	parts := make([]string, len(r.Errors))
	for i, e := range r.Errors {
		parts[i] = v.T("med.drug."+e.Field) + ": " + v.T(e.Key, e.Args...)
	}
	return fmt.Sprintf("%d: %s", r.Line, strings.Join(parts, "; "))
}

// Money writes cents as dollars.
func (v *View) Money(cents int64) string { return formulary.FormatCents(cents) }

// Milli writes thousandths as a decimal.
func (v *View) Milli(n int64) string { return formulary.FormatMilli(n) }
