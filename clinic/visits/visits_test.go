package visits_test

import (
	"context"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/terms"
	"github.com/onramp-hk/onramp/clinic/visits"
)

func validationKey(err error) string {
	var one *clinic.ValidationError
	var many clinic.ValidationErrors
	switch {
	case errors.As(err, &many) && len(many) > 0:
		return many[0].Key
	case errors.As(err, &one):
		return one.Key
	}
	return ""
}

func TestOpenFromTheQueueTwiceMakesOneVisit(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	in := visits.OpenInput{PatientID: f.patient, DoctorID: f.doctor.UserID, AttendanceID: 7, Date: "2026-11-23"}
	a, err := visits.Open(ctx, f.db, in, f.doctor)
	if err != nil {
		t.Fatal(err)
	}
	b, err := visits.Open(ctx, f.db, in, f.doctor)
	if err != nil {
		t.Fatal(err)
	}
	if a.ID != b.ID {
		t.Fatalf("opened twice: visits %d and %d", a.ID, b.ID)
	}
	if a.EpisodeNo != "V2026-000001" || a.Status != visits.StatusDraft || a.Type != visits.TypeConsultation {
		t.Errorf("new visit: %+v", a)
	}
	c, err := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, Date: "2026-11-24"}, f.doctor)
	if err != nil {
		t.Fatal(err)
	}
	if c.EpisodeNo != "V2026-000002" {
		t.Errorf("second episode number %s", c.EpisodeNo)
	}
}

func TestOpenRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		in   visits.OpenInput
		key  string
		err  error
	}{
		{"bad date", visits.OpenInput{PatientID: f.patient, Date: "23/11/2026"}, "error.visit.date", nil},
		{"bad type", visits.OpenInput{PatientID: f.patient, Date: "2026-11-23", Type: "séance"}, "error.visit.type", nil},
		{"no patient", visits.OpenInput{PatientID: 99999, Date: "2026-11-23"}, "", clinic.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := visits.Open(ctx, f.db, tc.in, f.doctor)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("got %v, want %v", err, tc.err)
				}
				return
			}
			if k := validationKey(err); k != tc.key {
				t.Fatalf("got %v, want %s", err, tc.key)
			}
		})
	}
}

