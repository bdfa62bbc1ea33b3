package ui

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/ui/i18n"
)

//go:embed templates/*.html
var templateFiles embed.FS

// pages holds one parsed template set per page: the layout, the shared partials ("_*.html")
// and the page's own file, so that pages can each define "content" without clashing.
type pages struct {
	byName map[string]*template.Template
}

var funcs = template.FuncMap{
	"static": staticURL,
	"join":   strings.Join,
	"has":    slices.Contains[[]string],
	"date":   func(t time.Time) string { return t.Format("2006-01-02") },
	"mb":     func(n int64) float64 { return float64(n) / (1 << 20) },
}

func loadPages() (*pages, error) {
	base := template.New("").Funcs(funcs)
	entries, err := fs.ReadDir(templateFiles, "templates")
	if err != nil {
		return nil, err
	}
	var pageFiles []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == "layout.html" || strings.HasPrefix(name, "_"):
			if _, err := base.ParseFS(templateFiles, "templates/"+name); err != nil {
				return nil, err
			}
		case strings.HasSuffix(name, ".html"):
			pageFiles = append(pageFiles, name)
		}
	}
	p := &pages{byName: map[string]*template.Template{}}
	for _, name := range pageFiles {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, "templates/"+name)
		if err != nil {
			return nil, fmt.Errorf("template %s: %w", name, err)
		}
		p.byName[strings.TrimSuffix(name, ".html")] = t
	}
	return p, nil
}

// NavItem is one link of the navigation bar, shown to the roles that may follow it.
type NavItem struct {
	Key   string // translation key
	Href  string
	Perm  Perm
	Label string // filled per request
	On    bool
}

// View is what every template receives.
type View struct {
	Lang     string
	TitleKey string
	User     *users.User
	Practice practice.Practice
	CSRF     string
	Nav      []NavItem
	Notice   string // a translated one-line message after an action
	Warnings []string
	Errors   clinic.ValidationErrors
	Form     url.Values
	Data     any
	Banner   *Banner // the patient in view, shown at the top of every patient page
	Zone     *time.Location
	// Refresh, when set, reloads the page after that many seconds: a page that follows a long
	// job works without script.
	Refresh int
	cat     *i18n.Catalog
	Status  int
}

// T translates a key into the page's language.
func (v *View) T(key string, args ...any) string { return v.cat.T(v.Lang, key, args...) }

// Title is the page's translated title.
func (v *View) Title() string {
	if v.TitleKey == "" {
		return ""
	}
	return v.T(v.TitleKey)
}

// FieldError is the translated message for a form field, or "".
func (v *View) FieldError(field string) string {
	e := v.Errors.Field(field)
	if e == nil {
		return ""
	}
	return v.T(e.Key, e.Args...)
}

// Value is what the user typed into a field, kept across a failed submit.
func (v *View) Value(field string) string { return v.Form.Get(field) }

// Values is every value typed for a multi-valued field (checkboxes).
func (v *View) Values(field string) []string { return v.Form[field] }

// ErrorList is every form error, translated, for the summary at the top of a form.
func (v *View) ErrorList() []FieldMessage {
	var out []FieldMessage
	for _, e := range v.Errors {
		out = append(out, FieldMessage{Field: e.Field, Message: v.T(e.Key, e.Args...)})
	}
	return out
}

// FieldMessage pairs a field with its message so the summary can link to it.
type FieldMessage struct{ Field, Message string }

// CanSee reports whether the signed-in user may follow a link with this permission.
func (v *View) CanSee(p Perm) bool { return permits(p, v.User) }

func permits(p Perm, u *users.User) bool {
	if !p.Login {
		return true
	}
	if u == nil {
		return false
	}
	return len(p.Roles) == 0 || slices.ContainsFunc(p.Roles, u.Has)
}

// lang is the language for this request: the user's own choice, else the browser's.
func (s *Server) lang(c echo.Context) string {
	if u := currentUser(c); u != nil {
		return i18n.Normalize(u.Language)
	}
	if ck, err := c.Cookie("onramp_lang"); err == nil {
		return i18n.Normalize(ck.Value)
	}
	return i18n.Normalize(c.Request().Header.Get("Accept-Language"))
}

// T translates for the current request.
func (s *Server) T(c echo.Context, key string, args ...any) string {
	return s.cat.T(s.lang(c), key, args...)
}

