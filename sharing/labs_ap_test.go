package sharing

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// TestLabAPLoader: pathology rows under a request number make one LABAP record (its own key,
// apart from the request's general tests) once the report's authorisation time and test name
// are copied onto the request; rows with values are diagnoses (level 2), a PDF alone is level
// 1; what the loader gives passes eHealth's checks and base FHIR R4; withdrawing the last row
// deletes the record.
func TestLabAPLoader(t *testing.T) {
	db := openDB(t)
	pid := addPatient(t, db, "Lee", "Mei Ling")
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, Date: "2026-11-20"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	st := results.Store{Dir: filepath.Join(filepath.Dir(db.Path), "files")}
	add := func(in results.Input) results.Result {
		t.Helper()
		r, err := st.Add(ctx, db, v.ID, in, audit.System)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	slip := results.Input{TakenOn: "2026-11-20", Laboratory: "Island Pathology", RequestNo: "IP26-1180", Category: results.Pathology,
		ReportStatus: "F", CollectedAt: "2026-11-18T10:30"}

	// Without the report's authorisation time and test name, a pathology row stays in the clinic.
	first := slip
	first.Test, first.Value = "Diagnosis", "Seborrhoeic keratosis, completely excised"
	if diag := add(first); diag.Shareable() {
		t.Fatalf("shareable without authorisation time and test name: %+v", diag)
	}
	// A general test under the same slip is LABGEN's, under its own key.
	chem := slip
	chem.Category, chem.Test, chem.Value = "CHEM", "Glucose", "5.1"
	add(chem)
	// The next row brings them from the printed report: the request keeps them.
	second := slip
	second.Test, second.Value = "Microscopic description", "Acanthotic epidermis with horn cysts; margins clear."
	second.AuthorisedAt, second.APTestName = "2026-11-19T16:05", "Skin biopsy"
	second.File = &results.File{Name: "IP26-1180 report.pdf", Data: []byte(testPDF)}
	micro := add(second)
	if !micro.Shareable() || micro.APTestName != "Skin biopsy" || micro.AuthorisedAt != "2026-11-19T16:05" {
		t.Fatalf("saved row: %+v", micro)
	}
	// A report file alone, level 1.
	pdfOnly := slip
	pdfOnly.RequestNo, pdfOnly.Test = "IP26-1201", ""
	pdfOnly.AuthorisedAt, pdfOnly.APTestName = "2026-11-20T11:00", "Cervical cytology"
	pdfOnly.File = &results.File{Name: "pap.pdf", Data: []byte(testPDF + " ")}
	only := add(pdfOnly)

	key, pdfKey := results.RequestKeyAP(micro.RequestID), results.RequestKeyAP(only.RequestID)
	var txs string
	if err := db.R.QueryRow(`SELECT group_concat(record_key || ':' || tx_type, ' ') FROM (SELECT record_key, tx_type FROM outbox
		WHERE domain = 'LABAP' ORDER BY id)`).Scan(&txs); err != nil {
		t.Fatal(err)
	}
	if want := key + ":I " + pdfKey + ":I"; txs != want {
		t.Fatalf("LABAP outbox %q, want %q", txs, want)
	}
	if gen, _ := Registered()[ehrss.DomainLabGeneral].Keys(ctx, db, pid); len(gen) != 1 || gen[0] != results.RequestKey(micro.RequestID) {
		t.Errorf("LABGEN keys %v: the pathology rows leaked into general results", gen)
	}

	l := Registered()[ehrss.DomainLabAP]
	keys, err := l.Keys(ctx, db, pid)
	if err != nil || strings.Join(keys, " ") != key+" "+pdfKey {
		t.Fatalf("keys %v %v, want %s %s", keys, err, key, pdfKey)
	}
	got, err := l.Load(ctx, db, append(keys, "OR-LABAP-lab_requests-999", results.RequestKey(micro.RequestID)))
	if err != nil || len(got) != 2 {
		t.Fatalf("load: %v %+v", err, got)
	}
	rep, ok := got[key].Item.(ehrss.LabReport)
	if !ok {
		t.Fatalf("item %T", got[key].Item)
	}
	for _, c := range []struct {
		name      string
		got, want any
	}{
		{"request no", rep.RequestNo, "IP26-1180"},
		{"category", rep.CategoryCode + " " + rep.CategoryDesc, "PATH Anatomical Pathology"},
		{"test name", rep.TestName, "Skin biopsy"},
		{"panel", rep.PanelDesc, "Skin biopsy"},
		{"authorised", rep.AuthorisedTime.Format("2006-01-02 15:04 -0700"), "2026-11-19 16:05 +0800"},
		{"reference time", rep.ReferenceTime.Format("2006-01-02 15:04 -0700"), "2026-11-18 10:30 +0800"},
		{"diagnoses", len(rep.Diagnoses), 2},
		{"diagnosis title", rep.Diagnoses[0].Title, "Diagnosis"},
		{"diagnosis text", rep.Diagnoses[0].Text, "Seborrhoeic keratosis, completely excised"},
		{"pdf", string(rep.PDF), testPDF},
		{"encounter", rep.EncounterKey, v.EpisodeNo},
	} {
		if c.got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	level1 := got[pdfKey].Item.(ehrss.LabReport)
	if len(level1.Diagnoses) != 0 || len(level1.PDF) == 0 || level1.TestName != "Cervical cytology" {
		t.Errorf("PDF-only report: %+v", level1)
	}

	patient := ehrss.Patient{RecordKey: "P1", EHRNo: "944272043043", DocType: "ID", DocNo: "A123456(3)", SurnameEN: "Lee",
		GivenNameEN: "Mei Ling", Sex: "F", DOB: "1975-02-03", DOBPrecision: "D"}
	rep.TxType, level1.TxType = ehrss.TxInsert, ehrss.TxInsert
	inst := ehrss.Institution{ID: "1234567890", NameEN: "Test Clinic"}
	pr := []ehrss.PatientRecords{{Patient: patient, LabReports: []ehrss.LabReport{rep, level1}}}
	if problems := ehrss.Check(inst, ehrss.DomainLabAP, ehrss.ModeNonBulk, pr); len(problems) > 0 {
		t.Fatalf("eHealth checks: %v", problems)
	}
	bundles, err := ehrss.BuildBundles(inst, ehrss.DomainLabAP, ehrss.ModeNonBulk, pr, rep.RecordTime)
	if err != nil || len(bundles) == 0 {
		t.Fatalf("bundles %d %v", len(bundles), err)
	}
	dir := t.TempDir()
	var files []string
	var testNames []string
	var observations int
	for i, b := range bundles {
		data, err := json.MarshalIndent(b, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entry {
			switch r := e.Resource.(type) {
			case *fhir.DiagnosticReport:
				testNames = append(testNames, r.Code.Text)
				if r.Issued == "" {
					t.Errorf("report %s without issued (authorisation time)", r.Code.Text)
				}
			case *fhir.Observation:
				observations++
			}
		}
		f := filepath.Join(dir, "labap-"+string(rune('a'+i))+".json")
		if err := os.WriteFile(f, data, 0o600); err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	sort.Strings(testNames) // bundles come one per compliance level
	if strings.Join(testNames, "|") != "Cervical cytology|Skin biopsy" || observations != 2 {
		t.Errorf("reports %q with %d observations; want Cervical cytology|Skin biopsy and 2", testNames, observations)
	}
	validate(t, files)

	// Withdrawing the report file's row deletes its record, with the reason.
	if err := results.MarkInError(ctx, db, v.ID, only.ID, "another patient's report", audit.System); err != nil {
		t.Fatal(err)
	}
	got, _ = l.Load(ctx, db, []string{pdfKey})
	if d := got[pdfKey]; !d.Deleted || d.DeleteReason != "another patient's report" {
		t.Fatalf("after withdrawal: %+v", d)
	}
	var last string
	db.R.QueryRow(`SELECT tx_type FROM outbox WHERE record_key = ? ORDER BY id DESC LIMIT 1`, pdfKey).Scan(&last)
	if last != "D" {
		t.Errorf("last outbox row of the withdrawn report: %q, want D", last)
	}
}
