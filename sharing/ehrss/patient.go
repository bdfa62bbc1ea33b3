package ehrss

import (
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// patientResource maps the patient (every guide's "eHRSS Patient"): the eHR
// number, one identity document, the English name in upper case, sex and
// date of birth.
func patientResource(g *generation, p Patient, id string) fhir.Patient {
	pat := fhir.Patient{ID: id}
	idType := func(code string) *fhir.CodeableConcept {
		return &fhir.CodeableConcept{Coding: []fhir.Coding{{System: g.TypeOfID, Code: code}}}
	}
	if p.EHRNo != "" {
		pat.Identifier = append(pat.Identifier, fhir.Identifier{Type: idType(idTypeEHRNo), Value: strings.TrimSpace(p.EHRNo)})
	}
	if docType := canonicalDocType(p.DocType); docType != "" && strings.TrimSpace(p.DocNo) != "" {
		doc := fhir.Identifier{Type: idType(docType), Value: docNumber(g, docType, p.DocNo)}
		if c := strings.TrimSpace(p.DocCountry); c != "" {
			// Provisional: no guide has an issuing country; the identifier's
			// assigner is where base FHIR puts who issued it.
			doc.Assigner = &fhir.Reference{Display: c}
		}
		pat.Identifier = append(pat.Identifier, doc)
	}
	if name, ok := englishName(p); ok {
		pat.Name = []fhir.HumanName{name}
	}
	pat.Gender = sexToGender[strings.ToUpper(strings.TrimSpace(p.Sex))]
	if d, err := parsePartialDate(strings.TrimSpace(p.DOB), strings.ToUpper(strings.TrimSpace(p.DOBPrecision))); err == nil {
		pat.BirthDate = d.FHIR()
		if fillPartialBirthDate {
			pat.BirthDate = d.Filled()
		}
	}
	return pat
}

// canonicalDocType upper-cases the type and resolves aliases ("PASSPORT").
func canonicalDocType(t string) string {
	t = strings.ToUpper(strings.TrimSpace(t))
	if a, ok := docTypeAliases[t]; ok {
		return a
	}
	return t
}

// docNumber writes the document number: HKID-format numbers normalised
// (and padded where the guide asks), others trimmed.
func docNumber(g *generation, docType, no string) string {
	if hkidFormatDocs[docType] {
		return hkidForGuide(NormalizeHKID(no), g.PadSingleLetterHKID)
	}
	return strings.TrimSpace(no)
}

// upperName collapses spaces and upper-cases: the guides want "English
// uppercase letters".
func upperName(s string) string { return strings.ToUpper(strings.Join(strings.Fields(s), " ")) }

// englishName builds the name: text is "[English surname] + [,] + 1 white
// space + [English given name]" (Patient tables of every guide).
func englishName(p Patient) (fhir.HumanName, bool) {
	family, given := upperName(p.SurnameEN), upperName(p.GivenNameEN)
	n := fhir.HumanName{Family: family}
	switch {
	case family != "" && given != "":
		n.Text = family + ", " + given
	case family != "":
		n.Text = family
	case given != "":
		n.Text = given
	default:
		return n, false
	}
	if given != "" {
		n.Given = []string{given}
	}
	return n, true
}
