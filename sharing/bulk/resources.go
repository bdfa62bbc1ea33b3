package bulk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// row is one row of a table, with its values as the driver returns them (int64, float64,
// string, []byte or nil).
type row struct {
	t    *table
	vals map[string]any
}

func (r row) str(col string) string {
	switch v := r.vals[col].(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []byte:
		return string(v)
	}
	return ""
}

func (r row) int(col string) int64 {
	switch v := r.vals[col].(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	case string:
		n, _ := strconv.ParseInt(v, 10, 64)
		return n
	}
	return 0
}

// has reports whether the table has the column (tables grow; a builder must not assume).
func (r row) has(col string) bool { _, ok := r.vals[col]; return ok }

// resourceTypes is the FHIR resource each table becomes; any other table becomes Basic.
var resourceTypes = map[string]string{
	"practice":           "Organization",
	"users":              "Practitioner",
	"patients":           "Patient",
	"appointments":       "Appointment",
	"attendances":        "Encounter",
	"visits":             "Encounter",
	"visit_diagnoses":    "Condition",
	"problems":           "Condition",
	"visit_procedures":   "Procedure",
	"vitals":             "Observation",
	"results":            "Observation",
	"allergies":          "AllergyIntolerance",
	"immunisations":      "Immunization",
	"drugs":              "Medication",
	"prescription_items": "MedicationRequest",
	"dispensings":        "MedicationDispense",
	"documents":          "DocumentReference",
}

func resourceTypeOf(tableName string) string {
	if t, ok := resourceTypes[tableName]; ok {
		return t
	}
	return "Basic"
}

// resourceID is the logical id of a row: the table and its id ("visits-17"), unique within a
// resource type even when two tables share one.
func resourceID(tableName string, id int64) string {
	// FHIR ids allow no underscore: "visit_diagnoses" is written "visit.diagnoses".
	return strings.ReplaceAll(tableName, "_", ".") + "-" + strconv.FormatInt(id, 10)
}

// idOf parses a logical id made by resourceID.
func idOf(logical string) (tableName string, id int64, ok bool) {
	i := strings.LastIndexByte(logical, '-')
	if i <= 0 {
		return "", 0, false
	}
	n, err := strconv.ParseInt(logical[i+1:], 10, 64)
	return strings.ReplaceAll(logical[:i], ".", "_"), n, err == nil
}

func ref(resourceType, tableName string, id int64) *fhir.Reference {
	if id == 0 {
		return nil
	}
	return &fhir.Reference{Reference: resourceType + "/" + resourceID(tableName, id)}
}

