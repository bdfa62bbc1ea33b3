// Package e2e drives OnRamp in real headless Chromium, as the clinic uses it. Each feature
// adds its part of the clinic day here. Without Chromium the tests are skipped, except in CI
// (CI=true), where a missing browser is a failure.
package e2e

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/ui"
)

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// clinic is a fresh practice served over real HTTP.
type clinic struct {
	URL  string
	DB   *store.DB
	Data string
}

func startClinic(t *testing.T) *clinic {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	views := audit.NewBatcher(db, log)
	srv, err := ui.New(ui.Config{Version: "e2e", BackupDir: filepath.Join(dir, "backups"),
		BackupNow: func(ctx context.Context, reason string) (store.BackupInfo, error) {
			return db.Backup(ctx, store.BackupOptions{Dir: filepath.Join(dir, "backups"), Reason: reason})
		}}, db, views, log)
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		views.Close()
		db.Close()
	})
	return &clinic{URL: hs.URL, DB: db, Data: dir}
}

// browser is one headless Chromium with a fresh profile. On failure it leaves a screenshot
// and the page's HTML in testdata-out/e2e/TESTNAME (or $ONRAMP_E2E_OUT).
type browser struct {
	t   *testing.T
	ctx context.Context
}

func newBrowser(t *testing.T) *browser {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if strings.EqualFold(os.Getenv("CI"), "true") {
			t.Fatal("Chromium is not installed: .ci/run installs it (apt-get install chromium)")
		}
		t.Skip("Chromium not found: install it (Debian/Ubuntu: apt-get install chromium) to run the browser tests")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.WindowSize(1366, 768),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	b := &browser{t: t, ctx: ctx}
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			b.saveEvidence("failure")
		}
		cancelT()
		cancelC()
		cancelA()
	})
	return b
}

func outDir(t *testing.T) string {
	base := os.Getenv("ONRAMP_E2E_OUT")
	if base == "" {
		base = filepath.Join("..", "..", "testdata-out", "e2e")
	}
	d := filepath.Join(base, strings.ReplaceAll(t.Name(), "/", "_"))
	os.MkdirAll(d, 0o755)
	return d
}

// saveEvidence writes a full-page screenshot and the HTML of the current page.
func (b *browser) saveEvidence(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, _ := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 gives PNG; less gives JPEG
	html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("html")))
	d := outDir(b.t)
	if len(png) > 0 {
		os.WriteFile(filepath.Join(d, name+".png"), png, 0o644)
	}
	os.WriteFile(filepath.Join(d, name+".html"), []byte(html), 0o644)
	b.t.Logf("saved %s/%s.png and .html", d, name)
}

// shot keeps a screenshot for the notes when ONRAMP_E2E_SHOTS is set.
func (b *browser) shot(name string) {
	if os.Getenv("ONRAMP_E2E_SHOTS") != "" {
		b.saveEvidence(name)
	}
}

// stepTimeout bounds one step, so that a missing element fails in seconds with the step's name
// instead of waiting out the whole test.
const stepTimeout = 20 * time.Second

// run performs actions and fails the test at the first error, naming the step.
func (b *browser) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
}

// text returns the visible text of the first element matching sel.
func (b *browser) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// value returns the current value of a form field.
func (b *browser) value(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read %s: %v", sel, err)
	}
	return s
}

// wantText fails unless the element's text holds every string.
func (b *browser) wantText(sel string, wants ...string) {
	b.t.Helper()
	got := b.text(sel)
	for _, w := range wants {
		if !strings.Contains(got, w) {
			b.t.Errorf("%s does not show %q; it shows:\n%s", sel, w, got)
		}
	}
}
