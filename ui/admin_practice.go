package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/practice"
)

func (s *Server) practiceForm(c echo.Context) error {
	v := s.view(c, "practice.title", nil)
	p := v.Practice
	v.Form.Set("name_en", p.NameEN)
	v.Form.Set("name_zh", p.NameZH)
	v.Form.Set("address", p.Address)
	v.Form.Set("phone", p.Phone)
	v.Form.Set("hcp_id", p.HCPID)
	return s.render(c, http.StatusOK, "practice", v)
}

func (s *Server) practiceSubmit(c echo.Context) error {
	p := practice.Practice{NameEN: c.FormValue("name_en"), NameZH: c.FormValue("name_zh"), Address: c.FormValue("address"),
		Phone: c.FormValue("phone"), HCPID: c.FormValue("hcp_id")}
	if err := practice.Update(c.Request().Context(), s.db, p, currentUser(c).Actor(c.RealIP())); err != nil {
		return s.formError(c, "practice", s.view(c, "practice.title", nil), err)
	}
	return redirectDone(c, "/admin/practice", "saved")
}
