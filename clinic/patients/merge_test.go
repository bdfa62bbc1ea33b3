package patients

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/store"
)

// test_notes stands for the records of later features (visits, allergies, ...).
func init() { RegisterOwnedTable("test_notes", "patient_id") }

func notesOf(t *testing.T, db *store.DB, patientID int64) []string {
	t.Helper()
	rows, err := db.R.Query(`SELECT text FROM test_notes WHERE patient_id = ? ORDER BY id`, patientID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}

func addNote(t *testing.T, db *store.DB, patientID int64, text string) {
	t.Helper()
	if _, err := db.W.Exec(`INSERT INTO test_notes (patient_id, text) VALUES (?, ?)`, patientID, text); err != nil {
		t.Fatal(err)
	}
}

func TestMergeAndUnmerge(t *testing.T) {
	fixToday(t)
	db := openDB(t)
	if _, err := db.W.Exec(`CREATE TABLE test_notes (id INTEGER PRIMARY KEY, patient_id INTEGER NOT NULL REFERENCES patients(id), text TEXT)`); err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(OwnedTables(), OwnedTable{"test_notes", "patient_id"}) {
		t.Fatal("not registered")
	}
	survivor := mustCreate(t, db, chanTaiMan())
	dupIn := chanTaiMan()
	dupIn.DocType, dupIn.DocNumber, dupIn.Mobile, dupIn.GivenNameEN, dupIn.PhoneOther = DocPassport, "K7654321", "61112222", "Taiman", "23334444"
	dupIn.DocCountry, dupIn.Confirmed = "CAN", true
	dup := mustCreate(t, db, dupIn)
	other := chanTaiMan()
	other.SurnameEN, other.NameZH, other.DocNumber, other.Mobile = "Lam", "林大文", "G100002(A)", ""
	third := mustCreate(t, db, other)

	addNote(t, db, survivor.ID, "s1")
	addNote(t, db, dup.ID, "d1")
	addNote(t, db, dup.ID, "d2")
	addNote(t, db, third.ID, "t1")

	if _, err := Merge(ctx, db, survivor.ID, survivor.ID, "same", clerk); err == nil {
		t.Error("merged into itself")
	}
	var verr clinic.ValidationErrors
	if _, err := Merge(ctx, db, survivor.ID, dup.ID, " ", clerk); !errors.As(err, &verr) || verr.Field("reason") == nil {
		t.Errorf("merge without a reason: %v", err)
	}
	if _, err := Merge(ctx, db, survivor.ID, 999, "x", clerk); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("merge of nobody: %v", err)
	}
	mergeID, err := Merge(ctx, db, survivor.ID, dup.ID, "registered twice at the front desk", clerk)
	if err != nil {
		t.Fatal(err)
	}
	if got := notesOf(t, db, survivor.ID); strings.Join(got, ",") != "s1,d1,d2" {
		t.Errorf("survivor's notes after merge: %v", got)
	}
	if got := notesOf(t, db, dup.ID); len(got) != 0 {
		t.Errorf("merged record kept notes: %v", got)
	}
	merged, err := Get(ctx, db.R, dup.ID)
	if err != nil || merged.MergedInto != survivor.ID || merged.MergedAt.IsZero() || !merged.Merged() {
		t.Fatalf("merged record %+v %v", merged, err)
	}
	// Every identifier of the merged record still finds the survivor, and says how.
	for _, q := range []string{dup.Number, "K7654321", "61112222", "2333 4444"} {
		res, err := Search(ctx, db.R, q, 10)
		if err != nil || len(res) != 1 || res[0].ID != survivor.ID || res[0].ViaNumber != dup.Number {
			t.Errorf("search %q after merge: %+v %v", q, res, err)
		}
	}
	// A name both records share lists the survivor once.
	if res, _ := Search(ctx, db.R, "chan tai", 10); len(res) != 1 || res[0].ID != survivor.ID {
		t.Errorf("search by name after merge: %+v", res)
	}
	// A merged record is not edited, merged again, or counted as a duplicate.
	if _, err := Update(ctx, db, dup.ID, dupIn, clerk); err == nil || !strings.Contains(err.Error(), "error.patient.merged") {
		t.Errorf("update of merged record: %v", err)
	}
	if _, err := Merge(ctx, db, third.ID, dup.ID, "again", clerk); err == nil {
		t.Error("merged record merged again")
	}
	if pairs, _ := LikelyDuplicates(ctx, db.R, 10); len(pairs) != 0 {
		t.Errorf("merged pair still listed: %+v", pairs)
	}
	// Registering the merged record's document again names the survivor.
	var dupErr *DuplicateError
	again := dupIn
	again.SurnameEN, again.NameZH = "Chan", "陳泰文"
	if _, err := Create(ctx, db, "P", again, clerk); !errors.As(err, &dupErr) || dupErr.ExistingID != survivor.ID {
		t.Errorf("registering a merged record's document: %v", err)
	}
	for _, rows := range [][]int64{{survivor.ID}, {dup.ID}} {
		a := auditRows(t, db, rows[0])
		if a[0].Action != ActionMerge || !strings.Contains(a[0].Detail, "registered twice") || !strings.Contains(a[0].Detail, "test_notes 2") {
			t.Errorf("merge audit %+v", a[0])
		}
	}

	// A note written after the merge stays with the survivor when the merge is undone.
	addNote(t, db, survivor.ID, "s2")
	if err := Unmerge(ctx, db, mergeID, clerk); err != nil {
		t.Fatal(err)
	}
	if got := notesOf(t, db, survivor.ID); strings.Join(got, ",") != "s1,s2" {
		t.Errorf("survivor's notes after un-merge: %v", got)
	}
	if got := notesOf(t, db, dup.ID); strings.Join(got, ",") != "d1,d2" {
		t.Errorf("merged record's notes after un-merge: %v", got)
	}
	if got := notesOf(t, db, third.ID); strings.Join(got, ",") != "t1" {
		t.Errorf("bystander's notes: %v", got)
	}
	back, _ := Get(ctx, db.R, dup.ID)
	if back.Merged() {
		t.Errorf("still merged: %+v", back)
	}
	if res, _ := Search(ctx, db.R, "K7654321", 10); len(res) != 1 || res[0].ID != dup.ID || res[0].ViaNumber != "" {
		t.Errorf("search after un-merge: %+v", res)
	}
	if err := Unmerge(ctx, db, mergeID, clerk); err == nil {
		t.Error("undone twice")
	}
	merges, err := Merges(ctx, db.R, dup.ID)
	if err != nil || len(merges) != 1 || merges[0].UndoneAt.IsZero() || merges[0].UndoneBy != "clerk" || merges[0].RowsMoved["test_notes.patient_id"] != 2 {
		t.Errorf("merge record %+v %v", merges, err)
	}
	if a := auditRows(t, db, dup.ID); a[0].Action != ActionUnmerge {
		t.Errorf("un-merge audit %+v", a[0])
	}

	// Chains: dup into survivor, then survivor into third. Search follows both; the first merge
	// cannot be undone before the second.
	m1, err := Merge(ctx, db, survivor.ID, dup.ID, "twice", clerk)
	if err != nil {
		t.Fatal(err)
	}
	m2, err := Merge(ctx, db, third.ID, survivor.ID, "three times", clerk)
	if err != nil {
		t.Fatal(err)
	}
	if got := notesOf(t, db, third.ID); len(got) != 5 {
		t.Errorf("third's notes: %v", got)
	}
	if res, _ := Search(ctx, db.R, "K7654321", 10); len(res) != 1 || res[0].ID != third.ID || res[0].ViaNumber != dup.Number {
		t.Errorf("search along a chain: %+v", res)
	}
	if err := Unmerge(ctx, db, m1, clerk); err == nil || !strings.Contains(err.Error(), "error.merge.survivor_merged") {
		t.Errorf("out-of-order un-merge: %v", err)
	}
	if err := Unmerge(ctx, db, m2, clerk); err != nil {
		t.Fatal(err)
	}
	if err := Unmerge(ctx, db, m1, clerk); err != nil {
		t.Fatal(err)
	}
	for id, want := range map[int64]string{survivor.ID: "s1,s2", dup.ID: "d1,d2", third.ID: "t1"} {
		if got := strings.Join(notesOf(t, db, id), ","); got != want {
			t.Errorf("patient %d after undoing both: %s, want %s", id, got, want)
		}
	}

	// Un-merge refuses to bring back a document that a living patient has taken meanwhile: here
	// the survivor took it over, as is usual after a merge.
	m3, err := Merge(ctx, db, survivor.ID, dup.ID, "twice", clerk)
	if err != nil {
		t.Fatal(err)
	}
	takeOver := chanTaiMan()
	takeOver.DocType, takeOver.DocNumber, takeOver.DocCountry = DocPassport, "K7654321", "CAN"
	if _, err := Update(ctx, db, survivor.ID, takeOver, clerk); err != nil {
		t.Fatalf("survivor taking over the merged record's document: %v", err)
	}
	if err := Unmerge(ctx, db, m3, clerk); !errors.As(err, &dupErr) || dupErr.ExistingID != survivor.ID {
		t.Errorf("un-merge over a taken document: %v", err)
	}
	if n, err := auditVerify(db); err != nil || n == 0 {
		t.Errorf("audit chain: %d %v", n, err)
	}
}
