package patients

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/hkid"
	"github.com/onramp-hk/onramp/clinic/store"
)

func TestGuessColumns(t *testing.T) {
	header := []string{"\ufeffPatient No.", "Surname", "Given Name", "中文姓名", "性別", "出生日期", "HKID No", "手提電話",
		"Tel", "地址", "E-mail", "緊急聯絡人", "Relationship", "Remarks", "eHR No.", "Something else"}
	m := GuessColumns(header)
	want := ColumnMap{"number": header[0], "surname_en": "Surname", "given_name_en": "Given Name", "name_zh": "中文姓名",
		"sex": "性別", "dob": "出生日期", "hkid": "HKID No", "mobile": "手提電話", "phone_other": "Tel", "address": "地址",
		"email": "E-mail", "emergency_name": "緊急聯絡人", "emergency_relation": "Relationship", "remarks": "Remarks", "ehr_no": "eHR No."}
	if len(m) != len(want) {
		t.Errorf("guessed %d columns: %v", len(m), m)
	}
	for f, h := range want {
		if m[f] != h {
			t.Errorf("%s: guessed %q, want %q", f, m[f], h)
		}
	}
	if m := GuessColumns([]string{"Name", "Gender", "Date of Birth", "ID Number"}); m["name_en"] != "Name" || m["sex"] != "Gender" ||
		m["dob"] != "Date of Birth" || m["hkid"] != "ID Number" {
		t.Errorf("guessed %v", m)
	}
}

const importCSV = "\ufeffSurname,Given name,中文姓名,Sex,DOB,HKID,Mobile,Address,eHR No\n" +
	"CHAN,Tai Man,陳大文,M,17/05/1980,A123456(3),9123 4567,\"Flat A, 1/F\nNathan Road\",\n" + // lines 2-3
	"LEE,Siu Ling,李小玲,F,1975-03,G100002(A),61234567,,123456789012\n" + // 4
	"WONG,Ka Yan,黃嘉欣,女,2015-11-02,A123456(4),,,\n" + // 5: check digit
	"HO,Siu Fung,何小鳳,F,1990,G100002A,,,\n" + // 6: same HKID as line 4
	",,,,,,,,\n" + // 7: blank, skipped
	"LAM,Chi Keung,林志強,X,1960-01-01,,,,\n" + // 8: sex
	"CHEUNG,Wai,張偉,M,32/01/1960,,,,\n" + // 9: date
	"TAM,Existing,譚,M,1950,XA100001(A),,,\n" + // 10: already on file
	"AU YEUNG,Ka Man,歐陽嘉敏,Female,2001-02-03,,,,\n" // 11

