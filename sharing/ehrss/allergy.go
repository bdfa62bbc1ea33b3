package ehrss

import (
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// complianceLevel: level 3 needs the recognised allergen / causative agent
// coding (allergy guide §4.4.1/§4.4.2, "L3 Card. 1..1"); without it the
// record is level 2.
func (a Allergy) complianceLevel(spec *domainSpec) int {
	if hasTerm(spec, a.Terminology, a.TermCode) {
		return 3
	}
	return 2
}

// build maps an allergy (AL1, §4.4.1) or adverse drug reaction (ADR,
// §4.4.2) to an AllergyIntolerance.
func (a Allergy) build(b *docBuilder) fhir.Resource {
	adr := b.spec.Domain == DomainADR
	r := &fhir.AllergyIntolerance{
		ID:         b.ids.next(),
		Identifier: []fhir.Identifier{*b.recordKey(a.RecordKey)},
		Type:       allergyTypeAL1,
		Patient:    b.patientRef(),
	}
	if adr {
		r.Type = allergyTypeADR
	}
	// "active: without [Delete ... reason]; inactive: with [Delete ... reason]".
	status := "active"
	if a.TxType == TxDelete {
		status = "inactive"
	}
	r.ClinicalStatus = &fhir.CodeableConcept{Coding: []fhir.Coding{{System: sysAllergyClinical, Code: status}}}

	if a.TxType == TxDelete {
		// Delete scenario: id, identifier, clinicalStatus, type, patient and
		// the delete reason; everything else is "NA".
		reasonExt := extDeleteAllergyReason
		if adr {
			reasonExt = extDeleteADRReason
		}
		r.Extension = dropEmpty([]fhir.Extension{b.str(reasonExt, a.DeleteReason)})
		return b.addAndReturn(r)
	}

	localSystem := sysAllergenLocal
	if adr {
		localSystem = sysCausativeAgentLocal
	}
	r.Code = concept("", b.recognised(a.Terminology, a.TermCode, a.TermDesc), local(localSystem, a.AllergenCode, a.AllergenDesc))
	r.Encounter = b.encounter(a.Record)
	if d, err := parsePartialDate(strings.TrimSpace(a.Onset), ""); err == nil {
		r.OnsetDateTime = d.FHIR()
	}

	if adr {
		sev, ok := severity[strings.TrimSpace(a.Severity)]
		if ok {
			r.Extension = []fhir.Extension{
				b.str(extSeverityDesc, sev.Desc),
				b.str(extSeverityLocalDesc, orDefault(a.SeverityLocalDesc, sev.Desc)),
			}
		}
		r.Reaction = adrReaction(a, sev.FHIR)
	} else {
		if t := strings.TrimSpace(a.AllergenType); allergenTypes[t] != "" {
			r.Extension = []fhir.Extension{
				b.str(extAllergenTypeCode, t),
				b.str(extAllergenTypeDesc, allergenTypes[t]),
				b.str(extAllergenTypeLocalDesc, orDefault(a.AllergenTypeLocalDesc, allergenTypes[t])),
			}
		}
		if c := strings.TrimSpace(a.Certainty); certainty[c] != "" {
			r.VerificationStatus = concept(orDefault(a.CertaintyLocalDesc, certainty[c]), tableCoding(sysCertainty, c, certainty))
		}
		r.Reaction = al1Reaction(a)
	}
	r.Extension = dropEmpty(r.Extension)
	return b.addAndReturn(r)
}

// al1Reaction: manifestation coded from the "Allergic reaction" table with
// the local description as text, and the allergen remark as the reaction's
// note (§4.4.1 and the AL1 template).
func al1Reaction(a Allergy) []fhir.AllergyReaction {
	var manifest []fhir.CodeableConcept
	for _, rx := range a.Reactions {
		code := strings.TrimSpace(rx.Code)
		if cc := concept(orDefault(rx.Desc, reactions[code]), tableCoding(sysReaction, code, reactions)); cc != nil {
			manifest = append(manifest, *cc)
		}
	}
	return reaction(manifest, "", "", a.Remarks)
}

// adrReaction: the reaction description both as manifestation text and as
// description, the severity, and the causative agent remark as note
// (§4.4.2 and the ADR template).
func adrReaction(a Allergy, sev string) []fhir.AllergyReaction {
	var manifest []fhir.CodeableConcept
	var descs []string
	for _, rx := range a.Reactions {
		if d := strings.TrimSpace(rx.Desc); d != "" {
			manifest = append(manifest, fhir.CodeableConcept{Text: d})
			descs = append(descs, d)
		}
	}
	return reaction(manifest, strings.Join(descs, "; "), sev, a.Remarks)
}

// reaction assembles the single reaction. Base FHIR requires a
// manifestation; when only a severity or remark is known it is marked
// absent rather than invented.
func reaction(manifest []fhir.CodeableConcept, desc, sev, remark string) []fhir.AllergyReaction {
	rx := fhir.AllergyReaction{Manifestation: manifest, Description: desc, Severity: sev, Note: notes(remark)}
	if len(manifest) == 0 {
		if sev == "" && rx.Note == nil {
			return nil
		}
		rx.Manifestation = []fhir.CodeableConcept{{Extension: absent(dataAbsentUnknown)}}
	}
	return []fhir.AllergyReaction{rx}
}

// addAndReturn adds r and returns it, for the build methods' last line.
func (b *docBuilder) addAndReturn(r fhir.Resource) fhir.Resource {
	b.add(r)
	return r
}
