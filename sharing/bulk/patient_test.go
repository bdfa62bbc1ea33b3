package bulk

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic"
)

// TestCopyForPatient: a patient's copy holds their records and nobody else's, and is valid FHIR.
func TestCopyForPatient(t *testing.T) {
	db := fullPractice(t, 10)
	cp, err := CopyForPatient(ctx, db, 3, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(cp.Sections) == 0 || cp.Sections[0].Table != "patients" || len(cp.Sections[0].Rows) != 1 {
		t.Fatalf("sections: %+v", cp.Sections)
	}
	types := map[string]int{}
	for _, e := range cp.Bundle.Entry {
		types[e.Resource.ResourceType()]++
	}
	if types["Patient"] != 1 || types["Appointment"] != 1 || types["Encounter"] == 0 {
		t.Errorf("types in the copy: %v", types)
	}
	body, err := json.Marshal(cp.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	for _, other := range []string{`"Patient/patients-4"`, `"Patient/patients-2"`} {
		if strings.Contains(string(body), other) {
			t.Errorf("the copy names another patient: %s", other)
		}
	}
	if _, err := CopyForPatient(ctx, db, 99999, time.Now()); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("unknown patient: %v", err)
	}
	path := filepath.Join(t.TempDir(), "copy.json")
	if err := os.WriteFile(path, body, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(validator(t), path).CombinedOutput()
	if err != nil || !strings.Contains(string(out), " 0 failed") {
		t.Fatalf("fhir-validate: %v\n%s", err, tail(string(out), 3000))
	}
}