func TestImport(t *testing.T) {
	fixToday(t)
	db := openDB(t)
	existing := mustCreate(t, db, Input{SurnameEN: "Tam", GivenNameEN: "Existing", Sex: "M", DOB: "1950", DocType: DocHKID, DocNumber: "XA100001(A)"})

	check := func(rep ImportReport) {
		t.Helper()
		if rep.Rows != 8 || rep.Valid != 3 || len(rep.Rejected) != 5 {
			t.Fatalf("report: %d rows, %d valid, rejected %+v", rep.Rows, rep.Valid, rep.Rejected)
		}
		want := []struct {
			line       int
			field, key string
			arg        any
		}{
			{5, "doc_number", "error.hkid.check_digit", "A123456(3)"},
			{6, "doc_number", "error.import.duplicate_in_file", 4},
			{8, "sex", "error.choose", nil},
			{9, "dob", "error.dob.format", nil},
			{10, "doc_number", "error.patient.duplicate_document", existing.Number},
		}
		for i, w := range want {
			r := rep.Rejected[i]
			e := r.Errors.Field(w.field)
			if r.Line != w.line || e == nil || e.Key != w.key || (w.arg != nil && (len(e.Args) == 0 || e.Args[0] != w.arg)) {
				t.Errorf("rejected[%d] = line %d %v, want line %d %s %s %v", i, r.Line, r.Errors, w.line, w.field, w.key, w.arg)
			}
		}
	}

	var progress []string
	rep, err := Import(ctx, db, strings.NewReader(importCSV), nil, ImportOptions{Prefix: "P", DryRun: true,
		Progress: func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	check(rep)
	if rep.Imported != 0 || !rep.DryRun || countPatients(t, db) != 1 || strings.Join(progress, " ") != "5/5" {
		t.Errorf("dry run: imported %d, %d patients, progress %v", rep.Imported, countPatients(t, db), progress)
	}
	if rep.Mapping["name_zh"] != "中文姓名" || rep.Mapping["hkid"] != "HKID" || rep.Mapping["surname_en"] != "\ufeffSurname" {
		t.Errorf("mapping %v", rep.Mapping)
	}

	progress = nil
	rep, err = Import(ctx, db, strings.NewReader(importCSV), nil, ImportOptions{Prefix: "P",
		Progress: func(done, total int) { progress = append(progress, fmt.Sprintf("%d/%d", done, total)) }}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	check(rep)
	if rep.Imported != 3 || countPatients(t, db) != 4 || strings.Join(progress, " ") != "3/3" {
		t.Errorf("import: %d imported, %d patients, progress %v", rep.Imported, countPatients(t, db), progress)
	}
	res, _ := Search(ctx, db.R, "A123456(3)", 5)
	if len(res) != 1 {
		t.Fatalf("imported patient not found: %v", res)
	}
	p, _ := Get(ctx, db.R, res[0].ID)
	if p.NameEN() != "CHAN Tai Man" || p.DOB.String() != "1980-05-17" || p.Address != "Flat A, 1/F\nNathan Road" || p.Mobile != "91234567" {
		t.Errorf("imported %+v", p)
	}
	res, _ = Search(ctx, db.R, "歐陽", 5)
	if len(res) != 1 || res[0].Sex != SexFemale {
		t.Errorf("歐陽: %+v", res)
	}
	res, _ = Search(ctx, db.R, "李小玲", 5)
	lee, _ := Get(ctx, db.R, res[0].ID)
	if !lee.EHealth.Joined || lee.EHealth.EHRNo != "123456789012" {
		t.Errorf("eHR number not imported: %+v", lee.EHealth)
	}
	if h, _ := ConsentHistory(ctx, db.R, lee.ID); len(h) != 1 {
		t.Errorf("consent history %+v", h)
	}
	// Audited: one row per patient, in the same transaction, and one for the import.
	for _, id := range []int64{p.ID, lee.ID} {
		if rows := auditRows(t, db, id); len(rows) != 1 || !strings.Contains(rows[0].Detail, "by import, line") {
			t.Errorf("audit of %d: %+v", id, rows)
		}
	}
	var imports int
	db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'import'`).Scan(&imports)
	if imports != 1 {
		t.Errorf("%d import rows in the audit log", imports)
	}
	// Importing the same file again finds everything already on file.
	rep, err = Import(ctx, db, strings.NewReader(importCSV), nil, ImportOptions{Prefix: "P"}, clerk)
	if err != nil || rep.Imported != 1 || countPatients(t, db) != 5 {
		// AU YEUNG has no document: imported again, but warned about.
		t.Errorf("second import: %d imported, %v", rep.Imported, err)
	}
	if len(rep.Warnings) != 1 || rep.Warnings[0].Line != 11 {
		t.Errorf("warnings %+v", rep.Warnings)
	}
	if _, err := auditVerify(db); err != nil {
		t.Error(err)
	}
}

func countPatients(t *testing.T, db *store.DB) int {
	t.Helper()
	var n int
	if err := db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestImportKeepsOldNumbers(t *testing.T) {
	fixToday(t)
	db := openDB(t)
	csv := "Chart No,Name,Sex,DOB\n" +
		",\"CHAN, TAI MAN\",M,1980\n" + // 2: gets the first free number
		"P000001,LEE Siu Ling,F,1981\n" + // 3: keeps its number: line 2 steps around it
		"P000001,WONG Ka Yan,F,1982\n" + // 4: number twice in the file
		"BAD NUMBER!,HO Ka Yan,F,1983\n" // 5
	rep, err := Import(ctx, db, strings.NewReader(csv), nil, ImportOptions{Prefix: "P"}, clerk)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Imported != 2 || len(rep.Rejected) != 2 || rep.Rejected[0].Line != 4 || rep.Rejected[1].Errors.Field("number") == nil {
		t.Fatalf("report %+v", rep)
	}
	lee, err := GetByNumber(ctx, db.R, "P000001")
	if err != nil || lee.SurnameEN != "LEE" || lee.GivenNameEN != "Siu Ling" {
		t.Errorf("kept number: %+v %v", lee, err)
	}
	chan_, err := GetByNumber(ctx, db.R, "P000002")
	if err != nil || chan_.SurnameEN != "CHAN" || chan_.GivenNameEN != "TAI MAN" {
		t.Errorf("assigned number: %+v %v", chan_, err)
	}
	// The counter moved past both.
	p := mustCreate(t, db, Input{SurnameEN: "Ho", Sex: "M", DOB: "1990"})
	if p.Number != "P000003" {
		t.Errorf("next number %s", p.Number)
	}
}

func TestImportRefusesABrokenFile(t *testing.T) {
	fixToday(t)
	tests := []struct {
		name, csv string
		key       string
		line      int
	}{
		{"unterminated quote", "Surname,Sex,DOB\nCHAN,M,1980\n\"LEE,F,1975\nHO,M,1990\n", "error.import.csv_syntax", 3},
		{"bare quote", "Surname,Sex,DOB\nCHAN,M,1980\nLE\"E,F,1975\n", "error.import.csv_syntax", 3},
		{"no sex or date column", "Name\nCHAN Tai Man\n", "error.import.missing_field", 0},
		{"empty", "", "error.import.empty", 0},
		{"mapping names a missing column", "Surname,Sex,DOB\nCHAN,M,1980\n", "error.import.no_column", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			var mapping ColumnMap
			if tt.key == "error.import.no_column" {
				mapping = ColumnMap{"surname_en": "Surname", "sex": "Sex", "dob": "Birthday"}
			}
			rep, err := Import(ctx, db, strings.NewReader(tt.csv), mapping, ImportOptions{Prefix: "P"}, clerk)
			var errs clinic.ValidationErrors
			if !errors.As(err, &errs) || errs[0].Key != tt.key {
				t.Fatalf("want %s, got %v", tt.key, err)
			}
			if tt.line != 0 && (len(rep.Rejected) != 1 || rep.Rejected[0].Line != tt.line || errs[0].Args[0] != tt.line) {
				t.Errorf("reported %+v", rep.Rejected)
			}
			if n := countPatients(t, db); n != 0 || rep.Imported != 0 {
				t.Errorf("%d patients imported from a broken file", n)
			}
		})
	}
}

// TestImportRollsBackOnAWriteFailure: a failure part-way leaves nothing imported, the number
// counter and the indexes as they were, and no audit rows.
func TestImportRollsBackOnAWriteFailure(t *testing.T) {
	fixToday(t)
	for _, existing := range []bool{false, true} { // into an empty table (indexes rebuilt) and not
		t.Run(fmt.Sprint("existing patients ", existing), func(t *testing.T) {
			db := openDB(t)
			if existing {
				mustCreate(t, db, Input{SurnameEN: "Ho", Sex: "M", DOB: "1990"})
			}
			before := countPatients(t, db)
			var indexes, auditRows int
			db.R.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'patients'`).Scan(&indexes)
			db.R.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&auditRows)
			if _, err := db.W.Exec(`CREATE TRIGGER boom BEFORE INSERT ON patients WHEN NEW.surname_en = 'BOOM'
				BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			b.WriteString("Surname,Sex,DOB\n")
			for i := 0; i < 300; i++ {
				name := fmt.Sprintf("Chan%c%c", 'a'+i%26, 'a'+i/26)
				if i == 200 {
					name = "BOOM"
				}
				fmt.Fprintf(&b, "%s,M,1980\n", name)
			}
			rep, err := Import(ctx, db, strings.NewReader(b.String()), nil, ImportOptions{Prefix: "P"}, clerk)
			if err == nil || !strings.Contains(err.Error(), "disk on fire") || rep.Imported != 0 {
				t.Fatalf("want the failure, got %v (imported %d)", err, rep.Imported)
			}
			var indexesAfter, auditAfter, seq int
			db.R.QueryRow(`SELECT COUNT(*) FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'patients'`).Scan(&indexesAfter)
			db.R.QueryRow(`SELECT COUNT(*) FROM audit_log`).Scan(&auditAfter)
			db.R.QueryRow(`SELECT COALESCE(MAX(last), 0) FROM patient_number_seq`).Scan(&seq)
			if countPatients(t, db) != before || indexesAfter != indexes || auditAfter != auditRows || seq != before {
				t.Errorf("after the failure: %d patients (was %d), %d indexes (was %d), %d audit rows (was %d), counter %d",
					countPatients(t, db), before, indexesAfter, indexes, auditAfter, auditRows, seq)
			}
		})
	}
}

// importFile makes a CSV of n patients with valid HKIDs, one row in a hundred broken (a bad check
// character or a date that does not exist).
func importFile(n int, letter rune) []byte {
	var b bytes.Buffer
	b.WriteString("Patient No,Surname,Given Name,中文姓名,Sex,Date of Birth,HKID,Mobile,Address\n")
	sur := []struct{ en, zh string }{{"CHAN", "陳"}, {"LEE", "李"}, {"CHEUNG", "張"}, {"WONG", "黃"}, {"HO", "何"}, {"LAM", "林"}, {"LEUNG", "梁"}, {"LAU", "劉"}}
	giv := []struct{ en, zh string }{{"Tai Man", "大文"}, {"Siu Ming", "小明"}, {"Ka Yan", "嘉欣"}, {"Mei Ling", "美玲"}, {"Chi Keung", "志強"}, {"Wing Sze", "詠詩"}}
	day := time.Date(1930, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		s, g := sur[i%len(sur)], giv[(i/len(sur))%len(giv)]
		id, _ := hkid.New(string(letter+rune(i/1000000)), fmt.Sprintf("%06d", i%1000000))
		doc := id.Display()
		dob := day.AddDate(0, 0, (i*7919)%33000).Format("02/01/2006")
		switch i % 200 {
		case 37:
			doc = doc[:len(doc)-2] + "X)" // not a check character
		case 173:
			dob = "31/02/1980"
		}
		fmt.Fprintf(&b, ",%s,%s,%s%s,%c,%s,%s,9%07d,\"Flat %d, Block %d, Tai Koo Shing\"\n",
			s.en, g.en, s.zh, g.zh, "MF"[i%2], dob, doc, i, i%40, i%8)
	}
	return b.Bytes()
}

// BenchmarkImport100k imports 100,000 rows (1% bad) per iteration into a new practice, and into
// one that already has patients (every row then also looked up for duplicates on file, and the
// indexes kept up to date row by row).
func BenchmarkImport100k(b *testing.B) {
	data := importFile(100000, 'A')
	for _, existing := range []bool{false, true} {
		name := "new-practice"
		if existing {
			name = "existing-practice"
		}
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				db := openDB(b)
				if existing {
					// Other people, with HKIDs of another letter.
					rep, err := Import(ctx, db, bytes.NewReader(importFile(1000, 'K')), nil, ImportOptions{Prefix: "P"}, clerk)
					if err != nil || rep.Imported != 990 {
						b.Fatal(rep.Imported, err)
					}
				}
				b.StartTimer()
				start := time.Now()
				rep, err := Import(ctx, db, bytes.NewReader(data), nil, ImportOptions{Prefix: "P"}, clerk)
				if err != nil {
					b.Fatal(err)
				}
				if rep.Imported != 99000 || len(rep.Rejected) != 1000 {
					b.Fatalf("imported %d, rejected %d", rep.Imported, len(rep.Rejected))
				}
				b.ReportMetric(time.Since(start).Seconds(), "s/import")
				b.ReportMetric(float64(rep.Rows)/time.Since(start).Seconds(), "rows/s")
				b.StopTimer()
				db.Close()
			}
		})
	}
}

// TestImport10kRows checks the import end to end at a size that keeps `go test` quick; the
// benchmark above does the full 100,000.
func TestImport10kRows(t *testing.T) {
	if testing.Short() {
		t.Skip()
	}
	db := openDB(t)
	start := time.Now()
	rep, err := Import(ctx, db, bytes.NewReader(importFile(10000, 'A')), nil, ImportOptions{Prefix: "P"}, clerk)
	if err != nil || rep.Imported != 9900 || len(rep.Rejected) != 100 {
		t.Fatalf("imported %d, rejected %d: %v", rep.Imported, len(rep.Rejected), err)
	}
	t.Logf("10,000 rows in %v", time.Since(start))
	if n, err := auditVerify(db); err != nil || n != 9901 {
		t.Errorf("audit chain %d %v", n, err)
	}
}
