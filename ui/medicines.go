package ui

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/prescribing"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/ui/print"
)

// The visit's medicines (/visits/:id/medicines): prescribing with the offline checks, "repeat
// last prescription", dispensing, returns, and the visit's drug labels as one PDF.

// drugLayouts are the label sizes a clinic can print dispensing labels on.
var drugLayouts = map[string]print.LabelLayout{
	print.Drug62x29.Name: print.Drug62x29,
	print.Drug80x50.Name: print.Drug80x50,
	print.Drug4x2in.Name: print.Drug4x2in,
}

// DrugLabelLayouts lists them in the order the page offers them.
func (v *View) DrugLabelLayouts() []string {
	return []string{print.Drug62x29.Name, print.Drug80x50.Name, print.Drug4x2in.Name}
}

type medicinesPage struct {
	Visit       visits.Visit
	Patient     patients.Patient
	Allergy     allergies.Status
	Items       []prescribing.Item
	Drugs       []formulary.Drug
	Frequencies []prescribing.Frequency
	Findings    []prescribing.Finding // what the checks found in the form just sent
	Stops       bool
	CanRepeat   bool
	Held        []prescribing.Item // items "repeat" did not copy
	Layout      string
}

// Owing lists the items dispensed short: part handed over, the rest still to come.
func (d *medicinesPage) Owing() []prescribing.Item {
	var out []prescribing.Item
	for _, it := range d.Items {
		if it.Status == prescribing.StatusPrescribed && it.Dispensed > 0 && it.ToDispense() > 0 {
			out = append(out, it)
		}
	}
	return out
}

func (s *Server) medicinesData(c echo.Context) (*medicinesPage, *View, error) {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return nil, nil, clinic.ErrNotFound
	}
	d := &medicinesPage{Frequencies: prescribing.Frequencies}
	if d.Visit, err = visits.Get(ctx, s.db.R, id); err != nil {
		return nil, nil, err
	}
	if d.Patient, err = patients.Get(ctx, s.db.R, d.Visit.PatientID); err != nil {
		return nil, nil, err
	}
	if d.Allergy, err = allergies.State(ctx, s.db.R, d.Patient.ID); err != nil {
		return nil, nil, err
	}
	if d.Items, err = prescribing.Items(ctx, s.db.R, id); err != nil {
		return nil, nil, err
	}
	if d.Drugs, err = formulary.List(ctx, s.db.R, formulary.Filter{ActiveOnly: true}); err != nil {
		return nil, nil, err
	}
	last, err := prescribing.LastVisitWithItems(ctx, s.db.R, d.Patient.ID, id)
	if err != nil {
		return nil, nil, err
	}
	d.CanRepeat = last != 0
	d.Layout = s.drugLabelLayout(ctx)
	v := s.view(c, "med.medicines.title", d)
	v.Banner = s.banner(c, &d.Patient)
	return d, v, nil
}

func (s *Server) medicinesPage(c echo.Context) error {
	d, v, err := s.medicinesData(c)
	if err != nil {
		return err
	}
	s.views.Record(patients.ViewEntry(currentUser(c).Actor(c.RealIP()), d.Patient.ID))
	if id, _ := strconv.ParseInt(c.QueryParam("drug"), 10, 64); id != 0 {
		for _, dr := range d.Drugs {
			if dr.ID == id {
				prefillDrug(v, dr)
			}
		}
	}
	return s.render(c, http.StatusOK, "medicines", v)
}

// prefillDrug fills the form with a drug's defaults.
func prefillDrug(v *View, d formulary.Drug) {
	v.Form.Set("drug_id", strconv.FormatInt(d.ID, 10))
	if d.DefaultDoseMilli > 0 {
		v.Form.Set("dose", formulary.FormatMilli(d.DefaultDoseMilli))
	}
	v.Form.Set("frequency", d.DefaultFrequency)
	if d.DefaultDays > 0 {
		v.Form.Set("days", strconv.FormatInt(d.DefaultDays, 10))
	}
}

func rxInput(c echo.Context) prescribing.Input {
	drugID, _ := strconv.ParseInt(c.FormValue("drug_id"), 10, 64)
	return prescribing.Input{DrugID: drugID, Dose: c.FormValue("dose"), Frequency: c.FormValue("frequency"),
		PRNMax: c.FormValue("prn_max"), Route: c.FormValue("route"), Days: c.FormValue("days"), Quantity: c.FormValue("quantity"),
		InstructionsEN: c.FormValue("instructions_en"), InstructionsZH: c.FormValue("instructions_zh"),
		OverrideReason: c.FormValue("override_reason"), Confirmed: c.FormValue("confirmed") == "yes"}
}

