package patients

import (
	"errors"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
)

func TestCreateAssignsNumbersAndAudits(t *testing.T) {
	fixToday(t)
	db := openDB(t)
	p := mustCreate(t, db, chanTaiMan())
	if p.Number != "P000001" || p.ID == 0 || p.Doc.Number != "A1234563" || p.Doc.Display() != "A123456(3)" ||
		p.Doc.Masked() != "A123***(*)" || p.Version != 1 || p.Language != "zh" {
		t.Errorf("created %+v", p)
	}
	if age, exact := p.Age(); age != 45 || !exact {
		t.Errorf("age %d %v", age, exact)
	}
	second := chanTaiMan()
	second.SurnameEN, second.GivenNameEN, second.NameZH, second.DocNumber, second.Mobile = "Lee", "Siu Ling", "李小玲", "", ""
	second.DocType = ""
	q := mustCreate(t, db, second)
	if q.Number != "P000002" {
		t.Errorf("second number %s", q.Number)
	}
	// Another prefix has its own counter; a number kept from an old system is stepped around.
	if _, err := db.W.Exec(`UPDATE patients SET number = 'C000001' WHERE id = ?`, q.ID); err != nil {
		t.Fatal(err)
	}
	third := second
	third.SurnameEN, third.NameZH = "Wong", "黃小玲"
	r, err := Create(ctx, db, "C", third, clerk)
	if err != nil || r.Number != "C000002" {
		t.Errorf("C prefix: %s %v", r.Number, err)
	}
	if _, err := Create(ctx, db, "p-", third, clerk); err == nil {
		t.Error("bad prefix accepted")
	}
	got, err := Get(ctx, db.R, p.ID)
	if err != nil || got.NameEN() != "CHAN Tai Man" || got.Mobile != "91234567" {
		t.Errorf("Get: %+v %v", got, err)
	}
	if _, err := Get(ctx, db.R, 999); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("Get missing: %v", err)
	}
	if got, err := GetByNumber(ctx, db.R, "p000001"); err != nil || got.ID != p.ID {
		t.Errorf("GetByNumber: %v", err)
	}
	rows := auditRows(t, db, p.ID)
	if len(rows) != 1 || rows[0].Action != audit.ActionCreate || rows[0].Entity != "patient" || rows[0].Username != "clerk" {
		t.Errorf("audit rows %+v", rows)
	}
	e := ViewEntry(clerk, p.ID)
	if e.Action != audit.ActionView || e.PatientID != p.ID || e.Username != "clerk" {
		t.Errorf("view entry %+v", e)
	}
	if n, err := audit.Verify(ctx, db.R); err != nil || n != 3 {
		t.Errorf("audit chain: %d %v", n, err)
	}
}

