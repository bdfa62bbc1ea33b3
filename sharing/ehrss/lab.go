package ehrss

import (
	"path"
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// labDiagnosticReport builds what LABGEN and LABAP reports share (lab
// guides §4.3.3-§4.3.8): the ServiceRequest, the requesting, performing and
// authorising roles, the Specimen, and a DiagnosticReport that the caller
// completes and adds.
func (b *docBuilder) labDiagnosticReport(l LabCommon, code fhir.CodeableConcept) *fhir.DiagnosticReport {
	status := "unknown"
	if s, ok := labReportStatus[strings.TrimSpace(l.Status)]; ok {
		status = s.FHIR
	}
	sr := &fhir.ServiceRequest{
		ID:      b.ids.next(),
		Status:  requestStatus,
		Intent:  requestIntent,
		Subject: b.patientRef(), // not in the guides; base FHIR requires it
	}
	if no := strings.TrimSpace(l.OrderNo); no != "" {
		sr.Identifier = []fhir.Identifier{{System: sysOrderNum, Value: no}}
	}
	dr := &fhir.DiagnosticReport{
		ID:      b.ids.next(),
		Status:  status,
		Code:    code,
		Subject: ptr(b.patientRef()),
	}
	if len(code.Coding) == 0 && code.Text == "" {
		dr.Code = fhir.CodeableConcept{Extension: absent(dataAbsentUnknown)}
	}
	if l.TxType == TxDelete {
		// Delete scenario: DiagnosticReport id, basedOn, status, code and
		// subject, with its ServiceRequest; everything else is "NA".
		if len(code.Coding) == 0 {
			dr.Code = fhir.CodeableConcept{Extension: absent(dataAbsentNotApplicable)}
		}
		dr.BasedOn = []fhir.Reference{b.add(sr)}
		return dr
	}

	requester := b.requesterRole(l.RequestingDoctor)
	sr.Requester = &requester
	if info := strings.TrimSpace(l.ClinicalInfo); info != "" {
		sr.SupportingInfo = []fhir.Reference{{Display: info}}
	}
	dr.BasedOn = []fhir.Reference{b.add(sr)}

	st := strings.TrimSpace(l.Status)
	desc := labReportStatus[st].Desc
	dr.Extension = dropEmpty([]fhir.Extension{
		b.str(extLabReportStatusDesc, desc),
		b.str(extLabReportStatusLocal, orDefault(l.StatusLocalDesc, desc)),
		b.str(extLabReportComment, l.Comment),
		b.str(extLabReportText, l.ReportText),
	})
	if no := strings.TrimSpace(l.RequestNo); no != "" {
		dr.Identifier = []fhir.Identifier{{System: sysRequestNum, Value: no}}
	}
	if cat := concept(orDefault(l.CategoryLocalDesc, l.CategoryDesc),
		codingIf(sysLabCategory, l.CategoryCode, l.CategoryDesc)); cat != nil {
		dr.Category = []fhir.CodeableConcept{*cat}
	}
	dr.Encounter = b.encounter(l.Record)
	dr.EffectiveDateTime = b.dateTime(l.ReferenceTime)
	if !l.AuthorisedTime.IsZero() {
		dr.Issued = l.AuthorisedTime.In(hkt).Format(layoutInstant) // instant: always with seconds and zone
	}
	if lab := strings.TrimSpace(l.LabName); lab != "" {
		dr.Performer = []fhir.Reference{b.performerRole(lab)}
	}
	if ref, ok := b.authoriserRole(l.AuthorisedBy, l.AuthorisedByZH); ok {
		dr.ResultsInterpreter = []fhir.Reference{ref}
	}
	if l.Specimen != nil {
		dr.Specimen = []fhir.Reference{b.specimen(*l.Specimen)}
	}
	if len(l.PDF) > 0 {
		dr.PresentedForm = []fhir.Attachment{{
			ContentType: contentTypePDF,
			Data:        l.PDF,
			URL:         "file://" + b.pdfFileName(l),
			Creation:    b.dateTime(l.ReportTime),
		}}
	}
	return dr
}

// pdfFileName follows the lab guides' §5 convention:
// <HCP ID>.<Sending Location Code>.<Record Type>.<Record Key>.<Original File
// Name>.pdf.<eHR Number>.<Generation Date>, in capitals except "pdf", with
// no dot inside a component; the generation date is the Composition date.
func (b *docBuilder) pdfFileName(l LabCommon) string {
	clean := func(s string) string {
		return strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(s), ".", "-"))
	}
	orig := strings.TrimSpace(l.PDFName)
	orig = strings.TrimSuffix(orig, path.Ext(orig))
	if orig == "" {
		orig = "REPORT"
	}
	ehrNo := ""
	for _, e := range b.bundle.Entry {
		if p, ok := e.Resource.(*fhir.Patient); ok {
			for _, id := range p.Identifier {
				if id.Type != nil && len(id.Type.Coding) > 0 && id.Type.Coding[0].Code == idTypeEHRNo {
					ehrNo = id.Value
				}
			}
		}
	}
	return strings.Join([]string{
		clean(b.inst.ID), clean(b.inst.ID), string(b.spec.Domain), clean(l.RecordKey), clean(orig),
		"pdf", clean(ehrNo), b.now.Format(layoutPDFDate),
	}, ".")
}