var (
	dateRe     = regexp.MustCompile(`^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$`)
	dateTimeRe = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))$`)
)

// date keeps a value only when it is a FHIR date ("1980", "1980-05", "1980-05-17").
func date(s string) string {
	if dateRe.MatchString(s) {
		return s
	}
	return ""
}

// dateTime keeps a FHIR dateTime (a date, or a time with its zone); anything else is dropped
// from the FHIR elements (it is still in the row).
func dateTime(s string) string {
	if dateRe.MatchString(s) || dateTimeRe.MatchString(s) {
		return s
	}
	return ""
}

// instant keeps a full time with zone.
func instant(s string) string {
	if dateTimeRe.MatchString(s) {
		return s
	}
	return ""
}

func text(s string) *fhir.CodeableConcept {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return &fhir.CodeableConcept{Text: s}
}

func coded(system, code, display string) *fhir.CodeableConcept {
	if code == "" {
		return text(display)
	}
	return &fhir.CodeableConcept{Coding: []fhir.Coding{{System: system, Code: code, Display: display}}}
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

const (
	sysLocalTerm  = Base + "/CodeSystem/local-term"
	sysLocalDrug  = Base + "/CodeSystem/local-drug"
	sysICD10      = "http://hl7.org/fhir/sid/icd-10"
	sysActCode    = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	sysObsCat     = "http://terminology.hl7.org/CodeSystem/observation-category"
	sysCondCat    = "http://terminology.hl7.org/CodeSystem/condition-category"
	sysCondClin   = "http://terminology.hl7.org/CodeSystem/condition-clinical"
	sysCondVer    = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	sysAllergyCli = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
	sysAllergyVer = "http://terminology.hl7.org/CodeSystem/allergyintolerance-verification"
	sysSlotType   = Base + "/CodeSystem/slot-type"
	sysDocKind    = Base + "/CodeSystem/document-kind"
)

// build makes the FHIR resource of one row (its row extension is added by the caller).
func build(r row, logical string) fhir.Resource {
	switch r.t.Name {
	case "practice":
		o := fhir.Organization{ID: logical, Name: firstNonEmpty(r.str("name_en"), "Practice")}
		if zh := r.str("name_zh"); zh != "" {
			o.Alias = []string{zh}
		}
		if hcp := r.str("hcp_id"); hcp != "" {
			o.Identifier = []fhir.Identifier{{System: "http://ehealth.gov.hk/sid/hcp-id", Value: hcp}}
		}
		return o
	case "users":
		p := fhir.Practitioner{ID: logical}
		if n := r.str("full_name"); n != "" {
			p.Name = append(p.Name, fhir.HumanName{Use: "official", Text: n})
		}
		if n := r.str("full_name_zh"); n != "" {
			p.Name = append(p.Name, fhir.HumanName{Use: "usual", Text: n})
		}
		return p
	case "patients":
		return patientResource(r, logical)
	case "appointments":
		return appointmentResource(r, logical)
	case "attendances":
		return attendanceResource(r, logical)
	case "visits":
		return visitResource(r, logical)
	case "visit_diagnoses", "problems":
		return conditionResource(r, logical)
	case "visit_procedures":
		p := fhir.Procedure{ID: logical, Status: "completed", Subject: *ref("Patient", "patients", r.int("patient_id")),
			Encounter: ref("Encounter", "visits", r.int("visit_id")), Code: termConcept(r)}
		if r.str("status") == "entered_in_error" {
			p.Status = "entered-in-error"
		}
		return p
	case "vitals":
		return vitalsResource(r, logical)
	case "results":
		o := fhir.Observation{ID: logical, Status: "final", Code: fhir.CodeableConcept{Text: firstNonEmpty(r.str("test"), "Result")},
			Category:          []fhir.CodeableConcept{{Coding: []fhir.Coding{{System: sysObsCat, Code: "laboratory"}}}},
			Subject:           ref("Patient", "patients", r.int("patient_id")),
			EffectiveDateTime: date(r.str("taken_on")), ValueString: r.str("value")}
		if r.str("status") == "entered_in_error" {
			o.Status = "entered-in-error"
		}
		if rr := r.str("ref_range"); rr != "" {
			o.ReferenceRange = []fhir.ObservationReferenceRange{{Text: rr}}
		}
		return o
	case "allergies":
		return allergyResource(r, logical)
	case "immunisations":
		im := fhir.Immunization{ID: logical, Status: "completed", VaccineCode: fhir.CodeableConcept{Text: firstNonEmpty(r.str("vaccine"), "Vaccine")},
			Patient: *ref("Patient", "patients", r.int("patient_id")), Encounter: ref("Encounter", "visits", r.int("visit_id")),
			OccurrenceDateTime: dateTime(r.str("given_on")), LotNumber: r.str("batch_no")}
		if im.OccurrenceDateTime == "" {
			im.OccurrenceAbsent = &fhir.Element{Extension: []fhir.Extension{{URL: "http://hl7.org/fhir/StructureDefinition/data-absent-reason", ValueCode: "unknown"}}}
		}
		if r.str("status") == "entered_in_error" {
			im.Status = "entered-in-error"
		}
		if d := r.str("dose_number"); d != "" {
			im.ProtocolApplied = []fhir.ImmunizationProtocolApplied{{DoseNumberString: d}}
		}
		return im
	case "drugs":
		m := fhir.Medication{ID: logical, Status: "active", Code: coded(sysLocalDrug, r.str("local_code"),
			strings.TrimSpace(r.str("name")+" "+r.str("strength"))), Form: text(r.str("form"))}
		if r.has("active") && r.int("active") == 0 {
			m.Status = "inactive"
		}
		return m
	case "prescription_items":
		return prescriptionResource(r, logical)
	case "dispensings":
		d := fhir.MedicationDispense{ID: logical, Status: "completed", MedicationReference: ref("Medication", "drugs", r.int("drug_id")),
			Subject: ref("Patient", "patients", r.int("patient_id")), Context: ref("Encounter", "visits", r.int("visit_id")),
			WhenHandedOver: dateTime(r.str("at"))}
		if p := ref("MedicationRequest", "prescription_items", r.int("prescription_item_id")); p != nil {
			d.AuthorizingPrescription = []fhir.Reference{*p}
		}
		d.Quantity = &fhir.Quantity{Value: fhir.Decimal(strconv.FormatInt(r.int("quantity"), 10))}
		return d
	case "documents":
		kind := r.str("kind")
		return fhir.DocumentReference{ID: logical, Status: "current", Type: coded(sysDocKind, kind, ""),
			Subject: ref("Patient", "patients", r.int("patient_id")), Date: instant(r.str("created_at")),
			Content: []fhir.DocumentReferenceContent{{Attachment: fhir.Attachment{ContentType: "application/pdf",
				Title: r.str("number"), URL: attachmentPath(r.t.Name, logical, "pdf", []byte("%PDF"))}}}}
	}
	b := fhir.Basic{ID: logical, Code: fhir.CodeableConcept{Coding: []fhir.Coding{{System: TableSystem, Code: r.t.Name}}}}
	if r.t.PatientFK != "" {
		b.Subject = ref("Patient", "patients", r.int(r.t.PatientFK))
	}
	return b
}

func patientResource(r row, logical string) fhir.Resource {
	p := fhir.PatientRecord{ID: logical, Identifier: []fhir.Identifier{{Use: "usual", System: PatientNumber, Value: r.str("number")}}}
	if u := instant(r.str("updated_at")); u != "" {
		p.Meta = &fhir.Meta{LastUpdated: u}
	}
	if ehr := r.str("ehr_no"); ehr != "" {
		p.Identifier = append(p.Identifier, fhir.Identifier{System: EHRNumber, Value: ehr})
	}
	if doc := r.str("doc_number"); doc != "" {
		p.Identifier = append(p.Identifier, fhir.Identifier{Use: "official", System: DocSystem + r.str("doc_type"),
			Type: coded(DocTypeSystem, r.str("doc_type"), ""), Value: doc})
	}
	active := r.int("merged_into") == 0
	p.Active = &active
	if s, g := r.str("surname_en"), r.str("given_name_en"); s != "" || g != "" {
		n := fhir.HumanName{Use: "official", Family: s}
		if g != "" {
			n.Given = []string{g}
		}
		p.Name = append(p.Name, n)
	}
	if zh := r.str("name_zh"); zh != "" {
		p.Name = append(p.Name, fhir.HumanName{Use: "usual", Text: zh})
	}
	if m := r.str("mobile"); m != "" {
		p.Telecom = append(p.Telecom, fhir.ContactPoint{System: "phone", Value: m, Use: "mobile"})
	}
	if m := r.str("phone_other"); m != "" {
		p.Telecom = append(p.Telecom, fhir.ContactPoint{System: "phone", Value: m, Use: "home"})
	}
	if m := r.str("email"); m != "" {
		p.Telecom = append(p.Telecom, fhir.ContactPoint{System: "email", Value: m})
	}
	p.Gender = map[string]string{"M": "male", "F": "female", "U": "unknown"}[r.str("sex")]
	p.BirthDate = date(r.str("dob"))
	if a := r.str("address"); a != "" {
		p.Address = []fhir.Address{{Text: a}}
	}
	if name, phone := r.str("emergency_name"), r.str("emergency_phone"); name != "" || phone != "" {
		c := fhir.PatientContact{Relationship: optConcepts(text(r.str("emergency_relation")))}
		if name != "" {
			c.Name = &fhir.HumanName{Text: name}
		}
		if phone != "" {
			c.Telecom = []fhir.ContactPoint{{System: "phone", Value: phone}}
		}
		p.Contact = []fhir.PatientContact{c}
	}
	if m := r.int("merged_into"); m != 0 {
		p.Link = []fhir.PatientLink{{Other: *ref("Patient", "patients", m), Type: "replaced-by"}}
	}
	return p
}

func optConcepts(c *fhir.CodeableConcept) []fhir.CodeableConcept {
	if c == nil {
		return nil
	}
	return []fhir.CodeableConcept{*c}
}

func appointmentResource(r row, logical string) fhir.Resource {
	a := fhir.Appointment{ID: logical, Description: r.str("reason"), Start: instant(r.str("starts_at")), End: instant(r.str("ends_at")),
		Created:         date(firstNonEmpty(strings.SplitN(r.str("created_at"), "T", 2)[0])),
		AppointmentType: coded(sysSlotType, r.str("slot_type"), ""), CancelationReason: text(r.str("cancel_reason"))}
	a.Status = map[string]string{"booked": "booked", "arrived": "arrived", "cancelled": "cancelled", "no_show": "noshow"}[r.str("status")]
	if a.Status == "" {
		a.Status = "booked"
	}
	if a.Start == "" || a.End == "" {
		a.Start, a.End = "", ""
		if a.Status != "cancelled" {
			a.Status = "cancelled" // app-3: only a proposed, cancelled or waitlisted booking lacks a time
		}
	}
	a.Participant = []fhir.AppointmentParticipant{{Actor: ref("Patient", "patients", r.int("patient_id")), Status: "accepted"}}
	if d := ref("Practitioner", "users", r.int("doctor_id")); d != nil {
		a.Participant = append(a.Participant, fhir.AppointmentParticipant{Actor: d, Status: "accepted"})
	}
	return a
}

func ambulatory() *fhir.Coding {
	return &fhir.Coding{System: sysActCode, Code: "AMB", Display: "ambulatory"}
}

func attendanceResource(r row, logical string) fhir.Resource {
	state := r.str("state")
	e := fhir.Encounter{ID: logical, Class: ambulatory(), Subject: ref("Patient", "patients", r.int("patient_id")),
		Identifier: []fhir.Identifier{{System: Base + "/sid/ticket/" + r.str("day"), Value: r.str("ticket_label")}}}
	e.Status = map[string]string{"waiting": "arrived", "with_doctor": "in-progress", "awaiting_medicine_payment": "in-progress",
		"done": "finished", "skipped": "arrived", "no_show": "cancelled", "cancelled": "cancelled"}[state]
	if e.Status == "" {
		e.Status = "unknown"
	}
	if start := instant(r.str("arrived_at")); start != "" {
		e.Period = &fhir.Period{Start: start, End: instant(r.str("finished_at"))}
	}
	return e
}

func visitResource(r row, logical string) fhir.Resource {
	e := fhir.Encounter{ID: logical, Class: ambulatory(), Subject: ref("Patient", "patients", r.int("patient_id")),
		Identifier: []fhir.Identifier{{System: "http://ehealth.gov.hk/HCP/EpisodeNum", Value: r.str("episode_no")}}}
	e.Status = map[string]string{"draft": "in-progress", "signed": "finished", "entered_in_error": "entered-in-error"}[r.str("status")]
	if e.Status == "" {
		e.Status = "unknown"
	}
	if d := date(r.str("visit_date")); d != "" {
		e.Period = &fhir.Period{Start: d}
	}
	return e
}

// termConcept is a diagnosis or procedure: the local code, the ICD-10 code when the clinic has
// it, and the words.
func termConcept(r row) *fhir.CodeableConcept {
	c := &fhir.CodeableConcept{Text: firstNonEmpty(r.str("text_en"), r.str("text_zh"))}
	if code := r.str("code"); code != "" {
		c.Coding = append(c.Coding, fhir.Coding{System: sysLocalTerm, Code: code})
	}
	if icd := r.str("icd10"); icd != "" {
		c.Coding = append(c.Coding, fhir.Coding{System: sysICD10, Code: icd})
	}
	if c.Text == "" && len(c.Coding) == 0 {
		c.Text = "Unspecified"
	}
	return c
}

func conditionResource(r row, logical string) fhir.Resource {
	c := fhir.Condition{ID: logical, Code: termConcept(r), Subject: *ref("Patient", "patients", r.int("patient_id")),
		Encounter: ref("Encounter", "visits", r.int("visit_id")), RecordedDate: dateTime(r.str("created_at"))}
	status := r.str("status")
	switch {
	case status == "entered_in_error":
		// con-5: no clinical status on an entry made in error; the verification status says it.
	case r.t.Name == "problems" && status == "resolved":
		c.ClinicalStatus = coded(sysCondClin, "resolved", "")
	default:
		c.ClinicalStatus = coded(sysCondClin, "active", "")
	}
	if r.t.Name == "problems" {
		c.OnsetDateTime = date(r.str("since"))
	}
	return conditionWithStatus{c, status == "entered_in_error", r.t.Name == "problems"}
}

// conditionWithStatus adds the category and verification status that fhir.Condition (the eHRSS
// subset) does not carry.
type conditionWithStatus struct {
	fhir.Condition
	inError bool
	problem bool
}

// ResourceType is "Condition".
func (c conditionWithStatus) ResourceType() string { return "Condition" }

// ResourceID is the logical id.
func (c conditionWithStatus) ResourceID() string { return c.ID }

// MarshalJSON writes the Condition with its category and, for an entry made in error, its
// verification status.
func (c conditionWithStatus) MarshalJSON() ([]byte, error) {
	body, err := json.Marshal(c.Condition)
	if err != nil {
		return nil, err
	}
	cat := "encounter-diagnosis"
	if c.problem {
		cat = "problem-list-item"
	}
	members := map[string]any{"category": []fhir.CodeableConcept{*coded(sysCondCat, cat, "")}}
	if c.inError {
		members["verificationStatus"] = coded(sysCondVer, "entered-in-error", "")
	}
	return splice(body, members)
}

// splice adds members to a marshalled JSON object, just after its first member (resourceType).
func splice(body []byte, members map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(members))
	for k := range members {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var extra bytes.Buffer
	for _, k := range keys {
		v, err := json.Marshal(members[k])
		if err != nil {
			return nil, err
		}
		kb, _ := json.Marshal(k)
		extra.WriteByte(',')
		extra.Write(kb)
		extra.WriteByte(':')
		extra.Write(v)
	}
	i := bytes.IndexByte(body, ',')
	if i < 0 { // {"resourceType":"X"}
		i = len(body) - 1
	}
	out := make([]byte, 0, len(body)+extra.Len())
	out = append(out, body[:i]...)
	out = append(out, extra.Bytes()...)
	return append(out, body[i:]...), nil
}

func vitalsResource(r row, logical string) fhir.Resource {
	var parts []string
	add := func(label, col, unit string) {
		if v := r.str(col); v != "" {
			parts = append(parts, label+" "+v+unit)
		}
	}
	if r.str("systolic") != "" && r.str("diastolic") != "" {
		parts = append(parts, "BP "+r.str("systolic")+"/"+r.str("diastolic")+" mmHg")
	}
	add("Pulse", "pulse", "/min")
	add("Temp", "temperature", " °C")
	add("RR", "resp_rate", "/min")
	add("SpO2", "spo2", "%")
	add("Weight", "weight_kg", " kg")
	add("Height", "height_cm", " cm")
	add("BMI", "bmi", "")
	add("Glucose", "glucose", " mmol/L")
	add("Pain", "pain", "/10")
	o := fhir.Observation{ID: logical, Status: "final",
		Category:          []fhir.CodeableConcept{{Coding: []fhir.Coding{{System: sysObsCat, Code: "vital-signs"}}}},
		Code:              fhir.CodeableConcept{Coding: []fhir.Coding{{System: "http://loinc.org", Code: "85353-1", Display: "Vital signs panel"}}},
		Subject:           ref("Patient", "patients", r.int("patient_id")),
		EffectiveDateTime: dateTime(r.str("taken_at")), ValueString: strings.Join(parts, ", ")}
	if r.str("status") == "entered_in_error" {
		o.Status = "entered-in-error"
	}
	return o
}

func allergyResource(r row, logical string) fhir.Resource {
	a := fhir.AllergyIntolerance{ID: logical, Patient: *ref("Patient", "patients", r.int("patient_id")),
		Code: text(firstNonEmpty(r.str("allergen"), "Unknown")), RecordedDate: dateTime(r.str("created_at")),
		OnsetDateTime: date(r.str("onset"))}
	a.Type = "allergy"
	if r.str("kind") == "adr" {
		a.Type = "intolerance"
	}
	status := "active"
	if r.str("status") == "inactive" {
		status = "inactive"
	}
	a.ClinicalStatus = coded(sysAllergyCli, status, "")
	switch r.str("certainty") {
	case "C":
		a.VerificationStatus = coded(sysAllergyVer, "confirmed", "")
	case "S":
		a.VerificationStatus = coded(sysAllergyVer, "unconfirmed", "")
	}
	if rx := r.str("reaction"); rx != "" {
		re := fhir.AllergyReaction{Manifestation: []fhir.CodeableConcept{{Text: rx}}}
		re.Severity = map[string]string{"M": "mild", "S": "severe"}[r.str("severity")]
		a.Reaction = []fhir.AllergyReaction{re}
	}
	if n := r.str("remarks"); n != "" {
		a.Note = []fhir.Annotation{{Text: n}}
	}
	return a
}

func prescriptionResource(r row, logical string) fhir.Resource {
	m := fhir.MedicationRequest{ID: logical, Intent: "order", MedicationReference: ref("Medication", "drugs", r.int("drug_id")),
		Subject: *ref("Patient", "patients", r.int("patient_id")), Encounter: ref("Encounter", "visits", r.int("visit_id")),
		AuthoredOn: dateTime(r.str("created_at"))}
	m.Status = map[string]string{"prescribed": "active", "dispensed": "completed", "cancelled": "cancelled"}[r.str("status")]
	if m.Status == "" {
		m.Status = "unknown"
	}
	dose := fmt.Sprintf("%s %s %s", milli(r.int("dose_milli")), r.str("dose_unit"), r.str("frequency"))
	if d := r.int("days"); d > 0 {
		dose += fmt.Sprintf(" for %d days", d)
	}
	m.DosageInstruction = []fhir.Dosage{{Text: strings.TrimSpace(dose)}}
	m.DispenseRequest = &fhir.DispenseRequest{Quantity: &fhir.Quantity{Value: fhir.Decimal(strconv.FormatInt(r.int("quantity"), 10))}}
	return m
}

// milli writes thousandths as a decimal: 1500 -> "1.5".
func milli(n int64) string {
	s := strconv.FormatFloat(float64(n)/1000, 'f', -1, 64)
	return s
}
