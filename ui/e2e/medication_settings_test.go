package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/prescribing"
	"github.com/onramp-hk/onramp/clinic/stock"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/clinic/visits"
)

// TestDispensarySettings: the administrator chooses "dispense what there is" and calibrates the
// 62 x 29 mm labels, a mistyped offset is refused with what was typed kept, the test label
// opens as a PDF; then a dispenser short of Panadol hands over what there is and the page says
// what is owing.
func TestDispensarySettings(t *testing.T) {
	c := startClinic(t)
	ctx := context.Background()
	if _, err := practice.Setup(ctx, c.DB, practice.Practice{NameEN: "Happy Valley Clinic", NameZH: "跑馬地診所"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: frontDeskPassword}, "e2e"); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Add(ctx, c.DB, users.NewUser{Username: "drho", FullName: "Dr Ho Ka Yan", Roles: []string{users.RoleDoctor, users.RoleDispenser},
		MCRNo: "M10234", Language: "en", Password: frontDeskPassword}, audit.System); err != nil {
		t.Fatal(err)
	}
	p, err := patients.Create(ctx, c.DB, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文",
		Sex: "M", DOB: "1980-05-17", Language: "both"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	v, err := visits.Open(ctx, c.DB, visits.OpenInput{PatientID: p.ID, Date: "2026-03-02"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	panadol, err := formulary.Create(ctx, c.DB, formulary.Input{LocalCode: "PARA", Name: "Panadol", Strength: "500 mg",
		DispensingUnit: "tab", Ingredients: "paracetamol 500 mg"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stock.Receive(ctx, c.DB, stock.Receipt{DrugID: panadol.ID, BatchNo: "P1", Expiry: "2030-01-31", Quantity: 10}, audit.System); err != nil {
		t.Fatal(err)
	}
	if _, err := prescribing.Prescribe(ctx, c.DB, v.ID, prescribing.Input{DrugID: panadol.ID, Dose: "1", Frequency: "TDS", Days: "5"},
		audit.Actor{Username: "drho"}); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	login := func(user string) {
		b.run("log in as "+user,
			chromedp.Navigate(c.URL+"/login"),
			chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
			chromedp.SendKeys(chromedp.CSS(`#f-username`), user),
			chromedp.SendKeys(chromedp.CSS(`#f-password`), frontDeskPassword),
			chromedp.Submit(chromedp.CSS(`#f-username`)),
			chromedp.WaitNotPresent(chromedp.CSS(`#f-password`)))
	}
	login("admin")
	b.run("open the dispensary settings from the menu",
		chromedp.Click(chromedp.CSS(`nav a[href="/admin/medication"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#short-stock`)))
	b.run("choose partial dispensing, the small labels and a mistyped offset",
		chromedp.Click(chromedp.CSS(`input[name="short_stock"][value="partial"]`)),
		chromedp.Click(chromedp.CSS(`input[name="label_layout"][value="Drug62x29"]`)),
		chromedp.SendKeys(chromedp.CSS(`#f-offset_x_Drug62x29`), "15"),
		chromedp.SendKeys(chromedp.CSS(`#f-offset_y_Drug62x29`), "-1.5"),
		chromedp.Submit(chromedp.CSS(`#f-offset_x_Drug62x29`)),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)))
	b.shot("settings-error")
	if got := b.value(`#f-offset_x_Drug62x29`); got != "15" {
		t.Errorf("typed offset not kept: %q", got)
	}
	b.wantText(`#labels`, "between -10 and 10")
	b.run("correct it and save",
		chromedp.Clear(chromedp.CSS(`#f-offset_x_Drug62x29`)),
		chromedp.SendKeys(chromedp.CSS(`#f-offset_x_Drug62x29`), "1.5"),
		chromedp.Submit(chromedp.CSS(`#f-offset_x_Drug62x29`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	b.shot("settings-saved")
	if got := b.value(`#f-offset_y_Drug62x29`); got != "-1.5" {
		t.Errorf("saved offset reads back %q", got)
	}
	if policy, _ := prescribing.ShortPolicy(ctx, c.DB.R); policy != prescribing.ShortPartial {
		t.Errorf("short-stock rule %q after saving", policy)
	}
	ctxT, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctxT, chromedp.Evaluate[string](`fetch(document.querySelector('#test-Drug62x29').href).then(async r => {
		const buf = new Uint8Array(await r.arrayBuffer());
		return r.status + ' ' + r.headers.get('content-type') + ' ' + String.fromCharCode(...buf.slice(0, 5));
	})`, chromedp.EvalAwaitPromise))
	if err != nil || !strings.HasPrefix(got, "200 application/pdf %PDF-") {
		t.Fatalf("test label: %q %v", got, err)
	}

	b.run("log out", chromedp.Submit(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS(`#f-username`)))
	login("drho")
	b.run("dispense with 10 of 15 tablets on the shelf",
		chromedp.Navigate(fmt.Sprintf("%s/visits/%d/medicines", c.URL, v.ID)),
		chromedp.Click(chromedp.CSS(`#dispense`)),
		chromedp.WaitVisible(chromedp.CSS(`.owing`)))
	b.shot("dispensed-short")
	b.wantText(`.notice`, "The rest is owing")
	b.wantText(`#items`, "owing 5")
	b.wantText(`#owing`, "Panadol 500 mg", "10 handed over, 5 tab still owing")
	if got := b.value(`#f-layout`); got != "Drug62x29" {
		t.Errorf("the labels are offered on %q, not the practice's 62 x 29 mm", got)
	}
	if left, _ := stock.OnHand(ctx, c.DB.R, panadol.ID); left != 0 {
		t.Errorf("stock left %d, want 0", left)
	}
}
