package patients_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/hkid"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

// benchSize is how many patients the search benchmarks run against: a long-running practice has
// up to 200,000; a million leaves room. ONRAMP_BENCH_PATIENTS sets a smaller one.
func benchSize() int {
	if s := os.Getenv("ONRAMP_BENCH_PATIENTS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 1000000
}

// benchDB opens a generated practice database, built once into os.TempDir() and kept there,
// keyed by size and by the schema, so that reruns start at once.
func benchDB(b *testing.B) *store.DB {
	b.Helper()
	ctx := context.Background()
	n := benchSize()
	h := sha256.New()
	for _, m := range store.Migrations() {
		h.Write([]byte(m.SQL))
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("onramp-bench-patients-%d-%s.db", n, hex.EncodeToString(h.Sum(nil))[:12]))
	if _, err := os.Stat(path); err != nil {
		b.Logf("building %s (%d patients), kept for the next run", path, n)
		tmp := path + ".building"
		for _, suffix := range []string{"", "-wal", "-shm"} {
			os.Remove(tmp + suffix)
		}
		db, err := store.Open(tmp, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := db.Migrate(ctx, nil); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := demo.Patients(ctx, db, n, 1, "P"); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d patients in %v", n, time.Since(start))
		if _, err := db.W.ExecContext(ctx, `PRAGMA optimize`); err != nil {
			b.Fatal(err)
		}
		if err := db.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, path); err != nil {
			b.Fatal(err)
		}
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// queries picks real patients and makes the searches a front desk would type for them.
func queries(b *testing.B, db *store.DB) map[string][]string {
	b.Helper()
	n := benchSize()
	r := rand.New(rand.NewPCG(7, 7))
	out := map[string][]string{}
	for len(out["number"]) < 500 {
		var p patients.Patient
		var err error
		if p, err = patients.Get(context.Background(), db.R, int64(1+r.IntN(n))); err != nil {
			b.Fatal(err)
		}
		if p.Merged() {
			continue
		}
		add := func(kind, q string) {
			if q != "" {
				out[kind] = append(out[kind], q)
			}
		}
		add("number", p.Number)
		add("number-digits", strings.TrimLeft(strings.TrimPrefix(p.Number, "P"), "0"))
		if id, err := hkid.Parse(p.Doc.Number); err == nil {
			add("hkid", id.Display())
			add("hkid-partial", id.Prefix()+id.Digits()[:4])
		}
		add("phone", p.Mobile)
		surname := strings.ToLower(p.SurnameEN)
		given := strings.Fields(strings.ToLower(p.GivenNameEN))
		if len(given) > 0 {
			add("name-en", surname+" "+given[0])
			add("name-en-reversed", given[len(given)-1]+" "+surname)
			add("name-en-full", surname+" "+strings.Join(given, " "))
			add("name-en-prefix", surname[:min(3, len(surname))]+" "+given[0][:min(2, len(given[0]))])
		}
		add("name-en-surname", surname)
		zh := []rune(p.NameZH)
		if len(zh) >= 3 {
			add("name-zh-full", string(zh))
			add("name-zh-2", string(zh[len(zh)-2:]))
			add("name-zh-1", string(zh[len(zh)-1:]))
		}
		if p.DOB.Precision() == patients.PrecisionDay {
			add("dob", p.DOB.Display())
		}
		if len(given) > 0 && p.DOB.Precision() == patients.PrecisionDay {
			add("name+dob", surname+" "+p.DOB.Display())
		}
	}
	return out
}

// BenchmarkSearch runs every kind of query against the generated practice and reports the
// median and 99th percentile time of one search. Run with -benchtime 2000x or so.
func BenchmarkSearch(b *testing.B) {
	db := benchDB(b)
	qs := queries(b, db)
	kinds := make([]string, 0, len(qs))
	for k := range qs {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	ctx := context.Background()
	for _, kind := range kinds {
		list := qs[kind]
		b.Run(kind, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			found := 0
			for i := 0; i < b.N; i++ {
				q := list[i%len(list)]
				start := time.Now()
				res, err := patients.Search(ctx, db.R, q, 20)
				times = append(times, time.Since(start))
				if err != nil {
					b.Fatal(err)
				}
				if len(res) > 0 {
					found++
				}
			}
			slices.Sort(times)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
			b.ReportMetric(ms(times[len(times)*99/100]), "p99-ms")
			b.ReportMetric(float64(found)/float64(b.N), "found")
		})
	}
}

// BenchmarkLikelyDuplicates times the review page's query over the generated practice.
func BenchmarkLikelyDuplicates(b *testing.B) {
	db := benchDB(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		pairs, err := patients.LikelyDuplicates(context.Background(), db.R, 100)
		if err != nil {
			b.Fatal(err)
		}
		if len(pairs) == 0 {
			b.Fatal("the demo data has likely duplicates")
		}
	}
}
