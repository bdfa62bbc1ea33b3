package ui

import (
	"net/http"
	"net/url"
	"testing"
)

// BenchmarkLogins measures logins per second through the real router: the argon2id hash is the
// cost, by design.
func BenchmarkLogins(b *testing.B) {
	tc := newTestClinic(b, true)
	br := tc.browser()
	br.get("/login")
	form := url.Values{"username": {"doctor"}, "password": {testPassword}, "_csrf": {br.csrf}}
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := br.client.PostForm(tc.http.URL+"/login", form)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusSeeOther {
				b.Errorf("login: %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "logins/s")
}
