package ehrss

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// TestFHIRValidate writes bundles of every domain (inserts, deletes, the
// level variants and a two-patient package) and runs the project's base
// FHIR R4 validator on them. It is skipped when the validator is not beside
// the repository (../shared/tools/fhir-validate) or with -short.
func TestFHIRValidate(t *testing.T) {
	validator := filepath.Join(repoRoot(t), "..", "shared", "tools", "fhir-validate", "fhir-validate")
	if _, err := os.Stat(validator); err != nil {
		t.Skipf("fhir-validate not found at %s", validator)
	}
	if testing.Short() {
		t.Skip("fhir-validate takes several seconds; skipped with -short")
	}

	dir := t.TempDir()
	var files []string
	write := func(name string, bs []*fhir.Bundle) {
		t.Helper()
		for i, b := range bs {
			data, err := json.MarshalIndent(b, "", "  ")
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			file := filepath.Join(dir, fmt.Sprintf("%s-%d.json", name, i))
			if err := os.WriteFile(file, data, 0o644); err != nil {
				t.Fatal(err)
			}
			files = append(files, file)
		}
	}
	build := func(name string, d Domain, mode UploadMode, items ...PatientRecords) {
		t.Helper()
		bs, err := BuildBundles(testInstitution(), d, mode, items, testNow)
		if err != nil || len(bs) == 0 {
			t.Fatalf("%s: %d bundles, %v", name, len(bs), err)
		}
		write(name, bs)
	}
	for _, f := range allDomainFixtures() {
		build(string(f.domain), f.domain, f.mode, f.records)
		del := asDelete(f)
		build(string(f.domain)+"-delete", del.domain, del.mode, del.records)
	}

	// Level variants and edge cases.
	p := testPatient()
	al2 := testAllergy()
	al2.Terminology, al2.TermCode, al2.Reactions = "", "", nil
	adr := testADR()
	adr.Reactions = nil
	build("AL1-level2-ADR-noreaction", DomainADR, ModeIncremental, PatientRecords{Patient: p, Allergies: []Allergy{adr, al2}})
	imm := testImmunisation()
	imm.GivenElsewhere, imm.Provider, imm.Date = true, "HA", "not a date"
	build("IMMU-elsewhere", DomainImmunisation, ModeIncremental, PatientRecords{Patient: p, Immunisations: []Immunisation{imm}})
	pdfOnly := testLabResult()
	pdfOnly.RecordKey, pdfOnly.Tests = "LAB-PDF", nil
	text := testLabResult()
	text.RecordKey, text.Tests = "LAB-TEXT", []LabTest{{LocalDesc: "Culture", Type: ResultText, Value: "No growth"}, {LocalDesc: "HBsAg", Type: ResultEnumerated, Value: "Negative"}}
	build("LABGEN-levels", DomainLabGeneral, ModeNonBulk, PatientRecords{Patient: p, LabResults: []LabResult{pdfOnly, text}})
	ap1 := testLabReport()
	ap1.RecordKey, ap1.Diagnoses, ap1.Details, ap1.Specimen = "LABAP-PDF", nil, nil, nil
	build("LABAP-level1", DomainLabAP, ModeNonBulk, PatientRecords{Patient: p, LabReports: []LabReport{ap1}})
	a2 := testAllergy()
	a2.RecordKey = "AL-2"
	build("AL1-two-patients", DomainAllergy, ModeIncremental,
		PatientRecords{Patient: p, Allergies: []Allergy{testAllergy()}},
		PatientRecords{Patient: testPatient2(), Allergies: []Allergy{a2}})

	cmd := exec.Command(validator, files...)
	out, err := cmd.CombinedOutput()
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	t.Logf("fhir-validate: %s", lines[len(lines)-1])
	if err != nil {
		t.Fatalf("fhir-validate failed: %v\n%s", err, out)
	}
}

// repoRoot is the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}
