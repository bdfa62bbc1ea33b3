package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/billing"
)

// The end of the day (takings.go): takings by payment method and by doctor, the cash count,
// closing the day, the monthly summary, companies' balances, and CSV of each.

type takingsPage struct {
	Takings   billing.Takings
	Today     string
	Prev      string
	Next      string
	Companies []billing.CompanyBalance
	CanClose  bool
}

// dayParam is the day asked for, today when none or a bad one.
func (s *Server) dayParam(c echo.Context, name string) string {
	if d := c.QueryParam(name); d != "" {
		if _, err := time.Parse("2006-01-02", d); err == nil {
			return d
		}
	}
	return s.todayString()
}

func (s *Server) takingsView(c echo.Context, day string) (*View, error) {
	ctx := c.Request().Context()
	t, err := billing.DayTakings(ctx, s.db.R, day)
	if err != nil {
		return nil, err
	}
	d, _ := time.Parse("2006-01-02", day)
	data := &takingsPage{Takings: t, Today: s.todayString(), Prev: d.AddDate(0, 0, -1).Format("2006-01-02"),
		Next: d.AddDate(0, 0, 1).Format("2006-01-02"), CanClose: permits(takingsClose, currentUser(c))}
	if data.Companies, err = billing.CompanyBalances(ctx, s.db.R); err != nil {
		return nil, err
	}
	v := s.view(c, "billing.takings.title", data)
	v.Form.Set("day", day)
	return v, nil
}

func (s *Server) takingsPageGet(c echo.Context) error {
	v, err := s.takingsView(c, s.dayParam(c, "day"))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "takings", v)
}

func (s *Server) takingsClose(c echo.Context) error {
	day := c.FormValue("day")
	_, err := billing.CloseDay(c.Request().Context(), s.db, day, s.todayString(), c.FormValue("counted"), c.FormValue("note"),
		currentUser(c).Actor(c.RealIP()))
	if err != nil {
		if _, perr := time.Parse("2006-01-02", day); perr != nil {
			day = s.todayString()
		}
		v, verr := s.takingsView(c, day)
		if verr != nil {
			return verr
		}
		return s.formError(c, "takings", v, err)
	}
	return redirectDone(c, "/takings?day="+day, "day_closed")
}

func (s *Server) companySettle(c echo.Context) error {
	err := billing.SettleCompany(c.Request().Context(), s.db, c.FormValue("company"), c.FormValue("settle_amount"),
		c.FormValue("settle_method"), c.FormValue("settle_reference"), s.todayString(), currentUser(c).Actor(c.RealIP()))
	if err != nil {
		v, verr := s.takingsView(c, s.todayString())
		if verr != nil {
			return verr
		}
		return s.formError(c, "takings", v, err)
	}
	return redirectDone(c, "/takings", "company_settled")
}

func (s *Server) takingsCSV(c echo.Context) error {
	day := s.dayParam(c, "day")
	t, err := billing.DayTakings(c.Request().Context(), s.db.R, day)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := billing.WriteTakingsCSV(&buf, t); err != nil {
		return err
	}
	return s.sendCSV(c, "takings-"+day+".csv", "takings "+day, buf.Bytes())
}

type monthPage struct {
	Month   billing.Month
	Methods []string
}

func (s *Server) monthParam(c echo.Context) string {
	if m := c.QueryParam("month"); m != "" {
		if _, err := time.Parse("2006-01", m); err == nil {
			return m
		}
	}
	return s.todayString()[:7]
}

func (s *Server) takingsMonthGet(c echo.Context) error {
	m, err := billing.MonthSummary(c.Request().Context(), s.db.R, s.monthParam(c))
	if err != nil {
		return err
	}
	v := s.view(c, "billing.month.title", &monthPage{Month: m, Methods: billing.Methods})
	v.Form.Set("month", m.Month)
	return s.render(c, http.StatusOK, "takings_month", v)
}

func (s *Server) takingsMonthCSV(c echo.Context) error {
	month := s.monthParam(c)
	m, err := billing.MonthSummary(c.Request().Context(), s.db.R, month)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := billing.WriteMonthCSV(&buf, m); err != nil {
		return err
	}
	return s.sendCSV(c, "takings-"+month+".csv", "monthly takings "+month, buf.Bytes())
}

// sendCSV downloads a report; the export is audited.
func (s *Server) sendCSV(c echo.Context, name, what string, body []byte) error {
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionExport, "takings", name, 0, what))
	c.Response().Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, name))
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", body)
}
