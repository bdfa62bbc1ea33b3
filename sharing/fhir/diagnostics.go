package fhir

// DiagnosticReport is a laboratory report (eHRSS LABGEN, LABAP).
type DiagnosticReport struct {
	ID                 string            `json:"id,omitempty"`
	Extension          []Extension       `json:"extension,omitempty"`
	Identifier         []Identifier      `json:"identifier,omitempty"`
	BasedOn            []Reference       `json:"basedOn,omitempty"`
	Status             string            `json:"status"`
	Category           []CodeableConcept `json:"category,omitempty"`
	Code               CodeableConcept   `json:"code"`
	Subject            *Reference        `json:"subject,omitempty"`
	Encounter          *Reference        `json:"encounter,omitempty"`
	EffectiveDateTime  string            `json:"effectiveDateTime,omitempty"`
	Issued             string            `json:"issued,omitempty"`
	Performer          []Reference       `json:"performer,omitempty"`
	ResultsInterpreter []Reference       `json:"resultsInterpreter,omitempty"`
	Specimen           []Reference       `json:"specimen,omitempty"`
	Result             []Reference       `json:"result,omitempty"`
	PresentedForm      []Attachment      `json:"presentedForm,omitempty"`
}

// Observation is one test result or one section of a pathology report.
type Observation struct {
	ID                   string                      `json:"id,omitempty"`
	Extension            []Extension                 `json:"extension,omitempty"`
	Status               string                      `json:"status"`
	Category             []CodeableConcept           `json:"category,omitempty"`
	Code                 CodeableConcept             `json:"code"`
	Subject              *Reference                  `json:"subject,omitempty"`
	EffectiveDateTime    string                      `json:"effectiveDateTime,omitempty"`
	ValueQuantity        *Quantity                   `json:"valueQuantity,omitempty"`
	ValueString          string                      `json:"valueString,omitempty"`
	ValueCodeableConcept *CodeableConcept            `json:"valueCodeableConcept,omitempty"`
	Interpretation       []CodeableConcept           `json:"interpretation,omitempty"`
	Note                 []Annotation                `json:"note,omitempty"`
	ReferenceRange       []ObservationReferenceRange `json:"referenceRange,omitempty"`
}

// ObservationReferenceRange is the normal range, here as text.
type ObservationReferenceRange struct {
	Text string `json:"text,omitempty"`
}

// Specimen is the sample a laboratory examined.
type Specimen struct {
	ID           string              `json:"id,omitempty"`
	Extension    []Extension         `json:"extension,omitempty"`
	Type         *CodeableConcept    `json:"type,omitempty"`
	Subject      *Reference          `json:"subject,omitempty"`
	ReceivedTime string              `json:"receivedTime,omitempty"`
	Collection   *SpecimenCollection `json:"collection,omitempty"`
}

// SpecimenCollection says when the specimen was collected.
type SpecimenCollection struct {
	CollectedDateTime string `json:"collectedDateTime,omitempty"`
}

// ServiceRequest is the laboratory test request behind a report.
type ServiceRequest struct {
	ID             string       `json:"id,omitempty"`
	Identifier     []Identifier `json:"identifier,omitempty"`
	Status         string       `json:"status"`
	Intent         string       `json:"intent"`
	Subject        Reference    `json:"subject"`
	Requester      *Reference   `json:"requester,omitempty"`
	SupportingInfo []Reference  `json:"supportingInfo,omitempty"`
}

// ResourceType is "DiagnosticReport".
func (DiagnosticReport) ResourceType() string { return "DiagnosticReport" }

// ResourceID is the logical id.
func (r DiagnosticReport) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r DiagnosticReport) MarshalJSON() ([]byte, error) {
	type alias DiagnosticReport
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Observation".
func (Observation) ResourceType() string { return "Observation" }

// ResourceID is the logical id.
func (r Observation) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Observation) MarshalJSON() ([]byte, error) {
	type alias Observation
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Specimen".
func (Specimen) ResourceType() string { return "Specimen" }

// ResourceID is the logical id.
func (r Specimen) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Specimen) MarshalJSON() ([]byte, error) {
	type alias Specimen
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "ServiceRequest".
func (ServiceRequest) ResourceType() string { return "ServiceRequest" }

// ResourceID is the logical id.
func (r ServiceRequest) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r ServiceRequest) MarshalJSON() ([]byte, error) {
	type alias ServiceRequest
	return marshalResource(r.ResourceType(), alias(r))
}
