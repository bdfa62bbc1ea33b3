package e2e

import (
	"context"
	"database/sql"
	"encoding/base64"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/billing"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/users"
)

// TestBillPaidByVoucherAndCash: at the counter a 70-year-old's bill is paid half by Elderly
// Health Care Voucher and half in cash, the receipt is printed, the day is closed and the
// takings add up.
func TestBillPaidByVoucherAndCash(t *testing.T) {
	c := startClinic(t)
	ctx := context.Background()
	if _, err := practice.Setup(ctx, c.DB, practice.Practice{NameEN: "Happy Valley Clinic", NameZH: "跑馬地診所", Phone: "2576 1234"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: frontDeskPassword}, "e2e"); err != nil {
		t.Fatal(err)
	}
	var doctorID int64
	for _, u := range []users.NewUser{
		{Username: "drho", FullName: "Dr Ho Ka Yan", FullNameZH: "何家欣醫生", Roles: []string{users.RoleDoctor}, MCRNo: "M10234"},
		{Username: "mary", FullName: "Mary Chan", FullNameZH: "陳美麗", Roles: []string{users.RoleClerk}},
	} {
		u.Password = frontDeskPassword
		id, err := users.Add(ctx, c.DB, u, audit.System)
		if err != nil {
			t.Fatal(err)
		}
		if u.Username == "drho" {
			doctorID = id
		}
	}
	p, err := patients.Create(ctx, c.DB, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文", Sex: "M",
		DOB: "1955-05-17", Confirmed: true}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := billing.SetFee(ctx, c.DB, billing.FeeInput{Kind: billing.KindConsultation, Code: "consultation",
		NameEN: "Consultation", NameZH: "診金", Amount: "320"}, audit.System); err != nil {
		t.Fatal(err)
	}
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		loc = time.FixedZone("HKT", 8*3600)
	}
	today := time.Now().In(loc).Format("2006-01-02")
	// The visit as the consultation screens leave it.
	if err := c.DB.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO visits (id, patient_id, doctor_id, episode_no, visit_date, type, status, created_at, updated_at)
			VALUES (1, ?, ?, 'E-1', ?, 'consultation', 'signed', 'x', 'x')`, p.ID, doctorID, today)
		return err
	}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	b.run("log in as the clerk",
		chromedp.Navigate(c.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
		chromedp.SendKeys(chromedp.CSS(`#f-username`), "mary"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), frontDeskPassword),
		chromedp.Submit(chromedp.CSS(`#f-username`)),
		chromedp.WaitVisible(chromedp.CSS(`header .who`)), // signed in: the redirect is done
	)
	b.run("open the visit's bill", chromedp.Navigate(c.URL+"/visits/1/bill"), chromedp.WaitVisible(chromedp.CSS(`#pay-form`)))
	b.wantText(`#bill-lines`, "Consultation", "診金", "320.00")
	b.wantText(`#bill-balance`, "320.00")
	b.shot("bill")

	b.run("half by voucher",
		chromedp.Click(chromedp.CSS(`#m-voucher`)),
		chromedp.SendKeys(chromedp.CSS(`#f-amount`), "160"),
		chromedp.SendKeys(chromedp.CSS(`#f-reference`), "EHV-20261201-01"),
		// Mark this page so that the wait below finds the page the payment leads to, not this one.
		chromedp.Evaluate[chromedp.Void](`document.body.dataset.stale = "1"`),
		chromedp.Click(chromedp.CSS(`#pay-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`body:not([data-stale]) #bill-balance`)),
	)
	b.wantText(`#bill-balance`, "160.00")
	b.run("the rest in cash, with change",
		chromedp.Click(chromedp.CSS(`#m-cash`)),
		chromedp.SendKeys(chromedp.CSS(`#f-tendered`), "200"),
		chromedp.Click(chromedp.CSS(`#pay-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`#bill-status.st-settled`)),
	)
	if got := strings.TrimSpace(b.text(`#bill-balance`)); got != "0.00" {
		t.Errorf("balance after paying in full: %q", got)
	}
	b.wantText(`#bill-status`, "Settled")
	b.wantText(`#payments`, "Elderly Health Care Voucher", "EHV-20261201-01", "Cash", "40.00")
	b.shot("bill-paid")

	// Print the receipt: the same form the button sends, read back as the PDF the browser opens.
	ectx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	got, err := chromedp.Run(ectx, chromedp.Evaluate[string](`(async () => {
		const f = document.querySelector('#receipt-form');
		const r = await fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f))});
		const bytes = new Uint8Array(await r.arrayBuffer());
		let s = ''; for (const x of bytes) s += String.fromCharCode(x);
		return r.headers.get('content-type') + '|' + btoa(s);
	})()`, chromedp.EvalAwaitPromise))
	cancel()
	if err != nil {
		t.Fatalf("print the receipt: %v", err)
	}
	kind, data, _ := strings.Cut(got, "|")
	if kind != "application/pdf" {
		t.Fatalf("receipt is %q", kind)
	}
	pdf, _ := base64.StdEncoding.DecodeString(data)
	if text := pdfText(t, pdf); text != "" {
		for _, want := range []string{"R000001", "CHAN Tai Man", "陳大文", "Consultation", "320.00", "Elderly Health Care Voucher", "Cash", "Total"} {
			if !strings.Contains(text, want) {
				t.Errorf("receipt lacks %q:\n%s", want, text)
			}
		}
	}

	b.run("count the cash and close the day",
		chromedp.Navigate(c.URL+"/takings"),
		chromedp.WaitVisible(chromedp.CSS(`#close-form`)),
		chromedp.SendKeys(chromedp.CSS(`#f-counted`), "160"),
		chromedp.Click(chromedp.CSS(`#close-day`)),
		chromedp.WaitVisible(chromedp.CSS(`#day-closed`)),
	)
	b.wantText(`#takings-received`, "320.00")
	b.wantText(`#by-method`, "Elderly Health Care Voucher", "Cash", "160.00")
	b.wantText(`#by-doctor`, "Dr Ho Ka Yan", "320.00")
	b.wantText(`#cash-expected`, "160.00")
	b.wantText(`#cash-difference`, "0.00")
	b.shot("takings-closed")
	b.run("the closed day's bill is locked", chromedp.Navigate(c.URL+"/bills/1"), chromedp.WaitVisible(chromedp.CSS(`#bill-lines`)))
	b.wantText(`main`, "is closed")
}

// pdfText is the PDF's text by pdftotext, words joined by single spaces; "" without pdftotext.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext not installed: the receipt's text is not checked")
		return ""
	}
	path := filepath.Join(t.TempDir(), "receipt.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
