package ehrss

import (
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// complianceLevel: level 3 needs the recognised diagnosis coding (problem
// guide §5.5, "L3 M"), otherwise level 2.
func (d Diagnosis) complianceLevel(spec *domainSpec) int {
	if hasTerm(spec, d.Terminology, d.TermCode) {
		return 3
	}
	return 2
}

// build maps a diagnosis to a Condition (problem guide §5.5).
func (d Diagnosis) build(b *docBuilder) fhir.Resource {
	c := &fhir.Condition{
		ID:         b.ids.next(),
		Identifier: []fhir.Identifier{*b.recordKey(d.RecordKey)},
		// Base FHIR requires subject; the guide marks it NA only for deletes.
		Subject: b.patientRef(),
	}
	if d.TxType == TxDelete {
		return b.addAndReturn(c)
	}
	status := strings.TrimSpace(d.Status)
	if desc, ok := diagnosisStatus[status]; ok {
		c.ClinicalStatus = concept(orDefault(d.StatusLocalDesc, desc), tableCoding(sysDiagnosisStatus, status, diagnosisStatus))
		if status == "C" {
			// "Optional ... if [Diagnosis Status Code] is C, else N/A."
			c.Extension = dropEmpty([]fhir.Extension{b.str(extReasonForCancel, d.CancelReason)})
		}
	}
	c.Code = concept("", b.recognised(d.Terminology, d.TermCode, d.TermDesc),
		local(sysDiagnosisLocal, d.LocalCode, orDefault(d.DescEN, d.DescZH)))
	c.Encounter = b.encounter(d.Record)
	if p, err := parsePartialDate(strings.TrimSpace(d.Onset), ""); err == nil {
		c.OnsetDateTime = p.FHIR()
	}
	// [Diagnosis reference date]: "if this date is not available, the last
	// update date of the diagnosis should be used".
	at := d.DiagnosedAt
	if at.IsZero() {
		at = d.RecordTime
	}
	c.RecordedDate = b.dateTime(at)
	c.Note = notes(d.Comment)
	return b.addAndReturn(c)
}
