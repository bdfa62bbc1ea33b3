package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
)

type auditPage struct {
	Entries []audit.Entry
	Zone    *time.Location
	More    int64 // id to page on from, 0 when this is the last page
}

// auditSearch is the admin's view of the trail, by patient, user and date range.
func (s *Server) auditSearch(c echo.Context) error {
	v := s.view(c, "audit.title", nil)
	v.Form, _ = c.FormParams()
	f := audit.Filter{Username: c.QueryParam("user"), Action: c.QueryParam("action"), Limit: 200}
	var errs clinic.ValidationErrors
	if p := c.QueryParam("patient"); p != "" {
		id, err := strconv.ParseInt(p, 10, 64)
		if err != nil || id <= 0 {
			errs = append(errs, clinic.Invalid("patient", "error.number"))
		}
		f.PatientID = id
	}
	parseDay := func(field string) time.Time {
		val := c.QueryParam(field)
		if val == "" {
			return time.Time{}
		}
		t, err := time.ParseInLocation("2006-01-02", val, s.cfg.TimeZone)
		if err != nil {
			errs = append(errs, clinic.Invalid(field, "error.date"))
		}
		return t
	}
	f.From = parseDay("from")
	if to := parseDay("to"); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1) // the "to" day is included
	}
	if b, err := strconv.ParseInt(c.QueryParam("before"), 10, 64); err == nil {
		f.BeforeID = b
	}
	data := &auditPage{Zone: s.cfg.TimeZone}
	v.Data = data
	if len(errs) > 0 {
		v.Errors = errs
		return s.render(c, http.StatusUnprocessableEntity, "audit", v)
	}
	entries, err := audit.Search(c.Request().Context(), s.db.R, f)
	if err != nil {
		return err
	}
	data.Entries = entries
	if len(entries) == f.Limit {
		data.More = entries[len(entries)-1].ID
	}
	return s.render(c, http.StatusOK, "audit", v)
}
