package sharing

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

func eqList(t *testing.T, what string, got, want []string) {
	t.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got  %q\n want %q", what, got, want)
	}
}

// TestMaterialisationThenIncremental: nothing of a patient goes before they join; on joining,
// all their records go in one data materialisation (BL-M, inserts only); after that each change
// goes in an incremental upload (BL) with the right transaction type.
func TestMaterialisationThenIncremental(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second))

	p := addPatient(t, db, "Chan", "Tai Man")
	a1 := addAllergy(t, db, p, "Penicillin")
	a2 := addAllergy(t, db, p, "Aspirin")
	changeAllergy(t, db, a2, "Aspirin 300 mg")
	gone := addAllergy(t, db, p, "Entered by mistake")
	deleteAllergy(t, db, gone, "Entered for the wrong patient")

	rep := mustRun(t, e)
	if len(c.snapshot()) != 0 {
		t.Fatalf("records of a patient who has not joined were sent: %v", summary(c.snapshot()))
	}
	if rep.Taken == 0 || rep.NotShared != rep.Taken {
		t.Errorf("outbox rows of a patient not shared: %s", rep)
	}
	if n, _ := outboxLen(db); n != 0 {
		t.Errorf("%d outbox rows left", n)
	}

	join(t, db, p)
	mustRun(t, e)
	eqList(t, "data materialisation", summary(c.snapshot()), []string{
		allergyKey(a1) + " I BL-M", allergyKey(a2) + " I BL-M", PersonalKey(p) + " I BL-M",
	})
	if h, _ := c.holdsKey(allergyKey(a2)); h == nil || h.content != "Aspirin 300 mg" {
		t.Errorf("materialised content: %+v", h)
	}
	c.reset()

	// Nothing changed: nothing goes.
	mustRun(t, e)
	eqList(t, "idle run", summary(c.snapshot()), nil)

	changeAllergy(t, db, a1, "Penicillin V")
	a3 := addAllergy(t, db, p, "Latex")
	deleteAllergy(t, db, a2, "No longer applies")
	mustRun(t, e)
	eqList(t, "incremental", summary(c.snapshot()), []string{
		allergyKey(a1) + " U BL", allergyKey(a2) + " D BL", allergyKey(a3) + " I BL",
	})
	c.reset()

	// A change to the patient's details is an update of their identification record; a change
	// eHealth does not see (the mobile) sends nothing.
	pt, _ := patients.Get(ctx, db.R, p)
	in := patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai-man", Sex: "F", DOB: "1975-03-02", DocType: patients.DocHKID,
		DocNumber: pt.Doc.Number, Version: pt.Version, Confirmed: true}
	if _, err := patients.Update(ctx, db, p, in, clerk); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e)
	eqList(t, "patient details", summary(c.snapshot()), []string{PersonalKey(p) + " U BL"})
	c.reset()
	pt, _ = patients.Get(ctx, db.R, p)
	in.Mobile, in.Version = "91234567", pt.Version
	if _, err := patients.Update(ctx, db, p, in, clerk); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e)
	eqList(t, "mobile only", summary(c.snapshot()), nil)

	c.checkOnce(t)
	h, err := PatientHistory(ctx, db, p)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, ev := range h.Events {
		kinds[ev.Kind]++
	}
	if !h.Shareable || kinds["shareable"] != 1 || kinds["accepted"] < 3 {
		t.Errorf("history: shareable=%v events=%v", h.Shareable, kinds)
	}
}

func outboxLen(db *store.DB) (int, error) { return outbox.Len(ctx, db.R) }

