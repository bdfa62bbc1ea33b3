package bulk

import (
	"bufio"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
)

// validator is the shared FHIR R4 validator (../shared/tools/fhir-validate).
func validator(t *testing.T) string {
	t.Helper()
	p, err := filepath.Abs("../../../shared/tools/fhir-validate/fhir-validate")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		t.Skip("fhir-validate is not installed beside the checkout")
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("fhir-validate needs node")
	}
	return p
}

func readManifest(t *testing.T, dir string) Manifest {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// TestExportPassesValidator: every file of the export is valid FHIR R4, the manifest counts
// what the files hold, and the counts equal the rows of the database.
func TestExportPassesValidator(t *testing.T) {
	db := fullPractice(t, 60)
	dir := filepath.Join(t.TempDir(), "export")
	var progress []Progress
	m, err := Export(ctx, db, ExportOptions{Dir: dir, Actor: audit.System, Request: "test", Chunk: 10,
		Progress: func(p Progress) { progress = append(progress, p) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(progress) == 0 {
		t.Error("no progress reported")
	}
	want := map[string]bool{"Patient": true, "Organization": true, "Practitioner": true, "Appointment": true, "Encounter": true, "Basic": true}
	if hasTable(db.R, "visits") {
		for _, typ := range []string{"Condition", "Procedure", "Observation", "DocumentReference"} {
			want[typ] = true
		}
	}
	if hasTable(db.R, "drugs") {
		for _, typ := range []string{"Medication", "MedicationRequest", "MedicationDispense", "AllergyIntolerance", "Immunization"} {
			want[typ] = true
		}
	}
	var files []string
	for _, o := range m.Output {
		delete(want, o.Type)
		path := filepath.Join(dir, o.URL)
		files = append(files, path)
		n := 0
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 1<<24)
		for sc.Scan() {
			var head struct {
				ResourceType string `json:"resourceType"`
			}
			if err := json.Unmarshal(sc.Bytes(), &head); err != nil || head.ResourceType != o.Type {
				t.Fatalf("%s line %d: %v %q", o.URL, n+1, err, head.ResourceType)
			}
			n++
		}
		f.Close()
		if n != o.Count {
			t.Errorf("%s: manifest says %d, file has %d", o.Type, o.Count, n)
		}
	}
	if len(want) > 0 {
		t.Errorf("resource types missing from the export: %v", want)
	}
	var patientsInDB int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&patientsInDB); err != nil {
		t.Fatal(err)
	}
	if m.Extension.Tables["patients"] != patientsInDB {
		t.Errorf("patients exported %d, in the database %d", m.Extension.Tables["patients"], patientsInDB)
	}
	if hasTable(db.R, "documents") && m.Extension.Attachments == 0 {
		t.Error("issued documents were not written alongside")
	}
	// The export is audited.
	var audited int
	_ = db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'practice'`).Scan(&audited)
	if audited != 1 {
		t.Errorf("export audited %d times", audited)
	}
	// A second export into the same folder is refused rather than mixed in.
	if _, err := Export(ctx, db, ExportOptions{Dir: dir}); err != ErrDirNotEmpty {
		t.Errorf("export into a used folder: %v", err)
	}

	out, err := exec.Command(validator(t), files...).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " 0 failed") {
		t.Fatalf("fhir-validate: %v\n%s", err, tail(string(out), 4000))
	}
}

func tail(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
