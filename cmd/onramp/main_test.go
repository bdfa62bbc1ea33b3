package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"database/sql"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/store"
)

// run executes the onramp command line in-process and returns what it printed.
func run(t *testing.T, args ...string) (string, error) {
	t.Helper()
	cmd := newRootCommand()
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetErr(&out)
	cmd.SetArgs(args)
	err := cmd.Execute()
	return out.String(), err
}

func TestConfigExampleListsEverySetting(t *testing.T) {
	want := configYAML(nil)
	got, err := os.ReadFile("../../config.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != want {
		t.Errorf("config.example.yaml is not what `onramp init` writes; regenerate it with\n  go run ./cmd/onramp init --config config.example.yaml --force")
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "onramp.yaml"), []byte("listen: \"127.0.0.1:9001\"\nbackup:\n  keep: 7\nsession_idle_timeout: \"45m\"\n"), 0o600)
	tests := []struct {
		name       string
		env        map[string]string
		args       []string
		wantListen string
		wantKeep   int
	}{
		{"file over defaults", nil, nil, "127.0.0.1:9001", 7},
		{"env over file", map[string]string{"ONRAMP_LISTEN": "127.0.0.1:9002", "ONRAMP_BACKUP_KEEP": "3"}, nil, "127.0.0.1:9002", 3},
		{"flag over env", map[string]string{"ONRAMP_LISTEN": "127.0.0.1:9002"}, []string{"--listen", "127.0.0.1:9003"}, "127.0.0.1:9003", 7},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			cmd := serveCommand()
			addConfigFlags(cmd.Flags())
			if err := cmd.Flags().Parse(append([]string{"--data", dir}, tt.args...)); err != nil {
				t.Fatal(err)
			}
			c, err := loadConfig(cmd)
			if err != nil {
				t.Fatal(err)
			}
			if c.Listen != tt.wantListen || c.Backup.Keep != tt.wantKeep || c.IdleTimeout != 45*time.Minute {
				t.Errorf("listen %s keep %d idle %s", c.Listen, c.Backup.Keep, c.IdleTimeout)
			}
			if c.Backup.Dir != filepath.Join(dir, "backups") {
				t.Errorf("backup dir %s", c.Backup.Dir)
			}
		})
	}
}

func testConfig(t testing.TB, dir string) *Config {
	t.Helper()
	cmd := serveCommand()
	addConfigFlags(cmd.Flags())
	if err := cmd.Flags().Parse([]string{"--data", dir, "--listen", "127.0.0.1:0"}); err != nil {
		t.Fatal(err)
	}
	c, err := loadConfig(cmd)
	if err != nil {
		t.Fatal(err)
	}
	c.OpenBrowser = false
	return c
}

// startServing runs serve in the background and returns its URL and a stop function that
// waits for the graceful shutdown.
func startServing(t testing.TB, c *Config) (string, func()) {
	ctx, cancel := context.WithCancel(context.Background())
	urlc := make(chan string, 1)
	done := make(chan error, 1)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	go func() { done <- serve(ctx, c, log, func(u string, _ bool) { urlc <- u }) }()
	select {
	case u := <-urlc:
		return u, func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
		}
	case err := <-done:
		cancel()
		t.Fatalf("serve did not start: %v", err)
	case <-time.After(60 * time.Second):
		cancel()
		t.Fatal("serve did not start in 60 s")
	}
	return "", cancel
}

func TestFirstRunServesSetupOnAnEmptyFolder(t *testing.T) {
	c := testConfig(t, filepath.Join(t.TempDir(), "new-folder"))
	url, stop := startServing(t, c)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Get(url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/setup" {
		t.Errorf("GET /: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, err = client.Get(url + "/setup")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), `name="name_en"`) {
		t.Errorf("setup page: %d", resp.StatusCode)
	}

	// A second server on the same folder, and a restore, are refused while this one runs.
	c2 := testConfig(t, c.Data)
	if err := serve(context.Background(), c2, slog.New(slog.NewTextHandler(io.Discard, nil)), nil); err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("second server: %v", err)
	}
	out, err := run(t, "restore", "--data", c.Data, filepath.Join(c.Data, "whatever.zip"))
	if err == nil || !strings.Contains(err.Error(), "already running") {
		t.Errorf("restore while serving: %v %s", err, out)
	}
	stop()

	// After a clean shutdown the database is one self-contained file (WAL checkpointed).
	if st, err := os.Stat(filepath.Join(c.Data, "onramp.db-wal")); err == nil && st.Size() > 0 {
		t.Errorf("WAL left behind: %d bytes", st.Size())
	}
}

