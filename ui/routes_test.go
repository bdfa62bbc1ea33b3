package ui

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/users"
)

// sessionFor signs a browser in without the slow password hash, for tests that only need to
// be someone.
func (b *browser) sessionFor(username string) {
	b.tc.t.Helper()
	ctx := context.Background()
	u, err := users.GetByUsername(ctx, b.tc.db.R, username)
	if err != nil {
		b.tc.t.Fatal(err)
	}
	token, err := users.StartSession(ctx, b.tc.db, u.ID, "test", "test")
	if err != nil {
		b.tc.t.Fatal(err)
	}
	base, _ := url.Parse(b.tc.http.URL)
	b.client.Jar.SetCookies(base, []*http.Cookie{{Name: sessionCookie, Value: token, Path: "/"}})
	b.get("/") // picks up a CSRF token
}

// concretePath fills a route's parameters with values that exist in no table, so that an
// allowed request reaches the handler and ends in "not found" or a form error, never in a
// change to the fixture.
func concretePath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		switch {
		case s == "*":
			parts[i] = "app.css"
		case strings.HasPrefix(s, ":"):
			parts[i] = "999999"
		}
	}
	return strings.Join(parts, "/")
}

// TestRouteMatrix walks every route of the table with every role and with no session, and
// checks the answer against the route's declared permission.
func TestRouteMatrix(t *testing.T) {
	tc := newTestClinic(t, true)
	roles := append([]string{""}, users.AllRoles...) // "" is no session
	for _, r := range tc.srv.Routes() {
		for _, role := range roles {
			name := r.Method + " " + r.Path + " as " + role
			if role == "" {
				name = r.Method + " " + r.Path + " without session"
			}
			t.Run(name, func(t *testing.T) {
				b := tc.browser()
				if role != "" {
					b.sessionFor(role)
				} else {
					b.get("/login")
				}
				path := concretePath(r.Path)
				var resp *http.Response
				if r.Method == http.MethodGet {
					resp, _ = b.get(path)
				} else {
					resp, _ = b.post(path, url.Values{})
				}
				loc := resp.Header.Get("Location")
				// The refusal redirect carries ?next=; logging out also lands on /login, but plainly.
				toLogin := resp.StatusCode == http.StatusSeeOther && strings.HasPrefix(loc, "/login?next=")
				switch {
				case r.Perm.Setup:
					if resp.StatusCode != http.StatusNotFound {
						t.Errorf("setup after setup: got %d, want 404", resp.StatusCode)
					}
				case !r.Perm.Login:
					if resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden {
						t.Errorf("public route refused: %d", resp.StatusCode)
					}
				case role == "" && r.Kind == API:
					if resp.StatusCode != http.StatusUnauthorized {
						t.Errorf("no session on a machine endpoint: got %d, want 401", resp.StatusCode)
					}
				case role == "":
					if !toLogin {
						t.Errorf("no session on a page: got %d %s, want 303 to /login", resp.StatusCode, loc)
					}
				case len(r.Perm.Roles) == 0 || slices.Contains(r.Perm.Roles, role):
					if resp.StatusCode == http.StatusForbidden || resp.StatusCode == http.StatusUnauthorized || toLogin {
						t.Errorf("%s may use %s (%s) but got %d %s", role, r.Path, r.Perm.Name, resp.StatusCode, loc)
					}
					if resp.StatusCode >= 500 {
						t.Errorf("server error %d", resp.StatusCode)
					}
				default:
					if resp.StatusCode != http.StatusForbidden {
						t.Errorf("%s may not use %s (%s) but got %d", role, r.Path, r.Perm.Name, resp.StatusCode)
					}
				}
			})
		}
	}
}

// TestEveryPageBeforeSetupLeadsToSetup: on an empty data folder every page leads to setup.
func TestEveryPageBeforeSetupLeadsToSetup(t *testing.T) {
	tc := newTestClinic(t, false)
	for _, r := range tc.srv.Routes() {
		if r.Method != http.MethodGet || r.Kind != Page || r.Perm.Setup {
			continue
		}
		b := tc.browser()
		resp, _ := b.get(concretePath(r.Path))
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/setup" {
			t.Errorf("GET %s before setup: %d %s, want 303 /setup", r.Path, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	resp, body := tc.browser().get("/setup")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("setup page: %d", resp.StatusCode)
	}
	contains(t, body, `name="name_en"`, `name="hcp_id"`, `name="username"`)
}
