package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
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
	"github.com/onramp-hk/onramp/sharing"
	"github.com/onramp-hk/onramp/ui"
)

// dayClinic is a fresh practice served over real HTTP with the eHealth adapter running inside
// the server as `onramp serve` runs it: the sharing page's "send now" starts a real run, and
// the folder transport (the default while no endpoint is set) writes each bundle to Bundles.
type dayClinic struct {
	*clinic
	Bundles string
	drugs   map[string]int64 // the formulary's drugs by name, once the practice is set up
	episode string           // the day's visit's episode number, once the doctor opens it
}

func startDayClinic(t *testing.T) *dayClinic {
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
	bundles := filepath.Join(dir, "ehealth-outbox")
	runCtx, stopRuns := context.WithCancel(context.Background())
	svc, err := sharing.NewService(runCtx, sharing.New(db, sharing.Options{Folder: bundles, Log: log}), "", log)
	if err != nil {
		t.Fatal(err)
	}
	srv.AttachSharing(svc)
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(func() {
		hs.Close()
		stopRuns()
		svc.Wait()
		views.Close()
		db.Close()
	})
	return &dayClinic{clinic: &clinic{URL: hs.URL, DB: db, Data: dir}, Bundles: bundles}
}

// dayLogin signs a member of staff in on the login page and waits for the home page's tiles, so
// that the next navigation does not race the login's own redirect. Every member of staff was
// created with the run's language: the home page must greet them in it, and the header must
// offer the other language.
func (b *browser) dayLogin(base string, d dayStrings, username, password string) {
	b.t.Helper()
	b.run("log in as "+username,
		chromedp.Navigate(base+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
		chromedp.SendKeys(chromedp.CSS(`#f-username`), username),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), password),
		chromedp.Submit(chromedp.CSS(`#f-username`)),
		chromedp.WaitVisible(chromedp.CSS(`.tiles`)))
	b.daySpeaks(d)
}

// daySpeaks fails unless the page greets in the run's language and offers the other one.
func (b *browser) daySpeaks(d dayStrings) {
	b.t.Helper()
	b.wantText(`main h1`, d.home)
	other := "繁體中文"
	if d.lang == "zh-HK" {
		other = "English"
	}
	b.wantText(`header`, d.logout, other)
}

// dayLogout presses the header's log-out button, whose label is in the user's language.
func (b *browser) dayLogout(label string) {
	b.t.Helper()
	b.run("log out ("+label+")",
		chromedp.Click(chromedp.Search(`//button[normalize-space()="`+label+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)))
}

// dayLocation is the address of the current page.
func (b *browser) dayLocation() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("location: %v", err)
	}
	return loc
}

// dayFetchPDF runs script (an async function body that returns a fetch Response) in the page, in
// the browser's own session, and returns the body, failing unless it is a PDF.
func (b *browser) dayFetchPDF(step, script string) []byte {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(async () => {
		const r = await (async () => {`+script+`})();
		const bytes = new Uint8Array(await r.arrayBuffer());
		let s = ''; for (const x of bytes) s += String.fromCharCode(x);
		return r.status + '|' + r.headers.get('content-type') + '|' + btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("%s: %v", step, err)
	}
	parts := strings.SplitN(got, "|", 3)
	if len(parts) != 3 || parts[0] != "200" || !strings.HasPrefix(parts[1], "application/pdf") {
		b.t.Fatalf("%s: answer %q", step, strings.Join(parts[:min(len(parts), 2)], " "))
	}
	pdf, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		b.t.Fatalf("%s: not a PDF (%v)", step, err)
	}
	return pdf
}

// dayPDFText is a PDF's text by pdftotext, words joined by single spaces. The day checks what
// the patient takes home, so without pdftotext it fails rather than passing unchecked.
func dayPDFText(t *testing.T, name string, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext is not installed (Debian: apt-get install poppler-utils): cannot read the %s", name)
	}
	path := filepath.Join(t.TempDir(), name+".pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext %s: %v", name, err)
	}
	if os.Getenv("ONRAMP_E2E_SHOTS") != "" {
		os.WriteFile(filepath.Join(outDir(t), name+".pdf"), pdf, 0o644)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

// dayWantAll fails for each string the text lacks.
func dayWantAll(t *testing.T, what, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q; it reads:\n%s", what, w, text)
		}
	}
}

// dayBundles polls the transport's folder until a run has written bundles for every
// domain named, and returns each file's content by name.
func dayBundles(t *testing.T, dir string, domains ...string) map[string]string {
	t.Helper()
	var files map[string]string
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		files = map[string]string{}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") || !strings.HasSuffix(e.Name(), ".json") {
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err == nil {
				files[e.Name()] = string(data)
			}
		}
		missing := ""
		for _, d := range domains {
			if dayBundleOf(files, d) == "" {
				missing = d
				break
			}
		}
		if missing == "" {
			return files
		}
		if time.Now().After(deadline) {
			names := make([]string, 0, len(files))
			for n := range files {
				names = append(names, n)
			}
			t.Fatalf("no %s bundle in the eHealth folder after 15 s; it holds %v", missing, names)
		}
	}
}

// dayBundleOf is the content of the bundles of one domain (files are named DOMAIN-MODE-ID.json).
func dayBundleOf(files map[string]string, domain string) string {
	var all []string
	for name, body := range files {
		if strings.HasPrefix(name, domain+"-") {
			all = append(all, body)
		}
	}
	return strings.Join(all, "\n")
}

func dayIDFrom(t *testing.T, what, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil || id <= 0 {
		t.Fatalf("no %s id in %q", what, s)
	}
	return id
}
