package fhir

// Composition is the table of contents of a document bundle.
type Composition struct {
	ID         string               `json:"id,omitempty"`
	Extension  []Extension          `json:"extension,omitempty"`
	Identifier *Identifier          `json:"identifier,omitempty"`
	Status     string               `json:"status"`
	Type       CodeableConcept      `json:"type"`
	Subject    *Reference           `json:"subject,omitempty"`
	Encounter  *Reference           `json:"encounter,omitempty"`
	Date       string               `json:"date"`
	Author     []Reference          `json:"author"`
	Title      string               `json:"title"`
	Section    []CompositionSection `json:"section,omitempty"`
}

// CompositionSection groups the document's entries; eHRSS has one section
// per data domain.
type CompositionSection struct {
	Title string           `json:"title,omitempty"`
	Code  *CodeableConcept `json:"code,omitempty"`
	Entry []Reference      `json:"entry,omitempty"`
}

// ResourceType is "Composition".
func (Composition) ResourceType() string { return "Composition" }

// ResourceID is the logical id.
func (r Composition) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Composition) MarshalJSON() ([]byte, error) {
	type alias Composition
	return marshalResource(r.ResourceType(), alias(r))
}