// view starts the data of a page.
func (s *Server) view(c echo.Context, titleKey string, data any) *View {
	v := &View{Lang: s.lang(c), TitleKey: titleKey, User: currentUser(c), Data: data, cat: s.cat, Form: url.Values{},
		Zone: s.cfg.TimeZone}
	v.CSRF, _ = c.Get(ctxCSRF).(string)
	if p, err := practice.Get(c.Request().Context(), s.db.R); err == nil {
		v.Practice = p
	}
	for _, n := range nav() {
		if permits(n.Perm, v.User) {
			n.Label = v.T(n.Key)
			n.On = n.Href == c.Request().URL.Path || (n.Href != "/" && strings.HasPrefix(c.Request().URL.Path, n.Href))
			v.Nav = append(v.Nav, n)
		}
	}
	if v.User != nil && v.User.Has(users.RoleAdmin) {
		if s.cfg.LANWithoutTLS {
			v.Warnings = append(v.Warnings, v.T("warning.lan_without_tls"))
		}
		if !s.cfg.Fonts.HasChinese() {
			v.Warnings = append(v.Warnings, v.T("warning.no_chinese_font"))
		}
	}
	if n := c.QueryParam("done"); n != "" && s.cat.Has("en", "notice."+n) {
		v.Notice = v.T("notice." + n)
	}
	return v
}

// render writes a page. Templates execute into a buffer first, so a failure half way never
// sends half a page.
func (s *Server) render(c echo.Context, status int, page string, v *View) error {
	t, ok := s.pages.byName[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store") // patient data: never from a cache
	return c.HTMLBlob(status, buf.Bytes())
}

// formError re-renders a form with its errors beside the fields and what was typed kept. Any
// error that is not a validation error is passed on to errorPage.
func (s *Server) formError(c echo.Context, page string, v *View, err error) error {
	var ve *clinic.ValidationError
	var ves clinic.ValidationErrors
	switch {
	case errors.As(err, &ves):
		v.Errors = ves
	case errors.As(err, &ve):
		v.Errors = clinic.ValidationErrors{ve}
	default:
		return err
	}
	if f, ferr := c.FormParams(); ferr == nil {
		v.Form = f
		v.Form.Del(csrfField)
		v.Form.Del("password")
		v.Form.Del("password2")
	}
	return s.render(c, http.StatusUnprocessableEntity, page, v)
}

// errorPage answers every error in the user's language: no stack trace, no SQL.
func (s *Server) errorPage(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status := http.StatusInternalServerError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &he):
		status = he.Code
	case errors.Is(err, clinic.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, clinic.ErrConflict):
		status = http.StatusConflict
	}
	if status >= 500 {
		s.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	key := "error.page." + fmt.Sprint(status)
	if he != nil && he.Message == "csrf" {
		key = "error.page.csrf"
	}
	if !s.cat.Has("en", key) {
		key = "error.page.other"
	}
	r, _ := c.Get(ctxRoute).(Route)
	if r.Kind == API || strings.HasPrefix(c.Request().URL.Path, "/api/") {
		_ = c.JSON(status, map[string]string{"error": s.T(c, key)})
		return
	}
	v := s.view(c, "error.title", map[string]any{"Status": status, "Message": s.T(c, key)})
	if rerr := s.render(c, status, "error", v); rerr != nil {
		s.log.Error("render error page", "err", rerr)
		_ = c.String(status, http.StatusText(status))
	}
}

// redirectDone goes to a page with a one-line notice ("saved", ...).
func redirectDone(c echo.Context, to, notice string) error {
	sep := "?"
	if strings.Contains(to, "?") {
		sep = "&"
	}
	return c.Redirect(http.StatusSeeOther, to+sep+"done="+url.QueryEscape(notice))
}

// FieldData is what the "field" partial draws.
type FieldData struct {
	Name, Label, Hint, Type, Value, Error, Auto string
	Required, Focus                             bool
}

// Field prepares a labelled input. Options: "required", "autofocus", "auto:VALUE" for the
// autocomplete attribute, "hint:KEY" for a translated hint under the label.
func (v *View) Field(name, labelKey, typ string, opts ...string) FieldData {
	f := FieldData{Name: name, Label: v.T(labelKey), Type: typ, Error: v.FieldError(name)}
	if typ != "password" {
		f.Value = v.Value(name)
	}
	for _, o := range opts {
		switch {
		case o == "required":
			f.Required = true
		case o == "autofocus":
			f.Focus = true
		case strings.HasPrefix(o, "auto:"):
			f.Auto = strings.TrimPrefix(o, "auto:")
		case strings.HasPrefix(o, "hint:"):
			f.Hint = v.T(strings.TrimPrefix(o, "hint:"))
		}
	}
	return f
}