func TestBackupRestoreAndAuditVerifyFromTheCommandLine(t *testing.T) {
	data := t.TempDir()
	t.Setenv("ONRAMP_PASSWORD", "a long enough password")
	if out, err := run(t, "user", "add", "drlee", "--data", data, "--name", "Dr Lee", "--roles", "admin,doctor", "--mcr", "M54321"); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	out, err := run(t, "user", "list", "--data", data)
	if err != nil || !strings.Contains(out, "drlee") || !strings.Contains(out, "admin,doctor") {
		t.Fatalf("user list: %v\n%s", err, out)
	}
	if out, err := run(t, "user", "add", "x", "--data", data, "--roles", "doctor"); err == nil {
		t.Errorf("user add without name or MCR accepted: %s", out)
	} else if !strings.Contains(err.Error(), "Medical Council") {
		t.Errorf("unclear message: %v", err)
	}
	out, err = run(t, "backup", "--data", data)
	if err != nil || !strings.Contains(out, "verified") {
		t.Fatalf("backup: %v %s", err, out)
	}
	list, _ := store.ListBackups(filepath.Join(data, "backups"))
	if len(list) != 1 {
		t.Fatalf("backups: %d", len(list))
	}
	// A change after the backup, then restore: the change is gone, drlee is back as backed up.
	if _, err := run(t, "user", "disable", "drlee", "--data", data); err == nil {
		t.Error("disabled the only administrator")
	}
	if _, err := run(t, "user", "add", "clerk1", "--data", data, "--name", "Clerk", "--roles", "clerk"); err != nil {
		t.Fatal(err)
	}
	if out, err := run(t, "restore", "--data", data, list[0].Path); err != nil {
		t.Fatalf("restore: %v %s", err, out)
	}
	out, _ = run(t, "user", "list", "--data", data)
	if strings.Contains(out, "clerk1") || !strings.Contains(out, "drlee") {
		t.Errorf("after restore:\n%s", out)
	}
	// The audit chain verifies, then fails once a row is edited behind OnRamp's back.
	if out, err := run(t, "audit", "verify", "--data", data); err != nil || !strings.Contains(out, "intact") {
		t.Fatalf("audit verify: %v %s", err, out)
	}
	db, err := sql.Open("sqlite", filepath.Join(data, "onramp.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DROP TRIGGER audit_log_no_update; UPDATE audit_log SET detail = 'edited' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if out, err := run(t, "audit", "verify", "--data", data); err == nil {
		t.Errorf("audit verify passed on an edited log: %s", out)
	} else if !strings.Contains(err.Error(), "row 1") {
		t.Errorf("audit verify: %v", err)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	root := newRootCommand()
	for _, c := range root.Commands() {
		if c.Short == "" {
			t.Errorf("%s has no help", c.Name())
		}
		for _, sub := range c.Commands() {
			if sub.Short == "" {
				t.Errorf("%s %s has no help", c.Name(), sub.Name())
			}
		}
	}
	out, err := run(t, "--help")
	if err != nil || !strings.Contains(out, "restore") || !strings.Contains(out, "service") {
		t.Errorf("--help: %v\n%s", err, out)
	}
}

func TestServesHTTPSWithASelfSignedCertificate(t *testing.T) {
	c := testConfig(t, t.TempDir())
	c.TLS.SelfSigned = true
	url, stop := startServing(t, c)
	defer stop()
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %s", url)
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	resp, err := client.Get(url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.TLS == nil {
		t.Errorf("healthz over TLS: %d", resp.StatusCode)
	}
	for _, ck := range resp.Cookies() {
		if !ck.Secure {
			t.Errorf("cookie %s not Secure under TLS", ck.Name)
		}
	}
	if _, err := os.Stat(filepath.Join(c.Data, "tls", "key.pem")); err != nil {
		t.Error(err)
	}
}
