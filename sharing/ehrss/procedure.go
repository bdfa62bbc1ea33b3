package ehrss

import "github.com/onramp-hk/onramp/sharing/fhir"

// complianceLevel: level 3 needs the recognised procedure coding
// (procedure guide §5.5), otherwise level 2.
func (p Procedure) complianceLevel(spec *domainSpec) int {
	if hasTerm(spec, p.Terminology, p.TermCode) {
		return 3
	}
	return 2
}

// build maps a procedure (procedure guide §5.5).
func (p Procedure) build(b *docBuilder) fhir.Resource {
	r := &fhir.Procedure{
		ID:         b.ids.next(),
		Identifier: []fhir.Identifier{*b.recordKey(p.RecordKey)},
		Status:     procedureStatus, // fixed "completed", also for deletes
		Subject:    b.patientRef(),  // base FHIR requires it; the guide marks it NA for deletes
	}
	if p.TxType == TxDelete {
		return b.addAndReturn(r)
	}
	r.Code = concept("", b.recognised(p.Terminology, p.TermCode, p.TermDesc), local(sysProcedureLocal, p.LocalCode, p.Desc))
	r.Encounter = b.encounter(p.Record)
	// [Procedure performed reference date]: "if this date is not
	// available, the create date of the procedure data should be used".
	at := p.PerformedAt
	if at.IsZero() {
		at = p.CreatedTime
	}
	if at.IsZero() {
		at = p.RecordTime
	}
	r.PerformedDateTime = b.dateTime(at)
	r.Note = notes(p.Comment)
	return b.addAndReturn(r)
}
