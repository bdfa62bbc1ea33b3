package fhir

// The resources and elements below are what the whole-practice export (sharing/bulk) needs beyond
// the eHRSS subset: a patient with every demographic OnRamp keeps, appointments, medication,
// documents, and Basic for the practice's own records that FHIR has no resource for.

// ContactPoint is a phone number or e-mail address.
type ContactPoint struct {
	System string `json:"system,omitempty"` // phone, email, ...
	Value  string `json:"value,omitempty"`
	Use    string `json:"use,omitempty"` // home, work, mobile, ...
}

// Address is a postal address, here as the text the clinic typed.
type Address struct {
	Text string `json:"text,omitempty"`
}

// PatientContact is someone to call about the patient (pat-1: a name, telecom, address or
// organization is required).
type PatientContact struct {
	Relationship []CodeableConcept `json:"relationship,omitempty"`
	Name         *HumanName        `json:"name,omitempty"`
	Telecom      []ContactPoint    `json:"telecom,omitempty"`
}

// PatientLink points at the record this one was merged into ("replaced-by").
type PatientLink struct {
	Other Reference `json:"other"`
	Type  string    `json:"type"`
}

// PatientRecord is a Patient with every element OnRamp's master index fills; Patient (above)
// stays the eHRSS subset.
type PatientRecord struct {
	ID         string           `json:"id,omitempty"`
	Meta       *Meta            `json:"meta,omitempty"`
	Extension  []Extension      `json:"extension,omitempty"`
	Identifier []Identifier     `json:"identifier,omitempty"`
	Active     *bool            `json:"active,omitempty"`
	Name       []HumanName      `json:"name,omitempty"`
	Telecom    []ContactPoint   `json:"telecom,omitempty"`
	Gender     string           `json:"gender,omitempty"`
	BirthDate  string           `json:"birthDate,omitempty"`
	Address    []Address        `json:"address,omitempty"`
	Contact    []PatientContact `json:"contact,omitempty"`
	Link       []PatientLink    `json:"link,omitempty"`
}

// ResourceType is "Patient".
func (PatientRecord) ResourceType() string { return "Patient" }

// ResourceID is the logical id.
func (r PatientRecord) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r PatientRecord) MarshalJSON() ([]byte, error) {
	type alias PatientRecord
	return marshalResource(r.ResourceType(), alias(r))
}

// AppointmentParticipant is the patient or the doctor of a booking.
type AppointmentParticipant struct {
	Actor  *Reference `json:"actor,omitempty"`
	Status string     `json:"status"` // accepted, declined, tentative, needs-action
}

// Appointment is a booking in the diary.
type Appointment struct {
	ID                string                   `json:"id,omitempty"`
	Extension         []Extension              `json:"extension,omitempty"`
	Status            string                   `json:"status"`
	CancelationReason *CodeableConcept         `json:"cancelationReason,omitempty"`
	AppointmentType   *CodeableConcept         `json:"appointmentType,omitempty"`
	Description       string                   `json:"description,omitempty"`
	Start             string                   `json:"start,omitempty"`
	End               string                   `json:"end,omitempty"`
	Created           string                   `json:"created,omitempty"`
	Participant       []AppointmentParticipant `json:"participant"`
}

// ResourceType is "Appointment".
func (Appointment) ResourceType() string { return "Appointment" }

// ResourceID is the logical id.
func (r Appointment) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Appointment) MarshalJSON() ([]byte, error) {
	type alias Appointment
	return marshalResource(r.ResourceType(), alias(r))
}

// Basic is a record FHIR has no resource for (a consent history row, a stock movement, a clinic
// setting): a code saying what it is, and the patient it is about when there is one.
type Basic struct {
	ID        string          `json:"id,omitempty"`
	Extension []Extension     `json:"extension,omitempty"`
	Code      CodeableConcept `json:"code"`
	Subject   *Reference      `json:"subject,omitempty"`
	Created   string          `json:"created,omitempty"`
}

// ResourceType is "Basic".
func (Basic) ResourceType() string { return "Basic" }

// ResourceID is the logical id.
func (r Basic) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Basic) MarshalJSON() ([]byte, error) {
	type alias Basic
	return marshalResource(r.ResourceType(), alias(r))
}

