package ehrss

import (
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// complianceLevel: level 3 needs the recognised vaccine coding
// (immunisation guide §4.4); level 1 (a report only) is not produced.
func (m Immunisation) complianceLevel(spec *domainSpec) int {
	if hasTerm(spec, m.Terminology, m.TermCode) {
		return 3
	}
	return 2
}

// build maps an immunisation to an Immunization (immunisation guide §4.4,
// with its Organization §4.8 and Location §4.7).
func (m Immunisation) build(b *docBuilder) fhir.Resource {
	r := &fhir.Immunization{
		ID:         b.ids.next(),
		Identifier: []fhir.Identifier{*b.recordKey(m.RecordKey)},
		Status:     immunStatus, // fixed "completed", also for deletes
		Patient:    b.patientRef(),
	}
	if m.TxType == TxDelete {
		// vaccineCode and occurrence are "NA" for a delete but required by
		// base FHIR: marked not-applicable.
		r.VaccineCode = fhir.CodeableConcept{Extension: absent(dataAbsentNotApplicable)}
		r.OccurrenceAbsent = &fhir.Element{Extension: absent(dataAbsentNotApplicable)}
		return b.addAndReturn(r)
	}
	if no := strings.TrimSpace(m.RecordNumber); no != "" {
		r.Identifier = append(r.Identifier, fhir.Identifier{System: sysImmuRecordNum, Value: no})
	}
	historical := "N"
	if m.GivenElsewhere {
		historical = "Y"
	}
	r.Extension = dropEmpty([]fhir.Extension{
		b.str(extHistoricalImmunisation, historical),
		b.str(extVaccineAdminRemark, m.AdminRemark),
	})
	if cc := concept("", b.recognised(m.Terminology, m.TermCode, m.TermDesc), local(sysVaccineLocal, m.VaccineCode, m.VaccineDesc)); cc != nil {
		r.VaccineCode = *cc
	} else {
		r.VaccineCode = fhir.CodeableConcept{Extension: absent(dataAbsentUnknown)}
	}
	r.Encounter = b.encounter(m.Record)
	if d, err := parsePartialDate(strings.TrimSpace(m.Date), "D"); err == nil {
		r.OccurrenceDateTime = d.FHIR() // dateTime(10): "YYYY-MM-DD"
	} else {
		r.OccurrenceAbsent = &fhir.Element{Extension: absent(dataAbsentUnknown)}
	}
	if p := strings.TrimSpace(m.Premises); p != "" {
		loc := b.add(&fhir.Location{ID: b.ids.next(), Name: p})
		r.Location = &loc
	}
	r.LotNumber = strings.TrimSpace(m.Batch)
	site, route := strings.TrimSpace(m.Site), strings.TrimSpace(m.Route)
	r.Site = concept(orDefault(m.SiteLocalDesc, sitesOfAdmin[site]), tableCoding(sysSiteOfAdmin, site, sitesOfAdmin))
	r.Route = concept(orDefault(m.RouteLocalDesc, routesOfAdmin[route]), tableCoding(sysRouteOfAdmin, route, routesOfAdmin))
	if org := b.vaccinationProvider(m); org != nil {
		r.Performer = []fhir.ImmunizationPerformer{{Actor: *org}}
	}
	r.Note = notes(m.Remark)
	if dose := strings.TrimSpace(m.DoseNumber); dose != "" {
		r.ProtocolApplied = []fhir.ImmunizationProtocolApplied{{DoseNumberString: dose}}
	}
	return b.addAndReturn(r)
}

// vaccinationProvider adds the Organization of §4.8: the "Vaccination
// Provider" code as identifier, its eHR description as name and the local
// description as alias. A vaccine the clinic gave itself is "Private".
func (b *docBuilder) vaccinationProvider(m Immunisation) *fhir.Reference {
	code, localDesc := strings.TrimSpace(m.Provider), strings.TrimSpace(m.ProviderLocalDesc)
	if !m.GivenElsewhere {
		code, localDesc = "Private", orDefault(localDesc, b.inst.NameEN)
	}
	desc, ok := vaccinationProviders[code]
	if !ok {
		return nil
	}
	key := "vaccination provider\x00" + code + "\x00" + localDesc
	if ref, ok := b.shared[key]; ok {
		return &ref
	}
	org := &fhir.Organization{
		ID:         b.ids.next(),
		Identifier: []fhir.Identifier{{System: sysVaccineProvider, Value: code}},
		Name:       desc,
	}
	if localDesc = orDefault(localDesc, desc); localDesc != "" {
		org.Alias = []string{localDesc}
	}
	ref := b.add(org)
	b.shared[key] = ref
	return &ref
}
