package bulk

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

// TestExportImportRoundTrip: export a practice, import it into an empty one, and every table
// has the same number of rows, and sample rows of every table are equal column by column.
func TestExportImportRoundTrip(t *testing.T) {
	src := fullPractice(t, 120)
	survivorID, mergedID := mergedDuplicateSameDocument(t, src)
	files := t.TempDir()
	if err := os.WriteFile(filepath.Join(files, "report.pdf"), []byte("%PDF report"), 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "export")
	m, err := Export(ctx, src, ExportOptions{Dir: dir, FilesDir: files, Actor: audit.System})
	if err != nil {
		t.Fatal(err)
	}
	if m.Extension.Files != 1 {
		t.Errorf("files copied: %d", m.Extension.Files)
	}

	dst := newPractice(t)
	dstFiles := filepath.Join(t.TempDir(), "files")
	rep, err := Import(ctx, dst, dir, ImportOptions{FilesDir: dstFiles, Actor: audit.System})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dstFiles, "report.pdf")); err != nil || string(b) != "%PDF report" {
		t.Errorf("attachment folder not restored: %v %q", err, b)
	}
	for typ, n := range rep.Types {
		want := 0
		for _, o := range m.Output {
			if o.Type == typ {
				want = o.Count
			}
		}
		if n != want {
			t.Errorf("%s: imported %d, exported %d", typ, n, want)
		}
	}

	tables, err := readSchema(ctx, src.R)
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range tables {
		var a, b int
		if err := src.R.QueryRow(`SELECT COUNT(*) FROM "` + tb.Name + `"`).Scan(&a); err != nil {
			t.Fatal(err)
		}
		if err := dst.R.QueryRow(`SELECT COUNT(*) FROM "` + tb.Name + `"`).Scan(&b); err != nil {
			t.Fatal(err)
		}
		if tb.Name == "users" || tb.Name == "user_roles" {
			continue // the new practice's own administrator is matched by name
		}
		if a != b {
			t.Errorf("%s: %d rows before, %d after", tb.Name, a, b)
		}
		if !tb.RowID || a == 0 {
			continue
		}
		// Field by field: the first, a middle and the last row.
		for _, q := range []string{`SELECT MIN(rowid) FROM "` + tb.Name + `"`, `SELECT MAX(rowid) FROM "` + tb.Name + `"`,
			`SELECT rowid FROM "` + tb.Name + `" ORDER BY rowid LIMIT 1 OFFSET ` + fmt.Sprint(a/2)} {
			var id int64
			if err := src.R.QueryRow(q).Scan(&id); err != nil {
				t.Fatal(err)
			}
			before, after := rowAt(t, src.R, &tb, id), rowAt(t, dst.R, &tb, id)
			for _, c := range tb.Cols {
				if tb.Name == "practice" && (c.Name == "created_at" || c.Name == "updated_at") {
					continue
				}
				if !reflect.DeepEqual(before[c.Name], after[c.Name]) {
					t.Errorf("%s %d %s: %v became %v", tb.Name, id, c.Name, before[c.Name], after[c.Name])
				}
			}
		}
	}
	// The merged-away duplicate is back with its survivor's identity document and its merge
	// link; the survivor is still the one living patient with that document.
	var mergedInto int64
	var docs int
	if err := dst.R.QueryRow(`SELECT merged_into FROM patients WHERE id = ?`, mergedID).Scan(&mergedInto); err != nil || mergedInto != survivorID {
		t.Errorf("merged duplicate: merged into %d, want %d (%v)", mergedInto, survivorID, err)
	}
	if err := dst.R.QueryRow(`SELECT COUNT(*) FROM patients WHERE doc_key = 'HK|B2345671' AND merged_into IS NULL`).Scan(&docs); err != nil || docs != 1 {
		t.Errorf("living patients with the document: %d (%v)", docs, err)
	}
	// Imported patients are found by the search box.
	res, err := patients.Search(ctx, dst.R, "陳大文", 5)
	if err != nil || len(res) != 1 || res[0].NameEN != "CHAN Tai Man" {
		t.Errorf("search after import: %v %+v", err, res)
	}
	// Imported accounts cannot log in until an administrator enables them.
	var disabled int
	_ = dst.R.QueryRow(`SELECT disabled FROM users WHERE username = 'drwong'`).Scan(&disabled)
	if disabled != 1 {
		t.Error("an imported account is enabled without a password")
	}

	// A second import finds the practice no longer empty, and changes nothing.
	if _, err := Import(ctx, dst, dir, ImportOptions{Actor: audit.System}); !errors.Is(err, ErrNotEmpty) {
		t.Errorf("second import: %v", err)
	}
}