func TestSignedNoteIsLockedAndAmendmentsKeepEveryVersion(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v, err := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, DoctorID: f.doctor.UserID, Date: "2026-11-23"}, f.doctor)
	if err != nil {
		t.Fatal(err)
	}
	first := visits.Note{History: "Sore throat 2 days", Examination: "Red pharynx", Assessment: "Pharyngitis", Plan: "Fluids"}
	if v, err = visits.SaveDraft(ctx, f.db, v.ID, visits.Draft{Note: first, Version: v.Version}, f.doctor); err != nil {
		t.Fatal(err)
	}
	// A form drawn before the last save is stale.
	if _, err := visits.SaveDraft(ctx, f.db, v.ID, visits.Draft{Note: first, Version: v.Version - 1}, f.doctor); !errors.Is(err, clinic.ErrConflict) {
		t.Fatalf("stale draft save: %v", err)
	}
	if v, err = visits.Sign(ctx, f.db, v.ID, visits.Draft{Note: first, Version: v.Version}, f.doctor, "Dr Chan"); err != nil {
		t.Fatal(err)
	}
	if !v.Signed() || v.NoteVersion != 1 || v.SignedBy != f.doctor.UserID {
		t.Fatalf("after signing: %+v", v)
	}
	// Signed: neither a draft save nor a second signature changes it.
	edited := first
	edited.Plan = "Antibiotics"
	if _, err := visits.SaveDraft(ctx, f.db, v.ID, visits.Draft{Note: edited}, f.doctor); validationKey(err) != "error.visit.locked" {
		t.Fatalf("draft save of a signed note: %v", err)
	}
	if _, err := visits.Sign(ctx, f.db, v.ID, visits.Draft{Note: edited}, f.doctor, "Dr Chan"); validationKey(err) != "error.visit.locked" {
		t.Fatalf("second signature: %v", err)
	}
	if _, err := f.db.W.ExecContext(ctx, `UPDATE visit_note_versions SET plan = 'x'`); err == nil {
		t.Fatal("a signed version was changed behind the application's back")
	}
	// Amendments need a reason and a change.
	if _, err := visits.Amend(ctx, f.db, v.ID, visits.Draft{Note: edited}, " ", f.doctor, "Dr Chan"); validationKey(err) != "error.visit.reason_required" {
		t.Fatalf("amend without reason: %v", err)
	}
	if _, err := visits.Amend(ctx, f.db, v.ID, visits.Draft{Note: first}, "no change", f.doctor, "Dr Chan"); validationKey(err) != "error.visit.amend_unchanged" {
		t.Fatalf("amend without change: %v", err)
	}
	if v, err = visits.Amend(ctx, f.db, v.ID, visits.Draft{Note: edited, Version: v.Version}, "culture positive", f.doctor, "Dr Chan"); err != nil {
		t.Fatal(err)
	}
	third := edited
	third.Assessment = "Streptococcal pharyngitis"
	if v, err = visits.Amend(ctx, f.db, v.ID, visits.Draft{Note: third}, "diagnosis refined", f.doctor, "Dr Chan"); err != nil {
		t.Fatal(err)
	}
	if v.NoteVersion != 3 || v.Note != third {
		t.Fatalf("after two amendments: version %d note %+v", v.NoteVersion, v.Note)
	}
	vs, err := visits.Versions(ctx, f.db.R, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		note   visits.Note
		reason string
	}{{first, ""}, {edited, "culture positive"}, {third, "diagnosis refined"}}
	if len(vs) != len(want) {
		t.Fatalf("%d versions, want %d", len(vs), len(want))
	}
	for i, w := range want {
		if vs[i].Version != i+1 || vs[i].Note != w.note || vs[i].Reason != w.reason || vs[i].ByName != "Dr Chan" {
			t.Errorf("version %d: %+v", i+1, vs[i])
		}
	}
}

func TestSignNeedsANote(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v, _ := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, Date: "2026-11-23"}, f.doctor)
	if _, err := visits.Sign(ctx, f.db, v.ID, visits.Draft{}, f.doctor, "Dr Chan"); validationKey(err) != "error.visit.note_empty" {
		t.Fatalf("signing an empty note: %v", err)
	}
	// Signing a visit opened without a doctor makes the signer its doctor.
	v, err := visits.Sign(ctx, f.db, v.ID, visits.Draft{Note: visits.Note{Plan: "Review"}}, f.doctor, "Dr Chan")
	if err != nil {
		t.Fatal(err)
	}
	if v.DoctorID != f.doctor.UserID || v.DoctorMCR != "M01234" {
		t.Errorf("doctor after signing: %d %q", v.DoctorID, v.DoctorMCR)
	}
}

func TestEnteredInErrorKeepsTheRecord(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v, _ := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, Date: "2026-11-23"}, f.doctor)
	note := visits.Note{History: "Wrong patient"}
	v, _ = visits.Sign(ctx, f.db, v.ID, visits.Draft{Note: note}, f.doctor, "Dr Chan")
	if _, err := visits.MarkInError(ctx, f.db, v.ID, "", 0, f.doctor); validationKey(err) != "error.visit.reason_required" {
		t.Fatalf("withdraw without reason: %v", err)
	}
	v, err := visits.MarkInError(ctx, f.db, v.ID, "opened on the wrong patient", v.Version, f.doctor)
	if err != nil {
		t.Fatal(err)
	}
	got, err := visits.Get(ctx, f.db.R, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.InError() || got.ErrorReason != "opened on the wrong patient" || got.Note != note {
		t.Fatalf("withdrawn visit: %+v", got)
	}
	if _, err := visits.Amend(ctx, f.db, v.ID, visits.Draft{Note: visits.Note{History: "x"}}, "r", f.doctor, ""); validationKey(err) != "error.visit.locked" {
		t.Fatalf("amend a withdrawn visit: %v", err)
	}
	if _, err := visits.AddDiagnosis(ctx, f.db, v.ID, visits.CodedInput{FreeText: "x"}, f.doctor); validationKey(err) != "error.visit.withdrawn" {
		t.Fatalf("diagnose a withdrawn visit: %v", err)
	}
	if vs, _ := visits.Versions(ctx, f.db.R, v.ID); len(vs) != 1 {
		t.Errorf("versions after withdrawal: %d", len(vs))
	}
}

