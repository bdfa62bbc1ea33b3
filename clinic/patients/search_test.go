package patients

import (
	"database/sql"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/store"
)

// searchFixture registers a handful of patients that the search tests look for.
func searchFixture(t *testing.T) *store.DB {
	t.Helper()
	fixToday(t)
	db := openDB(t)
	for _, in := range []Input{
		chanTaiMan(), // P000001
		{SurnameEN: "CHAN", GivenNameEN: "Siu Ming", NameZH: "陳小明", Sex: "M", DOB: "1975-03", DocType: DocHKID,
			DocNumber: "G100002(A)", Mobile: "61234567", PhoneOther: "23456789"}, // P000002
		{SurnameEN: "Wong", GivenNameEN: "Tai Man Peter", NameZH: "黃大文", Sex: "M", DOB: "1980", DocType: DocPassport,
			DocNumber: "K12345678", DocCountry: "GBR", Mobile: "+44 7700 900123"}, // P000003
		{SurnameEN: "Au Yeung", GivenNameEN: "Ka Yan", NameZH: "歐陽嘉欣", Sex: "F", DOB: "2015-11-02", DocType: DocBirthCert,
			DocNumber: "XA100001(A)"}, // P000004
		{NameZH: "李", Sex: "U", DOB: "1950"},                                                     // P000005: a one-character Chinese name and nothing else
		{SurnameEN: "Lee", GivenNameEN: "Chan", Sex: "F", DOB: "1990-01-01", Mobile: "98765432"}, // P000006: Chan as a given name
	} {
		in.Confirmed = true
		mustCreate(t, db, in)
	}
	return db
}

