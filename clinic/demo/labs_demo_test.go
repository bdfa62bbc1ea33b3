package demo

import (
	"context"
	"testing"
)

// The laboratory step files results under request numbers with everything eHealth needs, puts
// each shareable request in the outbox, leaves one in ten requests for the clinic alone, stays
// within its bound, and adds nothing on a second run.
func TestLabsStep(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := Patients(ctx, db, 120, 5, "L"); err != nil {
		t.Fatal(err)
	}
	if err := Visits(ctx, db, Options{Seed: 5, Visits: 2400}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := Labs(ctx, db, Options{Seed: 5}); err != nil {
			t.Fatal(err)
		}
	}
	var requests, local, pdfs, keys, inserts, rows, pathology int
	for _, c := range []struct {
		q    string
		dest *int
	}{
		{`SELECT COUNT(*) FROM lab_requests`, &requests},
		{`SELECT COUNT(*) FROM results WHERE request_id IS NULL AND laboratory = 'Demo Laboratory' AND test != 'HbA1c'`, &local},
		{`SELECT COUNT(*) FROM results WHERE request_id IS NOT NULL AND file_id IS NOT NULL`, &pdfs},
		// General requests go to LABGEN, pathology reports to LABAP: one record each.
		{`SELECT COUNT(DISTINCT record_key) FROM outbox WHERE domain IN ('LABGEN', 'LABAP')`, &keys},
		{`SELECT COUNT(*) FROM outbox WHERE domain IN ('LABGEN', 'LABAP') AND tx_type = 'I'`, &inserts},
		{`SELECT COUNT(*) FROM outbox WHERE domain = 'LABAP'`, &pathology},
		{`SELECT COUNT(*) FROM results WHERE request_id IS NOT NULL AND (category = '' OR report_status = '' OR collected_at = '')`, &rows},
	} {
		if err := db.R.QueryRow(c.q).Scan(c.dest); err != nil {
			t.Fatal(err)
		}
	}
	if requests == 0 || requests > maxLabRequests || keys != requests || inserts != requests || local == 0 || pdfs == 0 || rows != 0 || pathology == 0 {
		t.Fatalf("%d requests (max %d), %d outbox keys, %d inserts, %d results for the clinic alone, %d with a PDF, %d incomplete, %d pathology",
			requests, maxLabRequests, keys, inserts, local, pdfs, rows, pathology)
	}
}
