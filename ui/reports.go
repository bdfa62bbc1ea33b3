package ui

import (
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/billing"
	"github.com/onramp-hk/onramp/clinic/reports"
	"github.com/onramp-hk/onramp/ui/svg"
)

// Reports: a list, then each report with a date range, its table, a chart where it helps, and
// a CSV that streams from a read-only connection as it is read.

// maxReportRows is how many rows a report page shows; the CSV has them all.
const maxReportRows = 2000

func dollars(cents int64) string { return billing.Cents(cents).String() }

type reportListItem struct {
	Name      string
	Available bool
}

func (s *Server) reportsList(c echo.Context) error {
	var items []reportListItem
	for _, r := range reports.All() {
		items = append(items, reportListItem{Name: r.Name, Available: r.Available(c.Request().Context(), s.db.R)})
	}
	return s.render(c, http.StatusOK, "reports", s.view(c, "report.list_title", items))
}

type reportPage struct {
	Name    string
	Columns []reports.Column
	Rows    [][]string
	Totals  []string
	More    bool // cut at maxReportRows
	Chart   template.HTML
	Range   reports.Range
	CSVURL  string
}

func (s *Server) reportFromPath(c echo.Context) (*reports.Report, error) {
	r, ok := reports.Get(c.Param("name"))
	if !ok || !r.Available(c.Request().Context(), s.db.R) {
		return nil, clinic.ErrNotFound
	}
	return r, nil
}

// cell writes one value as the page and the CSV show it.
func cell(col reports.Column, v any) string {
	switch col.Kind {
	case reports.Money:
		return billing.Cents(v.(int64)).Plain()
	case reports.Count:
		return strconv.FormatInt(v.(int64), 10)
	}
	s, _ := v.(string)
	return s
}

func (s *Server) reportView(c echo.Context) error {
	ctx := c.Request().Context()
	rep, err := s.reportFromPath(c)
	if err != nil {
		return err
	}
	data := &reportPage{Name: rep.Name, Columns: rep.Columns}
	v := s.view(c, "report."+rep.Name+".title", data)
	v.Form.Set("from", c.QueryParam("from"))
	v.Form.Set("to", c.QueryParam("to"))
	rng, err := reports.ParseRange(c.QueryParam("from"), c.QueryParam("to"), time.Now().In(s.cfg.TimeZone))
	if err != nil {
		var ves clinic.ValidationErrors
		if errors.As(err, &ves) {
			v.Errors = ves
			return s.render(c, http.StatusUnprocessableEntity, "report", v)
		}
		return err
	}
	v.Form.Set("from", rng.From)
	v.Form.Set("to", rng.To)
	data.Range = rng
	data.CSVURL = fmt.Sprintf("/reports/%s/csv?from=%s&to=%s", rep.Name, rng.From, rng.To)
	var rows []reports.Row
	err = rep.Stream(ctx, s.db.R, rng, func(r reports.Row) error {
		rows = append(rows, r)
		return nil
	})
	if err != nil {
		return err
	}
	for i, r := range rows {
		if i == maxReportRows {
			data.More = true
			break
		}
		line := make([]string, len(r))
		for j, col := range rep.Columns {
			line[j] = cell(col, r[j])
		}
		data.Rows = append(data.Rows, line)
	}
	tot := rep.Totals(rows)
	for j, col := range rep.Columns {
		if col.Kind == reports.Text {
			data.Totals = append(data.Totals, "")
		} else {
			data.Totals = append(data.Totals, cell(col, tot[j]))
		}
	}
	if rep.Chart != nil && len(rows) > 0 {
		data.Chart = template.HTML(reportChart(v, rep, rows)) //nolint:gosec // svg escapes every text it draws
	}
	return s.render(c, http.StatusOK, "report", v)
}

// reportChart draws a report's chart: a bar per label (summed), a series per value of the series
// column.
func reportChart(v *View, rep *reports.Report, rows []reports.Row) string {
	spec := rep.Chart
	var labels, series []string
	li, si := map[string]int{}, map[string]int{}
	for _, r := range rows {
		l, _ := r[spec.Label].(string)
		if _, ok := li[l]; !ok {
			li[l] = len(labels)
			labels = append(labels, l)
		}
		name := v.T(rep.Columns[spec.Value].Key)
		if spec.Series >= 0 {
			name, _ = r[spec.Series].(string)
		}
		if _, ok := si[name]; !ok {
			si[name] = len(series)
			series = append(series, name)
		}
	}
	if len(labels) > 60 {
		labels = labels[:60] // a chart of more than 60 bars says nothing; the table has them all
	}
	ch := svg.Chart{Title: v.T("report." + rep.Name + ".title"), Labels: labels, Width: 900}
	for _, name := range series {
		ch.Series = append(ch.Series, svg.Series{Name: name, Values: make([]float64, len(labels))})
	}
	money := rep.Columns[spec.Value].Kind == reports.Money
	for _, r := range rows {
		l, _ := r[spec.Label].(string)
		i := li[l]
		if i >= len(labels) {
			continue
		}
		name := v.T(rep.Columns[spec.Value].Key)
		if spec.Series >= 0 {
			name, _ = r[spec.Series].(string)
		}
		val := float64(r[spec.Value].(int64))
		if money {
			val /= 100
		}
		ch.Series[si[name]].Values[i] += val
	}
	if spec.Lines {
		return svg.Lines(ch)
	}
	return svg.Bars(ch)
}

// reportCSV streams a report as CSV: each row is written as the reader returns it, so a report
// of years of records starts downloading at once and never sits in memory. The download is
// audited: a report can name patients.
func (s *Server) reportCSV(c echo.Context) error {
	ctx := c.Request().Context()
	rep, err := s.reportFromPath(c)
	if err != nil {
		return err
	}
	rng, err := reports.ParseRange(c.QueryParam("from"), c.QueryParam("to"), time.Now().In(s.cfg.TimeZone))
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest)
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionExport, "report", rep.Name, 0,
		fmt.Sprintf("report %s %s to %s as CSV", rep.Name, rng.From, rng.To)))
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, "text/csv; charset=utf-8")
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s_%s_%s.csv"`, rep.Name, rng.From, rng.To))
	h.Set("Cache-Control", "no-store")
	c.Response().WriteHeader(http.StatusOK)
	// A byte-order mark, so that Excel on a clinic PC reads the Chinese names as UTF-8.
	_, _ = c.Response().Write([]byte("\uFEFF"))
	w := csv.NewWriter(c.Response())
	head := make([]string, len(rep.Columns))
	for i, col := range rep.Columns {
		head[i] = s.T(c, col.Key)
	}
	_ = w.Write(head)
	n := 0
	err = rep.Stream(ctx, s.db.R, rng, func(r reports.Row) error {
		line := make([]string, len(r))
		for i, col := range rep.Columns {
			line[i] = csvSafe(cell(col, r[i]))
		}
		if err := w.Write(line); err != nil {
			return err
		}
		if n++; n%500 == 0 {
			w.Flush()
			c.Response().Flush()
		}
		return nil
	})
	w.Flush()
	if err != nil {
		// The header is sent: the best that can be done is to say so in the file and the log.
		s.log.Error("report csv", "report", rep.Name, "err", err)
		_, _ = c.Response().Write([]byte("\n" + s.T(c, "report.csv_failed") + "\n"))
	}
	return nil
}

// csvSafe keeps a spreadsheet from running a cell that starts like a formula (a name typed as
// "=HYPERLINK(...)").
func csvSafe(s string) string {
	if s != "" && (s[0] == '=' || s[0] == '+' || s[0] == '@') {
		return "'" + s
	}
	return s
}