func TestSearch(t *testing.T) {
	db := searchFixture(t)
	tests := []struct {
		query string
		want  []string // patient numbers, in any order
		match string
	}{
		// HKID and other documents.
		{"A123456(3)", []string{"P000001"}, MatchDocument},
		{"a1234563", []string{"P000001"}, MatchDocument},
		{"A123456 (3)", []string{"P000001"}, MatchDocument},
		{"A123456", []string{"P000001"}, MatchDocument},  // without the check digit
		{"A1234", []string{"P000001"}, MatchDocument},    // its first letters and digits
		{"g100002a", []string{"P000002"}, MatchDocument}, // check character A
		{"XA100001(A)", []string{"P000004"}, MatchDocument},
		{"K12345678", []string{"P000003"}, MatchDocument}, // passport
		{"A123456(4)", nil, ""},                           // a wrong check digit finds nobody
		// Patient numbers.
		{"P000002", []string{"P000002"}, MatchNumber},
		{"p000002", []string{"P000002"}, MatchNumber},
		{"2", []string{"P000002"}, MatchNumber},
		{"000002", []string{"P000002"}, MatchNumber},
		// Phones.
		{"91234567", []string{"P000001"}, MatchPhone},
		{"9123 4567", []string{"P000001"}, MatchPhone},
		{"+852 6123 4567", []string{"P000002"}, MatchPhone},
		{"2345-6789", []string{"P000002"}, MatchPhone},
		{"+44 7700 900123", []string{"P000003"}, MatchPhone},
		// English names: any order, any case, each word a prefix.
		{"chan tai", []string{"P000001"}, MatchName},
		{"tai chan", []string{"P000001"}, MatchName},
		{"CHAN TAI MAN", []string{"P000001"}, MatchName},
		{"chan", []string{"P000001", "P000002", "P000006"}, MatchName},
		{"ch", []string{"P000001", "P000002", "P000006"}, MatchName},
		{"tai man", []string{"P000001", "P000003"}, MatchName},
		{"peter wong", []string{"P000003"}, MatchName},
		{"taiman", []string{"P000001", "P000003"}, MatchName},
		{"au yeung", []string{"P000004"}, MatchName},
		{"auyeung ka", []string{"P000004"}, MatchName},
		{"Chan, Tai Man", []string{"P000001"}, MatchName},
		{"chan xyz", nil, ""},
		// Chinese names by any part.
		{"陳大文", []string{"P000001"}, MatchName},
		{"陳大", []string{"P000001"}, MatchName},
		{"大文", []string{"P000001", "P000003"}, MatchName},
		{"陳", []string{"P000001", "P000002"}, MatchName},
		{"李", []string{"P000005"}, MatchName},
		{"歐陽嘉欣", []string{"P000004"}, MatchName},
		{"陽嘉欣", []string{"P000004"}, MatchName},
		{"陳文", nil, ""},
		{"陳大文明", nil, ""},
		{"chan 陳大文", []string{"P000001"}, MatchName},
		{"wong 大文", []string{"P000003"}, MatchName},
		// Dates of birth; a partial date of birth is a possible match.
		{"1980-05-17", []string{"P000001", "P000003"}, MatchDOB},
		{"17/05/1980", []string{"P000001", "P000003"}, MatchDOB},
		{"17-05-1980", []string{"P000001", "P000003"}, MatchDOB},
		{"02/11/2015", []string{"P000004"}, MatchDOB},
		{"1975-03-09", []string{"P000002"}, MatchDOB},
		{"03/1975", []string{"P000002"}, MatchDOB},
		{"01/01/1950", []string{"P000005"}, MatchDOB},
		// Names with a date.
		{"chan 17/05/1980", []string{"P000001"}, MatchDOB},
		{"wong 1980-05-17", []string{"P000003"}, MatchDOB},
		// Nothing.
		{"", nil, ""},
		{"   ", nil, ""},
		{"zzz", nil, ""},
		{`"chan*"`, []string{"P000001", "P000002", "P000006"}, MatchName}, // FTS syntax is not passed through
		{`chan OR x`, nil, ""},
		{"chan t", []string{"P000001"}, MatchName}, // an initial
		{"t chan", []string{"P000001"}, MatchName},
		{"c", nil, ""}, // a single letter is not a search
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			res, err := Search(ctx, db.R, tt.query, 20)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res {
				got = append(got, r.Number)
				if tt.match != "" && r.Number == tt.want[0] && r.Match != tt.match {
					t.Errorf("%s found by %s, want %s", r.Number, r.Match, tt.match)
				}
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("Search(%q) = %v, want %v", tt.query, got, tt.want)
			}
		})
	}
}

func TestSearchResultFields(t *testing.T) {
	db := searchFixture(t)
	visit := time.Date(2025, 6, 1, 2, 3, 4, 0, time.UTC)
	if err := db.Write(ctx, func(tx *sql.Tx) error { return TouchLastVisit(ctx, tx, 1, visit) }); err != nil {
		t.Fatal(err)
	}
	// An older visit entered late does not move it back.
	if err := db.Write(ctx, func(tx *sql.Tx) error { return TouchLastVisit(ctx, tx, 1, visit.AddDate(0, -1, 0)) }); err != nil {
		t.Fatal(err)
	}
	res, err := Search(ctx, db.R, "P000001", 5)
	if err != nil || len(res) != 1 {
		t.Fatalf("%v %v", res, err)
	}
	r := res[0]
	if r.NameEN != "CHAN Tai Man" || r.NameZH != "陳大文" || r.Sex != "M" || r.Age != 45 || !r.AgeExact ||
		r.MaskedDoc != "A123***(*)" || r.DocType != DocHKID || r.Mobile != "91234567" || !r.LastVisitAt.Equal(visit) || r.ViaNumber != "" {
		t.Errorf("result %+v", r)
	}
	res, _ = Search(ctx, db.R, "1980", 5) // a year alone is not a date search: nothing
	_ = res
	res, _ = Search(ctx, db.R, "P000003", 5)
	if res[0].Age != 44 || res[0].AgeExact || res[0].MaskedDoc != "K12******" || !res[0].LastVisitAt.IsZero() {
		t.Errorf("year-only result %+v", res[0])
	}
	// The limit holds.
	if res, _ := Search(ctx, db.R, "ch", 2); len(res) != 2 {
		t.Errorf("limit: %d", len(res))
	}
}

