package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

func setUpPractice(t *testing.T, nPatients int) string {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Families Clinic"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: "correct horse 1"}, "test"); err != nil {
		t.Fatal(err)
	}
	if nPatients > 0 {
		if err := demo.Patients(ctx, db, nPatients, 1, "P"); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestExportImportCommands: `onramp export --fhir` then `onramp import --fhir` into an empty
// practice brings every patient over; a second import is refused in plain words.
func TestExportImportCommands(t *testing.T) {
	from := setUpPractice(t, 25)
	out := filepath.Join(t.TempDir(), "fhir")
	got, err := run(t, "--data", from, "export", "--fhir", out)
	if err != nil || !strings.Contains(got, "Patient") || !strings.Contains(got, "(25 patients") {
		t.Fatalf("export: %v\n%s", err, got)
	}
	to := setUpPractice(t, 0)
	got, err = run(t, "--data", to, "import", "--fhir", out)
	if err != nil || !strings.Contains(got, "Imported 25 patients") {
		t.Fatalf("import: %v\n%s", err, got)
	}
	got, err = run(t, "--data", to, "import", "--fhir", out)
	if err == nil || !strings.Contains(err.Error(), "empty practice") {
		t.Fatalf("second import: %v\n%s", err, got)
	}
	if _, err := run(t, "--data", to, "export"); err == nil || !strings.Contains(err.Error(), "--fhir DIR") {
		t.Errorf("export without a folder: %v", err)
	}
}
