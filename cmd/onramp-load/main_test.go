package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/ui"
	"github.com/onramp-hk/onramp/ui/print"
)

const password = "load-test-password"

// demoServer is a small demo practice served by the real router.
func demoServer(t *testing.T) (url, dbPath string) {
	t.Helper()
	ctx := context.Background()
	dbPath = filepath.Join(t.TempDir(), store.FileName)
	db, err := store.Open(dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Load Clinic"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: password}, "test"); err != nil {
		t.Fatal(err)
	}
	for _, r := range []string{users.RoleClerk, users.RoleDoctor, users.RoleNurse} {
		n := users.NewUser{Username: r, FullName: r, Roles: []string{r}, Password: password}
		if r == users.RoleDoctor {
			n.MCRNo = "M12345"
		}
		if _, err := users.Add(ctx, db, n, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	if err := demo.Patients(ctx, db, 500, 3, "P"); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	views := audit.NewBatcher(db, log)
	srv, err := ui.New(ui.Config{Version: "test", IdleTimeout: 30 * time.Minute, Fonts: print.LoadFonts("", log)}, db, views, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		views.Close()
		db.Close()
	})
	return hs.URL, dbPath
}

// TestDriverSignsInAndDrivesEveryEndpoint runs the suite briefly against a real server: every
// endpoint answers with what it should (a failed request would show in the table), and the
// table holds a row per endpoint and concurrency with the goals beside them.
func TestDriverSignsInAndDrivesEveryEndpoint(t *testing.T) {
	url, dbPath := demoServer(t)
	t.Setenv("ONRAMP_PASSWORD", password)
	out := filepath.Join(t.TempDir(), "load.md")
	var stdout bytes.Buffer
	err := run([]string{"--url", url, "--db", dbPath, "--conns", "1,2", "--duration", "300ms", "--warmup", "50ms",
		"--labels", "3", "--pid", "self", "--out", out}, &stdout)
	if err == nil {
		t.Fatal("--pid self was accepted")
	}
	stdout.Reset()
	err = run([]string{"--url", url, "--db", dbPath, "--conns", "1,2", "--duration", "300ms", "--warmup", "50ms",
		"--labels", "3", "--pid", strconv.Itoa(os.Getpid()), "--out", out}, &stdout)
	if err != nil {
		t.Fatalf("%v\n%s", err, stdout.String())
	}
	table, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"500 patients and 0 visits on file", "| search | 1 |", "| search | 2 |", "| chart | 2 |", "| queue | 1 |",
		"| labels (3 per PDF) | 2 |", "p99 < 20 ms", "Server peak RSS", "| english name |", "| id document |"} {
		if !strings.Contains(string(table), want) {
			t.Errorf("table lacks %q:\n%s", want, table)
		}
	}
	if strings.Contains(stdout.String(), "first failure") {
		t.Errorf("requests failed:\n%s", stdout.String())
	}
	for _, line := range strings.Split(string(table), "\n") {
		if f := strings.Split(line, "|"); len(f) > 7 && strings.TrimSpace(f[6]) != "0" && strings.TrimSpace(f[6]) != "failed" && !strings.HasPrefix(f[6], "-") {
			t.Errorf("failures: %s", line)
		}
	}
}

func TestDriverRefusesAWrongPassword(t *testing.T) {
	url, dbPath := demoServer(t)
	t.Setenv("ONRAMP_PASSWORD", "not the password")
	err := run([]string{"--url", url, "--db", dbPath, "--duration", "10ms"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "sign in as clerk") {
		t.Fatalf("wrong password: %v", err)
	}
}
