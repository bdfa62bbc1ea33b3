package patients

import (
	"bytes"
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// FuzzImportCSV throws arbitrary files at the CSV import into one practice: whatever arrives,
// Import answers with a report or a validation error, never a panic; the rows it says it
// imported are exactly the new rows on file, and a refused file adds none.
func FuzzImportCSV(f *testing.F) {
	for _, seed := range []string{
		"Surname,Given name,中文姓名,Sex,DOB,HKID,Mobile\nCHAN,Tai Man,陳大文,M,1980-05-17,A123456(3),91234567\n",
		"name,sex,dob\n\"CHAN, TAI MAN\",F,05/1980\n,,\nLEE,X,31/02/1980\n",
		"\ufeffPatient No,姓名,性別,出生日期,身份證\nOLD-1,陳大文,男,17/05/1980,A1234563\nOLD-1,李小,女,1990,A1234563\n",
		"Surname,Sex,DOB\n\"broken,M,1980\n",
		"Surname,Sex,DOB\nHO,M,1966,extra,fields\nHO\n",
		"Surname,Sex,DOB\n\xb3\xaf,M,1980\n",
		"",
		"\n\n\n",
		"Surname,Sex,DOB,ehr_no,Email\nNG,U,1900,12345678901x,a@b\n",
	} {
		f.Add([]byte(seed), false)
	}
	db, err := store.Open(filepath.Join(f.TempDir(), store.FileName), store.Options{})
	if err != nil {
		f.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.Migrate(ctx, nil); err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { db.Close() })
	count := func(t *testing.T) (n int) {
		if err := db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM patients`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	f.Fuzz(func(t *testing.T, file []byte, dryRun bool) {
		before := count(t)
		rep, err := Import(ctx, db, bytes.NewReader(file), nil, ImportOptions{Prefix: "F", DryRun: dryRun}, audit.System)
		after := count(t)
		var ves clinic.ValidationErrors
		switch {
		case err != nil && !errors.As(err, &ves):
			t.Fatalf("import failed with a fault that is not the file's: %v", err)
		case err != nil || dryRun:
			if after != before {
				t.Fatalf("%d patients added by a refused file or a dry run", after-before)
			}
			return
		}
		if after-before != rep.Imported {
			t.Fatalf("report says %d imported, %d new on file", rep.Imported, after-before)
		}
		if rep.Imported+len(rep.Rejected) != rep.Rows {
			t.Fatalf("%d rows, %d imported, %d rejected", rep.Rows, rep.Imported, len(rep.Rejected))
		}
		for _, r := range rep.Rejected {
			if r.Line < 2 || len(r.Errors) == 0 {
				t.Fatalf("rejected row without a line or a reason: %+v", r)
			}
			for _, e := range r.Errors {
				if !strings.HasPrefix(e.Key, "error.") {
					t.Fatalf("reason %q is not a message key", e.Key)
				}
			}
		}
	})
}

// FuzzParseDOB: any text either is refused or is a real date that prints back as itself and
// parses again to the same date, with an age that is never negative.
func FuzzParseDOB(f *testing.F) {
	for _, s := range []string{"1980", "1980-05", "1980-05-17", "17/05/1980", "05/1980", "17.5.1980", "29/02/2000",
		"29/02/1900", "31/04/1980", "0000", "0001-01-01", "9999-12-31", "1980-5-7", "1980-00", "00/1980", "１９８０", "1980-05-17 ", "-1980"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDOB(s)
		if err != nil {
			return
		}
		if d.IsZero() {
			t.Fatalf("%q parsed to no date", s)
		}
		again, err := ParseDOB(d.String())
		if err != nil || again != d {
			t.Fatalf("%q -> %q -> %+v, %v", s, d.String(), again, err)
		}
		first, last := d.span()
		if last.Before(first) {
			t.Fatalf("%q spans %s to %s", s, first, last)
		}
		if years, _ := d.Age(today()); years < 0 {
			t.Fatalf("%q: age %d", s, years)
		}
		in := Input{SurnameEN: "Chan", Sex: "M", DOB: s, Language: LangBoth}
		_ = in.Validate()
	})
}
