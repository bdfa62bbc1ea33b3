package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/stock"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/clinic/visits"
)

// TestPrescribeToAnAllergicPatient: the doctor prescribes a brand of amoxicillin to a patient
// allergic to another brand; the check stops it; the doctor overrides with a reason; the drug is
// dispensed; the visit's labels open as a PDF.
func TestPrescribeToAnAllergicPatient(t *testing.T) {
	c := startClinic(t)
	ctx := context.Background()
	if _, err := practice.Setup(ctx, c.DB, practice.Practice{NameEN: "Happy Valley Clinic", NameZH: "跑馬地診所", Phone: "2576 1234"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: frontDeskPassword}, "e2e"); err != nil {
		t.Fatal(err)
	}
	if _, err := users.Add(ctx, c.DB, users.NewUser{Username: "drho", FullName: "Dr Ho Ka Yan", FullNameZH: "何家欣醫生",
		Roles: []string{users.RoleDoctor, users.RoleDispenser}, MCRNo: "M10234", Language: "en", Password: frontDeskPassword}, audit.System); err != nil {
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
	amoxil, err := formulary.Create(ctx, c.DB, formulary.Input{LocalCode: "AMOX1", Name: "Amoxil", Strength: "250 mg",
		DispensingUnit: "cap", Ingredients: "amoxicillin 250 mg"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	moxypen, err := formulary.Create(ctx, c.DB, formulary.Input{LocalCode: "AMOX2", Name: "Moxypen", Strength: "500 mg",
		DispensingUnit: "cap", Ingredients: "amoxicillin 500 mg", Price: "3"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stock.Receive(ctx, c.DB, stock.Receipt{DrugID: moxypen.ID, BatchNo: "M1", Expiry: "2030-01-31", Quantity: 30}, audit.System); err != nil {
		t.Fatal(err)
	}
	if _, err := allergies.Add(ctx, c.DB, p.ID, allergies.Input{DrugID: amoxil.ID, ReactionCode: "21", Certainty: "C"}, audit.System); err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	page := fmt.Sprintf("%s/visits/%d/medicines", c.URL, v.ID)
	b.run("log in",
		chromedp.Navigate(c.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
		chromedp.SendKeys(chromedp.CSS(`#f-username`), "drho"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), frontDeskPassword),
		chromedp.Submit(chromedp.CSS(`#f-username`)),
		chromedp.WaitNotPresent(chromedp.CSS(`#f-password`)))
	b.run("open the visit's medicines", chromedp.Navigate(page), chromedp.WaitVisible(chromedp.CSS(`#f-drug_id`)))
	b.wantText(`.banner-patient`, "Amoxil")
	b.run("prescribe Moxypen",
		chromedp.SetValue(chromedp.CSS(`#f-drug_id`), fmt.Sprint(moxypen.ID)),
		chromedp.SendKeys(chromedp.CSS(`#f-dose`), "1"),
		chromedp.SetValue(chromedp.CSS(`#f-frequency`), "TDS"),
		chromedp.SendKeys(chromedp.CSS(`#f-days`), "5"),
		chromedp.Click(chromedp.CSS(`#prescribe-save`)),
		chromedp.WaitVisible(chromedp.CSS(`#findings`)))
	b.wantText(`#findings`, "ALLERGY on file: Amoxil (ingredient amoxicillin)")
	b.shot("allergy-stop")
	if got := b.value(`#f-days`); got != "5" {
		t.Errorf("typed days not kept after the stop: %q", got)
	}
	b.run("override with a reason",
		chromedp.SendKeys(chromedp.CSS(`#f-override_reason`), "skin test negative, observed 30 min"),
		chromedp.Click(chromedp.CSS(`#prescribe-save`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	b.wantText(`#items`, "Moxypen 500 mg", "15 cap", "skin test negative")
	// The return form shows only once something has been handed over.
	b.run("dispense", chromedp.Click(chromedp.CSS(`#dispense`)), chromedp.WaitVisible(chromedp.CSS(`input[name="return_qty"]`)))
	b.wantText(`#items`, "Dispensed")
	b.shot("dispensed")

	// The labels open as a PDF in the browser's own session.
	ctxT, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	got, err := chromedp.Run(ctxT, chromedp.Evaluate[string](fmt.Sprintf(`fetch('/visits/%d/labels.pdf').then(async r => {
		const buf = new Uint8Array(await r.arrayBuffer());
		return r.status + ' ' + r.headers.get('content-type') + ' ' + String.fromCharCode(...buf.slice(0, 5));
	})`, v.ID), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "200 application/pdf %PDF-") {
		t.Fatalf("labels: %q", got)
	}
	b.run("open the labels", chromedp.Navigate(fmt.Sprintf("%s/visits/%d/labels.pdf", c.URL, v.ID)))

	var n int
	c.DB.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'override' AND detail LIKE '%skin test negative%'`).Scan(&n)
	if n != 1 {
		t.Errorf("override audit rows: %d", n)
	}
	if left, _ := stock.OnHand(ctx, c.DB.R, moxypen.ID); left != 15 {
		t.Errorf("stock left %d, want 15", left)
	}
}
