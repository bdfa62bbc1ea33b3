package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestTermsImportFromTheCommandLine(t *testing.T) {
	data := t.TempDir()
	file := filepath.Join(t.TempDir(), "terms.csv")
	csv := "kind,code,name_en,name_zh,icd10\ndiagnosis,K1,Knee pain,膝痛,M25.56\ndiagnosis,K2,,,\nprocedure,K3,Joint injection,關節注射,\n"
	if err := os.WriteFile(file, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := run(t, "terms", "import", file, "--data", data)
	if err != nil {
		t.Fatalf("terms import: %v %s", err, out)
	}
	for _, want := range []string{"Line 3: code K2 has no English name.", "2 added, 0 updated, 0 unchanged, 1 rows not imported."} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
	out, err = run(t, "terms", "import", file, "--data", data, "--lang", "zh-HK")
	if err != nil || !strings.Contains(out, "2 項不變") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	if out, err := run(t, "terms", "import", filepath.Join(data, "missing.csv"), "--data", data); err == nil {
		t.Errorf("a missing file was accepted: %s", out)
	}
}
