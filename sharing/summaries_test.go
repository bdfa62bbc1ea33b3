package sharing

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/documents"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/prescribing"
	"github.com/onramp-hk/onramp/clinic/stock"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// resourcesOf reads every resource of the given type from exported bundle files, by domain.
func resourcesOf(t *testing.T, files []string, typ string) map[string][]map[string]any {
	t.Helper()
	out := map[string][]map[string]any{}
	for _, b := range readExport(t, files) {
		data, err := os.ReadFile(b.file)
		if err != nil {
			t.Fatal(err)
		}
		var bundle struct {
			Entry []struct {
				Resource map[string]any `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(data, &bundle); err != nil {
			t.Fatal(err)
		}
		for _, e := range bundle.Entry {
			if e.Resource["resourceType"] == typ {
				out[b.domain] = append(out[b.domain], e.Resource)
			}
		}
	}
	return out
}

// fakePDF stands for a rendered document: the checks look for the PDF header.
func fakePDF(number string) (original, cp []byte, err error) {
	return []byte("%PDF-1.4\n% " + number + "\n%%EOF\n"), []byte("%PDF-1.4\n% COPY " + number + "\n%%EOF\n"), nil
}

// TestMedicationSummariesReferrals: prescribed items go to eHealth as medication records (MED),
// "active" when prescribed, "completed" with what was handed over once dispensed, a delete
// with the reason when cancelled; issued visit summaries and referral letters go as CLN and REF
// records carrying the stored PDF, a sick-leave certificate does not go at all. Every bundle
// passes OnRamp's own checks (nothing held) and the base FHIR R4 validator.
func TestMedicationSummariesReferrals(t *testing.T) {
	db := openDB(t)
	pid := addPatient(t, db, "Chan", "Tai Man")
	join(t, db, pid)
	doctor := audit.Actor{Username: "drwong"}
	today := time.Now().In(hongKong).Format(time.DateOnly)
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, Date: today}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	amox, err := formulary.Create(ctx, db, formulary.Input{LocalCode: "AMOX5", Name: "Amoxil", Strength: "500 mg", DispensingUnit: "cap",
		Ingredients: "amoxicillin 500 mg", RPPNo: "HK-12345", Price: "3"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	pan, err := formulary.Create(ctx, db, formulary.Input{LocalCode: "PARA", Name: "Panadol", Strength: "500 mg", DispensingUnit: "tab",
		Ingredients: "paracetamol 500 mg", Price: "1"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stock.Receive(ctx, db, stock.Receipt{DrugID: amox.ID, BatchNo: "B1", Expiry: "2099-01-31", Quantity: 100}, doctor); err != nil {
		t.Fatal(err)
	}
	given, err := prescribing.Prescribe(ctx, db, v.ID, prescribing.Input{DrugID: amox.ID, Dose: "1", Frequency: "TDS", Days: "5"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	pending, err := prescribing.Prescribe(ctx, db, v.ID, prescribing.Input{DrugID: pan.ID, Dose: "1", Frequency: "QID", Days: "3"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	dropped, err := prescribing.Prescribe(ctx, db, v.ID, prescribing.Input{DrugID: pan.ID, Dose: "2", Frequency: "PRN", PRNMax: "4", Days: "2",
		Confirmed: true, OverrideReason: "duplicate accepted"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := prescribing.Dispense(ctx, db, v.ID, []int64{given.ID}, today, doctor); err != nil {
		t.Fatal(err)
	}
	year := time.Now().In(hongKong).Year()
	summary, _, err := documents.Issue(ctx, db, documents.Document{VisitID: v.ID, PatientID: pid, Kind: documents.VisitSummary, Language: "en"}, year, fakePDF, doctor)
	if err != nil {
		t.Fatal(err)
	}
	referral, _, err := documents.Issue(ctx, db, documents.Document{VisitID: v.ID, PatientID: pid, Kind: documents.Referral, Language: "zh"}, year, fakePDF, doctor)
	if err != nil {
		t.Fatal(err)
	}
	sick, _, err := documents.Issue(ctx, db, documents.Document{VisitID: v.ID, PatientID: pid, Kind: documents.SickLeave, Language: "en"}, year, fakePDF, doctor)
	if err != nil {
		t.Fatal(err)
	}
	if err := prescribing.Cancel(ctx, db, dropped.ID, "patient has paracetamol at home", doctor); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	domains := testDomains()
	for _, d := range []ehrss.Domain{ehrss.DomainMedication, ehrss.DomainSummary, ehrss.DomainReferral} {
		domains[d] = Registered()[d]
	}
	e := newEngine(db, nil, func(o *Options) {
		o.Transport, o.Folder, o.Domains = nil, filepath.Join(dir, "sent"), domains
	})
	first, err := e.Export(ctx, filepath.Join(dir, "export-1"))
	if err != nil {
		t.Fatal(err)
	}
	if first.Held != 0 {
		t.Fatalf("export held %d records: %+v", first.Held, first)
	}
	got := map[string]string{} // record key -> domain / tx
	for _, b := range readExport(t, first.Files) {
		for i, k := range b.keys {
			got[k] = b.domain + "/" + b.txs[i]
		}
	}
	want := map[string]string{
		given.Key(): "MED/I", pending.Key(): "MED/I",
		documents.Key(summary.Kind, summary.ID): "CLN/I", documents.Key(referral.Kind, referral.ID): "REF/I",
	}
	for k, w := range want {
		if got[k] != w {
			t.Errorf("record %s: %q, want %q (all: %v)", k, got[k], w, got)
		}
	}
	if _, ok := got[dropped.Key()]; ok {
		t.Errorf("a cancelled item never sent went out: %v", got)
	}
	for k := range got {
		if strings.Contains(k, fmt.Sprintf("documents-%d", sick.ID)) {
			t.Errorf("a sick-leave certificate was shared: %s", k)
		}
	}

	reqs := resourcesOf(t, first.Files, "MedicationRequest")["MED"]
	disp := resourcesOf(t, first.Files, "MedicationDispense")["MED"]
	meds := resourcesOf(t, first.Files, "Medication")["MED"]
	statuses := map[string]bool{}
	for _, r := range reqs {
		statuses[fmt.Sprint(r["status"])] = true
	}
	if len(reqs) != 2 || !statuses["completed"] || !statuses["active"] {
		t.Errorf("medication requests %v, want one completed and one active", reqs)
	}
	if len(disp) != 1 || fmt.Sprint(disp[0]["quantity"].(map[string]any)["value"]) != "15" {
		t.Errorf("dispenses %v, want the 15 capsules handed over", disp)
	}
	if !strings.Contains(fmt.Sprint(meds), "HK-12345") || !strings.Contains(fmt.Sprint(meds), "AMOX5") {
		t.Errorf("medications %v do not carry the drug's code and RPP number", meds)
	}
	docs := resourcesOf(t, first.Files, "DocumentReference")
	for dom, number := range map[string]string{"CLN": summary.Number, "REF": referral.Number} {
		if len(docs[dom]) != 1 {
			t.Fatalf("%s document references: %v", dom, docs[dom])
		}
		att := docs[dom][0]["content"].([]any)[0].(map[string]any)["attachment"].(map[string]any)
		pdf, err := base64.StdEncoding.DecodeString(fmt.Sprint(att["data"]))
		if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") || !strings.Contains(string(pdf), number) || strings.Contains(string(pdf), "COPY") {
			t.Errorf("%s attachment %v: %q %v, want the original PDF of %s", dom, att["title"], pdf, err, number)
		}
	}

	// Each prescription names who prescribed it.
	for _, r := range resourcesOf(t, first.Files, "MedicationRequest")["MED"] {
		if req, _ := r["requester"].(map[string]any); req == nil || req["display"] == "" || req["type"] != "Practitioner" {
			t.Errorf("a prescription without its prescriber: %v", r)
		}
	}

	// Sent; then the pending item is cancelled: a delete with the reason.
	mustRun(t, e)
	if err := prescribing.Cancel(ctx, db, pending.ID, "changed to syrup", doctor); err != nil {
		t.Fatal(err)
	}
	second, err := e.Export(ctx, filepath.Join(dir, "export-2"))
	if err != nil {
		t.Fatal(err)
	}
	got = map[string]string{}
	for _, b := range readExport(t, second.Files) {
		for i, k := range b.keys {
			got[k] = b.domain + "/" + b.txs[i]
		}
	}
	if len(got) != 1 || got[pending.Key()] != "MED/D" {
		t.Errorf("after the cancel: %v, want only %s deleted", got, pending.Key())
	}
	if r := resourcesOf(t, second.Files, "MedicationRequest")["MED"]; len(r) != 1 || r[0]["status"] != "entered-in-error" {
		t.Errorf("cancelled item: %v", r)
	}

	files := append(append([]string{}, first.Files...), second.Files...)
	validator := filepath.Join(repoRoot(t), "..", "shared", "tools", "fhir-validate", "fhir-validate")
	if _, err := os.Stat(validator); err != nil {
		t.Skipf("fhir-validate not found at %s", validator)
	}
	if testing.Short() {
		t.Skip("fhir-validate takes several seconds; skipped with -short")
	}
	out, err := exec.Command(validator, files...).CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Logf("fhir-validate: %s", lines[len(lines)-1])
	if err != nil {
		t.Fatalf("fhir-validate failed: %v\n%s", err, out)
	}
	if want := fmt.Sprintf("%d passed, 0 failed", len(files)); !strings.Contains(lines[len(lines)-1], want) {
		t.Errorf("fhir-validate: %q, want %q", lines[len(lines)-1], want)
	}
}

// TestVisitInErrorWithdrawsItsRecords: a visit marked entered in error after its records were
// sent withdraws them all from eHealth — prescriptions and summary included, not only its
// diagnoses — with the visit's reason.
func TestVisitInErrorWithdrawsItsRecords(t *testing.T) {
	db := openDB(t)
	pid := addPatient(t, db, "Lee", "Siu Ming")
	join(t, db, pid)
	doctor := audit.Actor{Username: "drwong"}
	today := time.Now().In(hongKong).Format(time.DateOnly)
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, Date: today}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	pan, err := formulary.Create(ctx, db, formulary.Input{LocalCode: "PARA", Name: "Panadol", Strength: "500 mg", DispensingUnit: "tab",
		Ingredients: "paracetamol 500 mg", Price: "1"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	item, err := prescribing.Prescribe(ctx, db, v.ID, prescribing.Input{DrugID: pan.ID, Dose: "1", Frequency: "QID", Days: "3"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	summary, _, err := documents.Issue(ctx, db, documents.Document{VisitID: v.ID, PatientID: pid, Kind: documents.VisitSummary, Language: "en"},
		time.Now().In(hongKong).Year(), fakePDF, doctor)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	domains := testDomains()
	for _, d := range []ehrss.Domain{ehrss.DomainMedication, ehrss.DomainSummary} {
		domains[d] = Registered()[d]
	}
	e := newEngine(db, nil, func(o *Options) {
		o.Transport, o.Folder, o.Domains = nil, filepath.Join(dir, "sent"), domains
	})
	mustRun(t, e) // both go to eHealth

	cur, err := visits.Get(ctx, db.R, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := visits.MarkInError(ctx, db, v.ID, "opened on the wrong patient", cur.Version, doctor); err != nil {
		t.Fatal(err)
	}
	res, err := e.Export(ctx, filepath.Join(dir, "after"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, b := range readExport(t, res.Files) {
		for i, k := range b.keys {
			got[k] = b.domain + "/" + b.txs[i]
		}
	}
	if got[item.Key()] != "MED/D" || got[documents.Key(documents.VisitSummary, summary.ID)] != "CLN/D" {
		t.Errorf("after the visit was entered in error: %v, want the prescription and the summary deleted", got)
	}
}