// TestConsentRevokedMidway: with consent required, revoking it stops uploads at once (changes
// wait); giving it again sends what changed meanwhile, once, and no insert twice.
func TestConsentRevokedMidway(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second), func(o *Options) { o.RequireConsent = true })

	p := addPatient(t, db, "Wong", "Siu Ming")
	a1 := addAllergy(t, db, p, "Sulfa")
	a2 := addAllergy(t, db, p, "Codeine")
	join(t, db, p) // joined, no consent yet: with consent required, nothing goes
	mustRun(t, e)
	eqList(t, "joined without consent", summary(c.snapshot()), nil)

	setEHealth(t, db, p, true, patients.ConsentGiven)
	mustRun(t, e)
	eqList(t, "after consent", summary(c.snapshot()), []string{
		allergyKey(a1) + " I BL-M", allergyKey(a2) + " I BL-M", PersonalKey(p) + " I BL-M",
	})
	c.reset()

	changeAllergy(t, db, a1, "Sulfonamides")
	mustRun(t, e)
	eqList(t, "incremental", summary(c.snapshot()), []string{allergyKey(a1) + " U BL"})
	c.reset()

	// Revoked mid-way, with a change already queued in the same run.
	changeAllergy(t, db, a2, "Codeine phosphate")
	setEHealth(t, db, p, true, patients.ConsentRevoked)
	a3 := addAllergy(t, db, p, "Iodine")
	deleteAllergy(t, db, a1, "Entered in error")
	mustRun(t, e)
	mustRun(t, e)
	eqList(t, "after revocation", summary(c.snapshot()), nil)
	st, err := ReadStatus(ctx, db, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total.Waiting == 0 {
		t.Errorf("nothing waiting after revocation: %+v", st.Total)
	}

	setEHealth(t, db, p, true, patients.ConsentGiven)
	mustRun(t, e)
	eqList(t, "consent given again", summary(c.snapshot()), []string{
		allergyKey(a1) + " D BL", allergyKey(a2) + " U BL", allergyKey(a3) + " I BL-M",
	})
	c.checkOnce(t)

	// Without the consent rule, a revocation does not stop deposits (joined is enough).
	db2 := openDB(t)
	c2 := newCentral(t)
	e2 := newEngine(db2, c2.transport(5*time.Second))
	q := addPatient(t, db2, "Lee", "Ka Yan")
	setEHealth(t, db2, q, true, patients.ConsentGiven)
	mustRun(t, e2)
	setEHealth(t, db2, q, true, patients.ConsentRevoked)
	b := addAllergy(t, db2, q, "Peanut")
	mustRun(t, e2)
	if c2.count(allergyKey(b), "I") != 1 {
		t.Errorf("deposit after revocation without the consent rule: %v", summary(c2.snapshot()))
	}
}

// TestCollapse: several changes to one record between runs go as one upload of its latest
// state, with the transaction type that follows from what eHealth holds.
func TestCollapse(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second))
	p := addPatient(t, db, "Ho", "Wing")
	join(t, db, p)
	mustRun(t, e)
	c.reset()

	// Never sent: created and changed three times is one insert of the last version.
	a := addAllergy(t, db, p, "v1")
	changeAllergy(t, db, a, "v2")
	changeAllergy(t, db, a, "v3")
	changeAllergy(t, db, a, "v4")
	// Sent, then changed twice and deleted: one delete.
	b := addAllergy(t, db, p, "b1")
	mustRun(t, e)
	c.reset()
	changeAllergy(t, db, a, "v5")
	changeAllergy(t, db, a, "v6")
	changeAllergy(t, db, b, "b2")
	changeAllergy(t, db, b, "b3")
	deleteAllergy(t, db, b, "Duplicate entry")
	mustRun(t, e)
	eqList(t, "collapsed", summary(c.snapshot()), []string{allergyKey(a) + " U BL", allergyKey(b) + " D BL"})
	if h, _ := c.holdsKey(allergyKey(a)); h.content != "v6" {
		t.Errorf("update carried %q, want the latest v6", h.content)
	}
	if c.count(allergyKey(a), "I") != 1 || c.count(allergyKey(a), "U") != 1 {
		t.Errorf("a: I %d U %d", c.count(allergyKey(a), "I"), c.count(allergyKey(a), "U"))
	}
	// Changed and changed back: eHealth already holds that content, nothing is sent.
	c.reset()
	changeAllergy(t, db, a, "v7")
	changeAllergy(t, db, a, "v6")
	mustRun(t, e)
	eqList(t, "changed back", summary(c.snapshot()), nil)
	c.checkOnce(t)
}

