package ui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/ui/i18n"
)

// First-run setup: the practice's details and its first administrator, on one page. The route
// permission (setupOnly) makes the page vanish once it has been done.

func (s *Server) setupForm(c echo.Context) error {
	v := s.view(c, "setup.title", nil)
	v.Form.Set("language", v.Lang)
	return s.render(c, http.StatusOK, "setup", v)
}

func (s *Server) setupSubmit(c echo.Context) error {
	p := practice.Practice{
		NameEN: c.FormValue("name_en"), NameZH: c.FormValue("name_zh"), Address: c.FormValue("address"),
		Phone: c.FormValue("phone"), HCPID: c.FormValue("hcp_id"),
	}
	roles := []string{users.RoleAdmin}
	if c.FormValue("is_doctor") == "on" {
		roles = append(roles, users.RoleDoctor)
	}
	admin := users.NewUser{
		Username: c.FormValue("username"), FullName: c.FormValue("full_name"), FullNameZH: c.FormValue("full_name_zh"),
		Language: c.FormValue("language"), MCRNo: c.FormValue("mcr_no"), Roles: roles, Password: c.FormValue("password"),
	}
	v := s.view(c, "setup.title", nil)
	v.Lang = i18n.Normalize(admin.Language) // answer in the language just chosen
	if c.FormValue("password") != c.FormValue("password2") {
		return s.formError(c, "setup", v, clinic.Invalid("password2", "error.password.mismatch"))
	}
	ctx := c.Request().Context()
	id, err := practice.Setup(ctx, s.db, p, admin, c.RealIP())
	if errors.Is(err, practice.ErrAlreadySetUp) {
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	if err != nil {
		return s.formError(c, "setup", v, err)
	}
	s.setUp.Store(true)
	// Sign the new administrator straight in: they have just typed the password.
	u, err := users.Get(ctx, s.db.R, id)
	if err != nil {
		return err
	}
	return s.startSession(c, &u, "/?done=setup")
}

// startSession begins a fresh session (a new id at every login) and goes on to next.
func (s *Server) startSession(c echo.Context, u *users.User, next string) error {
	token, err := users.StartSession(c.Request().Context(), s.db, u.ID, c.RealIP(), c.Request().UserAgent())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	return c.Redirect(http.StatusSeeOther, next)
}
