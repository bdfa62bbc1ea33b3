package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/visits"
)

// Note templates: the clinic's own (offered to every doctor) and each doctor's favourites, kept
// from the visit page. This page lists both, adds clinic templates and retires either.

type templatesPage struct {
	Templates []visits.Template
}

func (s *Server) templatesData(c echo.Context) (*templatesPage, error) {
	list, err := visits.Templates(c.Request().Context(), s.db.R, currentUser(c).ID)
	return &templatesPage{Templates: list}, err
}

func (s *Server) templatesList(c echo.Context) error {
	d, err := s.templatesData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "visit_templates", s.view(c, "visit.templates", d))
}

// templateAdd adds one of the clinic's templates.
func (s *Server) templateAdd(c echo.Context) error {
	n := visits.Note{History: c.FormValue("history"), Examination: c.FormValue("examination"),
		Assessment: c.FormValue("assessment"), Plan: c.FormValue("plan")}
	if _, err := visits.SaveFavourite(c.Request().Context(), s.db, 0, c.FormValue("template_name"), n, currentUser(c).Actor(c.RealIP())); err != nil {
		d, derr := s.templatesData(c)
		if derr != nil {
			return derr
		}
		return s.formError(c, "visit_templates", s.view(c, "visit.templates", d), err)
	}
	return redirectDone(c, "/visits/templates", "template_saved")
}

// templateRetire stops offering a template: the clinic's, or the doctor's own.
func (s *Server) templateRetire(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	clinicWide := c.FormValue("clinic") == "1"
	if err := visits.RetireTemplate(c.Request().Context(), s.db, id, u.ID, clinicWide, u.Actor(c.RealIP())); err != nil {
		return err
	}
	return redirectDone(c, "/visits/templates", "withdrawn")
}

// TemplateOwner says whose a template is, for the list.
func (v *View) TemplateOwner(t visits.Template) string {
	if t.UserID == 0 {
		return v.T("visit.templates.clinic")
	}
	return v.T("visit.templates.mine")
}
