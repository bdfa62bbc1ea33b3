package demo

import (
	"context"
	"testing"

	"github.com/onramp-hk/onramp/clinic/users"
)

func TestFrontDeskStep(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := Patients(ctx, db, 300, 5, "F"); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Add(ctx, db, users.NewUser{Username: "drdemo", FullName: "Dr Demo", Roles: []string{users.RoleDoctor},
		MCRNo: "M00001", Password: "demo-password-1"}, Actor); err != nil {
		t.Fatal(err)
	}
	if err := Visits(ctx, db, Options{Seed: 5, Visits: 3000}); err != nil {
		t.Fatal(err)
	}
	count := func(query string) int {
		t.Helper()
		var n int
		if err := db.R.QueryRow(query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var booked, queued, procedures int
	for run := 0; run < 2; run++ { // a second run adds nothing
		if err := FrontDesk(ctx, db, Options{Seed: 5}); err != nil {
			t.Fatal(err)
		}
		b, q, p := count(`SELECT COUNT(*) FROM appointments`), count(`SELECT COUNT(*) FROM attendances`),
			count(`SELECT COUNT(*) FROM visit_procedures`)
		if run == 1 && (b != booked || q != queued || p != procedures) {
			t.Fatalf("second run added records: %d/%d bookings, %d/%d tickets, %d/%d procedures", b, booked, q, queued, p, procedures)
		}
		booked, queued, procedures = b, q, p
	}
	if booked < 50 || queued == 0 || procedures == 0 {
		t.Fatalf("%d bookings, %d tickets today, %d procedures", booked, queued, procedures)
	}
	if n := count(`SELECT COUNT(*) FROM outbox WHERE domain = 'PX'`); n != procedures {
		t.Errorf("%d procedures but %d PX outbox rows", procedures, n)
	}
	if n := count(`SELECT COUNT(*) FROM appointments a JOIN patients p ON p.id = a.patient_id WHERE p.merged_into IS NOT NULL`); n != 0 {
		t.Errorf("%d bookings for merged-away patients", n)
	}
}
