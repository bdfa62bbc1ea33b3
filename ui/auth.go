package ui

import (
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/ui/i18n"
)

func (s *Server) loginForm(c echo.Context) error {
	if !s.isSetUp(c.Request().Context()) {
		return c.Redirect(http.StatusSeeOther, "/setup")
	}
	if currentUser(c) != nil {
		return c.Redirect(http.StatusSeeOther, safeNext(c.QueryParam("next")))
	}
	// Before signing in, the language is the browser's or the one picked here (kept in a cookie).
	if l := c.QueryParam("lang"); l != "" {
		c.SetCookie(&http.Cookie{Name: "onramp_lang", Value: i18n.Normalize(l), Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
		return c.Redirect(http.StatusSeeOther, "/login")
	}
	v := s.view(c, "login.title", nil)
	v.Form.Set("next", c.QueryParam("next"))
	if c.QueryParam("expired") != "" {
		v.Notice = v.T("login.expired")
	}
	return s.render(c, http.StatusOK, "login", v)
}

func (s *Server) loginSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	if !s.isSetUp(ctx) {
		return c.Redirect(http.StatusSeeOther, "/setup")
	}
	name, password := c.FormValue("username"), c.FormValue("password")
	u, err := users.Login(ctx, s.db, name, password, c.RealIP())
	if err != nil {
		v := s.view(c, "login.title", nil)
		var locked *users.LockedError
		switch {
		case errors.As(err, &locked):
			err = clinic.Invalid("password", "error.login.locked", locked.Until.In(s.cfg.TimeZone).Format("15:04"))
		case errors.Is(err, users.ErrBadCredentials), errors.Is(err, users.ErrDisabled):
			// The same message for both: do not tell a stranger which accounts exist.
			err = clinic.Invalid("password", "error.login.wrong")
		}
		return s.formError(c, "login", v, err)
	}
	// Any session this browser had ends: a new id at every login.
	if ck, err := c.Cookie(sessionCookie); err == nil && ck.Value != "" {
		s.sessions.drop(ck.Value)
		_ = users.EndSession(ctx, s.db, ck.Value)
	}
	return s.startSession(c, &u, safeNext(c.FormValue("next")))
}

func (s *Server) logout(c echo.Context) error {
	u := currentUser(c)
	if ck, err := c.Cookie(sessionCookie); err == nil {
		s.sessions.drop(ck.Value)
		_ = users.EndSession(c.Request().Context(), s.db, ck.Value)
	}
	s.views.Record(u.Actor(c.RealIP()).Entry(audit.ActionLogout, "user", "", 0, ""))
	s.clearSessionCookie(c)
	return c.Redirect(http.StatusSeeOther, "/login")
}

// setLanguage is the English / 繁體中文 switch in the page header; it is kept per user.
func (s *Server) setLanguage(c echo.Context) error {
	lang := i18n.Normalize(c.FormValue("lang"))
	if err := users.SetLanguage(c.Request().Context(), s.db, currentUser(c).ID, lang); err != nil {
		return err
	}
	s.sessions.clear() // the cached sessions may name the old state
	return c.Redirect(http.StatusSeeOther, safeNext(c.FormValue("back")))
}

func (s *Server) ownPasswordForm(c echo.Context) error {
	return s.render(c, http.StatusOK, "password", s.view(c, "password.title", nil))
}

func (s *Server) ownPasswordSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	v := s.view(c, "password.title", nil)
	if _, err := users.CheckPassword(ctx, s.db, u.ID, c.FormValue("current")); err != nil {
		return s.formError(c, "password", v, clinic.Invalid("current", "error.password.current"))
	}
	if c.FormValue("password") != c.FormValue("password2") {
		return s.formError(c, "password", v, clinic.Invalid("password2", "error.password.mismatch"))
	}
	if err := users.SetPassword(ctx, s.db, u.ID, c.FormValue("password"), u.Actor(c.RealIP())); err != nil {
		return s.formError(c, "password", v, err)
	}
	s.sessions.clear() // the cached sessions may name the old state
	// Changing the password ended every session, this one too: start a fresh one.
	return s.startSession(c, u, "/?done=password")
}
