package bulk

import (
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
)

// BenchmarkExport exports a demo practice of ONRAMP_BENCH_PATIENTS patients (default 200,000)
// with five attendances and five appointments each, and reports the export's size.
//
//	ONRAMP_BENCH_PATIENTS=1000000 go test -run '^$' -bench BenchmarkExport -benchtime 1x -timeout 60m ./sharing/bulk
func BenchmarkExport(b *testing.B) {
	n := 200_000
	if v, err := strconv.Atoi(os.Getenv("ONRAMP_BENCH_PATIENTS")); err == nil && v > 0 {
		n = v
	}
	db := newPractice(b)
	if err := demo.Patients(ctx, db, n, 1, "P"); err != nil {
		b.Fatal(err)
	}
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ? - 1)
			INSERT INTO attendances (day, seq, ticket, ticket_label, patient_id, state, position, arrived_at, finished_at, updated_at)
			SELECT date('2026-11-30', '-' || (i / 600) || ' days'), 'clinic', i % 600 + 1, i % 600 + 1, i % ? + 1, 'done', i,
				'2026-11-30T01:00:00Z', '2026-11-30T01:20:00Z', '2026-11-30T01:20:00Z' FROM k`, 5*n, n); err != nil {
			return err
		}
		var doctor int64
		if err := tx.QueryRow(`SELECT id FROM users LIMIT 1`).Scan(&doctor); err != nil {
			return err
		}
		_, err := tx.Exec(`WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ? - 1)
			INSERT INTO appointments (patient_id, doctor_id, day, starts_at, ends_at, slot_type, status, created_at, updated_at)
			SELECT i % ? + 1, ?, date('2026-11-30', '-' || (i / 600) || ' days'),
				strftime('%Y-%m-%dT%H:%M:%SZ', '2026-11-30', '-' || (i / 600) || ' days', '+' || (i % 600) || ' minutes'),
				strftime('%Y-%m-%dT%H:%M:%SZ', '2026-11-30', '-' || (i / 600) || ' days', '+' || (i % 600 + 1) || ' minutes'),
				'standard', 'arrived', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z' FROM k`, 5*n, n, doctor)
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	var size int64
	for b.Loop() {
		dir := filepath.Join(b.TempDir(), "export")
		m, err := Export(ctx, db, ExportOptions{Dir: dir, Actor: audit.System})
		if err != nil {
			b.Fatal(err)
		}
		size = m.Extension.Bytes
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
	b.ReportMetric(float64(n), "patients")
}