// medicinesPrescribe adds an item. A check that stops it re-renders the form with the findings
// and asks for an override reason; a warning asks for a confirmation.
func (s *Server) medicinesPrescribe(c echo.Context) error {
	d, v, err := s.medicinesData(c)
	if err != nil {
		return err
	}
	_, err = prescribing.Prescribe(c.Request().Context(), s.db, d.Visit.ID, rxInput(c), currentUser(c).Actor(c.RealIP()))
	var ce *prescribing.CheckError
	if errors.As(err, &ce) {
		d.Findings, d.Stops = ce.Findings, ce.Stops()
		field, key := "confirmed", "error.rx.confirm"
		if d.Stops {
			field, key = "override_reason", "error.rx.override_needed"
		}
		err = clinic.Invalid(field, key)
	}
	if err != nil {
		return s.formError(c, "medicines", v, err)
	}
	return redirectDone(c, fmt.Sprintf("/visits/%d/medicines", d.Visit.ID), "saved")
}

func (s *Server) medicinesRepeat(c echo.Context) error {
	d, v, err := s.medicinesData(c)
	if err != nil {
		return err
	}
	res, err := prescribing.RepeatLast(c.Request().Context(), s.db, d.Visit.ID, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return s.formError(c, "medicines", v, err)
	}
	if len(res.Held) == 0 {
		return redirectDone(c, fmt.Sprintf("/visits/%d/medicines", d.Visit.ID), "saved")
	}
	// Show what was held back: each needs the prescriber's own decision.
	d, v, err = s.medicinesData(c)
	if err != nil {
		return err
	}
	d.Held = res.Held
	return s.render(c, http.StatusOK, "medicines", v)
}

