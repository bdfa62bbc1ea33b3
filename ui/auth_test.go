package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/users"
)

func TestSetupThenLogin(t *testing.T) {
	tc := newTestClinic(t, false)
	b := tc.browser()
	b.get("/setup")
	form := url.Values{"name_en": {"Wan Chai Family Clinic"}, "name_zh": {"灣仔家庭診所"}, "address": {"1 Hennessy Road"},
		"phone": {"2890 1234"}, "hcp_id": {"1234567890"}, "full_name": {"Dr Wong"}, "username": {"drwong"},
		"password": {"sesame-open"}, "password2": {"sesame-open"}, "is_doctor": {"on"}, "mcr_no": {"M23456"}, "language": {"zh-HK"}}

	// A bad HCP id is shown beside the field, in the chosen language, with what was typed kept.
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("hcp_id", "12345")
	resp, body := b.post("/setup", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad setup: %d", resp.StatusCode)
	}
	contains(t, body, "10 位數字", `value="Wan Chai Family Clinic"`, `value="12345"`) // in the language chosen on the form
	if strings.Contains(body, "sesame-open") {
		t.Error("a password was echoed back into the page")
	}

	resp, _ = b.post("/setup", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d", resp.StatusCode)
	}
	_, body = b.get("/")
	contains(t, body, "灣仔家庭診所", "Dr Wong") // signed in, and the screen is in Chinese

	// Setup is gone for good.
	if resp, _ := tc.browser().get("/setup"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("setup after setup: %d", resp.StatusCode)
	}
	// Log out, then in again.
	b.post("/logout", nil)
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after logout / answered %d", resp.StatusCode)
	}
	b.get("/login")
	resp, _ = b.post("/login", url.Values{"username": {"DrWong"}, "password": {"sesame-open"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: %d", resp.StatusCode)
	}
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusOK {
		t.Errorf("home after login: %d", resp.StatusCode)
	}
}

func TestFiveWrongPasswordsLockTheAccount(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.get("/login")
	for i := 1; i <= users.MaxFailedLogins; i++ {
		resp, body := b.post("/login", url.Values{"username": {"clerk"}, "password": {"wrong password"}})
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i, resp.StatusCode)
		}
		if i < users.MaxFailedLogins {
			contains(t, body, "Wrong user name or password")
		} else {
			contains(t, body, "locked until")
		}
	}
	// Now even the right password is refused.
	resp, body := b.post("/login", url.Values{"username": {"clerk"}, "password": {testPassword}})
	if resp.StatusCode == http.StatusSeeOther {
		t.Fatal("a locked account logged in")
	}
	contains(t, body, "locked until")
	// Other accounts are not affected.
	resp, _ = tc.browser().post("/login", url.Values{"username": {"doctor"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("doctor could not log in: %d", resp.StatusCode)
	}
	// An administrator's new password unlocks it.
	u, _ := users.GetByUsername(context.Background(), tc.db.R, "clerk")
	if err := users.SetPassword(context.Background(), tc.db, u.ID, testPassword, audit.System); err != nil {
		t.Fatal(err)
	}
	resp, _ = b.post("/login", url.Values{"username": {"clerk"}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after unlock: %d", resp.StatusCode)
	}
	// Every failure is in the audit log.
	entries, _ := audit.Search(context.Background(), tc.db.R, audit.Filter{Username: "clerk", Action: audit.ActionLoginFailed})
	if len(entries) != users.MaxFailedLogins+1 {
		t.Errorf("audited failed logins: %d, want %d", len(entries), users.MaxFailedLogins+1)
	}
}

func TestPostWithoutCSRFTokenIsRefused(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("admin")
	tests := []struct {
		name string
		form url.Values
	}{
		{"no token", url.Values{"_csrf": {""}}},
		{"wrong token", url.Values{"_csrf": {"forged-token-forged-token-forged-token"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := tt.form
			f.Set("name_en", "Hijacked")
			resp, body := b.post("/admin/practice", f)
			if resp.StatusCode != http.StatusForbidden {
				t.Fatalf("status %d", resp.StatusCode)
			}
			contains(t, body, "nothing was saved")
		})
	}
	_, body := b.get("/admin/practice")
	if strings.Contains(body, "Hijacked") {
		t.Error("a forged POST changed the practice")
	}
	// A cross-site request is refused even with a token.
	req, _ := http.NewRequest(http.MethodPost, tc.http.URL+"/admin/practice", strings.NewReader(url.Values{"_csrf": {b.csrf}, "name_en": {"X"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: %d", resp.StatusCode)
	}
}

func TestExpiredSessionIsRefused(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("doctor")
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("fresh session: %d", resp.StatusCode)
	}
	// Age the session past the idle timeout.
	old := time.Now().Add(-31 * time.Minute).UTC().Format(time.RFC3339Nano)
	if _, err := tc.db.W.Exec(`UPDATE sessions SET last_seen = ?`, old); err != nil {
		t.Fatal(err)
	}
	// In 31 minutes the server's two-second memory of the session would have lapsed too.
	tc.srv.sessions.clear()
	resp, _ := b.get("/")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), "/login") {
		t.Errorf("expired session: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	var n int
	tc.db.R.QueryRow(`SELECT COUNT(*) FROM sessions`).Scan(&n)
	if n != 0 {
		t.Errorf("expired session still stored (%d)", n)
	}
}

func TestSessionIDChangesAtLogin(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.login("nurse")
	first := b.cookie(sessionCookie)
	b.login("nurse")
	second := b.cookie(sessionCookie)
	if first == "" || first == second {
		t.Errorf("session id did not change at login: %q then %q", first, second)
	}
	// The old id no longer works.
	old := tc.browser()
	base, _ := url.Parse(tc.http.URL)
	old.client.Jar.SetCookies(base, []*http.Cookie{{Name: sessionCookie, Value: first, Path: "/"}})
	if resp, _ := old.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("old session id still accepted: %d", resp.StatusCode)
	}
}

func TestSecurityHeadersAndCookies(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	resp, _ := b.get("/login")
	csp := resp.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline: %q", csp)
	}
	if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("no nosniff")
	}
	for _, c := range resp.Cookies() {
		if !c.HttpOnly || c.SameSite == http.SameSiteDefaultMode {
			t.Errorf("cookie %s: HttpOnly=%v SameSite=%v", c.Name, c.HttpOnly, c.SameSite)
		}
	}
}

func TestOversizedFormGetsAClearMessage(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("admin")
	resp, body := b.post("/admin/practice", url.Values{"name_en": {strings.Repeat("x", 5<<20)}})
	if resp.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("5 MB field: %d", resp.StatusCode)
	}
	contains(t, body, "too large")
	_, body = b.get("/admin/practice")
	contains(t, body, "Test Clinic") // nothing already saved was lost
}

func TestHealthzShowsNoPatientData(t *testing.T) {
	tc := newTestClinic(t, true)
	resp, body := tc.browser().get("/healthz")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	contains(t, body, `"database":"ok"`, `"version":"test"`)
}

// TestSessionChangesTakeEffect: with sessions remembered for a moment, logging out, switching
// language and disabling a user still take effect on the very next request.
func TestSessionChangesTakeEffect(t *testing.T) {
	tc := newTestClinic(t, true)
	doc := tc.browser()
	doc.sessionFor("doctor")
	doc.get("/")
	doc.post("/language", url.Values{"lang": {"zh-HK"}})
	if _, body := doc.get("/"); !strings.Contains(body, `lang="zh-HK"`) {
		t.Error("the language switch did not show on the next page")
	}
	admin := tc.browser()
	admin.sessionFor("admin")
	u, err := users.GetByUsername(t.Context(), tc.db.R, "doctor")
	if err != nil {
		t.Fatal(err)
	}
	admin.get("/admin/users")
	if resp, body := admin.post(fmt.Sprintf("/admin/users/%d/disable", u.ID), nil); resp.StatusCode >= 400 {
		t.Fatalf("disable: %d %s", resp.StatusCode, body)
	}
	if resp, _ := doc.get("/patients"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a disabled user's session still works: %d", resp.StatusCode)
	}
	admin.post("/logout", nil)
	if resp, _ := admin.get("/admin/users"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("a logged-out session still works: %d", resp.StatusCode)
	}
}