// requesterRole is the PractitionerRole of the request (§4.3.7 "Requester
// Role"): the requesting doctor at the requesting institution, which is the
// uploading clinic.
func (b *docBuilder) requesterRole(doctor string) fhir.Reference {
	doctor = strings.TrimSpace(doctor)
	key := "requester\x00" + doctor
	if ref, ok := b.shared[key]; ok {
		return ref
	}
	orgKey := "requesting institution"
	org, ok := b.shared[orgKey]
	if !ok {
		// §4.3.3 Requester Role: HCI identifier, long name and local name.
		org = b.add(&fhir.Organization{
			ID:         b.ids.next(),
			Identifier: []fhir.Identifier{{System: sysProvider, Value: strings.TrimSpace(b.inst.ID)}},
			Name:       strings.TrimSpace(b.inst.NameEN),
			Alias:      []string{orDefault(b.inst.NameZH, orDefault(b.inst.NameEN, b.inst.ID))},
		})
		b.shared[orgKey] = org
	}
	role := &fhir.PractitionerRole{ID: b.ids.next(), Organization: ptr(org)}
	if doctor != "" {
		// §4.3.8 Requester Role: "[Laboratory test requesting doctor]".
		p := b.add(&fhir.Practitioner{ID: b.ids.next(), Name: []fhir.HumanName{{Text: doctor}}})
		role.Practitioner = &p
	}
	ref := b.add(role)
	b.shared[key] = ref
	return ref
}

// performerRole is the laboratory that produced the report (§4.3.3
// Performer Role: its name as the Organization's alias).
func (b *docBuilder) performerRole(lab string) fhir.Reference {
	key := "performer\x00" + lab
	if ref, ok := b.shared[key]; ok {
		return ref
	}
	org := b.add(&fhir.Organization{ID: b.ids.next(), Alias: []string{lab}})
	ref := b.add(&fhir.PractitionerRole{ID: b.ids.next(), Organization: &org})
	b.shared[key] = ref
	return ref
}

// authoriserRole is who authorised the report (§4.3.8 Authorizing Role:
// English name as name.text, Chinese name as extension 1003524).
func (b *docBuilder) authoriserRole(en, zh string) (fhir.Reference, bool) {
	en, zh = strings.TrimSpace(en), strings.TrimSpace(zh)
	if en == "" && zh == "" {
		return fhir.Reference{}, false
	}
	key := "authoriser\x00" + en + "\x00" + zh
	if ref, ok := b.shared[key]; ok {
		return ref, true
	}
	p := &fhir.Practitioner{ID: b.ids.next(), Extension: dropEmpty([]fhir.Extension{b.str(extLabReportAuthNameZH, zh)})}
	if en != "" {
		p.Name = []fhir.HumanName{{Text: en}}
	}
	pref := b.add(p)
	ref := b.add(&fhir.PractitionerRole{ID: b.ids.next(), Practitioner: &pref})
	b.shared[key] = ref
	return ref, true
}

// specimen adds the Specimen (§4.3.6).
func (b *docBuilder) specimen(s LabSpecimen) fhir.Reference {
	sp := &fhir.Specimen{
		ID:           b.ids.next(),
		Extension:    dropEmpty([]fhir.Extension{b.str(extSpecimenDetail, s.Detail)}),
		Type:         concept("", b.recognised(s.Terminology, s.TermCode, s.TermDesc), local(sysSpecimenType, s.LocalCode, s.LocalDesc)),
		Subject:      ptr(b.patientRef()),
		ReceivedTime: b.dateTime(s.ReceivedAt),
	}
	if !s.CollectedAt.IsZero() {
		sp.Collection = &fhir.SpecimenCollection{CollectedDateTime: b.dateTime(s.CollectedAt)}
	}
	return b.add(sp)
}

// codingIf returns a coding when code or display is given.
func codingIf(system, code, display string) []fhir.Coding {
	code, display = strings.TrimSpace(code), strings.TrimSpace(display)
	if code == "" && display == "" {
		return nil
	}
	return []fhir.Coding{{System: system, Code: code, Display: display}}
}

// panelCode is the DiagnosticReport.code of both lab domains (§4.3.4).
func panelCode(l LabCommon) fhir.CodeableConcept {
	return fhir.CodeableConcept{Coding: codingIf(sysPanel, l.PanelCode, l.PanelDesc)}
}

func ptr[T any](v T) *T { return &v }
