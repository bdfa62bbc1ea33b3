package fhir

// Patient is the person the records are about.
type Patient struct {
	ID         string       `json:"id,omitempty"`
	Extension  []Extension  `json:"extension,omitempty"`
	Identifier []Identifier `json:"identifier,omitempty"`
	Active     *bool        `json:"active,omitempty"`
	Name       []HumanName  `json:"name,omitempty"`
	Gender     string       `json:"gender,omitempty"`
	BirthDate  string       `json:"birthDate,omitempty"`
}

// Encounter is the visit a record was made in.
type Encounter struct {
	ID          string                 `json:"id,omitempty"`
	Extension   []Extension            `json:"extension,omitempty"`
	Identifier  []Identifier           `json:"identifier,omitempty"`
	Status      string                 `json:"status"`
	Class       *Coding                `json:"class,omitempty"` // 1..1 in R4: a single Coding, not a list
	Type        []CodeableConcept      `json:"type,omitempty"`
	Subject     *Reference             `json:"subject,omitempty"`
	Participant []EncounterParticipant `json:"participant,omitempty"`
	Period      *Period                `json:"period,omitempty"`
}

// EncounterParticipant is someone who took part in the encounter, such as the doctor.
type EncounterParticipant struct {
	Individual *Reference `json:"individual,omitempty"`
}

// Organization is a healthcare institution or laboratory.
type Organization struct {
	ID         string       `json:"id,omitempty"`
	Extension  []Extension  `json:"extension,omitempty"`
	Identifier []Identifier `json:"identifier,omitempty"`
	Name       string       `json:"name,omitempty"`
	Alias      []string     `json:"alias,omitempty"`
}

// Location is a place, such as where a vaccine was given.
type Location struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
}

// Practitioner is a doctor or other healthcare staff member.
type Practitioner struct {
	ID         string       `json:"id,omitempty"`
	Extension  []Extension  `json:"extension,omitempty"`
	Identifier []Identifier `json:"identifier,omitempty"`
	Name       []HumanName  `json:"name,omitempty"`
}

// PractitionerRole links a practitioner to an organization.
type PractitionerRole struct {
	ID           string     `json:"id,omitempty"`
	Practitioner *Reference `json:"practitioner,omitempty"`
	Organization *Reference `json:"organization,omitempty"`
}

// ResourceType is "Patient".
func (Patient) ResourceType() string { return "Patient" }

// ResourceID is the logical id.
func (r Patient) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Patient) MarshalJSON() ([]byte, error) {
	type alias Patient
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Encounter".
func (Encounter) ResourceType() string { return "Encounter" }

// ResourceID is the logical id.
func (r Encounter) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Encounter) MarshalJSON() ([]byte, error) {
	type alias Encounter
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Organization".
func (Organization) ResourceType() string { return "Organization" }

// ResourceID is the logical id.
func (r Organization) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Organization) MarshalJSON() ([]byte, error) {
	type alias Organization
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Location".
func (Location) ResourceType() string { return "Location" }

// ResourceID is the logical id.
func (r Location) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Location) MarshalJSON() ([]byte, error) {
	type alias Location
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "Practitioner".
func (Practitioner) ResourceType() string { return "Practitioner" }

// ResourceID is the logical id.
func (r Practitioner) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Practitioner) MarshalJSON() ([]byte, error) {
	type alias Practitioner
	return marshalResource(r.ResourceType(), alias(r))
}

// ResourceType is "PractitionerRole".
func (PractitionerRole) ResourceType() string { return "PractitionerRole" }

// ResourceID is the logical id.
func (r PractitionerRole) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r PractitionerRole) MarshalJSON() ([]byte, error) {
	type alias PractitionerRole
	return marshalResource(r.ResourceType(), alias(r))
}
