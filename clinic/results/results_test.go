package results_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/visits"
)

func TestResultsAndReportFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Ho", Sex: "F", DOB: "1970", Language: "en"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: p.ID, Date: "2026-11-23"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	st := results.Store{Dir: filepath.Join(dir, "files"), MaxBytes: 1 << 10}
	pdf := []byte("%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")
	for _, tc := range []struct {
		name string
		in   results.Input
		key  string
	}{
		{"by hand", results.Input{Test: "HbA1c", Value: "7.2", Unit: "%", RefRange: "4.0-5.6", Abnormal: "H", TakenOn: "2026-11-20"}, ""},
		{"a report file only", results.Input{TakenOn: "2026-11-20", File: &results.File{Name: "report.pdf", Data: pdf}}, ""},
		{"the same file again", results.Input{Test: "Lipids", TakenOn: "2026-11-21", File: &results.File{Name: "again.pdf", Data: pdf}}, ""},
		{"nothing", results.Input{TakenOn: "2026-11-20"}, "error.results.test_required"},
		{"bad date", results.Input{Test: "Hb", TakenOn: "20/11/2026"}, "error.visit.date"},
		{"bad flag", results.Input{Test: "Hb", TakenOn: "2026-11-20", Abnormal: "X"}, "error.results.flag"},
		{"a program, not a report", results.Input{Test: "Hb", TakenOn: "2026-11-20", File: &results.File{Name: "x.exe", Data: []byte("MZ\x90\x00binary")}}, "error.results.file_type"},
		{"too big", results.Input{Test: "Hb", TakenOn: "2026-11-20", File: &results.File{Name: "big.pdf", Data: append(pdf, make([]byte, 2000)...)}}, "error.results.file_too_big"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := st.Add(ctx, db, v.ID, tc.in, audit.System)
			if tc.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var errs clinic.ValidationErrors
			if !errors.As(err, &errs) || errs[0].Key != tc.key {
				t.Fatalf("got %v, want %s", err, tc.key)
			}
		})
	}
	list, err := results.ForVisit(ctx, db.R, v.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("results: %v %v", list, err)
	}
	// One file on disk for two uploads of the same report, found again by its id.
	var files []string
	filepath.WalkDir(st.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) != 1 || list[0].FileID == 0 || list[0].FileID != list[1].FileID {
		t.Fatalf("files %v, results %+v", files, list)
	}
	data, mime, err := st.Open(ctx, db.R, list[0].FileID)
	if err != nil || mime != "application/pdf" || string(data) != string(pdf) {
		t.Fatalf("open: %q %v", mime, err)
	}
	latest, _ := results.Latest(ctx, db.R, p.ID, 10)
	trend, _ := results.Trend(ctx, db.R, p.ID, "HbA1c")
	if len(latest) != 3 || len(trend) != 1 || !trend[0].HasNum || trend[0].ValueNum != 7.2 {
		t.Errorf("latest %d, trend %+v", len(latest), trend)
	}
}
