package sharing

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

const testPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// TestLabLoader: results filed under one request number make one LABGEN record with all its
// tests (level 2, the clinic's own test names) and the report PDF; a PDF alone is a level 1
// record; rows lacking what eHealth needs are never shared; withdrawing the last row deletes the
// record; what the loader gives passes eHealth's checks and base FHIR R4.
func TestLabLoader(t *testing.T) {
	db := openDB(t)
	pid := addPatient(t, db, "Chan", "Tai Man")
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, Date: "2026-11-20"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	st := results.Store{Dir: filepath.Join(filepath.Dir(db.Path), "files")}
	slip := results.Input{TakenOn: "2026-11-20", Laboratory: "Kowloon Lab", RequestNo: "KL2611-0042", Category: "CHEM",
		ReportStatus: "F", CollectedAt: "2026-11-20T09:15"}
	add := func(in results.Input) results.Result {
		t.Helper()
		r, err := st.Add(ctx, db, v.ID, in, audit.System)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	in := slip
	in.Test, in.Value, in.Unit, in.RefRange, in.Abnormal = "HbA1c", "7.2", "%", "4.0-5.6", "H"
	hba1c := add(in)
	in = slip
	in.Test, in.Value, in.Unit, in.CollectedAt = "Urine microalbumin", "<5", "mg/L", "2026-11-20T08:50"
	in.File = &results.File{Name: "KL report.pdf", Data: []byte(testPDF)}
	add(in)
	pdfOnly := slip
	pdfOnly.RequestNo, pdfOnly.ReportStatus, pdfOnly.Test = "KL2611-0077", "P", "Lipid profile"
	pdfOnly.File = &results.File{Name: "lipids.pdf", Data: []byte(testPDF + " ")}
	only := add(pdfOnly)
	local := slip
	local.Test, local.Value, local.Category = "ESR", "12", "" // no category: stays in the clinic
	local.RequestNo = "KL2611-0099"
	add(local)
	noSlip := slip
	noSlip.Test, noSlip.Value, noSlip.RequestNo = "Hb", "13.1", ""
	add(noSlip)

	if hba1c.RequestNo != "KL2611-0042" || !hba1c.Shareable() {
		t.Fatalf("saved row: %+v", hba1c)
	}
	key, pdfKey := results.RequestKey(hba1c.RequestID), results.RequestKey(only.RequestID)
	var txs string
	if err := db.R.QueryRow(`SELECT group_concat(record_key || ':' || tx_type, ' ') FROM (SELECT record_key, tx_type FROM outbox
		WHERE domain = 'LABGEN' ORDER BY id)`).Scan(&txs); err != nil {
		t.Fatal(err)
	}
	if want := key + ":I " + key + ":U " + pdfKey + ":I"; txs != want {
		t.Fatalf("outbox %q, want %q", txs, want)
	}

	l := Registered()[ehrss.DomainLabGeneral]
	keys, err := l.Keys(ctx, db, pid)
	if err != nil || strings.Join(keys, " ") != key+" "+pdfKey {
		t.Fatalf("keys %v %v, want %s %s", keys, err, key, pdfKey)
	}
	got, err := l.Load(ctx, db, append(keys, "OR-LABGEN-lab_requests-999", "OR-AL1-allergies-1"))
	if err != nil || len(got) != 2 {
		t.Fatalf("load: %v %+v", err, got)
	}
	lab, ok := got[key].Item.(ehrss.LabResult)
	if !ok {
		t.Fatalf("item %T", got[key].Item)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"request no", lab.RequestNo, "KL2611-0042"},
		{"category", lab.CategoryCode + " " + lab.CategoryDesc, "CHEM Chemical Pathology"},
		{"status", lab.Status, "F"},
		{"reference time is the earliest collection", lab.ReferenceTime.Format("2006-01-02 15:04 -0700"), "2026-11-20 08:50 +0800"},
		{"tests", len(lab.Tests), 2},
		{"numeric", lab.Tests[0].Type, ehrss.ResultNumeric},
		{"flag", lab.Tests[0].Abnormal, "H"},
		{"detection limit", lab.Tests[1].DetectionLimit + lab.Tests[1].Value, "<5"},
		{"panel", lab.PanelDesc, "HbA1c, Urine microalbumin"},
		{"pdf", string(lab.PDF), testPDF},
		{"encounter", lab.EncounterKey, v.EpisodeNo},
		{"lab", lab.LabName, "Kowloon Lab"},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	level1 := got[pdfKey].Item.(ehrss.LabResult)
	if len(level1.Tests) != 0 || len(level1.PDF) == 0 || level1.PanelDesc != "Lipid profile" || level1.Status != "P" {
		t.Errorf("PDF-only request: %+v", level1)
	}

	// What the loader gives passes eHealth's own checks, and its bundles base FHIR R4.
	patient := ehrss.Patient{RecordKey: "P1", EHRNo: "944272043043", DocType: "ID", DocNo: "A123456(3)", SurnameEN: "Chan",
		GivenNameEN: "Tai Man", Sex: "M", DOB: "1980-05-17", DOBPrecision: "D"}
	lab.TxType, level1.TxType = ehrss.TxInsert, ehrss.TxInsert
	inst := ehrss.Institution{ID: "1234567890", NameEN: "Test Clinic"}
	pr := []ehrss.PatientRecords{{Patient: patient, LabResults: []ehrss.LabResult{lab, level1}}}
	if problems := ehrss.Check(inst, ehrss.DomainLabGeneral, ehrss.ModeNonBulk, pr); len(problems) > 0 {
		t.Fatalf("eHealth checks: %v", problems)
	}
	bundles, err := ehrss.BuildBundles(inst, ehrss.DomainLabGeneral, ehrss.ModeNonBulk, pr, lab.RecordTime)
	if err != nil || len(bundles) != 2 {
		t.Fatalf("bundles %d %v, want one per level", len(bundles), err)
	}
	dir := t.TempDir()
	var files []string
	var reports, observations int
	for i, b := range bundles {
		data, err := json.MarshalIndent(b, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entry {
			switch r := e.Resource.(type) {
			case *fhir.DiagnosticReport:
				reports++
				if len(r.Identifier) != 1 || !strings.HasPrefix(r.Identifier[0].Value, "KL2611-00") {
					t.Errorf("report identifier %+v", r.Identifier)
				}
			case *fhir.Observation:
				observations++
			}
		}
		f := filepath.Join(dir, "lab-"+string(rune('a'+i))+".json")
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	if reports != 2 || observations != 2 {
		t.Errorf("%d reports, %d observations; want 2 and 2", reports, observations)
	}
	validate(t, files)

	// Withdrawing rows: the record changes; the last row withdrawn deletes it, with the reason.
	if err := results.MarkInError(ctx, db, v.ID, only.ID, "wrong patient's slip", audit.System); err != nil {
		t.Fatal(err)
	}
	got, _ = l.Load(ctx, db, []string{pdfKey})
	if d := got[pdfKey]; !d.Deleted || d.DeleteReason != "wrong patient's slip" {
		t.Fatalf("after withdrawal: %+v", d)
	}
	var last string
	db.R.QueryRow(`SELECT tx_type FROM outbox WHERE record_key = ? ORDER BY id DESC LIMIT 1`, pdfKey).Scan(&last)
	if last != "D" {
		t.Errorf("last outbox row of the withdrawn request: %q, want D", last)
	}
	if keys, _ := l.Keys(ctx, db, pid); len(keys) != 2 {
		t.Errorf("keys after withdrawal %v: the deleted record is still listed for materialisation", keys)
	}

	// A merge moves the rows behind clinic/results' back: the request follows them, keeps its
	// key, and eHealth is told once per moved row.
	other := addPatient(t, db, "Wong", "Siu Ming")
	if _, err := db.W.ExecContext(ctx, `UPDATE results SET patient_id = ? WHERE request_id = ?`, other, hba1c.RequestID); err != nil {
		t.Fatal(err)
	}
	var owner int64
	var moves int
	db.R.QueryRow(`SELECT patient_id FROM lab_requests WHERE id = ?`, hba1c.RequestID).Scan(&owner)
	db.R.QueryRow(`SELECT count(*) FROM outbox WHERE record_key = ? AND tx_type = 'U' AND patient_id = ?`, key, other).Scan(&moves)
	got, _ = l.Load(ctx, db, []string{key})
	if owner != other || moves != 2 || got[key].PatientID != other {
		t.Errorf("after the move: request of %d, %d outbox rows, loaded for %d; want %d, 2, %d", owner, moves, got[key].PatientID, other, other)
	}
	if keys, _ := l.Keys(ctx, db, other); len(keys) != 1 || keys[0] != key {
		t.Errorf("survivor's keys %v, want [%s]", keys, key)
	}
}

// validate runs the project's base FHIR R4 validator over the files when it is there.
func validate(t *testing.T, files []string) {
	t.Helper()
	validator := filepath.Join(repoRoot(t), "..", "shared", "tools", "fhir-validate", "fhir-validate")
	if _, err := os.Stat(validator); err != nil {
		t.Logf("fhir-validate not found at %s: base FHIR not checked", validator)
		return
	}
	if testing.Short() {
		return
	}
	out, err := exec.Command(validator, files...).CombinedOutput()
	if err != nil {
		t.Fatalf("fhir-validate: %v\n%s", err, out)
	}
}
