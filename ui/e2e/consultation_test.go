package e2e

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsultation is a whole consultation in the browser: the doctor takes the next patient
// from the queue, records vitals, finds the diagnosis by typing three letters, writes and signs
// the note, and prints a sick leave certificate.
func TestConsultation(t *testing.T) {
	for _, tc := range []struct{ lang, signed, saved string }{
		{"en", "Signed", "Vitals saved."},
		{"zh-HK", "已簽署", "生命表徵已儲存。"},
	} {
		t.Run(tc.lang, func(t *testing.T) {
			c, _ := frontDesk(t, tc.lang)
			clerk := loginAs(t, c, "mary")
			if resp := clerk.post("/queue", url.Values{"patient": {"1"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("check-in: %d", resp.StatusCode)
			}
			b := newBrowser(t)
			b.run("doctor logs in",
				chromedp.Navigate(c.URL+"/login"),
				chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
				chromedp.SendKeys(chromedp.CSS(`#f-username`), "drho"),
				chromedp.SendKeys(chromedp.CSS(`#f-password`), frontDeskPassword),
				chromedp.Submit(chromedp.CSS(`#f-username`)),
				chromedp.WaitVisible(chromedp.CSS(`.tiles`)))
			b.run("next patient from the queue",
				chromedp.Navigate(c.URL+"/queue"),
				chromedp.WaitVisible(chromedp.CSS(`#q-next`)),
				chromedp.Click(chromedp.CSS(`#q-next`)),
				chromedp.WaitVisible(chromedp.CSS(`#note-form`)))
			b.wantText(`.v-head`, "V2026-")
			b.wantText(`.banner-patient`, "陳大文")
			b.shot("visit-opened")

			b.run("vitals",
				chromedp.SendKeys(chromedp.CSS(`#f-systolic`), "128"),
				chromedp.SendKeys(chromedp.CSS(`#f-diastolic`), "82"),
				chromedp.SendKeys(chromedp.CSS(`#f-pulse`), "1200"),
				chromedp.SendKeys(chromedp.CSS(`#f-temperature`), "38.2"),
				chromedp.Click(chromedp.CSS(`#save-vitals`)),
				chromedp.WaitVisible(chromedp.CSS(`.error-summary`)))
			if got := b.value(`#f-pulse`); got != "1200" {
				t.Errorf("the refused pulse was not kept: %q", got)
			}
			b.run("vitals corrected",
				chromedp.SetValue(chromedp.CSS(`#f-pulse`), "120"),
				chromedp.Click(chromedp.CSS(`#save-vitals`)),
				chromedp.WaitVisible(chromedp.CSS(`.notice`)))
			b.wantText(`.notice`, tc.saved)
			b.wantText(`#vitals table`, "128/82", "38.2")

			b.run("diagnosis by typing three letters",
				chromedp.SendKeys(chromedp.CSS(`#f-term`), "pha"),
				chromedp.WaitVisible(chromedp.CSS(`#term-list li`)))
			b.wantText(`#term-list`, "Acute pharyngitis", "急性咽喉炎")
			b.shot("diagnosis-choices")
			b.run("choose and add",
				chromedp.Click(chromedp.CSS(`#term-list li`)),
				chromedp.Click(chromedp.CSS(`#add-diagnosis`)),
				chromedp.WaitVisible(chromedp.CSS(`#diagnoses table`)))
			b.wantText(`#diagnoses table`, "Acute pharyngitis", "D003", "J02.9")

			b.run("write and sign the note",
				chromedp.SendKeys(chromedp.CSS(`#f-history`), "Sore throat for 3 days."),
				chromedp.SendKeys(chromedp.CSS(`#f-examination`), "Pharynx red."),
				chromedp.SendKeys(chromedp.CSS(`#f-assessment`), "Acute pharyngitis."),
				chromedp.SendKeys(chromedp.CSS(`#f-plan`), "Rest and fluids."),
				chromedp.Click(chromedp.CSS(`#sign-note`)),
				chromedp.WaitVisible(chromedp.CSS(`.v-amend`)))
			b.wantText(`#v-status`, tc.signed)
			b.wantText(`#note`, "Sore throat for 3 days.", "Rest and fluids.")
			b.shot("signed")

			// The certificate opens in a new tab; the visit page then lists it for reprinting.
			b.run("print a sick leave certificate",
				chromedp.SetValue(chromedp.CSS(`#f-kind`), "sick_leave"),
				chromedp.SetValue(chromedp.CSS(`#f-sl_days`), "2"),
				chromedp.Click(chromedp.CSS(`#f-sl_show_diagnosis`)),
				chromedp.Click(chromedp.CSS(`#issue-document`)))
			var pdf []byte
			for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline) && pdf == nil; time.Sleep(200 * time.Millisecond) {
				_ = c.DB.R.QueryRowContext(context.Background(), `SELECT pdf FROM documents WHERE kind = 'sick_leave'`).Scan(&pdf)
			}
			if pdf == nil {
				t.Fatal("no sick leave certificate was issued")
			}
			text := consultationPDFText(t, pdf)
			for _, w := range []string{"Sick Leave Certificate", "病假證明書", "SL-2026-000001", "(2 days)", "Acute pharyngitis", "M10234"} {
				if !strings.Contains(text, w) {
					t.Errorf("certificate lacks %q: %s", w, text)
				}
			}
			b.run("the visit lists the certificate",
				chromedp.Reload(),
				chromedp.WaitVisible(chromedp.CSS(`#documents table`)))
			b.wantText(`#documents table`, "SL-2026-000001")
			b.shot("documents")
		})
	}
}

// consultationPDFText extracts a PDF's text with pdftotext, words joined by single spaces.
func consultationPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
