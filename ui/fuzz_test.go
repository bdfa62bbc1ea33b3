package ui

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzFormDecoding throws arbitrary bodies at the form handlers: whatever arrives, the answer
// is a page (a form error, a refusal), never a 5xx, a panic or a stack trace.
func FuzzFormDecoding(f *testing.F) {
	for _, seed := range []struct{ ctype, body string }{
		{"application/x-www-form-urlencoded", "username=admin&password=x"},
		{"application/x-www-form-urlencoded", "username=%ZZ&password=%"},
		{"application/x-www-form-urlencoded", "name_en=" + strings.Repeat("陳", 500) + "&hcp_id=１２３"},
		{"multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nadmin\r\n--XX--"},
		{"multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.csv\"\r\n\r\nhalf"},
		{"text/plain", "\x00\xff\xfe"},
	} {
		f.Add(seed.ctype, seed.body)
	}
	tc := newTestClinic(f, true)
	handler := tc.srv.Handler()
	b := tc.browser()
	b.get("/login")
	csrfToken := b.cookie(csrfCookie)
	f.Fuzz(func(t *testing.T, ctype, body string) {
		for _, path := range []string{"/login", "/setup", "/admin/practice"} {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			req.Header.Set("Content-Type", ctype)
			req.Header.Set(csrfHeader, csrfToken)
			req.AddCookie(&http.Cookie{Name: csrfCookie, Value: csrfToken})
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			if rec.Code >= 500 {
				t.Fatalf("POST %s (%q, %q): %d\n%s", path, ctype, body, rec.Code, rec.Body.String())
			}
			if strings.Contains(rec.Body.String(), "goroutine ") {
				t.Fatalf("stack trace in the answer")
			}
		}
	})
}
