package sharing

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// demoPractice fills a practice with made-up patients, joins most of those with an identity
// document to eHealth (a few with sharing consent), and gives some of them allergies.
func demoPractice(t testing.TB, db *store.DB, n int) (joined []int64, allergies []int64) {
	t.Helper()
	if err := demo.Patients(ctx, db, n, 7, "P"); err != nil {
		t.Fatal(err)
	}
	rows, err := db.R.Query(`SELECT id FROM patients WHERE doc_number IS NOT NULL ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	for i, id := range ids {
		if i%4 == 3 {
			continue // not joined
		}
		consent := patients.ConsentNone
		if i%3 == 0 {
			consent = patients.ConsentGiven
		}
		setEHealth(t, db, id, true, consent)
		for j := 0; j < i%4; j++ {
			allergies = append(allergies, addAllergy(t, db, id, []string{"Penicillin", "Aspirin", "Seafood 海鮮", "Latex"}[(i+j)%4]))
		}
	}
	// Some bookings in the diary, a few cancelled.
	d, doctor := diaryAt(t, db)
	for i, id := range ids[:min(6, len(ids))] {
		a := book(t, d, doctor, id, []int{9, 10, 11, 12, 15, 16}[i])
		if i%3 == 2 {
			if err := d.Cancel(ctx, a, "Rescheduled by phone", clerk); err != nil {
				t.Fatal(err)
			}
		}
	}
	// The demo data joins some patients of its own.
	rows, err = db.R.Query(`SELECT id FROM patients WHERE ehealth_joined = 1 AND doc_number IS NOT NULL AND merged_into IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		rows.Scan(&id)
		joined = append(joined, id)
	}
	return joined, allergies
}

// fingerprint is everything sharing keeps, to prove an export changes none of it.
func fingerprint(t testing.TB, db *store.DB) string {
	t.Helper()
	var parts []string
	for _, q := range []string{
		`SELECT COUNT(*) FROM outbox`,
		`SELECT COUNT(*) || '/' || COALESCE(GROUP_CONCAT(state || central, ','), '') FROM (SELECT state, central FROM sharing_records ORDER BY record_key)`,
		`SELECT COUNT(*) FROM sharing_patients`,
		`SELECT COUNT(*) FROM sharing_bundles`,
		`SELECT COUNT(*) FROM sharing_runs`,
		`SELECT COUNT(*) FROM sharing_events`,
		`SELECT COUNT(*) FROM audit_log`,
	} {
		var s string
		if err := db.R.QueryRow(q).Scan(&s); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " | ")
}

// TestExportChangesNothingAndValidates: `share export` over a demo practice writes the bundles
// a run would send, one file each, leaves every table as it was, and every file passes the
// project's base FHIR R4 validator (../shared/tools/fhir-validate) when it is there.
func TestExportChangesNothingAndValidates(t *testing.T) {
	db := openDB(t)
	joined, allergies := demoPractice(t, db, 40)
	dir := t.TempDir()
	e := newEngine(db, nil, func(o *Options) { o.Transport, o.Folder = nil, filepath.Join(dir, "sent") })

	before := fingerprint(t, db)
	first, err := e.Export(ctx, filepath.Join(dir, "export-1"))
	if err != nil {
		t.Fatal(err)
	}
	if after := fingerprint(t, db); after != before {
		t.Fatalf("export changed the database:\n before %s\n after  %s", before, after)
	}
	var bookings int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM appointments a JOIN patients p ON p.id = a.patient_id
		WHERE p.ehealth_joined = 1 AND p.doc_number IS NOT NULL`).Scan(&bookings); err != nil || bookings == 0 {
		t.Fatalf("bookings of joined patients: %d, %v", bookings, err)
	}
	if want := len(joined) + len(allergies) + bookings; len(first.Files) == 0 || first.Accepted != want {
		t.Fatalf("first export: %d files, %s; want %d records", len(first.Files), first, want)
	}

	// The real run sends the same records; then changes make an incremental upload.
	rep := mustRun(t, e)
	if rep.Accepted != first.Accepted {
		t.Errorf("run accepted %d, export showed %d", rep.Accepted, first.Accepted)
	}
	for i, a := range allergies {
		switch i % 3 {
		case 0:
			changeAllergy(t, db, a, "Amoxicillin")
		case 1:
			deleteAllergy(t, db, a, "Entered for the wrong patient")
		}
	}
	renamePatient(t, db, joined[0], "Renamed")
	// A booking removed outright (the diary cancels rather than deletes; a repair might not).
	if _, err := db.W.Exec(`DELETE FROM appointments WHERE id = (SELECT a.id FROM appointments a JOIN sharing_records r
		ON r.record_key = 'OR-ENC-appointments-' || a.id AND r.central = 'present' LIMIT 1)`); err != nil {
		t.Fatal(err)
	}
	before = fingerprint(t, db)
	second, err := e.Export(ctx, filepath.Join(dir, "export-2"))
	if err != nil {
		t.Fatal(err)
	}
	if after := fingerprint(t, db); after != before {
		t.Fatalf("second export changed the database:\n before %s\n after  %s", before, after)
	}
	var txs = map[string]int{}
	for _, f := range second.Files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var b fhir.Bundle
		if err := json.Unmarshal(data, &b); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, g := range readBundle(&b, "", "") {
			txs[g.Tx]++
		}
		if strings.Contains(string(data), `"entered-in-error"`) {
			txs["ENC D"]++
		}
	}
	if txs["U"] == 0 || txs["D"] < 2 || txs["ENC D"] != 1 || txs["I"] != 0 {
		t.Errorf("second export transaction types: %v", txs)
	}

	files := append(append([]string{}, first.Files...), second.Files...)
	t.Logf("exported %d + %d bundles", len(first.Files), len(second.Files))
	validator := filepath.Join(repoRoot(t), "..", "shared", "tools", "fhir-validate", "fhir-validate")
	if _, err := os.Stat(validator); err != nil {
		t.Skipf("fhir-validate not found at %s", validator)
	}
	if testing.Short() {
		t.Skip("fhir-validate takes several seconds; skipped with -short")
	}
	out, err := exec.Command(validator, files...).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Logf("fhir-validate: %s", lines[len(lines)-1])
	if err != nil {
		t.Fatalf("fhir-validate failed: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("%d passed, 0 failed", len(files)); !strings.Contains(lines[len(lines)-1], want) {
		t.Errorf("fhir-validate: %q, want %q", lines[len(lines)-1], want)
	}
}

// repoRoot is the directory holding go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
