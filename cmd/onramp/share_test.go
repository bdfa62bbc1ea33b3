package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

// TestShareCommands: `share export` writes what would be sent and changes nothing, `share run
// --once` sends it (to the folder, without an endpoint), `share status` shows the result.
func TestShareCommands(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Families Clinic", HCPID: "9938744799"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: "correct horse 1"}, "test"); err != nil {
		t.Fatal(err)
	}
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", Sex: "M", DOB: "1980-05",
		DocType: patients.DocHKID, DocNumber: "A123456(3)"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if err := patients.SetEHealth(ctx, db, p.ID, patients.EHealthInput{Joined: true, EHRNo: "944272043043"}, audit.System); err != nil {
		t.Fatal(err)
	}
	db.Close()

	out, err := run(t, "--data", dir, "share", "status")
	if err != nil || !strings.Contains(out, "Last run:      never") || !strings.Contains(out, "Outbox:        2 changes") {
		t.Fatalf("status before: %v\n%s", err, out)
	}
	exp := filepath.Join(t.TempDir(), "export")
	out, err = run(t, "--data", dir, "share", "export", "--out", exp)
	if err != nil || !strings.Contains(out, "Wrote 1 bundles (1 records") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(exp, "PID-BLM-*.json"))
	if len(files) != 1 {
		t.Fatalf("exported %v", files)
	}
	out, _ = run(t, "--data", dir, "share", "status")
	if !strings.Contains(out, "Outbox:        2 changes") {
		t.Errorf("export changed the state:\n%s", out)
	}

	out, err = run(t, "--data", dir, "share", "run", "--once")
	if err != nil || !strings.Contains(out, "1 records accepted") {
		t.Fatalf("run: %v\n%s", err, out)
	}
	sent, _ := filepath.Glob(filepath.Join(dir, "outbox-bundles", "*.json"))
	if len(sent) != 1 {
		t.Fatalf("sent %v", sent)
	}
	a, _ := os.ReadFile(files[0])
	if !strings.Contains(string(a), `"resourceType": "Bundle"`) {
		t.Errorf("export is not an indented bundle: %.100s", a)
	}
	out, err = run(t, "--data", dir, "share", "status")
	if err != nil || !strings.Contains(out, "(command): 1 records accepted") || !regexpLine(out, `^PID\s+0\s+0\s+1\s+0\s+0\s+0$`) {
		t.Errorf("status after: %v\n%s", err, out)
	}
}

func regexpLine(out, re string) bool {
	for _, l := range strings.Split(out, "\n") {
		if regexp.MustCompile(re).MatchString(strings.TrimSpace(l)) {
			return true
		}
	}
	return false
}

func TestShareSettingsAreChecked(t *testing.T) {
	for _, tt := range []struct{ env, value, want string }{
		{"ONRAMP_SHARE_ENDPOINT", "http://ehealth.example.org/upload", "must be https"},
		{"ONRAMP_SHARE_SCHEDULE", "every now and then", "share.schedule"},
		{"ONRAMP_SHARE_CLIENT_CERT", "/tmp/cert.pem", "go together"},
		{"ONRAMP_SHARE_BUNDLE_MAX_PATIENTS", "0", "bundle_max_patients"},
	} {
		t.Run(tt.env, func(t *testing.T) {
			t.Setenv(tt.env, tt.value)
			_, err := run(t, "--data", t.TempDir(), "share", "status")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an error about %q", err, tt.want)
			}
		})
	}
}

// TestShareExportOfADemoPracticeValidates: every file `onramp share export` writes over a demo
// practice passes the project's base FHIR R4 validator (../shared/tools/fhir-validate), when
// the validator is there.
func TestShareExportOfADemoPracticeValidates(t *testing.T) {
	validator, _ := filepath.Abs(filepath.Join("..", "..", "..", "shared", "tools", "fhir-validate", "fhir-validate"))
	if _, err := os.Stat(validator); err != nil {
		t.Skipf("fhir-validate not found at %s", validator)
	}
	if testing.Short() {
		t.Skip("fhir-validate takes several seconds; skipped with -short")
	}
	dir := t.TempDir()
	ctx := context.Background()
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Families Clinic", NameZH: "家庭診所", HCPID: "9938744799"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: "correct horse 1"}, "test"); err != nil {
		t.Fatal(err)
	}
	if err := demo.Patients(ctx, db, 150, 5, "P"); err != nil { // about a third join eHealth
		t.Fatal(err)
	}
	db.Close()
	out := filepath.Join(t.TempDir(), "export")
	msg, err := run(t, "--data", dir, "share", "export", "--out", out)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, msg)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.json"))
	if len(files) < 20 {
		t.Fatalf("only %d files: %s", len(files), msg)
	}
	res, err := exec.Command(validator, files...).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(res)), "\n")
	t.Logf("%s; fhir-validate: %s", strings.TrimSpace(msg), lines[len(lines)-1])
	if err != nil {
		t.Fatalf("fhir-validate failed: %v\n%s", err, res)
	}
}