// TestDeleteNeverSent: a record created and deleted between runs is never sent, and leaves no
// row behind; a change to a record never sent goes as an insert.
func TestDeleteNeverSent(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second))
	p := addPatient(t, db, "Cheung", "Mei")
	join(t, db, p)
	mustRun(t, e)
	c.reset()

	a := addAllergy(t, db, p, "Mistake")
	deleteAllergy(t, db, a, "Entered in error")
	b := addAllergy(t, db, p, "Egg")
	mustRun(t, e)
	changeAllergy(t, db, b, "Egg white") // goes on the next run, as an update
	eqList(t, "delete of a never-sent record", summary(c.snapshot()), []string{allergyKey(b) + " I BL"})
	if st, _ := recordState(t, db, allergyKey(a)); st != "" {
		t.Errorf("a never-sent deleted record keeps a row in state %q", st)
	}
	c.reset()

	// A record changed before it was ever accepted (held by a check) goes as an insert.
	d := addAllergy(t, db, p, "Dust")
	setAllergyType(t, db, d, "Mineral") // not an eHealth allergen type: held
	mustRun(t, e)
	if st, _ := recordState(t, db, allergyKey(d)); st != "held" {
		t.Fatalf("bad allergen type: state %q, want held", st)
	}
	setAllergyType(t, db, d, "Non-drug")
	mustRun(t, e)
	eqList(t, "held then fixed", summary(c.snapshot()), []string{allergyKey(b) + " U BL", allergyKey(d) + " I BL"})
	c.checkOnce(t)
}

// TestHeldWithReasonUntilFixed: a record that fails the checks is held with its reason in
// English and Chinese and a link to fix it, nothing else of the run is held up, and it goes on
// the next run after the fix. A clinic without its eHealth provider id holds everything.
func TestHeldWithReasonUntilFixed(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second))
	if _, err := db.W.Exec(`UPDATE practice SET hcp_id = ''`); err != nil {
		t.Fatal(err)
	}
	p := addPatient(t, db, "Lam", "Chi Keung")
	q := addPatient(t, db, "Yip", "Hoi")
	join(t, db, p)
	join(t, db, q)
	bad := addAllergy(t, db, p, "Pollen")
	setAllergyType(t, db, bad, "Weather")
	good := addAllergy(t, db, q, "Shellfish")

	mustRun(t, e)
	if len(c.snapshot()) != 0 {
		t.Fatalf("sent without a provider id: %v", summary(c.snapshot()))
	}
	st, err := ReadStatus(ctx, db, 0)
	if err != nil {
		t.Fatal(err)
	}
	if st.Total.Held != 4 || len(st.Problems) != 4 {
		t.Fatalf("held %d, problems %d; want 4", st.Total.Held, len(st.Problems))
	}
	for _, pr := range st.Problems {
		if pr.FixURL != PracticeURL || !strings.Contains(pr.ReasonEN, "institution identifier") || pr.ReasonZH == "" {
			t.Errorf("institution problem: %+v", pr)
		}
	}

	if _, err := db.W.Exec(`UPDATE practice SET hcp_id = '9938744799'`); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e)
	eqList(t, "after the provider id", summary(c.snapshot()), []string{
		allergyKey(good) + " I BL-M", PersonalKey(p) + " I BL-M", PersonalKey(q) + " I BL-M",
	})
	st, _ = ReadStatus(ctx, db, 0)
	if len(st.Problems) != 1 {
		t.Fatalf("problems: %+v", st.Problems)
	}
	pr := st.Problems[0]
	if pr.Key != allergyKey(bad) || pr.State != "held" || pr.PatientID != p || !strings.Contains(pr.ReasonEN, "Weather") ||
		!strings.Contains(pr.ReasonZH, "Weather") || pr.FixURL == "" || pr.PatientNumber == "" {
		t.Errorf("held record: %+v", pr)
	}
	c.reset()

	// Held again (unchanged) on the next run, without a second history line.
	mustRun(t, e)
	h, _ := PatientHistory(ctx, db, p)
	held := 0
	for _, ev := range h.Events {
		if ev.Kind == "held" && ev.RecordKey == allergyKey(bad) {
			held++
		}
	}
	if held != 2 { // once for the provider id, once for the type
		t.Errorf("%d held events, want 2", held)
	}

	setAllergyType(t, db, bad, "Non-drug")
	mustRun(t, e)
	// It was held during the materialisation, so it still goes as part of it.
	eqList(t, "fixed", summary(c.snapshot()), []string{allergyKey(bad) + " I BL-M"})
	c.checkOnce(t)
}