func rowAt(t *testing.T, db *sql.DB, tb *table, id int64) map[string]any {
	t.Helper()
	vals := make([]any, len(tb.Cols))
	ptrs := make([]any, len(tb.Cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	q := tb.selectSQL()
	q = q[:len(q)-len(" ORDER BY rowid")]
	if err := db.QueryRow(q+` WHERE rowid = ?`, id).Scan(ptrs...); err != nil {
		t.Fatalf("%s %d: %v", tb.Name, id, err)
	}
	out := map[string]any{}
	for i, c := range tb.Cols {
		out[c.Name] = vals[i]
		// User ids are matched by name: compare the names.
		if v, ok := vals[i].(int64); ok && contains(tb.UserCols, c.Name) {
			var name string
			_ = db.QueryRow(`SELECT username FROM users WHERE id = ?`, v).Scan(&name)
			out[c.Name] = name
		}
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// TestImportRefusesBadExports: a folder without a manifest, a damaged file and a practice that
// is not empty are each refused with nothing written.
func TestImportRefusesBadExports(t *testing.T) {
	src := fullPractice(t, 5)
	dir := filepath.Join(t.TempDir(), "export")
	if _, err := Export(ctx, src, ExportOptions{Dir: dir, Actor: audit.System}); err != nil {
		t.Fatal(err)
	}
	broken := t.TempDir()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if e.Name() == "Appointment.ndjson" {
			b = append(b, []byte("{not json\n")...)
		}
		_ = os.WriteFile(filepath.Join(broken, e.Name()), b, 0o600)
	}
	tests := []struct {
		name string
		dir  string
	}{
		{"no manifest", t.TempDir()},
		{"damaged line", broken},
		{"not empty", dir},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := newPractice(t)
			if tt.name == "not empty" {
				db = src
			}
			var before int
			_ = db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&before)
			if _, err := Import(ctx, db, tt.dir, ImportOptions{Actor: audit.System}); err == nil {
				t.Fatal("import accepted")
			}
			var after int
			_ = db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&after)
			if before != after {
				t.Errorf("patients %d -> %d after a refused import", before, after)
			}
		})
	}
}

// mergedDuplicateSameDocument registers a patient twice, the second time with an HKID, merges
// that duplicate away, and gives its survivor the same HKID (a survivor often takes over the
// duplicate's document): both rows then carry the document, which only a merge link allows.
func mergedDuplicateSameDocument(t *testing.T, db *store.DB) (survivorID, mergedID int64) {
	t.Helper()
	in := patients.Input{SurnameEN: "Lee", GivenNameEN: "Ka Yan", NameZH: "李嘉欣", Sex: "F", DOB: "1991-02-03"}
	survivor, err := patients.Create(ctx, db, "P", in, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	in.DocType, in.DocNumber, in.Mobile, in.Confirmed = patients.DocHKID, "B234567(1)", "61234567", true
	dup, err := patients.Create(ctx, db, "P", in, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := patients.Merge(ctx, db, survivor.ID, dup.ID, "registered twice", audit.System); err != nil {
		t.Fatal(err)
	}
	in.Version = 0
	if _, err := patients.Update(ctx, db, survivor.ID, in, audit.System); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM patients WHERE doc_key = 'HK|B2345671'`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("rows with the document before export: %d (%v)", n, err)
	}
	return survivor.ID, dup.ID
}
