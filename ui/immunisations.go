package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/immunisations"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/ui/print"
)

// A patient's immunisations: doses given here, doses given elsewhere (historical), marking a
// dose entered in error, and the printable immunisation record.

type immunisationPage struct {
	Patient  patients.Patient
	Doses    []immunisations.Immunisation
	Vaccines []formulary.Drug
}

// ImmuSites and friends are the form's choices.
func (v *View) ImmuSites() []string     { return immunisations.Sites }
func (v *View) ImmuRoutes() []string    { return immunisations.Routes }
func (v *View) ImmuProviders() []string { return immunisations.Providers }

func (s *Server) immunisationData(c echo.Context) (*immunisationPage, *View, error) {
	ctx := c.Request().Context()
	p, err := s.patientFromPath(c)
	if err != nil {
		return nil, nil, err
	}
	d := &immunisationPage{Patient: p}
	if d.Doses, err = immunisations.List(ctx, s.db.R, p.ID); err != nil {
		return nil, nil, err
	}
	if d.Vaccines, err = formulary.List(ctx, s.db.R, formulary.Filter{VaccinesOnly: true, ActiveOnly: true}); err != nil {
		return nil, nil, err
	}
	v := s.view(c, "med.immu.title", d)
	v.Banner = s.banner(c, &p)
	return d, v, nil
}

func (s *Server) immunisationList(c echo.Context) error {
	d, v, err := s.immunisationData(c)
	if err != nil {
		return err
	}
	s.views.Record(patients.ViewEntry(currentUser(c).Actor(c.RealIP()), d.Patient.ID))
	v.Form.Set("given_on", today(s).Format("2006-01-02"))
	return s.render(c, http.StatusOK, "immunisations", v)
}

func (s *Server) immunisationAdd(c echo.Context) error {
	d, v, err := s.immunisationData(c)
	if err != nil {
		return err
	}
	drugID, _ := strconv.ParseInt(c.FormValue("drug_id"), 10, 64)
	visitID, _ := strconv.ParseInt(c.FormValue("visit_id"), 10, 64)
	in := immunisations.Input{VisitID: visitID, DrugID: drugID, Vaccine: c.FormValue("vaccine"), DoseNumber: c.FormValue("dose_number"),
		GivenOn: c.FormValue("given_on"), BatchNo: c.FormValue("batch_no"), Site: c.FormValue("site"), Route: c.FormValue("route"),
		GivenBy: c.FormValue("given_by"), Historical: c.FormValue("historical") == "on", Provider: c.FormValue("provider"),
		Premises: c.FormValue("premises"), Remarks: c.FormValue("remarks")}
	if _, err := immunisations.Add(c.Request().Context(), s.db, d.Patient.ID, in, today(s).Format("2006-01-02"),
		currentUser(c).Actor(c.RealIP())); err != nil {
		return s.formError(c, "immunisations", v, err)
	}
	return redirectDone(c, fmt.Sprintf("/patients/%d/immunisations", d.Patient.ID), "saved")
}

func (s *Server) immunisationError(c echo.Context) error {
	ctx := c.Request().Context()
	d, v, err := s.immunisationData(c)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(c.Param("mid"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	m, err := immunisations.Get(ctx, s.db.R, id)
	if err != nil || m.PatientID != d.Patient.ID {
		return echo.ErrNotFound
	}
	if err := immunisations.MarkInError(ctx, s.db, id, c.FormValue("reason"), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.formError(c, "immunisations", v, err)
	}
	return redirectDone(c, fmt.Sprintf("/patients/%d/immunisations", d.Patient.ID), "saved")
}

// immunisationRecord prints the patient's record on A4, in English and Chinese.
func (s *Server) immunisationRecord(c echo.Context) error {
	ctx := c.Request().Context()
	d, _, err := s.immunisationData(c)
	if err != nil {
		return err
	}
	pr, err := practice.Get(ctx, s.db.R)
	if err != nil {
		return err
	}
	p := d.Patient
	doc := print.Certificate{ClinicName: pr.NameEN, ClinicNameZH: pr.NameZH, ClinicAddress: pr.Address, ClinicPhone: pr.Phone,
		TitleEN: "Immunisation record", TitleZH: "防疫注射紀錄",
		Facts: []print.Fact{
			{Label: "Patient 病人", Value: p.NameEN(), ValueZH: p.NameZH},
			{Label: "Date of birth 出生日期", Value: p.DOB.Display()},
			{Label: "Patient no. 病人編號", Value: p.Number},
		}}
	n := 0
	for _, m := range d.Doses {
		if m.Status != "active" {
			continue
		}
		n++
		en := fmt.Sprintf("%s  %s", m.GivenOn, m.Vaccine)
		if m.DoseNumber != "" {
			en += "  dose " + m.DoseNumber
		}
		if m.BatchNo != "" {
			en += "  batch " + m.BatchNo
		}
		zh := ""
		if m.Historical {
			en += "  (given elsewhere"
			if m.Premises != "" {
				en += ": " + m.Premises
			}
			en += ")"
			zh = "於其他地方接種"
		} else if m.GivenBy != "" {
			en += "  by " + m.GivenBy
		}
		doc.Body = append(doc.Body, print.Para{EN: en, ZH: zh})
	}
	if n == 0 {
		doc.Body = append(doc.Body, print.Para{EN: "No immunisation recorded.", ZH: "沒有防疫注射紀錄。"})
	}
	var buf bytes.Buffer
	if err := print.WriteCertificate(&buf, s.cfg.Fonts, doc); err != nil {
		return fmt.Errorf("immunisation record: %w", err)
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionPrint, "immunisation_record", p.Number, p.ID,
		fmt.Sprintf("%d doses", n)))
	return sendPDF(c, "immunisations-"+p.Number+".pdf", buf.Bytes())
}
