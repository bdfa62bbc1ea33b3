package ui

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

// The chart benchmark: a patient with 500 visits, 1,000 results and 300 prescriptions in a
// practice of a million patients (ONRAMP_BENCH_PATIENTS sets fewer) with 200,000 other visits.
// The database is built once into os.TempDir() and kept, keyed by size and schema.

const (
	chartBenchVisits  = 500
	chartBenchResults = 1000
	chartBenchRx      = 300
)

func chartBenchPatients() int {
	if s := os.Getenv("ONRAMP_BENCH_PATIENTS"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			return n
		}
	}
	return 1000000
}

func chartBenchDB(b *testing.B) (*store.DB, int64) {
	b.Helper()
	ctx := context.Background()
	n := chartBenchPatients()
	h := sha256.New()
	for _, m := range store.Migrations() {
		h.Write([]byte(m.SQL))
	}
	path := filepath.Join(os.TempDir(), fmt.Sprintf("onramp-bench-chart-%d-%s.db", n, hex.EncodeToString(h.Sum(nil))[:12]))
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
		if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Bench Clinic", NameZH: "測試診所"},
			users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: testPassword}, "test"); err != nil {
			b.Fatal(err)
		}
		if _, err := users.Add(ctx, db, users.NewUser{Username: "doctor", FullName: "Dr Bench", Roles: []string{users.RoleDoctor},
			MCRNo: "M12345", Password: testPassword}, audit.System); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := demo.Patients(ctx, db, n, 1, "P"); err != nil {
			b.Fatal(err)
		}
		if err := demo.Visits(ctx, db, demo.Options{Seed: 1, Visits: 200000}); err != nil {
			b.Fatal(err)
		}
		if err := demo.Medication(ctx, db, demo.Options{}); err != nil {
			b.Fatal(err)
		}
		if err := fillBenchPatient(ctx, db, int64(n/2)); err != nil {
			b.Fatal(err)
		}
		b.Logf("built in %v", time.Since(start))
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
	return db, int64(n / 2)
}

// fillBenchPatient gives one patient a long history: visits with diagnoses and vitals, results
// of a few tests, and prescriptions.
func fillBenchPatient(ctx context.Context, db *store.DB, pid int64) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		ts := time.Now().UTC().Format(time.RFC3339Nano)
		var doctor, drug int64
		if err := tx.QueryRowContext(ctx, `SELECT user_id FROM user_roles WHERE role = 'doctor' LIMIT 1`).Scan(&doctor); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT id FROM drugs LIMIT 1`).Scan(&drug); err != nil {
			return err
		}
		var visitIDs []int64
		for i := range chartBenchVisits {
			day := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*10).Format(time.DateOnly)
			res, err := tx.ExecContext(ctx, `INSERT INTO visits (patient_id, doctor_id, episode_no, visit_date, type, status, history,
				assessment, plan, note_version, created_at, updated_at) VALUES (?, ?, ?, ?, 'follow_up', 'signed', 'Follow-up', 'Hypertension',
				'Continue', 1, ?, ?)`, pid, doctor, fmt.Sprintf("B%06d", i), day, ts, ts)
			if err != nil {
				return err
			}
			vid, _ := res.LastInsertId()
			visitIDs = append(visitIDs, vid)
			if _, err := tx.ExecContext(ctx, `INSERT INTO visit_diagnoses (visit_id, patient_id, code, text_en, principal, created_at)
				VALUES (?, ?, 'D027', 'Essential hypertension', 1, ?)`, vid, pid, ts); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO vitals (visit_id, patient_id, taken_at, systolic, diastolic, pulse, weight_kg)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, vid, pid, day+"T02:00:00Z", 120+i%30, 75+i%15, 70+i%20, 70+float64(i%10)/2); err != nil {
				return err
			}
		}
		tests := []string{"HbA1c", "LDL", "Creatinine", "eGFR", "Potassium", "ALT", "Hb", "TSH", "Glucose", "Urate"}
		for i := range chartBenchResults {
			vid := visitIDs[i%len(visitIDs)]
			day := time.Date(2010, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, (i%len(visitIDs))*10).Format(time.DateOnly)
			if _, err := tx.ExecContext(ctx, `INSERT INTO results (patient_id, visit_id, test, value, value_num, unit, taken_on, created_at)
				VALUES (?, ?, ?, ?, ?, '', ?, ?)`, pid, vid, tests[i%len(tests)], fmt.Sprint(5+i%7), 5+i%7, day, ts); err != nil {
				return err
			}
		}
		for i := range chartBenchRx {
			if _, err := tx.ExecContext(ctx, `INSERT INTO prescription_items (visit_id, patient_id, drug_id, dose_milli, dose_unit,
				frequency, days, quantity, created_at, updated_at) VALUES (?, ?, ?, 1000, 'tab', 'QD', 30, 30, ?, ?)`,
				visitIDs[i], pid, drug, ts, ts); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkChart times the chart page of the patient with the long history, through the real
// router, as the doctor opens it: server time only, p50 and p99.
func BenchmarkChart(b *testing.B) {
	db, pid := chartBenchDB(b)
	var logTo io.Writer = io.Discard
	if os.Getenv("ONRAMP_BENCH_LOG") != "" {
		logTo = os.Stderr
	}
	log := slog.New(slog.NewTextHandler(logTo, nil))
	views := audit.NewBatcher(db, log)
	b.Cleanup(func() { views.Close() })
	srv, err := New(Config{Version: "bench"}, db, views, log)
	if err != nil {
		b.Fatal(err)
	}
	u, err := users.GetByUsername(context.Background(), db.R, "doctor")
	if err != nil {
		b.Fatal(err)
	}
	token, err := users.StartSession(context.Background(), db, u.ID, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	for _, page := range []struct{ name, path string }{
		{"chart", fmt.Sprintf("/patients/%d/chart", pid)},
		{"chart-filtered", fmt.Sprintf("/patients/%d/chart?dx=hypertension&test=HbA1c", pid)},
		{"chart-all-500-visits", fmt.Sprintf("/patients/%d/chart?all=1", pid)},
		{"visits-list", fmt.Sprintf("/patients/%d/visits", pid)},
	} {
		b.Run(page.name, func(b *testing.B) {
			times := make([]time.Duration, 0, b.N)
			for i := 0; i < b.N; i++ {
				req := httptest.NewRequest(http.MethodGet, page.path, nil)
				req.AddCookie(&http.Cookie{Name: sessionCookie, Value: token})
				rec := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(rec, req)
				times = append(times, time.Since(start))
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", page.path, rec.Code)
				}
			}
			if os.Getenv("ONRAMP_BENCH_SLOWEST") != "" {
				for i, d := range times {
					if d > 100*time.Millisecond {
						b.Logf("request %d took %v", i, d)
					}
				}
			}
			slices.Sort(times)
			ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
			b.ReportMetric(ms(times[len(times)/2]), "p50-ms")
			b.ReportMetric(ms(times[len(times)*99/100]), "p99-ms")
		})
	}
}
