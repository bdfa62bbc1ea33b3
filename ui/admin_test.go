package ui

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
)

func TestBackUpNowFromTheAdminPage(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("admin")
	_, body := b.get("/admin/backups")
	contains(t, body, "No backups yet")
	resp, _ := b.post("/admin/backups", nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("back up now: %d", resp.StatusCode)
	}
	_, body = b.get(resp.Header.Get("Location"))
	contains(t, body, "Backup taken and verified", "onramp-backup-", "✔")
}

func TestAuditPageSearchesByUserAndDate(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.login("nurse")
	a := tc.browser()
	a.sessionFor("admin")
	_, body := a.get("/admin/audit?user=nurse")
	contains(t, body, "Logged in", "nurse")
	if strings.Contains(body, "Setup") {
		t.Error("filter by user shows other users' rows")
	}
	resp, body := a.get("/admin/audit?from=not-a-date")
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	contains(t, body, "YYYY-MM-DD", `value="not-a-date"`)
}

func TestAdminManagesStaff(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("admin")
	b.get("/admin/users/new")
	// A doctor without a registration number is refused, with the form kept.
	resp, body := b.post("/admin/users", url.Values{"username": {"drlam"}, "full_name": {"Dr Lam"}, "roles": {"doctor"},
		"password": {"a-good-password"}, "language": {"en"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("doctor without MCR: %d", resp.StatusCode)
	}
	contains(t, body, "Medical Council", `value="drlam"`, `value="doctor" checked`)
	resp, _ = b.post("/admin/users", url.Values{"username": {"drlam"}, "full_name": {"Dr Lam"}, "roles": {"doctor", "admin"},
		"mcr_no": {"m33333"}, "password": {"a-good-password"}, "language": {"zh-HK"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	_, body = b.get("/admin/users")
	contains(t, body, "drlam", "M33333")
	// The same user name again is refused.
	_, body = b.post("/admin/users", url.Values{"username": {"DRLAM"}, "full_name": {"X"}, "roles": {"clerk"}, "password": {"a-good-password"}})
	contains(t, body, "already used")
	// A script in a name comes back escaped.
	b.post("/admin/users", url.Values{"username": {"xss"}, "full_name": {`<script>alert(1)</script>`}, "roles": {"clerk"}, "password": {"a-good-password"}})
	_, body = b.get("/admin/users")
	if strings.Contains(body, "<script>alert(1)</script>") {
		t.Error("a script in a name is not escaped")
	}
	contains(t, body, "&lt;script&gt;alert(1)&lt;/script&gt;")
}

func TestAPanicBecomesAPolitePage(t *testing.T) {
	tc := newTestClinic(t, true)
	e := echo.New()
	e.HTTPErrorHandler = tc.srv.errorPage
	e.Use(tc.srv.recoverPanic)
	e.GET("/boom", func(echo.Context) error { panic("nil map") })
	req, _ := http.NewRequest(http.MethodGet, "/boom", nil)
	rec := newRecorder()
	e.ServeHTTP(rec, req)
	if rec.Code != http.StatusInternalServerError {
		t.Fatalf("status %d", rec.Code)
	}
	body := rec.Body.String()
	contains(t, body, "Nothing was lost")
	if strings.Contains(body, "nil map") || strings.Contains(body, "goroutine") {
		t.Error("the panic leaked into the page")
	}
}
