package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

// openData opens a data folder's database after a command has closed it.
func openData(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return db
}

func countPatients(t *testing.T, dir string) int {
	t.Helper()
	db := openData(t, dir)
	defer db.Close()
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// realPractice sets a folder up as a clinic would, with one real patient.
func realPractice(t *testing.T, dir string) {
	t.Helper()
	db := openData(t, dir)
	defer db.Close()
	ctx := context.Background()
	if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Real Clinic"},
		users.NewUser{Username: "boss", FullName: "Boss", Roles: []string{users.RoleAdmin}, Password: "a real password"}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", Sex: "M", DOB: "1980-05-17",
		DocType: patients.DocHKID, DocNumber: "A123456(3)", Language: patients.LangBoth, Confirmed: true}, audit.System); err != nil {
		t.Fatal(err)
	}
}

func TestDemoBuildsAPracticeToTry(t *testing.T) {
	t.Setenv("ONRAMP_PASSWORD", "demo-password-1")
	t.Setenv("CI", "true")
	tests := []struct {
		name         string
		prepare      func(t *testing.T, dir string)
		args         []string
		wantErr      string   // part of the error, "" for success
		wantOut      []string // parts of the output
		wantPatients int
		wantLogins   bool // the demo logins exist and sign in
	}{
		{name: "new folder: practice, a login per role, patients",
			args:         []string{"--patients", "300", "--seed", "7"},
			wantOut:      []string{"admin", "doctor", "nurse", "dispenser", "clerk", "demo-password-1", "patients", "Demo practice ready"},
			wantPatients: 300, wantLogins: true},
		{name: "a demo folder grows without --force",
			prepare: func(t *testing.T, dir string) {
				if _, err := run(t, "demo", "--data", dir, "--patients", "100"); err != nil {
					t.Fatal(err)
				}
			},
			args: []string{"--patients", "50", "--seed", "2"}, wantOut: []string{"Making 50 patients"}, wantPatients: 150, wantLogins: true},
		{name: "a real practice is refused", prepare: realPractice,
			args: []string{"--patients", "50"}, wantErr: "real patients", wantPatients: 1},
		{name: "a real practice with --force", prepare: realPractice,
			args: []string{"--patients", "50", "--force"}, wantOut: []string{"Demo practice ready"}, wantPatients: 51},
		{name: "no patients asked for", args: []string{"--patients", "0"}, wantErr: "at least 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.prepare != nil {
				tt.prepare(t, dir)
			}
			out, err := run(t, append([]string{"demo", "--data", dir}, tt.args...)...)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one about %q\n%s", err, tt.wantErr, out)
			case tt.wantErr == "" && err != nil:
				t.Fatalf("demo: %v\n%s", err, out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tt.wantErr == "at least 1" {
				return
			}
			if n := countPatients(t, dir); n != tt.wantPatients {
				t.Errorf("%d patients, want %d", n, tt.wantPatients)
			}
			if tt.wantLogins {
				db := openData(t, dir)
				defer db.Close()
				for _, l := range demoStaff {
					u, err := users.Login(context.Background(), db, l.Username, "demo-password-1", "test")
					if err != nil {
						t.Errorf("demo login %s: %v", l.Username, err)
						continue
					}
					if !u.Has(l.Roles[0]) {
						t.Errorf("%s has roles %v", l.Username, u.Roles)
					}
				}
			}
		})
	}
}

func TestDemoPasswordsAreRandomWithoutOnrampPassword(t *testing.T) {
	t.Setenv("ONRAMP_PASSWORD", "")
	a, b := randomPassword(), randomPassword()
	if a == b || len(a) != 12 || len(a) < users.MinPassword {
		t.Errorf("passwords %q and %q", a, b)
	}
}
