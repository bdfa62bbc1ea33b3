package demo

import (
	"context"
	"testing"
)

func TestDocumentsStep(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := Patients(ctx, db, 200, 7, "D"); err != nil {
		t.Fatal(err)
	}
	if err := Visits(ctx, db, Options{Seed: 7, Visits: 2000}); err != nil {
		t.Fatal(err)
	}
	count := func(q string) int {
		t.Helper()
		var n int
		if err := db.R.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	var issued int
	for run := 0; run < 2; run++ { // a second run adds nothing
		if err := Documents(ctx, db, Options{Seed: 7}); err != nil {
			t.Fatal(err)
		}
		n := count(`SELECT COUNT(*) FROM documents`)
		if run == 1 && n != issued {
			t.Fatalf("second run issued more: %d then %d", issued, n)
		}
		issued = n
	}
	summaries := count(`SELECT COUNT(*) FROM documents WHERE kind = 'visit_summary'`)
	referrals := count(`SELECT COUNT(*) FROM documents WHERE kind = 'referral'`)
	if summaries == 0 || referrals == 0 {
		t.Fatalf("%d summaries, %d referrals", summaries, referrals)
	}
	// Issued as the visit page issues them: numbered, and put in the eHealth outbox.
	if n := count(`SELECT COUNT(DISTINCT number) FROM documents`); n != issued {
		t.Errorf("%d numbers for %d documents", n, issued)
	}
	if n := count(`SELECT COUNT(*) FROM outbox WHERE domain IN ('CLN','REF')`); n != issued {
		t.Errorf("%d outbox rows for %d documents", n, issued)
	}
}