func TestDuplicates(t *testing.T) {
	fixToday(t)
	tests := []struct {
		name      string
		edit      func(in *Input)
		duplicate bool     // *DuplicateError naming P000001
		possible  []string // reasons of a *PossibleDuplicatesError
	}{
		{"same HKID", func(in *Input) { in.SurnameEN, in.NameZH, in.DOB, in.Mobile = "Other", "", "1990", "" }, true, nil},
		{"same HKID typed differently", func(in *Input) {
			in.SurnameEN, in.NameZH, in.DOB, in.Mobile, in.DocNumber = "Other", "", "1990", "", "a 123456 3"
		}, true, nil},
		{"birth certificate with the HKID's number", func(in *Input) {
			in.SurnameEN, in.NameZH, in.DOB, in.Mobile, in.DocType = "Other", "", "1990", "", DocBirthCert
		}, true, nil},
		{"same name and date of birth", func(in *Input) { in.DocType, in.DocNumber, in.Mobile = "", "", "" }, false, []string{ReasonNameDOB}},
		{"same name spelt otherwise", func(in *Input) {
			in.DocType, in.DocNumber, in.Mobile, in.GivenNameEN, in.NameZH = "", "", "", "TAI-MAN", ""
		}, false, []string{ReasonNameDOB}},
		{"same Chinese name, date known to the year", func(in *Input) {
			in.DocType, in.DocNumber, in.Mobile, in.SurnameEN, in.GivenNameEN, in.DOB = "", "", "", "", "", "1980"
		}, false, []string{ReasonNameDOB}},
		{"same phone and date of birth", func(in *Input) {
			in.DocType, in.DocNumber, in.SurnameEN, in.GivenNameEN, in.NameZH = "", "", "Wong", "Siu Ming", "黃小明"
		}, false, []string{ReasonPhoneDOB}},
		{"same name, phone and date", func(in *Input) { in.DocType, in.DocNumber = "", "" }, false, []string{ReasonNameDOB, ReasonPhoneDOB}},
		{"same name, another date", func(in *Input) { in.DocType, in.DocNumber, in.DOB = "", "", "1981-05-17" }, false, nil},
		{"same phone, another date", func(in *Input) {
			in.DocType, in.DocNumber, in.SurnameEN, in.GivenNameEN, in.NameZH, in.DOB = "", "", "Chan", "Siu Ming", "陳小明", "2010-01-01"
		}, false, nil},
		{"passport is not an HKID", func(in *Input) {
			in.DocType, in.DocNumber, in.DocCountry, in.SurnameEN, in.NameZH, in.Mobile = DocPassport, "A1234563", "GBR", "Smith", "", ""
		}, false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			first := mustCreate(t, db, chanTaiMan())
			in := chanTaiMan()
			tt.edit(&in)
			_, err := Create(ctx, db, "P", in, clerk)
			var dup *DuplicateError
			var pos *PossibleDuplicatesError
			switch {
			case tt.duplicate:
				if !errors.As(err, &dup) || dup.ExistingID != first.ID || dup.Number != "P000001" {
					t.Fatalf("want DuplicateError naming P000001, got %v", err)
				}
				in.Confirmed = true
				if _, err := Create(ctx, db, "P", in, clerk); !errors.As(err, &dup) {
					t.Errorf("confirming does not get past a duplicate document: %v", err)
				}
			case tt.possible != nil:
				if !errors.As(err, &pos) || len(pos.Matches) != 1 || pos.Matches[0].Number != "P000001" {
					t.Fatalf("want PossibleDuplicatesError naming P000001, got %v", err)
				}
				if got := strings.Join(pos.Matches[0].Reasons, ","); got != strings.Join(tt.possible, ",") {
					t.Errorf("reasons %s, want %v", got, tt.possible)
				}
				in.Confirmed = true
				if p, err := Create(ctx, db, "P", in, clerk); err != nil || p.Number != "P000002" {
					t.Errorf("confirmed: %v", err)
				}
			default:
				if err != nil {
					t.Fatalf("want it registered, got %v", err)
				}
			}
		})
	}
}

