package sharing

import (
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/terms"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// The consultation's loaders: a coded and a free-text diagnosis and a procedure of a visit,
// each in the outbox from its own change, loaded with the visit as encounter and passing
// eHealth's checks; withdrawn entries, and those of a visit entered in error, load as deletes.
func TestConsultationLoaders(t *testing.T) {
	db := openDB(t)
	pid := addPatient(t, db, "Chan", "Tai Man")
	if err := terms.EnsureStarter(ctx, db); err != nil {
		t.Fatal(err)
	}
	found, err := terms.Search(ctx, db, terms.Diagnosis, "pharyngitis", 0, 1)
	if err != nil || len(found) != 1 {
		t.Fatalf("starter term: %v %v", found, err)
	}
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: pid, Date: "2026-11-23"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	coded, err := visits.AddDiagnosis(ctx, db, v.ID, visits.CodedInput{TermID: found[0].ID}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	free, _ := visits.AddDiagnosis(ctx, db, v.ID, visits.CodedInput{FreeText: "Tired after travel"}, audit.System)
	px, err := visits.AddProcedure(ctx, db, v.ID, visits.CodedInput{FreeText: "Throat swab"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := outbox.Len(ctx, db.R)
	if n < 3 {
		t.Errorf("outbox has %d rows, want the 3 inserts at least", n)
	}
	reg := Registered()
	keys, err := reg[ehrss.DomainProblem].Keys(ctx, db, pid)
	if err != nil || len(keys) != 2 {
		t.Fatalf("PROB keys %v %v", keys, err)
	}
	got, err := reg[ehrss.DomainProblem].Load(ctx, db, keys)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := got[visits.DiagnosisKey(coded.ID)].Item.(ehrss.Diagnosis)
	if !ok || d.TermCode != "J02.9" || d.Terminology != icd10Terminology || d.EncounterKey != v.EpisodeNo || !d.Principal || d.DescZH != "急性咽喉炎" {
		t.Fatalf("coded diagnosis: %+v", got)
	}
	f := got[visits.DiagnosisKey(free.ID)].Item.(ehrss.Diagnosis)
	if f.TermCode != "" || f.DescEN != "Tired after travel" {
		t.Errorf("free-text diagnosis: %+v", f)
	}
	pxs, _ := reg[ehrss.DomainProcedure].Load(ctx, db, []string{visits.ProcedureKey(px.ID)})
	p, ok := pxs[visits.ProcedureKey(px.ID)].Item.(ehrss.Procedure)
	if !ok || p.Desc != "Throat swab" || p.PerformedAt.IsZero() {
		t.Fatalf("procedure: %+v", pxs)
	}
	// A merge that moves the diagnosis to another record tells eHealth.
	other := addPatient(t, db, "Wong", "Siu Ming")
	before, _ := outbox.Len(ctx, db.R)
	if _, err := db.W.ExecContext(ctx, `UPDATE visit_diagnoses SET patient_id = patient_id WHERE id = ?`, coded.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, `UPDATE visit_diagnoses SET patient_id = ? WHERE id = ?`, other, coded.ID); err != nil {
		t.Fatal(err)
	}
	if after, _ := outbox.Len(ctx, db.R); after != before+1 {
		t.Errorf("outbox %d -> %d after a move, want one row more", before, after)
	}
	if _, err := db.W.ExecContext(ctx, `UPDATE visit_diagnoses SET patient_id = ? WHERE id = ?`, pid, coded.ID); err != nil {
		t.Fatal(err)
	}
	// What the loaders give passes eHealth's own checks.
	patient := ehrss.Patient{RecordKey: "P1", EHRNo: "944272043043", DocType: "ID", DocNo: "A123456(3)", SurnameEN: "Chan",
		GivenNameEN: "Tai Man", Sex: "M", DOB: "1980-05-17", DOBPrecision: "D"}
	d.TxType, f.TxType, p.TxType = ehrss.TxInsert, ehrss.TxInsert, ehrss.TxInsert
	inst := ehrss.Institution{ID: "1234567890", NameEN: "Test Clinic"}
	for domain, pr := range map[ehrss.Domain]ehrss.PatientRecords{
		ehrss.DomainProblem:   {Patient: patient, Diagnoses: []ehrss.Diagnosis{d, f}},
		ehrss.DomainProcedure: {Patient: patient, Procedures: []ehrss.Procedure{p}},
	} {
		if problems := ehrss.Check(inst, domain, ehrss.ModeIncremental, []ehrss.PatientRecords{pr}); len(problems) > 0 {
			t.Errorf("%s: %v", domain, problems)
		}
	}
	// Withdrawn: a delete with the reason. The whole visit in error: every entry a delete.
	if err := visits.WithdrawCoded(ctx, db, "diagnosis", v.ID, free.ID, "typed in error", audit.System); err != nil {
		t.Fatal(err)
	}
	got, _ = reg[ehrss.DomainProblem].Load(ctx, db, keys)
	if l := got[visits.DiagnosisKey(free.ID)]; !l.Deleted || l.DeleteReason != "typed in error" || got[visits.DiagnosisKey(coded.ID)].Deleted {
		t.Fatalf("after withdrawal: %+v", got)
	}
	if _, err := visits.MarkInError(ctx, db, v.ID, "wrong patient", 0, audit.System); err != nil {
		t.Fatal(err)
	}
	got, _ = reg[ehrss.DomainProblem].Load(ctx, db, keys)
	pxs, _ = reg[ehrss.DomainProcedure].Load(ctx, db, []string{visits.ProcedureKey(px.ID)})
	if l := got[visits.DiagnosisKey(coded.ID)]; !l.Deleted || l.DeleteReason != "wrong patient" || !pxs[visits.ProcedureKey(px.ID)].Deleted {
		t.Fatalf("visit in error: %+v %+v", got, pxs)
	}
}
