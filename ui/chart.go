package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/clinic/vitals"
)

// The chart: the patient's visits as a timeline with filters, the problem list, the latest
// vitals with their trend and the latest results, in one page for the doctor.

type chartPage struct {
	Patient   patients.Patient
	Timeline  []visits.Entry
	Problems  []visits.Problem
	Vitals    []vitals.Set // newest first
	Latest    *vitals.Set
	Results   []results.Result
	Trend     []results.Result // of the test asked for
	TrendTest string
	VitalsSVG any
	WeightSVG any
	ResultSVG any
	Doctors   []queue.Doctor
	Types     []string
	Filtered  bool
	More      bool // the timeline shows its first page only
	// Labels of visit types and statuses, translated once per page rather than once per row.
	TypeLabels, StatusLabels map[string]string
	Contents                 bool // the reader may see what visits hold (not only that they happened)
	CanOpen                  bool
	CanProblems              bool
	Today                    string
}

// The timeline shows the latest visits first and the rest on asking: a patient of twenty years
// has hundreds.
const (
	chartPage1 = 100
	chartAll   = 5000
)

// chartVitals is how many recordings the chart draws.
const chartVitals = 20

func (s *Server) chartData(c echo.Context, p patients.Patient, contents bool) (*chartPage, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	f := visits.Filter{Type: c.QueryParam("type"), Diagnosis: strings.TrimSpace(c.QueryParam("dx")), Limit: chartPage1}
	if c.QueryParam("all") != "" {
		f.Limit = chartAll
	}
	f.DoctorID, _ = strconv.ParseInt(c.QueryParam("doctor"), 10, 64)
	if !contents {
		f.Diagnosis = ""
	}
	d := &chartPage{Patient: p, Types: visits.Types, Contents: contents, CanOpen: permits(visitsOpen, u),
		CanProblems: permits(problemsWrite, u), Today: s.localDay(time.Now()),
		Filtered: f.Type != "" || f.DoctorID != 0 || f.Diagnosis != ""}
	var err error
	if d.Timeline, err = visits.Timeline(ctx, s.db.R, p.ID, f); err != nil {
		return nil, err
	}
	d.More = len(d.Timeline) == chartPage1
	d.TypeLabels, d.StatusLabels = map[string]string{}, map[string]string{}
	for _, e := range d.Timeline {
		if _, ok := d.TypeLabels[e.Type]; !ok {
			d.TypeLabels[e.Type] = s.T(c, "visit.type."+e.Type)
		}
		if _, ok := d.StatusLabels[e.Status]; !ok {
			d.StatusLabels[e.Status] = s.T(c, "visit.status."+e.Status)
		}
	}
	if d.Doctors, err = queue.Doctors(ctx, s.db.R); err != nil {
		return nil, err
	}
	if !contents {
		return d, nil
	}
	if d.Problems, err = visits.Problems(ctx, s.db.R, p.ID); err != nil {
		return nil, err
	}
	if d.Vitals, err = vitals.Recent(ctx, s.db.R, p.ID, chartVitals); err != nil {
		return nil, err
	}
	if len(d.Vitals) > 0 {
		d.Latest = &d.Vitals[0]
	}
	if d.Results, err = results.Latest(ctx, s.db.R, p.ID, 30); err != nil {
		return nil, err
	}
	if test := strings.TrimSpace(c.QueryParam("test")); test != "" {
		d.TrendTest = test
		if d.Trend, err = results.Trend(ctx, s.db.R, p.ID, test); err != nil {
			return nil, err
		}
	}
	d.VitalsSVG, d.WeightSVG, d.ResultSVG = s.chartTrends(c, d)
	return d, nil
}