func TestUpdateKeepsHistory(t *testing.T) {
	fixToday(t)
	db := openDB(t)
	p := mustCreate(t, db, chanTaiMan())
	doctor := audit.Actor{UserID: 2, Username: "drlee", Roles: "doctor"}

	in := chanTaiMan()
	in.Mobile, in.Address, in.NameZH, in.Version = "6123 4567", "Flat A, 3/F, 1 Nathan Road", "陳泰文", p.Version
	q, err := Update(ctx, db, p.ID, in, doctor)
	if err != nil {
		t.Fatal(err)
	}
	if q.Version != 2 || q.Mobile != "61234567" || q.NameZH != "陳泰文" {
		t.Errorf("updated %+v", q)
	}
	hist, err := History(ctx, db.R, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{"name_zh": {"陳大文", "陳泰文"}, "mobile": {"91234567", "61234567"}, "address": {"", "Flat A, 3/F, 1 Nathan Road"}}
	if len(hist) != len(want) {
		t.Fatalf("history %+v", hist)
	}
	for _, c := range hist {
		w, ok := want[c.Field]
		if !ok || c.Old != w[0] || c.New != w[1] || c.Username != "drlee" || c.UserID != 2 || c.At.IsZero() {
			t.Errorf("history row %+v", c)
		}
	}
	// The search index follows the new name.
	if res, _ := Search(ctx, db.R, "泰文", 10); len(res) != 1 {
		t.Errorf("new name not found: %v", res)
	}
	if res, _ := Search(ctx, db.R, "大文", 10); len(res) != 0 {
		t.Errorf("old name still found: %v", res)
	}
	// A form loaded before that change is refused.
	stale := chanTaiMan()
	stale.Version = 1
	if _, err := Update(ctx, db, p.ID, stale, clerk); !errors.Is(err, clinic.ErrConflict) {
		t.Errorf("stale form: %v", err)
	}
	// Saving without a change writes nothing.
	in.Version = 2
	if r, err := Update(ctx, db, p.ID, in, clerk); err != nil || r.Version != 2 {
		t.Errorf("no-op update: %v %d", err, r.Version)
	}
	rows := auditRows(t, db, p.ID)
	if len(rows) != 2 || rows[0].Action != audit.ActionChange || rows[0].Username != "drlee" ||
		rows[0].Detail != "changed name_zh, mobile, address" {
		t.Errorf("audit %+v", rows)
	}
	// Invalid input and a duplicate document are refused on update too.
	bad := in
	bad.DOB = "tomorrow"
	if _, err := Update(ctx, db, p.ID, bad, clerk); err == nil {
		t.Error("invalid update accepted")
	}
	other := chanTaiMan()
	other.SurnameEN, other.GivenNameEN, other.NameZH, other.DocNumber, other.Mobile, other.DOB = "Ho", "Ka Yan", "何嘉欣", "G100002(A)", "", "1990"
	o := mustCreate(t, db, other)
	other.DocNumber, other.Version = "A1234563", 0
	var dup *DuplicateError
	if _, err := Update(ctx, db, o.ID, other, clerk); !errors.As(err, &dup) || dup.ExistingID != p.ID {
		t.Errorf("update to a taken document: %v", err)
	}
	if _, err := Update(ctx, db, 999, other, clerk); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("update missing: %v", err)
	}
}

func TestEHealthConsent(t *testing.T) {
	fixToday(t)
	db := openDB(t)
	p := mustCreate(t, db, chanTaiMan())
	if Shareable(p, false) {
		t.Error("shareable before joining")
	}
	if err := SetEHealth(ctx, db, p.ID, EHealthInput{Consent: ConsentGiven, Method: MethodSmartID, ConsentDate: "2025-06-01"}, clerk); err == nil {
		t.Error("consent without joining accepted")
	}
	steps := []struct {
		in            EHealthInput
		deposit, view bool
	}{
		{EHealthInput{EHRNo: "1234-5678-9012"}, true, false},
		{EHealthInput{EHRNo: "123456789012", Consent: ConsentGiven, Method: MethodSignedForm, ConsentDate: "01/06/2025", Note: "form scanned"}, true, true},
		{EHealthInput{EHRNo: "123456789012", Joined: true, Consent: ConsentRevoked, ConsentDate: "2025-06-14"}, true, false},
	}
	for i, s := range steps {
		if err := SetEHealth(ctx, db, p.ID, s.in, clerk); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got, _ := Get(ctx, db.R, p.ID)
		if Shareable(got, false) != s.deposit || Shareable(got, true) != s.view {
			t.Errorf("step %d: shareable %v/%v, want %v/%v", i, Shareable(got, false), Shareable(got, true), s.deposit, s.view)
		}
	}
	// The same state again writes nothing.
	if err := SetEHealth(ctx, db, p.ID, steps[2].in, clerk); err != nil {
		t.Fatal(err)
	}
	got, _ := Get(ctx, db.R, p.ID)
	if e := got.EHealth; e.EHRNo != "123456789012" || !e.Joined || e.Consent != ConsentRevoked || e.ConsentDate != "2025-06-14" ||
		e.RecordedBy != clerk.UserID || e.RecordedByName != "clerk" {
		t.Errorf("state %+v", e)
	}
	hist, err := ConsentHistory(ctx, db.R, p.ID)
	if err != nil || len(hist) != 3 {
		t.Fatalf("history %d %v", len(hist), err)
	}
	if hist[1].Consent != ConsentGiven || hist[1].Method != MethodSignedForm || hist[1].ConsentDate != "2025-06-01" ||
		hist[1].Note != "form scanned" || hist[1].RecordedByName != "clerk" {
		t.Errorf("given row %+v", hist[1])
	}
	if c := ConsentOn(hist, hist[1].At); c != ConsentGiven {
		t.Errorf("consent then: %s", c)
	}
	if c := ConsentOn(hist, hist[2].At.Add(-1)); c != ConsentNone {
		t.Errorf("consent before: %s", c)
	}
	if rows := auditRows(t, db, p.ID); len(rows) != 4 || !strings.Contains(rows[1].Detail, "consent=given on 2025-06-01 by signed_form") {
		t.Errorf("audit %+v", rows)
	}
	// Registering with eHealth details records them as the first history row.
	in := chanTaiMan()
	in.DocNumber, in.SurnameEN, in.NameZH, in.Mobile, in.DOB = "G100007(0)", "Lam", "林大文", "", "1970"
	in.EHealth = &EHealthInput{EHRNo: "999988887777", Consent: ConsentGiven, Method: MethodAccessKey, ConsentDate: "2025-01-01"}
	q := mustCreate(t, db, in)
	if !Shareable(q, true) || q.EHealth.RecordedByName != "clerk" {
		t.Errorf("registered with consent: %+v", q.EHealth)
	}
	if h, _ := ConsentHistory(ctx, db.R, q.ID); len(h) != 1 || h[0].Method != MethodAccessKey {
		t.Errorf("history %+v", h)
	}
}