func TestDiagnosesPrincipalFreeTextAndProblems(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	if err := terms.EnsureStarter(ctx, f.db); err != nil {
		t.Fatal(err)
	}
	found, err := terms.Search(ctx, f.db, terms.Diagnosis, "hyperten", f.doctor.UserID, 10)
	if err != nil || len(found) == 0 {
		t.Fatalf("search: %v %v", found, err)
	}
	htn := found[0]
	v, _ := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, Date: "2026-11-23"}, f.doctor)
	if _, err := visits.AddDiagnosis(ctx, f.db, v.ID, visits.CodedInput{FreeText: "Fatigue after travel"}, f.doctor); err != nil {
		t.Fatal(err)
	}
	if _, err := visits.AddDiagnosis(ctx, f.db, v.ID, visits.CodedInput{TermID: htn.ID, Principal: true, AddProblem: true}, f.doctor); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []struct {
		in  visits.CodedInput
		key string
	}{
		{visits.CodedInput{}, "error.visit.term_required"},
		{visits.CodedInput{TermID: 999999}, "error.visit.term_unknown"},
	} {
		if _, err := visits.AddDiagnosis(ctx, f.db, v.ID, bad.in, f.doctor); validationKey(err) != bad.key {
			t.Errorf("%+v: %v, want %s", bad.in, err, bad.key)
		}
	}
	ds, err := visits.Diagnoses(ctx, f.db.R, v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 2 || !ds[0].Principal || ds[0].ICD10 != "I10" || ds[1].Principal || ds[1].TermID != 0 {
		t.Fatalf("diagnoses: %+v", ds)
	}
	if err := visits.WithdrawCoded(ctx, f.db, "diagnosis", v.ID, ds[1].ID, "typed in the wrong visit", f.doctor); err != nil {
		t.Fatal(err)
	}
	ds, _ = visits.Diagnoses(ctx, f.db.R, v.ID)
	if len(ds) != 2 || !ds[1].InError() {
		t.Fatalf("withdrawn diagnosis not kept: %+v", ds)
	}
	ps, err := visits.Problems(ctx, f.db.R, f.patient)
	if err != nil || len(ps) != 1 || ps[0].Code != htn.Code || ps[0].Status != visits.ProblemActive {
		t.Fatalf("problem list: %+v %v", ps, err)
	}
	if err := visits.SetProblemStatus(ctx, f.db, f.patient, ps[0].ID, visits.ProblemResolved, "", "2026-12-01", f.doctor); err != nil {
		t.Fatal(err)
	}
	ps, _ = visits.Problems(ctx, f.db.R, f.patient)
	if ps[0].Status != visits.ProblemResolved || ps[0].ResolvedOn != "2026-12-01" {
		t.Errorf("resolved problem: %+v", ps[0])
	}
	tl, err := visits.Timeline(ctx, f.db.R, f.patient, visits.Filter{Diagnosis: "I10"})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl) != 0 {
		t.Errorf("filter by ICD-10 is not a term code filter: %d", len(tl))
	}
	tl, _ = visits.Timeline(ctx, f.db.R, f.patient, visits.Filter{Diagnosis: htn.Code})
	if len(tl) != 1 || tl[0].Diagnoses != htn.NameEN {
		t.Errorf("timeline by diagnosis: %+v", tl)
	}
	if tl, _ = visits.Timeline(ctx, f.db.R, f.patient, visits.Filter{Type: visits.TypeVaccination}); len(tl) != 0 {
		t.Errorf("timeline by type: %d", len(tl))
	}
}