// chartTrends draws blood pressure with pulse, weight, and the chosen result's values.
func (s *Server) chartTrends(c echo.Context, d *chartPage) (bp, weight, result any) {
	series := func(field, name, class string) trendSeries {
		ts := trendSeries{Name: name, Class: class}
		for i := len(d.Vitals) - 1; i >= 0; i-- {
			set := d.Vitals[i]
			if v, ok := set.Values[field]; ok {
				ts.Points = append(ts.Points, trendPoint{Label: set.TakenAt.In(s.cfg.TimeZone).Format("2006-01-02"), Value: v})
			}
		}
		return ts
	}
	sys := series("systolic", s.T(c, "vitals.systolic"), "s1")
	if len(sys.Points) > 1 {
		bp = trendSVG(s.T(c, "chart.trend.bp"), "mmHg", []trendSeries{sys, series("diastolic", s.T(c, "vitals.diastolic"), "s2"),
			series("pulse", s.T(c, "vitals.pulse"), "s3")})
	}
	if w := series("weight_kg", s.T(c, "vitals.weight_kg"), "s1"); len(w.Points) > 1 {
		weight = trendSVG(s.T(c, "chart.trend.weight"), "kg", []trendSeries{w})
	}
	var rs trendSeries
	unit := ""
	for _, r := range d.Trend {
		if r.HasNum {
			rs.Points = append(rs.Points, trendPoint{Label: r.TakenOn, Value: r.ValueNum})
			unit = r.Unit
		}
	}
	rs.Name, rs.Class = d.TrendTest, "s1"
	if len(rs.Points) > 1 {
		result = trendSVG(d.TrendTest, unit, []trendSeries{rs})
	}
	return bp, weight, result
}

// chartView is the doctor's chart. Every opening is audited.
func (s *Server) chartView(c echo.Context) error {
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	if p.Merged() {
		return c.Redirect(http.StatusSeeOther, "/patients/"+strconv.FormatInt(p.MergedInto, 10)+"/chart")
	}
	d, err := s.chartData(c, p, true)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionView, "chart", strconv.FormatInt(p.ID, 10), p.ID, "opened chart"))
	v := s.view(c, "chart.title", d)
	v.Banner = s.banner(c, &p)
	s.chartForm(v, c)
	return s.render(c, http.StatusOK, "chart", v)
}

func (s *Server) chartForm(v *View, c echo.Context) {
	for _, k := range []string{"type", "doctor", "dx", "test", "all"} {
		v.Form.Set(k, c.QueryParam(k))
	}
	v.Form.Set("date", s.localDay(time.Now()))
	v.Form.Set("since", "")
}

// visitList is what a clerk sees: that visits happened (date, type, doctor), not their content.
func (s *Server) visitList(c echo.Context) error {
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	contents := permits(visitsRead, currentUser(c))
	d, err := s.chartData(c, p, false)
	if err != nil {
		return err
	}
	d.Contents = contents
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionView, "visits", strconv.FormatInt(p.ID, 10), p.ID, "listed visits"))
	v := s.view(c, "chart.visits", d)
	v.Banner = s.banner(c, &p)
	s.chartForm(v, c)
	return s.render(c, http.StatusOK, "chart_visits", v)
}

// chartWithError shows the chart again with a form's errors (opening a visit, the problem list).
func (s *Server) chartWithError(c echo.Context, patientID int64, err error) error {
	p, gerr := patients.Get(c.Request().Context(), s.db.R, patientID)
	if gerr != nil {
		return gerr
	}
	d, derr := s.chartData(c, p, true)
	if derr != nil {
		return derr
	}
	v := s.view(c, "chart.title", d)
	v.Banner = s.banner(c, &p)
	return s.formError(c, "chart", v, err)
}

// problemAdd puts a condition on the problem list from the chart.
func (s *Server) problemAdd(c echo.Context) error {
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	in := s.codedInput(c, "diagnosis")
	if _, err := visits.AddProblem(c.Request().Context(), s.db, p.ID, in, strings.TrimSpace(c.FormValue("since")), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.chartWithError(c, p.ID, err)
	}
	return c.Redirect(http.StatusSeeOther, "/patients/"+strconv.FormatInt(p.ID, 10)+"/chart?done=saved#problems")
}

// problemStatus resolves a problem, makes it active again or withdraws it.
func (s *Server) problemStatus(c echo.Context) error {
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	pid, err := strconv.ParseInt(c.Param("problem"), 10, 64)
	if err != nil {
		return clinic.ErrNotFound
	}
	status := c.FormValue("status")
	if !slices.Contains([]string{visits.ProblemActive, visits.ProblemResolved, visits.StatusEnteredInError}, status) {
		return s.chartWithError(c, p.ID, clinic.Invalid("status", "error.visit.problem_status"))
	}
	if err := visits.SetProblemStatus(c.Request().Context(), s.db, p.ID, pid, status, c.FormValue("reason"),
		s.localDay(time.Now()), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.chartWithError(c, p.ID, err)
	}
	return c.Redirect(http.StatusSeeOther, "/patients/"+strconv.FormatInt(p.ID, 10)+"/chart?done=saved#problems")
}
