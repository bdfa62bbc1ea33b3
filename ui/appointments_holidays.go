package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/appointments"
)

// holidaysData is a year's holidays for the administrator to check and edit.
type holidaysData struct {
	Year       int
	Prev, Next int
	Holidays   []appointments.Holiday
	AnySeeded  bool
}

func (s *Server) holidaysView(c echo.Context, year int) (*View, error) {
	list, err := s.diary().Holidays(c.Request().Context(), year)
	if err != nil {
		return nil, err
	}
	d := &holidaysData{Year: year, Prev: year - 1, Next: year + 1, Holidays: list}
	for _, h := range list {
		d.AnySeeded = d.AnySeeded || h.Seeded
	}
	return s.view(c, "appointments.holidays", d), nil
}

func (s *Server) holidayYear(c echo.Context, value string) int {
	y, err := strconv.Atoi(value)
	if err != nil || y < 2000 || y > 2200 {
		return s.frontNow().In(s.cfg.TimeZone).Year()
	}
	return y
}

// holidaysPage lists a year's holidays, each editable, and a form to add one.
func (s *Server) holidaysPage(c echo.Context) error {
	v, err := s.holidaysView(c, s.holidayYear(c, c.QueryParam("year")))
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "appointments_holidays", v)
}

// holidaySave adds a holiday or changes one (old_day is the date it had).
func (s *Server) holidaySave(c echo.Context) error {
	h := appointments.Holiday{Day: c.FormValue("day"), NameEN: c.FormValue("name_en"), NameZH: c.FormValue("name_zh")}
	year := s.holidayYear(c, c.FormValue("year"))
	if err := s.diary().SaveHoliday(c.Request().Context(), c.FormValue("old_day"), h, s.frontActor(c)); err != nil {
		v, verr := s.holidaysView(c, year)
		if verr != nil {
			return verr
		}
		return s.formError(c, "appointments_holidays", v, err)
	}
	s.frontChanged(c.Request().Context())
	if len(h.Day) >= 4 {
		year = s.holidayYear(c, h.Day[:4])
	}
	return redirectDone(c, "/admin/holidays?year="+strconv.Itoa(year), "saved")
}

func (s *Server) holidayDelete(c echo.Context) error {
	day := c.Param("day")
	if err := s.diary().DeleteHoliday(c.Request().Context(), day, s.frontActor(c)); err != nil {
		return err
	}
	s.frontChanged(c.Request().Context())
	year := s.frontNow().In(s.cfg.TimeZone).Year()
	if len(day) >= 4 {
		year = s.holidayYear(c, day[:4])
	}
	return redirectDone(c, "/admin/holidays?year="+strconv.Itoa(year), "saved")
}
