package fhir

// AllergyIntolerance is an allergy (eHRSS AL1) or adverse drug reaction (ADR).
type AllergyIntolerance struct {
	ID                 string            `json:"id,omitempty"`
	Extension          []Extension       `json:"extension,omitempty"`
	Identifier         []Identifier      `json:"identifier,omitempty"`
	ClinicalStatus     *CodeableConcept  `json:"clinicalStatus,omitempty"`
	VerificationStatus *CodeableConcept  `json:"verificationStatus,omitempty"`
	Type               string            `json:"type,omitempty"`
	Code               *CodeableConcept  `json:"code,omitempty"`
	Patient            Reference         `json:"patient"`
	Encounter          *Reference        `json:"encounter,omitempty"`
	OnsetDateTime      string            `json:"onsetDateTime,omitempty"`
	RecordedDate       string            `json:"recordedDate,omitempty"`
	Note               []Annotation      `json:"note,omitempty"`
	Reaction           []AllergyReaction `json:"reaction,omitempty"`
}

// AllergyReaction is one reaction to the substance.
type AllergyReaction struct {
	Manifestation []CodeableConcept `json:"manifestation"`
	Description   string            `json:"description,omitempty"`
	Severity      string            `json:"severity,omitempty"`
	Note          []Annotation      `json:"note,omitempty"`
}

// Condition is a diagnosis or problem (eHRSS PROB).
type Condition struct {
	ID             string           `json:"id,omitempty"`
	Extension      []Extension      `json:"extension,omitempty"`
	Identifier     []Identifier     `json:"identifier,omitempty"`
	ClinicalStatus *CodeableConcept `json:"clinicalStatus,omitempty"`
	Code           *CodeableConcept `json:"code,omitempty"`
	Subject        Reference        `json:"subject"`
	Encounter      *Reference       `json:"encounter,omitempty"`
	OnsetDateTime  string           `json:"onsetDateTime,omitempty"`
	RecordedDate   string           `json:"recordedDate,omitempty"`
	Note           []Annotation     `json:"note,omitempty"`
}

// Procedure is a procedure performed (eHRSS PX).
type Procedure struct {
	ID                string           `json:"id,omitempty"`
	Extension         []Extension      `json:"extension,omitempty"`
	Identifier        []Identifier     `json:"identifier,omitempty"`
	Status            string           `json:"status"`
	Code              *CodeableConcept `json:"code,omitempty"`
	Subject           Reference        `json:"subject"`
	Encounter         *Reference       `json:"encounter,omitempty"`
	PerformedDateTime string           `json:"performedDateTime,omitempty"`
	Note              []Annotation     `json:"note,omitempty"`
}

// Immunization is a vaccine given (eHRSS IMMU; FHIR spells it with a z).
type Immunization struct {
	ID                 string                        `json:"id,omitempty"`
	Extension          []Extension                   `json:"extension,omitempty"`
	Identifier         []Identifier                  `json:"identifier,omitempty"`
	Status             string                        `json:"status"`
	VaccineCode        CodeableConcept               `json:"vaccineCode"`
	Patient            Reference                     `json:"patient"`
	Encounter          *Reference                    `json:"encounter,omitempty"`
	OccurrenceDateTime string                        `json:"occurrenceDateTime,omitempty"`
	OccurrenceAbsent   *Element                      `json:"_occurrenceDateTime,omitempty"`
	Location           *Reference                    `json:"location,omitempty"`
	LotNumber          string                        `json:"lotNumber,omitempty"`
	Site               *CodeableConcept              `json:"site,omitempty"`
	Route              *CodeableConcept              `json:"route,omitempty"`
	Performer          []ImmunizationPerformer       `json:"performer,omitempty"`
	Note               []Annotation                  `json:"note,omitempty"`
	ProtocolApplied    []ImmunizationProtocolApplied `json:"protocolApplied,omitempty"`
}

// ImmunizationPerformer is who gave the vaccine.
type ImmunizationPerformer struct {
	Actor Reference `json:"actor"`
}

// ImmunizationProtocolApplied carries the dose number.
type ImmunizationProtocolApplied struct {
	DoseNumberString string `json:"doseNumberString,omitempty"`
}

// ResourceType is "AllergyIntolerance".
func (AllergyIntolerance) ResourceType() string { return "AllergyIntolerance" }

// ResourceID is the logical id.
func (r AllergyIntolerance) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r AllergyIntolerance) MarshalJSON() ([]byte, error) {
	type alias AllergyIntolerance
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Condition".
func (Condition) ResourceType() string { return "Condition" }

// ResourceID is the logical id.
func (r Condition) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Condition) MarshalJSON() ([]byte, error) {
	type alias Condition
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Procedure".
func (Procedure) ResourceType() string { return "Procedure" }

// ResourceID is the logical id.
func (r Procedure) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Procedure) MarshalJSON() ([]byte, error) {
	type alias Procedure
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Immunization".
func (Immunization) ResourceType() string { return "Immunization" }

// ResourceID is the logical id.
func (r Immunization) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Immunization) MarshalJSON() ([]byte, error) {
	type alias Immunization
	return marshalResource(r.ResourceType(), alias(r))
}
