package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Coding is a code from a code system (R4 §2.24.0.7).
type Coding struct {
	System  string `json:"system,omitempty"`
	Version string `json:"version,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is a concept given by codings and/or text.
type CodeableConcept struct {
	Extension []Extension `json:"extension,omitempty"`
	Coding    []Coding    `json:"coding,omitempty"`
	Text      string      `json:"text,omitempty"`
}

// Identifier is a business identifier with the system that issued it.
type Identifier struct {
	Use      string           `json:"use,omitempty"`
	Type     *CodeableConcept `json:"type,omitempty"`
	System   string           `json:"system,omitempty"`
	Value    string           `json:"value,omitempty"`
	Period   *Period          `json:"period,omitempty"`
	Assigner *Reference       `json:"assigner,omitempty"`
}

// Reference points at another resource. The eHRSS guides put extensions and
// the record key identifier on the references in Composition.section.entry.
type Reference struct {
	Extension  []Extension `json:"extension,omitempty"`
	Reference  string      `json:"reference,omitempty"`
	Type       string      `json:"type,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
	Display    string      `json:"display,omitempty"`
}

// Period is a start and/or end dateTime.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// HumanName is a person's name.
type HumanName struct {
	Use    string   `json:"use,omitempty"`
	Text   string   `json:"text,omitempty"`
	Family string   `json:"family,omitempty"`
	Given  []string `json:"given,omitempty"`
}

// Meta is resource metadata.
type Meta struct {
	VersionID   string   `json:"versionId,omitempty"`
	LastUpdated string   `json:"lastUpdated,omitempty"`
	Profile     []string `json:"profile,omitempty"`
}

// Attachment is content in another format, such as a PDF report.
type Attachment struct {
	ContentType string `json:"contentType,omitempty"`
	Language    string `json:"language,omitempty"`
	Data        []byte `json:"data,omitempty"` // base64Binary: encoding/json writes []byte as base64
	URL         string `json:"url,omitempty"`
	Size        int    `json:"size,omitempty"`
	Title       string `json:"title,omitempty"`
	Creation    string `json:"creation,omitempty"`
}

// Quantity is a measured amount.
type Quantity struct {
	Value      Decimal `json:"value,omitempty"`
	Comparator string  `json:"comparator,omitempty"`
	Unit       string  `json:"unit,omitempty"`
	System     string  `json:"system,omitempty"`
	Code       string  `json:"code,omitempty"`
}

// Annotation is a text note.
type Annotation struct {
	AuthorString string `json:"authorString,omitempty"`
	Time         string `json:"time,omitempty"`
	Text         string `json:"text"`
}

// Element carries only extensions. It is used for the "_element" companion
// of a primitive whose value is absent, such as a data-absent-reason.
type Element struct {
	Extension []Extension `json:"extension,omitempty"`
}

// Extension is an extension with one value[x]. FHIR (ext-1) forbids an
// extension that has both a value and nested extensions; the eHRSS sample
// files break that rule, so Validate here refuses it.
type Extension struct {
	URL                  string           `json:"url"`
	Extension            []Extension      `json:"extension,omitempty"`
	ValueString          string           `json:"valueString,omitempty"`
	ValueCode            string           `json:"valueCode,omitempty"`
	ValueDate            string           `json:"valueDate,omitempty"`
	ValueDateTime        string           `json:"valueDateTime,omitempty"`
	ValueDecimal         Decimal          `json:"valueDecimal,omitempty"`
	ValueInteger         *int             `json:"valueInteger,omitempty"`
	ValueBoolean         *bool            `json:"valueBoolean,omitempty"`
	ValueReference       *Reference       `json:"valueReference,omitempty"`
	ValueCoding          *Coding          `json:"valueCoding,omitempty"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueQuantity        *Quantity        `json:"valueQuantity,omitempty"`
}

// valueCount reports how many value[x] fields are set.
func (e Extension) valueCount() int {
	n := 0
	for _, set := range []bool{
		e.ValueString != "", e.ValueCode != "", e.ValueDate != "", e.ValueDateTime != "",
		e.ValueDecimal != "", e.ValueInteger != nil, e.ValueBoolean != nil, e.ValueReference != nil,
		e.ValueCoding != nil, e.ValueCodeableConcept != nil, e.ValueQuantity != nil,
	} {
		if set {
			n++
		}
	}
	return n
}

// Validate checks the extension's own FHIR rules: a url, and either exactly
// one value or nested extensions but not both (ext-1).
func (e Extension) Validate() error {
	if e.URL == "" {
		return fmt.Errorf("extension without url")
	}
	n := e.valueCount()
	switch {
	case n > 1:
		return fmt.Errorf("extension %s has %d values", e.URL, n)
	case n == 1 && len(e.Extension) > 0:
		return fmt.Errorf("extension %s has both a value and extensions (ext-1)", e.URL)
	case n == 0 && len(e.Extension) == 0:
		return fmt.Errorf("extension %s has neither a value nor extensions", e.URL)
	}
	for _, sub := range e.Extension {
		if err := sub.Validate(); err != nil {
			return err
		}
	}
	return nil
}

// Decimal is a FHIR decimal kept as its exact text ("3.50" stays "3.50"),
// written as a JSON number. The empty Decimal is omitted.
type Decimal string

// MarshalJSON writes the decimal as a bare JSON number.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if !isJSONNumber(string(d)) {
		return nil, fmt.Errorf("fhir: %q is not a decimal", string(d))
	}
	return []byte(d), nil
}

// UnmarshalJSON reads a JSON number without losing its digits.
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if !isJSONNumber(string(b)) {
		return fmt.Errorf("fhir: %s is not a decimal", b)
	}
	*d = Decimal(b)
	return nil
}

// isJSONNumber reports whether s is a number in JSON's grammar.
func isJSONNumber(s string) bool {
	if s == "" {
		return false
	}
	var n json.Number
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		return false
	}
	return string(n) == s
}
