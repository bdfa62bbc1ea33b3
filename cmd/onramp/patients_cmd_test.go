package main

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/ui/i18n"
)

const importGood = "Surname,Given name,中文姓名,Sex,DOB,HKID,Tel\n" +
	"CHAN,Tai Man,陳大文,M,1980-05-17,A123456(3),91234567\n" + // line 2: good
	"LEE,Siu Ling,李小玲,F,1990-13-01,,\n" + // line 3: no such month
	"WONG,Ka Yan,黃嘉欣,X,2001,,\n" + // line 4: no such sex
	"CHEUNG,Wai,張偉,M,1975-02,B1234567,61234567\n" + // line 5: bad check digit
	"HO,Ming,何明,M,1966,,\n" // line 6: good, year only

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPatientsImportFromTheCommandLine(t *testing.T) {
	tests := []struct {
		name         string
		file         string
		args         []string
		wantErr      string
		wantOut      []string
		notOut       []string
		wantPatients int
	}{
		{name: "good rows in, bad rows reported by line", file: importGood,
			wantOut: []string{"Line 3:", "Date of birth", "Line 4:", "Sex", "Line 5:", "Document number", "5 rows read: 2 imported, 3 rejected."},
			notOut:  []string{"Line 2:", "Line 6:"}, wantPatients: 2},
		{name: "dry run writes nothing", file: importGood, args: []string{"--dry-run"},
			wantOut: []string{"Dry run", "2 would be imported, 3 rejected", "Line 5:"}, wantPatients: 0},
		{name: "the report in Chinese", file: importGood, args: []string{"--lang", "zh-HK"},
			wantOut: []string{"第 3 行", "出生日期", "匯入 2 行，拒收 3 行"}, wantPatients: 2},
		{name: "a column mapped by hand", file: importGood, args: []string{"--map", "Tel=mobile", "--dry-run"},
			wantOut: []string{"Tel=mobile"}, notOut: []string{"Tel=phone_other"}},
		{name: "a column left out by hand", file: importGood, args: []string{"--map", "HKID=", "--dry-run"},
			wantOut: []string{"3 would be imported, 2 rejected"}, notOut: []string{"HKID=hkid"}},
		{name: "not UTF-8 (Big5 from Excel) is refused whole",
			file:    "Surname,Sex,DOB\nHO,M,1966\n\xb3\xaf,M,1980\n",
			wantErr: "not UTF-8 text (line 3), so nothing was imported"},
		{name: "broken quoting is refused whole", file: "Surname,Sex,DOB\nHO,M,1966\n\"CHAN,M,1980\n",
			wantErr: "nothing was imported", wantOut: []string{"not valid CSV"}},
		{name: "a needed column missing", file: "Surname,DOB\nHO,1966\n",
			wantErr: "nothing was imported", wantOut: []string{"sex"}},
		{name: "an empty file", file: "", wantErr: "no rows"},
		{name: "a field that does not exist", file: importGood, args: []string{"--map", "Tel=telephone"},
			wantErr: "FIELD is one of"},
		{name: "an unknown language", file: importGood, args: []string{"--lang", "fr"}, wantErr: "en or zh-HK"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			file := writeFile(t, "patients.csv", tt.file)
			out, err := run(t, append([]string{"patients", "import", file, "--data", dir}, tt.args...)...)
			if err != nil {
				out += err.Error()
			}
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("error %v, want one with %q\n%s", err, tt.wantErr, out)
			case tt.wantErr == "" && err != nil:
				t.Fatalf("import: %v\n%s", err, out)
			}
			for _, w := range tt.wantOut {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			for _, w := range tt.notOut {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, out)
				}
			}
			if _, err := os.Stat(filepath.Join(dir, "onramp.db")); err == nil {
				if n := countPatients(t, dir); n != tt.wantPatients {
					t.Errorf("%d patients on file, want %d", n, tt.wantPatients)
				}
			} else if tt.wantPatients != 0 {
				t.Errorf("no database, want %d patients", tt.wantPatients)
			}
		})
	}
}

func TestImportedPatientsAreFoundAndAudited(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, "patients.csv", importGood)
	if out, err := run(t, "patients", "import", file, "--data", dir); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	db := openData(t, dir)
	defer db.Close()
	res, err := patients.Search(context.Background(), db.R, "A123456(3)", 5)
	if err != nil || len(res) != 1 || res[0].NameZH != "陳大文" {
		t.Fatalf("search the imported HKID: %+v %v", res, err)
	}
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE username LIKE 'cli:%' AND detail LIKE '%by import%'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("%d audited registrations by import, want 2", n)
	}
}

// TestCommandLineWordsAreTranslated: every catalogue key the command line uses is in English
// and Chinese (ui's catalogue test only scans ui).
func TestCommandLineWordsAreTranslated(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("patients_cmd.go")
	if err != nil {
		t.Fatal(err)
	}
	keys := regexp.MustCompile(`"((?:cli|error)\.[a-z0-9_.]*[a-z0-9_])"`).FindAllStringSubmatch(string(src), -1)
	if len(keys) < 10 {
		t.Fatalf("found only %d keys: the scan is broken", len(keys))
	}
	for _, k := range keys {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, k[1]) {
				t.Errorf("key %s missing from the %s catalogue", k[1], lang)
			}
		}
	}
}