// TestMergedRecordsFollowSurvivor: a duplicate's records go under the survivor; records already
// sent under the duplicate's identity are withdrawn from it first.
func TestMergedRecordsFollowSurvivor(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second))

	// Duplicate never shared: its allergies appear under the survivor.
	y := addPatient(t, db, "Tsang", "Yuk")
	join(t, db, y)
	x := addPatient(t, db, "Tsang", "Yuk Ling")
	ax := addAllergy(t, db, x, "Mango")
	mustRun(t, e)
	c.reset()
	if _, err := patients.Merge(ctx, db, y, x, "same person", clerk); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e)
	yDoc := docOf(t, db, y)
	eqList(t, "moved to a shared survivor", summary(c.snapshot()), []string{allergyKey(ax) + " I BL"})
	if h, _ := c.holdsKey(allergyKey(ax)); h.patient != yDoc {
		t.Errorf("held under %q, want the survivor %q", h.patient, yDoc)
	}
	c.reset()

	// Both shared: the duplicate's records are deleted from its identity, then inserted under
	// the survivor, and its identification record goes.
	v := addPatient(t, db, "Kwok", "Fai")
	w := addPatient(t, db, "Kwok", "Fai Ming")
	join(t, db, v)
	join(t, db, w)
	aw := addAllergy(t, db, w, "Nuts")
	mustRun(t, e)
	c.reset()
	if _, err := patients.Merge(ctx, db, v, w, "same person", clerk); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e)
	eqList(t, "moved between shared patients", summary(c.snapshot()), []string{
		allergyKey(aw) + " D BL", allergyKey(aw) + " I BL", PersonalKey(w) + " D BL",
	})
	if h, _ := c.holdsKey(allergyKey(aw)); !h.present || h.patient != docOf(t, db, v) {
		t.Errorf("after merge: %+v", h)
	}
	c.checkConsistent(t) // the record is inserted twice, under two identities, by design
}

func docOf(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	p, err := patients.Get(ctx, db.R, id)
	if err != nil {
		t.Fatal(err)
	}
	return p.Doc.Number
}

// TestFolderTransport: without an endpoint, bundles are files named by their id, written
// whole; a re-sent bundle replaces its own file.
func TestFolderTransport(t *testing.T) {
	db := openDB(t)
	dir := filepath.Join(t.TempDir(), "outbox-bundles")
	e := newEngine(db, nil, func(o *Options) { o.Transport, o.Folder = nil, dir })
	p := addPatient(t, db, "Fung", "Kit")
	join(t, db, p)
	addAllergy(t, db, p, "Ibuprofen")
	rep := mustRun(t, e)
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	if len(files) != 2 || rep.Accepted != 2 {
		t.Fatalf("files %v, report %s", files, rep)
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if !strings.Contains(string(data), `"resourceType":"Bundle"`) || !strings.HasPrefix(filepath.Base(f), "") {
			t.Errorf("%s: %.80s", f, data)
		}
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, ".tmp-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
}

// TestAppointmentsAreEncounters: the diary's bookings of a shared patient go as encounter
// records (ENC, provisional); a cancellation is an update, and a booking moved by a merge
// follows the survivor.
func TestAppointmentsAreEncounters(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second))
	d, doctor := diaryAt(t, db)
	p := addPatient(t, db, "Mak", "Ling")
	a1 := book(t, d, doctor, p, 10)
	mustRun(t, e)
	eqList(t, "not joined", summary(c.snapshot()), nil)

	join(t, db, p)
	mustRun(t, e)
	eqList(t, "materialised", summary(c.snapshot()), []string{AppointmentKey(a1) + " I BL-M", PersonalKey(p) + " I BL-M"})
	c.reset()

	a2 := book(t, d, doctor, p, 11)
	if err := d.Cancel(ctx, a1, "Patient called", clerk); err != nil {
		t.Fatal(err)
	}
	mustRun(t, e)
	eqList(t, "booked and cancelled", summary(c.snapshot()), []string{AppointmentKey(a1) + " U BL", AppointmentKey(a2) + " I BL"})
	c.checkOnce(t)
}
