package ui

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/prescribing"
	"github.com/onramp-hk/onramp/clinic/stock"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/ui/print"
)

// medFixture is a practice with a patient who reads Chinese only, a visit and two brands of
// amoxicillin and one of paracetamol, with stock.
type medFixture struct {
	tc              *testClinic
	patient, visit  int64
	amoxil, moxypen formulary.Drug
	panadol         formulary.Drug
}

func newMedFixture(t *testing.T) *medFixture {
	t.Helper()
	tc := newTestClinic(t, true)
	ctx := context.Background()
	p, err := patients.Create(ctx, tc.db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文",
		Sex: "M", DOB: "1950-01-02", Language: "zh"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	v, err := visits.Open(ctx, tc.db, visits.OpenInput{PatientID: p.ID, Date: "2026-03-02"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	f := &medFixture{tc: tc, patient: p.ID, visit: v.ID}
	if err := tc.db.Write(ctx, func(tx *sql.Tx) error { return formulary.EnsureStandardCautions(ctx, tx) }); err != nil {
		t.Fatal(err)
	}
	mk := func(in formulary.Input) formulary.Drug {
		d, err := formulary.Create(ctx, tc.db, in, audit.System)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := stock.Receive(ctx, tc.db, stock.Receipt{DrugID: d.ID, BatchNo: "B1", Expiry: "2030-12-31", Quantity: 100}, audit.System); err != nil {
			t.Fatal(err)
		}
		return d
	}
	f.amoxil = mk(formulary.Input{LocalCode: "AMOX1", Name: "Amoxil", Strength: "250 mg", DispensingUnit: "cap", Ingredients: "amoxicillin 250 mg"})
	f.moxypen = mk(formulary.Input{LocalCode: "AMOX2", Name: "Moxypen", Strength: "500 mg", DispensingUnit: "cap",
		Ingredients: "amoxicillin 500 mg", CautionCodes: []string{"COURSE"}})
	f.panadol = mk(formulary.Input{LocalCode: "PARA", Name: "Panadol", Strength: "500 mg", DispensingUnit: "tab",
		Ingredients: "paracetamol 500 mg", CautionCodes: []string{"DROWSY"}})
	return f
}

func TestAllergyStateOnTheBanner(t *testing.T) {
	f := newMedFixture(t)
	b := f.tc.browser()
	b.login("nurse")
	page := fmt.Sprintf("/patients/%d/allergies", f.patient)
	_, body := b.get(page)
	if !strings.Contains(body, "Allergies not recorded") {
		t.Fatal("a patient with nothing recorded does not show \"not recorded\"")
	}
	if resp, _ := b.post(page+"/nkda", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("record NKDA: %d", resp.StatusCode)
	}
	if _, body = b.get(fmt.Sprintf("/patients/%d", f.patient)); !strings.Contains(body, "No known drug allergy") {
		t.Fatal("the patient page banner does not show NKDA")
	}
	// Bad input keeps what was typed and says what to fix.
	resp, body := b.post(page, url.Values{"allergen": {""}, "onset": {"last year"}, "remarks": {"keep me"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "keep me") || !strings.Contains(body, "YYYY-MM") {
		t.Fatalf("bad allergy form: %d", resp.StatusCode)
	}
	resp, _ = b.post(page, url.Values{"drug_id": {fmt.Sprint(f.amoxil.ID)}, "reaction_code": {"21"}, "certainty": {"C"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add allergy: %d", resp.StatusCode)
	}
	_, body = b.get(page)
	if !strings.Contains(body, "⚠ Allergies: Amoxil") {
		t.Fatal("the banner does not list the allergen")
	}
	resp, body = b.post(page+"/nkda", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "inactivate it with a reason") {
		t.Fatalf("NKDA beside an active allergy: %d", resp.StatusCode)
	}
	var id int64
	f.tc.db.R.QueryRow(`SELECT id FROM allergies WHERE patient_id = ?`, f.patient).Scan(&id)
	if resp, _ := b.post(fmt.Sprintf("%s/%d/inactivate", page, id), url.Values{"reason": {""}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("inactivate without a reason: %d", resp.StatusCode)
	}
	if resp, _ := b.post(fmt.Sprintf("%s/%d/inactivate", page, id), url.Values{"reason": {"entered for the wrong patient"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("inactivate: %d", resp.StatusCode)
	}
	_, body = b.get(page)
	if !strings.Contains(body, "Allergies not recorded") || !strings.Contains(body, "entered for the wrong patient") {
		t.Fatal("after inactivation the state is not back to \"not recorded\" with the reason kept")
	}
	var outbox int
	f.tc.db.R.QueryRow(`SELECT COUNT(*) FROM outbox WHERE domain = 'AL1' AND tx_type = 'D' AND reason = 'entered for the wrong patient'`).Scan(&outbox)
	if outbox != 1 {
		t.Fatalf("eHealth outbox delete rows = %d, want 1", outbox)
	}
	// A clerk sees the allergies but may not change them.
	clerk := f.tc.browser()
	clerk.login("clerk")
	if resp, _ := clerk.post(page+"/nkda", nil); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("clerk records NKDA: %d", resp.StatusCode)
	}
}

func TestPrescribeAllergyStopOverrideDispenseLabels(t *testing.T) {
	f := newMedFixture(t)
	doc := f.tc.browser()
	doc.login("doctor")
	base := fmt.Sprintf("/visits/%d/medicines", f.visit)
	if resp, _ := doc.post(fmt.Sprintf("/patients/%d/allergies", f.patient), url.Values{"drug_id": {fmt.Sprint(f.amoxil.ID)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("add allergy")
	}
	form := url.Values{"drug_id": {fmt.Sprint(f.moxypen.ID)}, "dose": {"1"}, "frequency": {"TDS"}, "days": {"5"}}
	resp, body := doc.post(base, form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "ALLERGY on file: Amoxil (ingredient amoxicillin)") ||
		!strings.Contains(body, `name="override_reason"`) {
		t.Fatalf("allergic prescription: %d, want the hard stop asking for a reason", resp.StatusCode)
	}
	form.Set("override_reason", "skin test negative 2025")
	if resp, _ = doc.post(base, form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("override: %d", resp.StatusCode)
	}
	if resp, _ = doc.post(base, url.Values{"drug_id": {fmt.Sprint(f.panadol.ID)}, "dose": {"1"}, "frequency": {"PRN"}, "prn_max": {"4"}, "days": {"3"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("panadol: %d", resp.StatusCode)
	}
	// A doctor prescribes; a dispenser dispenses and prints.
	disp := f.tc.browser()
	disp.login("dispenser")
	if resp, _ := disp.post(base, form); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("dispenser prescribing: %d", resp.StatusCode)
	}
	if resp, _ := disp.post(base+"/dispense", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("dispense: %d", resp.StatusCode)
	}
	_, body = disp.get(base)
	if strings.Count(body, "Dispensed") < 2 {
		t.Fatal("items not shown as dispensed")
	}
	resp, pdf := disp.get(fmt.Sprintf("/visits/%d/labels.pdf", f.visit))
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("labels: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	text := medPDFText(t, []byte(pdf))
	for _, want := range []string{"每日三次，每次一粒", "服用後可能引致昏睡", "Moxypen 500 mg", "15 cap", "陳大文"} {
		if !strings.Contains(text, want) {
			t.Errorf("label text lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "Take 1 capsule") {
		t.Error("a Chinese-only patient's label carries the English directions")
	}
	_, pdf = disp.get(fmt.Sprintf("/visits/%d/labels.pdf?lang=both&layout=Drug62x29", f.visit))
	if text = medPDFText(t, []byte(pdf)); !strings.Contains(text, "Take 1 capsule 3 times a day") || !strings.Contains(text, "每日三次") {
		t.Errorf("labels in both languages:\n%s", text)
	}
}

func TestDispenseShortIsToldClearly(t *testing.T) {
	f := newMedFixture(t)
	doc := f.tc.browser()
	doc.login("doctor")
	base := fmt.Sprintf("/visits/%d/medicines", f.visit)
	if resp, _ := doc.post(base, url.Values{"drug_id": {fmt.Sprint(f.panadol.ID)}, "dose": {"2"}, "frequency": {"QID"}, "days": {"14"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatal("prescribe")
	}
	resp, body := doc.post(base+"/dispense", nil)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Not enough Panadol 500 mg in stock: 112 needed, 100 on hand") {
		t.Fatalf("short dispense: %d", resp.StatusCode)
	}
	if n, _ := stock.OnHand(context.Background(), f.tc.db.R, f.panadol.ID); n != 100 {
		t.Fatalf("stock after a refused dispense: %d", n)
	}
}

func TestFormularyCSVRoundTrip(t *testing.T) {
	f := newMedFixture(t)
	b := f.tc.browser()
	b.login("dispenser")
	resp, csv := b.get("/formulary.csv")
	if resp.StatusCode != http.StatusOK || !strings.Contains(csv, "Moxypen") || !strings.Contains(csv, "COURSE") {
		t.Fatalf("export: %d\n%s", resp.StatusCode, csv)
	}
	edited := strings.Replace(csv, "Moxypen", "Moxypen Forte", 1) +
		"NEW1,Brufen,布洛芬,200 mg,tablet,PO,tab,tab,1,0,HK-01234,,0.20,1.50,1,TDS,3,,,6,50,ibuprofen 200 mg,FOOD,no,yes\n" +
		"BAD1,,,,,,,,,,HK-1,,,abc,,,,,,,,,,,\n"
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", b.csrf)
	w, _ := mw.CreateFormFile("file", "formulary.csv")
	io.WriteString(w, edited)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, f.tc.http.URL+"/formulary/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	r, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(r.Body)
	r.Body.Close()
	if r.StatusCode != http.StatusOK || !strings.Contains(string(page), "1 added, 3 updated, 1 rows left out") {
		t.Fatalf("import: %d\n%s", r.StatusCode, page)
	}
	d, err := formulary.List(context.Background(), f.tc.db.R, formulary.Filter{Query: "brufen"})
	if err != nil || len(d) != 1 || d[0].PriceCents != 150 || d[0].RPPNo != "HK-01234" || d[0].Cautions[0].Code != "FOOD" {
		t.Fatalf("imported drug: %+v %v", d, err)
	}
}

func TestStockReceiveAdjustAndLists(t *testing.T) {
	f := newMedFixture(t)
	b := f.tc.browser()
	b.login("dispenser")
	resp, body := b.post("/stock/receive", url.Values{"drug_id": {fmt.Sprint(f.panadol.ID)}, "batch_no": {"X9"}, "expiry": {"2026-13-01"}, "quantity": {"50"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="X9"`) {
		t.Fatalf("bad expiry: %d", resp.StatusCode)
	}
	if resp, _ = b.post("/stock/receive", url.Values{"drug_id": {fmt.Sprint(f.panadol.ID)}, "batch_no": {"X9"}, "expiry": {today(f.tc.srv).AddDate(0, 1, 0).Format("2006-01-02")}, "quantity": {"50"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("receive: %d", resp.StatusCode)
	}
	var batch int64
	f.tc.db.R.QueryRow(`SELECT id FROM stock_batches WHERE batch_no = 'X9'`).Scan(&batch)
	if resp, body = b.post(fmt.Sprintf("/stock/batches/%d", batch), url.Values{"delta": {"-60"}, "reason": {"damaged"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "stock cannot go below zero") {
		t.Fatalf("adjust below zero: %d", resp.StatusCode)
	}
	if resp, _ = b.post(fmt.Sprintf("/stock/batches/%d", batch), url.Values{"counted": {"48"}, "reason": {"other"}, "reason_text": {"stock-take"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("stock-take: %d", resp.StatusCode)
	}
	_, body = b.get("/stock")
	if !strings.Contains(body, "X9") {
		t.Fatal("a batch expiring next month is not on the expiring list")
	}
	var q int64
	f.tc.db.R.QueryRow(`SELECT quantity FROM stock_batches WHERE id = ?`, batch).Scan(&q)
	if q != 48 {
		t.Fatalf("after stock-take: %d", q)
	}
}

func TestImmunisationRecord(t *testing.T) {
	f := newMedFixture(t)
	ctx := context.Background()
	vac, err := formulary.Create(ctx, f.tc.db, formulary.Input{LocalCode: "FLU", Name: "Vaxigrip Tetra", DispensingUnit: "dose",
		IsVaccine: true, RPPNo: "HK-65432"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	b := f.tc.browser()
	b.login("nurse")
	page := fmt.Sprintf("/patients/%d/immunisations", f.patient)
	if resp, _ := b.post(page, url.Values{"drug_id": {fmt.Sprint(vac.ID)}, "given_on": {"2026-03-02"}, "dose_number": {"1"}, "batch_no": {"L123"}, "site": {"LD"}, "route": {"IM"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add dose: %d", resp.StatusCode)
	}
	if resp, _ := b.post(page, url.Values{"historical": {"on"}, "vaccine": {"BCG"}, "given_on": {"1950-02-01"}, "provider": {"DH"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add historical dose: %d", resp.StatusCode)
	}
	if resp, _ := b.post(page, url.Values{"vaccine": {"BCG"}, "given_on": {"2999-01-01"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("future, not from the formulary: %d", resp.StatusCode)
	}
	resp, pdf := b.get(page + ".pdf")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("record: %d", resp.StatusCode)
	}
	text := medPDFText(t, []byte(pdf))
	for _, want := range []string{"Vaxigrip Tetra", "L123", "BCG", "given elsewhere", "防疫注射紀錄"} {
		if !strings.Contains(text, want) {
			t.Errorf("record lacks %q:\n%s", want, text)
		}
	}
}

// medPDFText extracts a PDF's text with poppler's pdftotext.
func medPDFText(t testing.TB, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "x.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// BenchmarkVisitLabels100 prints 100 labels of a visit as the page does: labels built from the
// items, then one PDF.
func BenchmarkVisitLabels100(b *testing.B) {
	fonts := print.LoadFonts("", nil)
	p := patients.Patient{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文", Language: "both"}
	d := formulary.Drug{Name: "Amoxicillin", Strength: "500 mg", DispensingUnit: "cap", DoseUnit: "cap",
		Cautions: []formulary.Caution{{TextEN: "Finish the whole course", TextZH: "須服完整個療程"}, {TextEN: "May cause drowsiness", TextZH: "服用後可能引致昏睡"}}}
	items := make([]prescribing.Item, 100)
	for i := range items {
		items[i] = prescribing.Item{Drug: d, DoseMilli: 1000, DoseUnit: "cap", Frequency: "TDS", Days: 5, Quantity: 15, Route: "PO",
			Status: prescribing.StatusPrescribed}
	}
	pr := practice.Practice{NameEN: "Test Clinic", NameZH: "測試診所", Address: "1 Queen's Road Central", Phone: "2123 4567"}
	v := visits.Visit{Date: "2026-03-02", DoctorName: "Dr Wong"}
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		if err := print.WriteDrugLabels(&buf, fonts, drugLabelsFor(pr, p, v, items, "both"), print.Drug80x50); err != nil {
			b.Fatal(err)
		}
	}
}
