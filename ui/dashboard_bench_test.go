package ui

import (
	"context"
	"database/sql"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/demo"
)

// benchSize is the practice the dashboard benchmark builds: ONRAMP_BENCH_PATIENTS patients
// (default 1,000,000) and five attendances each, 600 a day back from today.
func benchSize() int {
	if n, err := strconv.Atoi(os.Getenv("ONRAMP_BENCH_PATIENTS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// BenchmarkDashboard opens the dashboard of a large practice: 1M patients and 5M visits.
//
//	go test -run '^$' -bench BenchmarkDashboard -benchtime 50x ./ui
func BenchmarkDashboard(b *testing.B) {
	tc := newTestClinic(b, true)
	ctx := context.Background()
	n := benchSize()
	if err := demo.Patients(ctx, tc.db, n, 1, "P"); err != nil {
		b.Fatal(err)
	}
	today := time.Now().In(hongKong()).Format(time.DateOnly)
	err := tc.db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ? - 1)
			INSERT INTO attendances (day, seq, ticket, ticket_label, patient_id, state, position, arrived_at, updated_at)
			SELECT date(?, '-' || (i / 600) || ' days'), 'clinic', i % 600 + 1, i % 600 + 1, i % ? + 1,
				CASE WHEN i < 20 THEN 'waiting' ELSE 'done' END, i, ? || 'T01:00:00Z', ? || 'T01:00:00Z' FROM k`,
			5*n, today, n, today, today)
		if err != nil {
			return err
		}
		if hasTableTx(tx, "payments") {
			_, err = tx.Exec(`WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 36000 - 1)
				INSERT INTO bills (number, patient_id, day, status, total_cents, paid_cents, created_at, updated_at)
				SELECT 'B' || i, i % ? + 1, date(?, '-' || (i / 600) || ' days'), 'settled', 35050, 35050, ?, ? FROM k`, n, today, today, today)
			if err == nil {
				_, err = tx.Exec(`INSERT INTO payments (bill_id, method, amount_cents, day, created_at) SELECT id, 'cash', 35050, day, created_at FROM bills`)
			}
		}
		return err
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, user := range []string{"admin", "clerk", "doctor"} {
		br := tc.browser()
		br.login(user)
		b.Run(user, func(b *testing.B) {
			for b.Loop() {
				resp, err := br.client.Get(tc.http.URL + benchPath)
				if err != nil {
					b.Fatal(err)
				}
				readAll(resp)
				if resp.StatusCode != http.StatusOK {
					b.Fatalf("status %d", resp.StatusCode)
				}
			}
		})
	}
}

// benchPath is the page benchmarked; BENCH_PATH=/ compares with the plain home page.
var benchPath = map[bool]string{true: os.Getenv("BENCH_PATH"), false: "/dashboard"}[os.Getenv("BENCH_PATH") != ""]

func hasTableTx(tx *sql.Tx, name string) bool {
	var n int
	_ = tx.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n == 1
}
