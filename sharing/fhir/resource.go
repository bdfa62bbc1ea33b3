package fhir

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Resource is any FHIR resource of this package.
type Resource interface {
	// ResourceType is the FHIR resource type name, such as "Patient".
	ResourceType() string
	// ResourceID is the logical id (Resource.id).
	ResourceID() string
}

// marshalResource writes v as a JSON object whose first member is
// "resourceType". v must marshal to a JSON object without its own
// MarshalJSON for the resource type (callers pass an alias type).
func marshalResource(resourceType string, v any) ([]byte, error) {
	body, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if len(body) < 2 || body[0] != '{' {
		return nil, fmt.Errorf("fhir: %s did not marshal to an object", resourceType)
	}
	var buf bytes.Buffer
	buf.WriteString(`{"resourceType":`)
	rt, _ := json.Marshal(resourceType)
	buf.Write(rt)
	if len(body) > 2 {
		buf.WriteByte(',')
		buf.Write(body[1:])
	} else {
		buf.WriteByte('}')
	}
	return buf.Bytes(), nil
}

// newResource returns an empty resource of the named type, or nil when this
// package does not model that type.
func newResource(resourceType string) Resource {
	switch resourceType {
	case "Bundle":
		return &Bundle{}
	case "Composition":
		return &Composition{}
	case "Patient":
		return &Patient{}
	case "Encounter":
		return &Encounter{}
	case "Organization":
		return &Organization{}
	case "Location":
		return &Location{}
	case "Practitioner":
		return &Practitioner{}
	case "PractitionerRole":
		return &PractitionerRole{}
	case "AllergyIntolerance":
		return &AllergyIntolerance{}
	case "Condition":
		return &Condition{}
	case "Procedure":
		return &Procedure{}
	case "Immunization":
		return &Immunization{}
	case "DiagnosticReport":
		return &DiagnosticReport{}
	case "Observation":
		return &Observation{}
	case "Specimen":
		return &Specimen{}
	case "ServiceRequest":
		return &ServiceRequest{}
	}
	return nil
}

// UnmarshalResource reads one resource of any type this package models.
func UnmarshalResource(data []byte) (Resource, error) {
	var head struct {
		ResourceType string `json:"resourceType"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, err
	}
	r := newResource(head.ResourceType)
	if r == nil {
		return nil, fmt.Errorf("fhir: unsupported resourceType %q", head.ResourceType)
	}
	if err := json.Unmarshal(data, r); err != nil {
		return nil, fmt.Errorf("fhir: %s: %w", head.ResourceType, err)
	}
	return r, nil
}
