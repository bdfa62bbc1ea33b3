package sharing

import (
	"bufio"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/store"
)

// benchPractice makes a practice whose outbox holds exactly records pending records: patients
// joined to eHealth, each with its identification record and four allergies.
func benchPractice(b *testing.B, path string, records int) {
	b.Helper()
	db, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	if _, err := db.W.Exec(testSchema); err != nil {
		b.Fatal(err)
	}
	now := ts(time.Now())
	if _, err := db.W.Exec(`INSERT INTO practice (id, name_en, name_zh, hcp_id, created_at, updated_at)
		VALUES (1, 'Families Clinic', '家庭診所', '9938744799', ?, ?)`, now, now); err != nil {
		b.Fatal(err)
	}
	const perPatient = 5 // one identification record and four allergies
	n := records / perPatient
	if err := demo.Patients(ctx, db, n+n/10, 11, "P"); err != nil {
		b.Fatal(err)
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		// A clean slate: nobody joined (the demo data joins some), no outbox rows.
		if _, err := tx.Exec(`UPDATE patients SET ehealth_joined = 0, ehr_no = NULL, consent = 'none'`); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM outbox`); err != nil {
			return err
		}
		rows, err := tx.Query(`SELECT id FROM patients WHERE doc_number IS NOT NULL AND doc_type IN ('ID','BC') ORDER BY id LIMIT ?`, n)
		if err != nil {
			return err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) != n {
			return fmt.Errorf("%d patients with an HKID, want %d", len(ids), n)
		}
		// Joining queues one identification row per patient (the trigger); the allergies are
		// written as a feature would.
		for _, id := range ids {
			if _, err := tx.Exec(`UPDATE patients SET ehealth_joined = 1, ehr_no = printf('9%011d', id), consent = 'given' WHERE id = ?`, id); err != nil {
				return err
			}
		}
		for _, id := range ids {
			for j := 0; j < perPatient-1; j++ {
				r, err := tx.Exec(`INSERT INTO test_allergies (patient_id, allergen, created_at, updated_at) VALUES (?,?,?,?)`,
					id, []string{"Penicillin", "Aspirin", "Latex", "Shellfish"}[j], now, now)
				if err != nil {
					return err
				}
				aid, _ := r.LastInsertId()
				if err := outbox.Record(ctx, tx, outbox.Change{Key: allergyKey(aid), Domain: "AL1", Tx: outbox.Insert, PatientID: id}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	if got, _ := outbox.Len(ctx, db.R); got != records {
		b.Fatalf("outbox holds %d, want %d", got, records)
	}
}

// BenchmarkShare10k: 10,000 pending records (2,000 patients joined at once: their
// identification records and four allergies each) taken over, packaged, checked and sent to a
// local HTTPS-less receiver. Reports the time per run and the process's peak RSS.
//
//	go test ./sharing -run '^$' -bench Share10k -benchtime 1x
func BenchmarkShare10k(b *testing.B) {
	const records = 10_000
	dir := b.TempDir()
	template := filepath.Join(dir, "template.db")
	benchPractice(b, template, records)

	var got atomic.Int64
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n, _ := io.Copy(io.Discard, r.Body)
		if n > 0 {
			got.Add(1)
		}
		w.WriteHeader(http.StatusCreated)
	}))
	defer recv.Close()

	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		path := filepath.Join(dir, fmt.Sprintf("run%d.db", i))
		copyFile(b, template, path)
		db, err := store.Open(path, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		tr, err := NewHTTPTransport(HTTPConfig{URL: recv.URL, Timeout: 30 * time.Second})
		if err != nil {
			b.Fatal(err)
		}
		e := New(db, Options{Transport: tr, Domains: testDomains()})
		b.StartTimer()
		start := time.Now()
		rep, err := e.Run(ctx, TriggerCommand)
		elapsed := time.Since(start)
		b.StopTimer()
		if err != nil {
			b.Fatal(err)
		}
		if rep.Accepted != records || rep.Held != 0 || rep.InFlight != 0 {
			b.Fatalf("run: %s", rep)
		}
		b.Logf("%d records in %d bundles in %s (peak RSS of the whole test process, demo data included): %s",
			rep.Accepted, rep.Bundles, elapsed.Round(time.Millisecond), rep)
		db.Close()
		os.Remove(path)
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(float64(records)*float64(b.N)/b.Elapsed().Seconds(), "records/s")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-RSS-MB")
	}
}

func copyFile(b *testing.B, from, to string) {
	b.Helper()
	for _, suffix := range []string{"", "-wal", "-shm"} {
		data, err := os.ReadFile(from + suffix)
		if err != nil {
			if suffix != "" {
				continue
			}
			b.Fatal(err)
		}
		if err := os.WriteFile(to+suffix, data, 0o600); err != nil {
			b.Fatal(err)
		}
	}
}

// peakRSS is the process's high-water resident set (Linux), in bytes; 0 elsewhere.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}
