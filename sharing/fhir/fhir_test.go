package fhir

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestResourcesMarshalWithResourceTypeFirst(t *testing.T) {
	tests := []struct {
		r    Resource
		want string
	}{
		{Patient{ID: "p1", Gender: "male"}, `{"resourceType":"Patient","id":"p1","gender":"male"}`},
		{Organization{}, `{"resourceType":"Organization"}`},
		{Encounter{ID: "e", Status: "finished", Class: &Coding{Code: "UNKNOWN"}}, `{"resourceType":"Encounter","id":"e","status":"finished","class":{"code":"UNKNOWN"}}`},
		{Observation{Status: "final", Code: CodeableConcept{Text: "K"}, ValueQuantity: &Quantity{Value: "3.50", Unit: "mmol/L"}},
			`{"resourceType":"Observation","status":"final","code":{"text":"K"},"valueQuantity":{"value":3.50,"unit":"mmol/L"}}`},
		{Immunization{Status: "completed", VaccineCode: CodeableConcept{Text: "x"}, Patient: Reference{Reference: "Patient/p"}, OccurrenceAbsent: &Element{Extension: []Extension{{URL: "u", ValueCode: "unknown"}}}},
			`{"resourceType":"Immunization","status":"completed","vaccineCode":{"text":"x"},"patient":{"reference":"Patient/p"},"_occurrenceDateTime":{"extension":[{"url":"u","valueCode":"unknown"}]}}`},
	}
	for _, tt := range tests {
		got, err := json.Marshal(tt.r)
		if err != nil {
			t.Fatalf("%s: %v", tt.r.ResourceType(), err)
		}
		if string(got) != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.r.ResourceType(), got, tt.want)
		}
	}
}

func TestBundleRoundTrip(t *testing.T) {
	b := Bundle{ID: "b", Type: "document", Timestamp: "2024-03-01T15:04:48.865+08:00", Entry: []BundleEntry{
		{FullURL: "urn:uuid:c", Resource: &Composition{ID: "c", Status: "final", Subject: &Reference{Reference: "Patient/p"}, Title: "T"}},
		{FullURL: "urn:uuid:p", Resource: &Patient{ID: "p", BirthDate: "1980"}},
		{FullURL: "urn:uuid:a", Resource: &AllergyIntolerance{ID: "a", Patient: Reference{Reference: "Patient/p"}}},
		{FullURL: "urn:uuid:d", Resource: &DiagnosticReport{ID: "d", Status: "final", PresentedForm: []Attachment{{Data: []byte("%PDF-1")}}}},
	}}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(data), `{"resourceType":"Bundle"`) {
		t.Errorf("bundle JSON starts %s", data[:30])
	}
	var back Bundle
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	comp, ok := back.Entry[0].Resource.(*Composition)
	if !ok || comp.Title != "T" {
		t.Fatalf("entry 0 = %#v", back.Entry[0].Resource)
	}
	pat, ok := back.Resolve(*comp.Subject)
	if !ok || pat.(*Patient).BirthDate != "1980" {
		t.Errorf("Resolve(%v) = %v, %v", comp.Subject, pat, ok)
	}
	dr := back.Entry[3].Resource.(*DiagnosticReport)
	if string(dr.PresentedForm[0].Data) != "%PDF-1" {
		t.Errorf("attachment data = %q", dr.PresentedForm[0].Data)
	}
	again, _ := json.Marshal(back)
	if string(again) != string(data) {
		t.Errorf("round trip changed the JSON:\n%s\n%s", data, again)
	}
}

func TestUnmarshalUnknownResource(t *testing.T) {
	var b Bundle
	err := json.Unmarshal([]byte(`{"resourceType":"Bundle","type":"document","entry":[{"resource":{"resourceType":"Basic"}}]}`), &b)
	if err == nil {
		t.Fatal("want an error for an unsupported resource type")
	}
}

func TestDecimal(t *testing.T) {
	for _, s := range []string{"0", "3.50", "-1.25", "1e3", "10"} {
		b, err := json.Marshal(Decimal(s))
		if err != nil || string(b) != s {
			t.Errorf("Marshal(%q) = %s, %v", s, b, err)
		}
	}
	for _, s := range []string{"abc", "1.", "01", "", " 1", "NaN"} {
		if _, err := json.Marshal(Decimal(s)); err == nil && s != "" {
			t.Errorf("Marshal(%q) accepted", s)
		}
	}
	var d Decimal
	if err := json.Unmarshal([]byte("3.500"), &d); err != nil || d != "3.500" {
		t.Errorf("Unmarshal = %q, %v", d, err)
	}
	if err := json.Unmarshal([]byte(`"3.5"`), &d); err == nil {
		t.Error("a JSON string was accepted as a decimal")
	}
}

func TestExtensionValidate(t *testing.T) {
	yes := true
	tests := []struct {
		name string
		ext  Extension
		ok   bool
	}{
		{"string value", Extension{URL: "u", ValueString: "x"}, true},
		{"boolean value", Extension{URL: "u", ValueBoolean: &yes}, true},
		{"nested only", Extension{URL: "u", Extension: []Extension{{URL: "v", ValueCode: "c"}}}, true},
		{"no url", Extension{ValueString: "x"}, false},
		{"empty", Extension{URL: "u"}, false},
		{"two values", Extension{URL: "u", ValueString: "x", ValueDateTime: "2024"}, false},
		{"value and nested (ext-1)", Extension{URL: "u", ValueString: "x", Extension: []Extension{{URL: "v", ValueString: "y"}}}, false},
		{"bad nested", Extension{URL: "u", Extension: []Extension{{URL: "v"}}}, false},
	}
	for _, tt := range tests {
		if err := tt.ext.Validate(); (err == nil) != tt.ok {
			t.Errorf("%s: Validate() = %v", tt.name, err)
		}
	}
}
