package terms_test

import (
	"context"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
	"github.com/onramp-hk/onramp/clinic/terms"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	return db
}

func TestStarterListIsLoadedAtFirstSearch(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	for _, tc := range []struct {
		kind, q, wantCode string
	}{
		{terms.Diagnosis, "pha", "D003"},    // three letters of a word
		{terms.Diagnosis, "J06", "D001"},    // an ICD-10 code
		{terms.Diagnosis, "d027", "D027"},   // the local code, any case
		{terms.Diagnosis, "頭痛", "D045"},     // two Chinese characters are enough
		{terms.Procedure, "sutur", "PX002"}, // procedures are their own list
		{terms.Diagnosis, "sutur", ""},      // ... and not diagnoses
		{terms.Diagnosis, "ph", ""},         // two letters are too few
		{terms.Diagnosis, "100%_", ""},      // LIKE's wildcards are plain characters
	} {
		got, err := terms.Search(ctx, db, tc.kind, tc.q, 0, 20)
		if err != nil {
			t.Fatal(err)
		}
		codes := []string{}
		for _, g := range got {
			codes = append(codes, g.Code)
		}
		if tc.wantCode == "" {
			if len(got) != 0 {
				t.Errorf("%s %q: got %v, want nothing", tc.kind, tc.q, codes)
			}
			continue
		}
		if len(got) == 0 || !strings.Contains(strings.Join(codes, " "), tc.wantCode) {
			t.Errorf("%s %q: got %v, want %s", tc.kind, tc.q, codes, tc.wantCode)
		}
	}
	n, _ := terms.Count(ctx, db.R)
	if n[terms.Diagnosis] < 60 {
		t.Errorf("starter list has %d diagnoses", n[terms.Diagnosis])
	}
}

func TestImportReportsBadRowsAndKeepsGoodOnes(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	csv := "Code,Name_EN,name_zh,icd10,hkctt_id,kind,active\n" +
		"X1,Sore eyes,眼痛,H57.1,123,diagnosis,1\n" + // line 2: good
		",No code,,,,,\n" + // 3
		"X2,,,,,,\n" + // 4: no name
		"X3,Bad ICD,,J6,,,\n" + // 5
		"X4,Bad kind,,,,drug,\n" + // 6
		"X1,Again,,,,,\n" + // 7: duplicate of line 2
		"X5,Bad HKCTT,,,abc,,\n" + // 8
		"X6,Bad active,,,,,maybe\n" + // 9
		"bad code!,Bad code,,,,,\n" + // 10
		"PX9,Joint injection,關節注射,,,procedure,\n" // 11: good
	rep, err := terms.Import(ctx, db, strings.NewReader(csv), audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Added != 2 || rep.Updated != 0 {
		t.Errorf("added %d updated %d", rep.Added, rep.Updated)
	}
	want := map[int]string{3: "error.terms.no_code", 4: "error.terms.no_name", 5: "error.terms.bad_icd10",
		6: "error.terms.bad_kind", 7: "error.terms.duplicate", 8: "error.terms.bad_hkctt", 9: "error.terms.bad_active",
		10: "error.terms.bad_code"}
	if len(rep.Bad) != len(want) {
		t.Errorf("bad rows: %v", rep.Bad)
	}
	for _, b := range rep.Bad {
		if want[b.Line] != b.Key {
			t.Errorf("line %d: %s, want %s", b.Line, b.Key, want[b.Line])
		}
	}
	// A second import updates changed terms and can retire one.
	rep, err = terms.Import(ctx, db, strings.NewReader("code,name_en,active\nX1,Sore eyes,0\nPX9,Joint injection,\n"), audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Updated != 1 || rep.Added != 1 || rep.Unchanged != 0 {
		// PX9 without a kind is a diagnosis: a new term, not the procedure.
		t.Errorf("second import: %+v", rep)
	}
	if got, _ := terms.Search(ctx, db, terms.Diagnosis, "sore eyes", 0, 5); len(got) != 0 {
		t.Errorf("an inactive term is still offered: %v", got)
	}
	// A clinic with its own list does not get the starter list on top of it.
	if got, _ := terms.Search(ctx, db, terms.Diagnosis, "pharyngitis", 0, 5); len(got) != 0 {
		t.Errorf("starter list loaded over an imported one: %v", got)
	}
	for _, bad := range []struct{ name, csv, key string }{
		{"empty", "", "error.terms.empty"},
		{"no name column", "code,icd10\nA,B\n", "error.terms.missing_column"},
	} {
		_, err := terms.Import(ctx, db, strings.NewReader(bad.csv), audit.System)
		if err == nil || !strings.Contains(err.Error(), bad.key) {
			t.Errorf("%s: %v, want %s", bad.name, err, bad.key)
		}
	}
}

func TestFavouritesComeFirst(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	res, err := db.W.Exec(`INSERT INTO users (username, password_hash, created_at, updated_at) VALUES ('doc', 'x', '', '')`)
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := res.LastInsertId()
	got, _ := terms.Search(ctx, db, terms.Diagnosis, "acute", doc, 20)
	if len(got) < 3 || got[0].Favorite {
		t.Fatalf("acute: %+v", got)
	}
	last := got[len(got)-1]
	if err := terms.SetFavourite(ctx, db, doc, last.ID, true); err != nil {
		t.Fatal(err)
	}
	got, _ = terms.Search(ctx, db, terms.Diagnosis, "acute", doc, 20)
	if got[0].ID != last.ID || !got[0].Favorite {
		t.Errorf("favourite not first: %+v", got[0])
	}
	if other, _ := terms.Search(ctx, db, terms.Diagnosis, "acute", doc+1, 20); other[0].ID == last.ID {
		t.Errorf("another doctor sees this doctor's favourite first")
	}
	favs, err := terms.Favourites(ctx, db.R, terms.Diagnosis, doc)
	if err != nil || len(favs) != 1 {
		t.Errorf("favourites: %v %v", favs, err)
	}
}