func TestLikelyDuplicates(t *testing.T) {
	fixToday(t)
	db := openDB(t)
	a := mustCreate(t, db, chanTaiMan())
	b := chanTaiMan()
	b.DocType, b.DocNumber, b.Mobile, b.Confirmed = "", "", "", true
	bp := mustCreate(t, db, b)
	c := chanTaiMan()
	c.SurnameEN, c.GivenNameEN, c.NameZH, c.DocNumber, c.Confirmed = "Wong", "Mei Ling", "黃美玲", "G100002(A)", true
	cp := mustCreate(t, db, c)
	d := chanTaiMan()
	d.SurnameEN, d.GivenNameEN, d.NameZH, d.DocType, d.DocNumber, d.DOB = "Ho", "Siu Fung", "何小鳳", "", "", "1990"
	mustCreate(t, db, d)

	pairs, err := LikelyDuplicates(ctx, db.R, 10)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]int64]string{}
	for _, p := range pairs {
		got[[2]int64{p.A.ID, p.B.ID}] = strings.Join(p.Reasons, ",")
	}
	want := map[[2]int64]string{{a.ID, bp.ID}: ReasonNameDOB, {a.ID, cp.ID}: ReasonPhoneDOB}
	if len(got) != len(want) || got[[2]int64{a.ID, bp.ID}] != ReasonNameDOB || got[[2]int64{a.ID, cp.ID}] != ReasonPhoneDOB {
		t.Errorf("pairs %v, want %v", got, want)
	}
	if pairs[0].A.Number == "" || pairs[0].A.NameEN != "CHAN Tai Man" {
		t.Errorf("pair details %+v", pairs[0])
	}
	if err := NotDuplicates(ctx, db, cp.ID, a.ID, clerk); err != nil {
		t.Fatal(err)
	}
	pairs, _ = LikelyDuplicates(ctx, db.R, 10)
	if len(pairs) != 1 || pairs[0].B.ID != bp.ID {
		t.Errorf("after dismissing: %+v", pairs)
	}
	if rows := auditRows(t, db, cp.ID); len(rows) != 2 {
		t.Errorf("dismissal not audited: %+v", rows)
	}
}