// TestSearchUsesIndexes runs EXPLAIN QUERY PLAN on every lookup of every kind of query: none may
// scan the patients table or sort it.
func TestSearchUsesIndexes(t *testing.T) {
	db := searchFixture(t)
	if _, err := db.W.Exec(`ANALYZE`); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		"A123456(3)", "A123456", "A1234", "K12345678", "P000002", "2", "91234567", "+44 7700 900123",
		"chan tai", "chan t", "ch", "陳", "陳大", "陳大文", "陳大文明", "chan 陳大文", "17/05/1980", "05/1980", "chan 17/05/1980",
	} {
		plan, err := searchPlan(ctx, db.R, q, 20)
		if err != nil || len(plan) == 0 {
			t.Fatalf("%q: no plan (%v)", q, err)
		}
		for _, l := range plan {
			for _, line := range explain(t, db, l.sql, l.args...) {
				if strings.Contains(line, "SCAN") && !strings.Contains(line, "VIRTUAL TABLE") || strings.Contains(line, "TEMP B-TREE") {
					t.Errorf("%q (%s): %s\n%s", q, l.match, line, l.sql)
				}
			}
		}
	}
	// The duplicate checks of Create.
	in := chanTaiMan()
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	tx, err := db.R.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	for _, dob := range []string{"1980-05-17", "1980-05", "1980"} {
		in.dob, _ = ParseDOB(dob)
		for _, dc := range dobConditions(in.dob) {
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`SELECT id FROM patients WHERE merged_into IS NULL AND ` + dc.sql + ` AND ((name_key = ? AND name_key <> '') OR (name_zh = ? AND name_zh <> ''))`,
					append(append([]any{}, dc.args...), in.nameKey, in.NameZH)},
				{`SELECT id FROM patients WHERE mobile = ? AND merged_into IS NULL AND ` + dc.sql, append([]any{in.Mobile}, dc.args...)},
				{`SELECT id FROM patients WHERE phone_other = ? AND merged_into IS NULL AND ` + dc.sql, append([]any{in.Mobile}, dc.args...)},
				{docOwnerSQL, []any{in.DocNumber, in.docKey, 0}},
			} {
				for _, line := range explain(t, db, q.sql, q.args...) {
					if strings.Contains(line, "SCAN") {
						t.Errorf("duplicate check for %s: %s\n%s", dob, line, q.sql)
					}
				}
			}
		}
	}
	// LikelyDuplicates reads each index once in order, never a sort or the table.
	for _, q := range []string{
		`SELECT dob, name_key FROM patients WHERE merged_into IS NULL AND (dob, name_key) > (?, ?) AND name_key <> ''
			GROUP BY dob, name_key HAVING COUNT(*) > 1 ORDER BY dob, name_key LIMIT 200`,
		`SELECT mobile, dob FROM patients WHERE mobile IS NOT NULL AND (mobile, dob) > (?, ?)
			GROUP BY mobile, dob HAVING COUNT(*) > 1 ORDER BY mobile, dob LIMIT 200`,
	} {
		for _, line := range explain(t, db, q, "", "") {
			if !strings.Contains(line, "COVERING INDEX") || strings.Contains(line, "TEMP B-TREE") {
				t.Errorf("likely duplicates: %s\n%s", line, q)
			}
		}
	}
}

func explain(t *testing.T, db *store.DB, query string, args ...any) []string {
	t.Helper()
	rows, err := db.R.Query("EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatalf("%v\n%s", err, query)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, parent, notused int
		var detail string
		if err := rows.Scan(&id, &parent, &notused, &detail); err != nil {
			t.Fatal(err)
		}
		out = append(out, detail)
	}
	return out
}
