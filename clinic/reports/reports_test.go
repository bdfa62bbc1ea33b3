package reports

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
	"github.com/onramp-hk/onramp/clinic/users"
)

var (
	ctx   = context.Background()
	hk    = time.FixedZone("HKT", 8*3600)
	today = time.Date(2026, 11, 20, 10, 0, 0, 0, hk)
)

// practiceWithRecords has 50 patients, two doctors, and for each of the 20 days up to today
// attendances, appointments, bills and payments, and dispensings, in varied states.
func practiceWithRecords(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	if err := demo.Patients(ctx, db, 50, 3, "P"); err != nil {
		t.Fatal(err)
	}
	hasBills := hasTable(ctx, db.R, "bills")
	var err error // the closure's exec records the first failure here
	err = db.Write(ctx, func(tx *sql.Tx) error {
		var docs []int64
		for i, name := range []string{"drwong", "drchan"} {
			id, err := users.Create(ctx, tx, users.NewUser{Username: name, FullName: "Doctor " + name, MCRNo: fmt.Sprintf("M1000%d", i),
				Roles: []string{users.RoleDoctor}, Password: "correct horse 1"}, audit.System)
			if err != nil {
				return err
			}
			docs = append(docs, id)
		}
		exec := func(q string, args ...any) {
			if err != nil {
				return
			}
			if _, e := tx.ExecContext(ctx, q, args...); e != nil {
				err = fmt.Errorf("%s: %w", q, e)
			}
		}
		states := []string{"done", "done", "waiting", "no_show", "cancelled", "with_doctor"}
		for d := 0; d < 20; d++ {
			day := today.AddDate(0, 0, -d).Format(time.DateOnly)
			for k := 0; k < 6; k++ {
				pid := int64(1 + (d*6+k)%50)
				doc := docs[k%2]
				exec(`INSERT INTO attendances (day, seq, ticket, ticket_label, patient_id, doctor_id, state, position, arrived_at, updated_at)
					VALUES (?,?,?,?,?,?,?,?,?,?)`, day, "clinic", k+1, fmt.Sprint(k+1), pid, doc, states[k], k, day+"T01:00:00Z", day+"T01:00:00Z")
				exec(`INSERT INTO appointments (patient_id, doctor_id, day, starts_at, ends_at, slot_type, status, created_at, updated_at)
					VALUES (?,?,?,?,?,'standard',?,?,?)`, pid, doc, day, fmt.Sprintf("%sT0%d:00:00Z", day, k), fmt.Sprintf("%sT0%d:15:00Z", day, k),
					[]string{"arrived", "no_show", "cancelled"}[k%3], day, day)
				if !hasBills {
					continue
				}
				var billID int64
				if e := tx.QueryRowContext(ctx, `INSERT INTO bills (number, patient_id, doctor_id, day, status, total_cents, paid_cents, created_at, updated_at)
					VALUES (?,?,?,?,?,?,?,?,?) RETURNING id`, fmt.Sprintf("B%03d%d", d, k), pid, doc, day,
					[]string{"settled", "open"}[k%2], 35050, []int64{35050, 10000}[k%2], day, day).Scan(&billID); e != nil && err == nil {
					err = e
				}
				exec(`INSERT INTO payments (bill_id, method, amount_cents, day, doctor_id, created_at) VALUES (?,?,?,?,?,?)`,
					billID, []string{"cash", "fps"}[k%2], []int64{35050, 10000}[k%2], day, doc, day)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func run(t *testing.T, db *store.DB, name string, r Range) []Row {
	t.Helper()
	rep, ok := Get(name)
	if !ok {
		t.Fatalf("no report %s", name)
	}
	var rows []Row
	if err := rep.Stream(ctx, db.R, r, func(row Row) error { rows = append(rows, row); return nil }); err != nil {
		t.Fatal(err)
	}
	return rows
}

func count(t *testing.T, db *store.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := db.R.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestTotalsMatchRecords: each report's totals row equals a count or sum of the records
// themselves over the same range.
func TestTotalsMatchRecords(t *testing.T) {
	db := practiceWithRecords(t)
	r, err := ParseRange("2026-11-05", "2026-11-18", today)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		report string
		col    int
		want   string
	}{
		{"attendance", 2, `SELECT COUNT(*) FROM attendances WHERE day BETWEEN ? AND ? AND state NOT IN ('cancelled','no_show')`},
		{"no_shows", 2, `SELECT COUNT(*) FROM appointments WHERE day BETWEEN ? AND ? AND status <> 'cancelled'`},
		{"no_shows", 3, `SELECT COUNT(*) FROM appointments WHERE day BETWEEN ? AND ? AND status = 'no_show'`},
		{"patients", 2, `SELECT COUNT(DISTINCT patient_id) FROM attendances a WHERE day BETWEEN ? AND ? AND state NOT IN ('cancelled','no_show')
			AND NOT EXISTS (SELECT 1 FROM attendances b WHERE b.patient_id = a.patient_id AND b.day < '2026-11-05' AND b.state NOT IN ('cancelled','no_show'))`},
		{"takings", 2, `SELECT SUM(amount_cents) FROM payments WHERE day BETWEEN ? AND ?`},
		{"outstanding_bills", 5, `SELECT SUM(total_cents - paid_cents) FROM bills WHERE day BETWEEN ? AND ? AND status = 'open'`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%d", tt.report, tt.col), func(t *testing.T) {
			rep, _ := Get(tt.report)
			if !rep.Available(ctx, db.R) {
				t.Skip("this practice has no " + tt.report)
			}
			rows := run(t, db, tt.report, r)
			got := rep.Totals(rows)[tt.col].(int64)
			want := count(t, db, tt.want, r.From, r.To)
			if got != want || want == 0 {
				t.Errorf("total %d, records say %d", got, want)
			}
		})
	}
	// New and returning together are every patient seen.
	rows := run(t, db, "patients", r)
	var seen int64
	for _, row := range rows {
		seen += row[2].(int64) + row[3].(int64)
	}
	if want := count(t, db, `SELECT COUNT(DISTINCT patient_id) FROM attendances WHERE day BETWEEN ? AND ? AND state NOT IN ('cancelled','no_show')`,
		r.From, r.To); seen != want {
		t.Errorf("new + returning = %d, patients seen %d", seen, want)
	}
	// Takings to the cent: 35050 is HK$350.50.
	if total := count(t, db, `SELECT SUM(amount_cents) FROM payments`); hasTable(ctx, db.R, "payments") && total%100 != 0 {
		if got, _ := Takings(ctx, db.R, "2000-01-01", "2100-01-01"); got != total {
			t.Errorf("takings %d, payments %d", got, total)
		}
	}
}

func TestDashboardSeries(t *testing.T) {
	db := practiceWithRecords(t)
	from := today.AddDate(0, 0, -27)
	visits, err := VisitsPerDay(ctx, db.R, from, today)
	if err != nil {
		t.Fatal(err)
	}
	if len(visits) != 28 {
		t.Fatalf("%d days", len(visits))
	}
	var sum int64
	for _, d := range visits {
		sum += d.Value
	}
	if want := count(t, db, `SELECT COUNT(*) FROM attendances WHERE state NOT IN ('cancelled','no_show')`); sum != want {
		t.Errorf("visits per day sum to %d, attendances %d", sum, want)
	}
	if visits[0].Value != 0 || visits[27].Value != 4 {
		t.Errorf("first and last day: %+v %+v", visits[0], visits[27])
	}
}

func TestParseRange(t *testing.T) {
	tests := []struct {
		from, to string
		field    string
		want     Range
	}{
		{"", "", "", Range{From: "2026-11-01", To: "2026-11-20"}},
		{"2026-01-01", "2026-01-31", "", Range{From: "2026-01-01", To: "2026-01-31"}},
		{"2026-02-01", "2026-01-31", "from", Range{}},
		{"yesterday", "2026-01-31", "from", Range{}},
		{"2026-01-01", "31/01/2026", "to", Range{}},
		{"1990-01-01", "2026-01-31", "from", Range{}},
	}
	for _, tt := range tests {
		r, err := ParseRange(tt.from, tt.to, today)
		if tt.field == "" {
			if err != nil || r.From != tt.want.From || r.To != tt.want.To {
				t.Errorf("%q..%q: %+v %v", tt.from, tt.to, r, err)
			}
			continue
		}
		verrs, ok := err.(clinic.ValidationErrors)
		if !ok || verrs.Field(tt.field) == nil {
			t.Errorf("%q..%q: want an error on %s, got %v", tt.from, tt.to, tt.field, err)
		}
	}
}

func TestThousandths(t *testing.T) {
	for _, tt := range []struct {
		in   int64
		want string
	}{{1000, "1"}, {2500, "2.5"}, {125, "0.125"}, {0, "0"}, {10000, "10"}} {
		if got := thousandths(tt.in); got != tt.want {
			t.Errorf("thousandths(%d) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
