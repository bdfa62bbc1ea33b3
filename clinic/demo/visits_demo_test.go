package demo

import (
	"context"
	"testing"

	"github.com/onramp-hk/onramp/clinic/visits"
)

func TestVisitsStep(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := Patients(ctx, db, 200, 3, "V"); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second run adds nothing
		if err := Visits(ctx, db, Options{Seed: 3, Visits: 7000}); err != nil {
			t.Fatal(err)
		}
	}
	var n, versions, diagnoses, episodes, inError int
	q := func(query string, dest *int) {
		if err := db.R.QueryRow(query).Scan(dest); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT COUNT(*) FROM visits`, &n)
	q(`SELECT COUNT(*) FROM visit_note_versions`, &versions)
	q(`SELECT COUNT(*) FROM visit_diagnoses`, &diagnoses)
	q(`SELECT COUNT(DISTINCT episode_no) FROM visits`, &episodes)
	q(`SELECT COUNT(*) FROM visits WHERE status = 'entered_in_error'`, &inError)
	if n < 6500 || n > 7000 || versions != n || diagnoses != n || episodes != n || inError == 0 {
		t.Fatalf("%d visits, %d versions, %d diagnoses, %d episode numbers, %d in error", n, versions, diagnoses, episodes, inError)
	}
	// A visit opened after the demo gets the next episode number of its year, not a duplicate.
	var pid int64
	if err := db.R.QueryRow(`SELECT id FROM patients LIMIT 1`).Scan(&pid); err != nil {
		t.Fatal(err)
	}
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, Date: "2026-06-01"}, Actor)
	if err != nil {
		t.Fatal(err)
	}
	if v.EpisodeNo == "" {
		t.Fatal("no episode number")
	}
}
