package ehrss

import (
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// recognised returns the recognised-terminology coding, or nil when the
// record has none or names a terminology the domain's guide does not list.
func (b *docBuilder) recognised(term, code, desc string) []fhir.Coding {
	system, ok := b.spec.Terminologies[strings.TrimSpace(term)]
	if !ok || strings.TrimSpace(code) == "" {
		return nil
	}
	return []fhir.Coding{{System: system, Code: strings.TrimSpace(code), Display: strings.TrimSpace(desc)}}
}

// local returns the clinic's own coding, or nil when it has neither code nor
// description.
func local(system, code, desc string) []fhir.Coding {
	code, desc = strings.TrimSpace(code), strings.TrimSpace(desc)
	if code == "" && desc == "" {
		return nil
	}
	return []fhir.Coding{{System: system, Code: code, Display: desc}}
}

// concept returns a CodeableConcept of the codings and text, or nil when
// all are empty.
func concept(text string, codings ...[]fhir.Coding) *fhir.CodeableConcept {
	cc := &fhir.CodeableConcept{Text: strings.TrimSpace(text)}
	for _, c := range codings {
		cc.Coding = append(cc.Coding, c...)
	}
	if len(cc.Coding) == 0 && cc.Text == "" {
		return nil
	}
	return cc
}

// tableCoding returns the eHR coding of a code table entry with its eHR
// description, or nil when the code is blank or not in the table.
func tableCoding(system, code string, table map[string]string) []fhir.Coding {
	code = strings.TrimSpace(code)
	desc, ok := table[code]
	if !ok {
		return nil
	}
	return []fhir.Coding{{System: system, Code: code, Display: desc}}
}

// orDefault returns s, or def when s is blank. The guides make a local
// description mandatory whenever an eHR code is given; when the clinic has
// none we send eHealth's own description.
func orDefault(s, def string) string {
	if s = strings.TrimSpace(s); s != "" {
		return s
	}
	return def
}

// notes returns an Annotation list holding text, or nil.
func notes(text string) []fhir.Annotation {
	if text = strings.TrimSpace(text); text == "" {
		return nil
	}
	return []fhir.Annotation{{Text: text}}
}

// str is a string extension, dropped later by dropEmpty when v is blank.
func (b *docBuilder) str(name, v string) fhir.Extension {
	return fhir.Extension{URL: b.gen.ext(name), ValueString: strings.TrimSpace(v)}
}

// hasTerm reports whether a recognised code is given in a terminology the
// domain's guide lists: that is what lifts a record to level 3.
func hasTerm(spec *domainSpec, term, code string) bool {
	_, ok := spec.Terminologies[strings.TrimSpace(term)]
	return ok && strings.TrimSpace(code) != ""
}