// Medication is an item of the clinic's formulary.
type Medication struct {
	ID        string           `json:"id,omitempty"`
	Extension []Extension      `json:"extension,omitempty"`
	Code      *CodeableConcept `json:"code,omitempty"`
	Status    string           `json:"status,omitempty"` // active, inactive
	Form      *CodeableConcept `json:"form,omitempty"`
}

// ResourceType is "Medication".
func (Medication) ResourceType() string { return "Medication" }

// ResourceID is the logical id.
func (r Medication) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r Medication) MarshalJSON() ([]byte, error) {
	type alias Medication
	return marshalResource(r.ResourceType(), alias(r))
}

// Dosage is how a medicine is taken, here as the text the label carries.
type Dosage struct {
	Text string `json:"text,omitempty"`
}

// MedicationRequest is one prescribed item.
type MedicationRequest struct {
	ID                  string           `json:"id,omitempty"`
	Extension           []Extension      `json:"extension,omitempty"`
	Status              string           `json:"status"`
	Intent              string           `json:"intent"`
	MedicationReference *Reference       `json:"medicationReference,omitempty"`
	Subject             Reference        `json:"subject"`
	Encounter           *Reference       `json:"encounter,omitempty"`
	AuthoredOn          string           `json:"authoredOn,omitempty"`
	Requester           *Reference       `json:"requester,omitempty"`
	DosageInstruction   []Dosage         `json:"dosageInstruction,omitempty"`
	DispenseRequest     *DispenseRequest `json:"dispenseRequest,omitempty"`
}

// DispenseRequest is how much was prescribed.
type DispenseRequest struct {
	Quantity *Quantity `json:"quantity,omitempty"`
}

// ResourceType is "MedicationRequest".
func (MedicationRequest) ResourceType() string { return "MedicationRequest" }

// ResourceID is the logical id.
func (r MedicationRequest) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r MedicationRequest) MarshalJSON() ([]byte, error) {
	type alias MedicationRequest
	return marshalResource(r.ResourceType(), alias(r))
}

// MedicationDispense is medicine handed over (or a return, with a negative quantity noted).
type MedicationDispense struct {
	ID                      string      `json:"id,omitempty"`
	Extension               []Extension `json:"extension,omitempty"`
	Status                  string      `json:"status"`
	MedicationReference     *Reference  `json:"medicationReference,omitempty"`
	Subject                 *Reference  `json:"subject,omitempty"`
	Context                 *Reference  `json:"context,omitempty"`
	AuthorizingPrescription []Reference `json:"authorizingPrescription,omitempty"`
	Quantity                *Quantity   `json:"quantity,omitempty"`
	WhenHandedOver          string      `json:"whenHandedOver,omitempty"`
}

// ResourceType is "MedicationDispense".
func (MedicationDispense) ResourceType() string { return "MedicationDispense" }

// ResourceID is the logical id.
func (r MedicationDispense) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r MedicationDispense) MarshalJSON() ([]byte, error) {
	type alias MedicationDispense
	return marshalResource(r.ResourceType(), alias(r))
}

// DocumentReferenceContent is the file of a document.
type DocumentReferenceContent struct {
	Attachment Attachment `json:"attachment"`
}

// DocumentReference is an issued certificate, letter or summary, or a report file.
type DocumentReference struct {
	ID        string                     `json:"id,omitempty"`
	Extension []Extension                `json:"extension,omitempty"`
	Status    string                     `json:"status"` // current, superseded, entered-in-error
	Type      *CodeableConcept           `json:"type,omitempty"`
	Subject   *Reference                 `json:"subject,omitempty"`
	Date      string                     `json:"date,omitempty"` // instant
	Content   []DocumentReferenceContent `json:"content"`
}

// ResourceType is "DocumentReference".
func (DocumentReference) ResourceType() string { return "DocumentReference" }

// ResourceID is the logical id.
func (r DocumentReference) ResourceID() string { return r.ID }

// MarshalJSON writes the resource with its resourceType.
func (r DocumentReference) MarshalJSON() ([]byte, error) {
	type alias DocumentReference
	return marshalResource(r.ResourceType(), alias(r))
}
