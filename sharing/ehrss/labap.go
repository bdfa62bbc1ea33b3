package ehrss

import (
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// complianceLevel of a LABAP report (§3): level 1 is the report alone,
// level 2 adds diagnosis titles and text, level 3 needs an HKCTT-coded
// finding in every diagnosis ("Anatomical pathology finding" L3 M).
func (l LabReport) complianceLevel(spec *domainSpec) int {
	if len(l.Diagnoses) == 0 {
		return 1
	}
	for _, d := range l.Diagnoses {
		coded := false
		for _, f := range d.Findings {
			coded = coded || strings.TrimSpace(f.TermCode) != ""
		}
		if !coded {
			return 2
		}
	}
	return 3
}

// build maps an anatomical pathology report: DiagnosticReport whose code
// carries the test name as text, with Observations by AP category
// (§4.3.4, §4.3.9).
func (l LabReport) build(b *docBuilder) fhir.Resource {
	code := panelCode(l.LabCommon)
	if l.TxType != TxDelete {
		code.Text = strings.TrimSpace(l.TestName) // [Anatomical pathology test name]
	}
	dr := b.labDiagnosticReport(l.LabCommon, code)
	if l.TxType != TxDelete {
		for _, d := range l.Diagnoses {
			for _, o := range b.apDiagnosis(d) {
				dr.Result = append(dr.Result, b.add(o))
			}
		}
		for _, d := range l.Details {
			dr.Result = append(dr.Result, b.add(b.apDetail(d)))
		}
	}
	return b.addAndReturn(dr)
}

// apObservation starts an Observation of an AP category.
func (b *docBuilder) apObservation(category string) *fhir.Observation {
	return &fhir.Observation{
		ID:       b.ids.next(),
		Status:   observationStatus,
		Category: []fhir.CodeableConcept{{Coding: []fhir.Coding{{System: sysAPCategory, Code: category}}}},
		Subject:  ptr(b.patientRef()),
	}
}

// apDiagnosis maps one diagnosis: the title and text ("Diagnosis"), its
// topography ("Topography") and findings ("DiagFinding"), all titled with
// the diagnosis title so eHealth can group them.
func (b *docBuilder) apDiagnosis(d APDiagnosis) []*fhir.Observation {
	title := fhir.CodeableConcept{
		Coding: []fhir.Coding{{System: sysAPDiagTitle}},
		Text:   strings.TrimSpace(d.Title),
	}
	diag := b.apObservation(apDiagnosis)
	diag.Code = title
	diag.ValueString = strings.TrimSpace(d.Text)
	out := []*fhir.Observation{diag}
	if d.Topography != nil {
		if v := b.apTerm(*d.Topography, sysAPTopography); v != nil {
			o := b.apObservation(apTopography)
			o.Code, o.ValueCodeableConcept = title, v
			out = append(out, o)
		}
	}
	for _, f := range d.Findings {
		if v := b.apTerm(f, sysAPFindingLocal); v != nil {
			o := b.apObservation(apFinding)
			o.Code, o.ValueCodeableConcept = title, v
			out = append(out, o)
		}
	}
	return out
}

// apTerm is the HKCTT coding and the local coding of a topography or
// finding (the lab guides fix HKCTT as the recognised terminology here).
func (b *docBuilder) apTerm(t APTerm, localSystem string) *fhir.CodeableConcept {
	var rec []fhir.Coding
	if code := strings.TrimSpace(t.TermCode); code != "" {
		rec = []fhir.Coding{{System: sysHKCTTLab, Code: code, Display: strings.TrimSpace(t.TermDesc)}}
	}
	return concept("", rec, local(localSystem, t.LocalCode, t.LocalDesc))
}

// apDetail maps another report section ("APReportDetail").
func (b *docBuilder) apDetail(d APDetail) *fhir.Observation {
	o := b.apObservation(apReportDetail)
	if cc := concept(orDefault(d.TitleLocalDesc, d.TitleDesc), codingIf(sysAPReportDetail, d.TitleCode, d.TitleDesc)); cc != nil {
		o.Code = *cc
	} else {
		o.Code = fhir.CodeableConcept{Extension: absent(dataAbsentUnknown)}
	}
	o.ValueString = strings.TrimSpace(d.Content)
	return o
}