func (s *Server) medicinesDispense(c echo.Context) error {
	d, v, err := s.medicinesData(c)
	if err != nil {
		return err
	}
	var ids []int64
	if f, err := c.FormParams(); err == nil {
		for _, x := range f["item"] {
			if id, err := strconv.ParseInt(x, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
	}
	ctx := c.Request().Context()
	policy, err := prescribing.ShortPolicy(ctx, s.db.R)
	if err != nil {
		return err
	}
	res, err := prescribing.DispenseWith(ctx, s.db, d.Visit.ID, ids, today(s).Format("2006-01-02"), policy,
		currentUser(c).Actor(c.RealIP()))
	var short *prescribing.ShortError
	if errors.As(err, &short) {
		err = clinic.Invalid("dispense", "error.rx.short", short.Drug, short.Wanted, short.OnHand)
	}
	if err != nil {
		return s.formError(c, "medicines", v, err)
	}
	if res.TicketDone {
		s.FrontDeskChanged(ctx)
	}
	// What was dispensed short stays on the page as "owing" against its item.
	done := "dispensed"
	if len(res.Shortfalls) > 0 {
		done = "dispensed_short"
	}
	return redirectDone(c, fmt.Sprintf("/visits/%d/medicines", d.Visit.ID), done)
}

// itemOfVisit reads the item named in the path and checks that it belongs to the visit.
func (s *Server) itemOfVisit(c echo.Context, visitID int64) (prescribing.Item, error) {
	id, err := strconv.ParseInt(c.Param("item"), 10, 64)
	if err != nil {
		return prescribing.Item{}, clinic.ErrNotFound
	}
	it, err := prescribing.GetItem(c.Request().Context(), s.db.R, id)
	if err != nil || it.VisitID != visitID {
		return it, clinic.ErrNotFound
	}
	return it, nil
}

func (s *Server) medicinesReturn(c echo.Context) error {
	d, v, err := s.medicinesData(c)
	if err != nil {
		return err
	}
	it, err := s.itemOfVisit(c, d.Visit.ID)
	if err != nil {
		return err
	}
	qty, perr := strconv.ParseInt(c.FormValue("return_qty"), 10, 64)
	if perr != nil {
		qty = 0
	}
	if err := prescribing.Return(c.Request().Context(), s.db, it.ID, qty, c.FormValue("return_reason"), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.formError(c, "medicines", v, err)
	}
	return redirectDone(c, fmt.Sprintf("/visits/%d/medicines", d.Visit.ID), "saved")
}

func (s *Server) medicinesCancel(c echo.Context) error {
	d, v, err := s.medicinesData(c)
	if err != nil {
		return err
	}
	it, err := s.itemOfVisit(c, d.Visit.ID)
	if err != nil {
		return err
	}
	if err := prescribing.Cancel(c.Request().Context(), s.db, it.ID, c.FormValue("reason"), currentUser(c).Actor(c.RealIP())); err != nil {
		if errors.Is(err, clinic.ErrConflict) {
			err = clinic.Invalid("reason", "error.rx.already_cancelled")
		}
		return s.formError(c, "medicines", v, err)
	}
	return redirectDone(c, fmt.Sprintf("/visits/%d/medicines", d.Visit.ID), "saved")
}

// routeWords are routes on a label; an unknown route prints as written.
var routeWords = map[string][2]string{
	"PO": {"By mouth", "口服"}, "TOP": {"Apply to the skin", "外用"}, "INH": {"Inhale", "吸入"},
	"SL": {"Under the tongue", "舌下含服"}, "PR": {"Rectal", "塞肛"}, "EYE": {"Eye", "眼用"}, "EAR": {"Ear", "耳用"},
	"NASAL": {"Nasal", "鼻用"}, "IM": {"Injection", "注射"}, "SC": {"Injection", "注射"},
}

// drugLabelsFor builds the visit's labels: one per item still prescribed.
func drugLabelsFor(pr practice.Practice, p patients.Patient, v visits.Visit, items []prescribing.Item, lang string) []print.DrugLabel {
	var out []print.DrugLabel
	for _, it := range items {
		if it.Status == prescribing.StatusCancelled {
			continue
		}
		en, zh := it.Directions()
		rw, ok := routeWords[it.Route]
		if !ok {
			rw = [2]string{it.Route, it.Route}
		}
		routeEN, routeZH := rw[0], rw[1]
		if it.Days > 0 {
			routeEN += fmt.Sprintf(", for %d days", it.Days)
			routeZH += fmt.Sprintf("，共%d日", it.Days)
		}
		l := print.DrugLabel{ClinicName: pr.NameEN, ClinicNameZH: pr.NameZH, ClinicAddress: pr.Address, ClinicPhone: pr.Phone,
			PatientNameEN: p.NameEN(), PatientNameZH: p.NameZH, Date: v.Date, DrugName: it.Drug.Label(),
			Quantity: fmt.Sprintf("%d %s", it.Quantity, it.Drug.DispensingUnit), DoseEN: en, DoseZH: zh,
			RouteDurationEN: routeEN, RouteDurationZH: routeZH, Doctor: v.DoctorName, Language: lang}
		if l.Doctor == "" {
			l.Doctor = it.PrescribedBy
		}
		if it.InstructionsEN != "" || it.InstructionsZH != "" {
			l.CautionsEN = append(l.CautionsEN, it.InstructionsEN)
			l.CautionsZH = append(l.CautionsZH, it.InstructionsZH)
		}
		for _, c := range it.Drug.Cautions {
			l.CautionsEN = append(l.CautionsEN, c.TextEN)
			l.CautionsZH = append(l.CautionsZH, c.TextZH)
		}
		out = append(out, l)
	}
	return out
}

// medicinesLabels prints every label of the visit as one PDF, in the patient's language unless
// the dispenser picks another.
func (s *Server) medicinesLabels(c echo.Context) error {
	ctx := c.Request().Context()
	d, _, err := s.medicinesData(c)
	if err != nil {
		return err
	}
	layout, ok := drugLayouts[c.QueryParam("layout")]
	if !ok {
		layout = drugLayouts[d.Layout]
	}
	layout = s.calibrated(ctx, layout)
	lang := c.QueryParam("lang")
	if lang != patients.LangEnglish && lang != patients.LangChinese && lang != patients.LangBoth {
		lang = d.Patient.Language
	}
	pr, err := practice.Get(ctx, s.db.R)
	if err != nil {
		return err
	}
	labels := drugLabelsFor(pr, d.Patient, d.Visit, d.Items, lang)
	if len(labels) == 0 {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	var buf bytes.Buffer
	if err := print.WriteDrugLabels(&buf, s.cfg.Fonts, labels, layout); err != nil {
		return fmt.Errorf("drug labels: %w", err)
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionPrint, "drug_labels", d.Visit.EpisodeNo, d.Patient.ID,
		fmt.Sprintf("%d labels, %s, %s", len(labels), layout.Name, lang)))
	return sendPDF(c, "labels-"+strings.ReplaceAll(d.Visit.EpisodeNo, "/", "-")+".pdf", buf.Bytes())
}

// FindingText is a check's finding in the page's language.
func (v *View) FindingText(f prescribing.Finding) string { return v.T(f.Key, f.Args...) }

// ItemDirections are an item's directions in the user's language.
func (v *View) ItemDirections(it prescribing.Item) string {
	en, zh := it.Directions()
	if v.Lang == "zh-HK" {
		return zh
	}
	return en
}

// Perms the medicines page shows its forms by.
func (v *View) PrescribePerm() Perm { return rxWrite }
func (v *View) DispensePerm() Perm  { return rxDispense }
