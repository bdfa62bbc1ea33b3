package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"runtime/debug"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/users"
)

const (
	sessionCookie = "onramp_session"
	csrfCookie    = "onramp_csrf"
	csrfField     = "_csrf"
	csrfHeader    = "X-CSRF-Token"
	ctxUser       = "user"
	ctxCSRF       = "csrf"
	ctxRoute      = "route"
)

func (s *Server) router() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = s.errorPage
	e.Use(s.recoverPanic, s.securityHeaders, s.limitBody, s.csrf, s.loadSession)
	for _, r := range s.Routes() {
		e.Add(r.Method, r.Path, r.Handler, s.allow(r))
	}
	return e
}

// recoverPanic turns a panic in a handler into a logged error and a polite page.
func (s *Server) recoverPanic(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in handler", "path", c.Request().URL.Path, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				err = echo.NewHTTPError(http.StatusInternalServerError)
			}
		}()
		return next(c)
	}
}

// securityHeaders: no inline scripts, no framing, no sniffing. Pages only ever load what the
// binary itself serves, so the policy can be this strict.
func (s *Server) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Response().Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"object-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		if s.cfg.SecureCookies {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(c)
	}
}

// limitBody caps what a request may send: ordinary forms at MaxFormBytes, multipart uploads at
// the configured upload size. A larger body gets a clear message, not a dropped connection.
func (s *Server) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		limit := s.cfg.MaxFormBytes
		if strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
			limit = s.cfg.MaxUploadMB<<20 + 1<<20
		}
		if r.ContentLength > limit {
			return errTooLarge
		}
		r.Body = http.MaxBytesReader(c.Response(), r.Body, limit)
		return next(c)
	}
}

var errTooLarge = echo.NewHTTPError(http.StatusRequestEntityTooLarge)

// csrf: a random token per browser in an HttpOnly, SameSite=Strict cookie, repeated in every
// form (hidden field) or script request (header); unsafe methods must carry a match.
// Browsers that say the request is cross-site are refused outright.
func (s *Server) csrf(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		token := ""
		if ck, err := c.Cookie(csrfCookie); err == nil && len(ck.Value) >= 32 {
			token = ck.Value
		} else {
			b := make([]byte, 32)
			_, _ = rand.Read(b)
			token = base64.RawURLEncoding.EncodeToString(b)
			c.SetCookie(&http.Cookie{Name: csrfCookie, Value: token, Path: "/", HttpOnly: true,
				SameSite: http.SameSiteStrictMode, Secure: s.cfg.SecureCookies})
		}
		c.Set(ctxCSRF, token)
		switch c.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(c)
		}
		if c.Request().Header.Get("Sec-Fetch-Site") == "cross-site" {
			return echo.NewHTTPError(http.StatusForbidden, "csrf")
		}
		sent := c.Request().Header.Get(csrfHeader)
		if sent == "" {
			var err error
			if sent, err = formValue(c, csrfField); err != nil {
				return err
			}
		}
		if sent == "" || subtle.ConstantTimeCompare([]byte(sent), []byte(token)) != 1 {
			return echo.NewHTTPError(http.StatusForbidden, "csrf")
		}
		return next(c)
	}
}

// formValue reads a field; a body over the limit becomes errTooLarge, a malformed one "".
func formValue(c echo.Context, name string) (string, error) {
	r := c.Request()
	var err error
	if strings.HasPrefix(r.Header.Get(echo.HeaderContentType), echo.MIMEMultipartForm) {
		if r.MultipartForm == nil {
			err = r.ParseMultipartForm(8 << 20)
		}
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return "", errTooLarge
	}
	if err != nil {
		return "", nil
	}
	return r.FormValue(name), nil
}

// loadSession attaches the signed-in user, if any, to the request.
func (s *Server) loadSession(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if strings.HasPrefix(c.Request().URL.Path, "/static/") {
			return next(c)
		}
		ck, err := c.Cookie(sessionCookie)
		if err != nil || ck.Value == "" {
			return next(c)
		}
		if u, ok := s.sessions.get(ck.Value); ok {
			c.Set(ctxUser, u)
			return next(c)
		}
		_, u, err := users.CheckSession(c.Request().Context(), s.db, ck.Value, s.cfg.IdleTimeout)
		if err != nil {
			if !errors.Is(err, users.ErrNoSession) {
				s.log.Error("session check", "err", err)
			}
			s.clearSessionCookie(c)
			return next(c)
		}
		s.sessions.put(ck.Value, u)
		c.Set(ctxUser, &u)
		return next(c)
	}
}

func (s *Server) setSessionCookie(c echo.Context, token string) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
}

func (s *Server) clearSessionCookie(c echo.Context) {
	c.SetCookie(&http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteLaxMode, Secure: s.cfg.SecureCookies})
}

// currentUser is the signed-in user, or nil.
func currentUser(c echo.Context) *users.User {
	u, _ := c.Get(ctxUser).(*users.User)
	return u
}

// allow enforces a route's permission: setup before anything else, then login, then role.
func (s *Server) allow(r Route) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			c.Set(ctxRoute, r)
			ctx := c.Request().Context()
			setUp := s.isSetUp(ctx)
			switch {
			case r.Perm.Setup && setUp:
				// Setup is gone for good once done.
				return echo.ErrNotFound
			case r.Perm.Setup:
				return next(c)
			case !setUp && r.Kind == Page:
				return c.Redirect(http.StatusSeeOther, "/setup")
			case !r.Perm.Login:
				return next(c)
			}
			u := currentUser(c)
			if u == nil {
				if r.Kind == API {
					return echo.NewHTTPError(http.StatusUnauthorized)
				}
				next := c.Request().URL.RequestURI()
				if c.Request().Method != http.MethodGet {
					next = "/"
				}
				return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(next))
			}
			if len(r.Perm.Roles) > 0 && !slices.ContainsFunc(r.Perm.Roles, u.Has) {
				return echo.NewHTTPError(http.StatusForbidden)
			}
			return next(c)
		}
	}
}

// safeNext keeps a post-login redirect inside OnRamp.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.Contains(next, "\\") {
		return "/"
	}
	return next
}
