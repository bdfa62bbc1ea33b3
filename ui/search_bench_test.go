package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

// BenchmarkSearchPage drives the search-as-you-type endpoint through the real router and
// session middleware from parallel clients, with queries of every kind drawn from the patients
// on file. ONRAMP_BENCH_DB names a practice built by `onramp demo` (for example 1,000,000
// patients); without it a practice of 20,000 is made. Run with -cpu 32 for 32 clients.
func BenchmarkSearchPage(b *testing.B) {
	ctx := context.Background()
	path := os.Getenv("ONRAMP_BENCH_DB")
	if path == "" {
		path = filepath.Join(b.TempDir(), store.FileName)
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	if os.Getenv("ONRAMP_BENCH_DB") == "" {
		if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Bench", NameZH: "測試"},
			users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: testPassword}, "test"); err != nil {
			b.Fatal(err)
		}
		if err := demo.Patients(ctx, db, 20000, 1, "P"); err != nil {
			b.Fatal(err)
		}
	}
	clerkID := int64(0)
	if u, err := users.GetByUsername(ctx, db.R, "bench-clerk"); err == nil {
		clerkID = u.ID
	} else if clerkID, err = users.Add(ctx, db, users.NewUser{Username: "bench-clerk", FullName: "Bench clerk",
		Roles: []string{users.RoleClerk}, Password: testPassword}, audit.System); err != nil {
		b.Fatal(err)
	}
	token, err := users.StartSession(ctx, db, clerkID, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	views := audit.NewBatcher(db, log)
	defer views.Close()
	srv, err := New(Config{Version: "bench", IdleTimeout: time.Hour}, db, views, log)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	// Queries as a clerk types them: names in both scripts, HKIDs, phones, numbers, dates.
	var qs []string
	rows, err := db.R.QueryContext(ctx, `SELECT surname_en || ' ' || given_name_en, name_zh, COALESCE(doc_number,''),
		COALESCE(mobile,''), number FROM patients WHERE id % 997 = 1 LIMIT 400`)
	if err != nil {
		b.Fatal(err)
	}
	kind := os.Getenv("ONRAMP_BENCH_KIND") // en, zh, doc, mobile or number: one kind only
	for rows.Next() {
		var en, zh, doc, mobile, number string
		rows.Scan(&en, &zh, &doc, &mobile, &number)
		for k, q := range map[string]string{"en": en, "zh": zh, "doc": doc, "mobile": mobile, "number": number} {
			if q != "" && (kind == "" || kind == k) {
				qs = append(qs, q)
			}
		}
	}
	rows.Close()
	if len(qs) == 0 {
		b.Fatal("no patients to search for")
	}
	tr := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: tr}
	var next atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			q := qs[int(next.Add(1))%len(qs)]
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/patients/search?q="+url.QueryEscape(q), nil)
			req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("search %q: %d", q, resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
