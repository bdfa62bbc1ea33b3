package ehrss

import (
	"bytes"
	"fmt"
	"strconv"
	"time"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// The provisional clinical domains no eHealth guide covers yet: medication (MED), clinical
// summaries (CLN) and referrals (REF). They follow the encounters' pattern (provisional.go):
// one document bundle per patient, Composition first, each record a section entry with its key,
// transaction type and upload metadata, the record itself a standard FHIR R4 resource. Their
// codes, titles and our own coding systems are the provisional rows of the table in codes.go.

// Medication statuses a medication record may carry (FHIR R4 MedicationRequest.status).
var medicationStatuses = map[string]bool{"active": true, "completed": true, "stopped": true}

// MedicationRecord is one prescribed item of a visit as the patient received it (MED,
// provisional): the drug by the clinic's code and its registration number, the directions, the
// quantity prescribed and the quantity handed over. Record.EncounterKey is the visit's episode
// number, so that the item names the same Encounter as the visit's diagnoses.
type MedicationRecord struct {
	Record
	Status     string // FHIR MedicationRequest.status: active (prescribed), completed (dispensed)
	DrugCode   string // the clinic's local code
	DrugDesc   string // as printed on the label, e.g. "Amoxil 500 mg capsule"
	RPPNo      string // Registered Pharmaceutical Products number, HK-12345
	Directions string // the label's directions, e.g. "1 cap TDS for 5 days"
	Quantity   int64  // prescribed, in dispensing units
	Dispensed  int64  // handed over, net of returns
	Unit       string // the dispensing unit: cap, tab, bottle, ...
	Prescriber string
	AuthoredOn time.Time // when it was prescribed
	HandedOver time.Time // when it was last dispensed; zero before
}

// PatientMedications is one patient with their medication records.
type PatientMedications struct {
	Patient     Patient
	Medications []MedicationRecord
}

// Document kinds a document record may carry, with their English descriptions.
var documentKinds = map[string]string{"visit_summary": "Visit summary", "referral": "Referral letter"}

// maxDocumentPDF is the largest PDF a document record may carry (provisional: the lab guides
// leave the size to the transport; 10 MB keeps a bundle well within any sane request).
const maxDocumentPDF = 10 << 20

// DocumentRecord is an issued visit summary (CLN) or referral letter (REF), both provisional:
// the document as first printed, its number, kind and language.
type DocumentRecord struct {
	Record
	Kind     string // visit_summary or referral
	Number   string // "VS-2026-000012"
	Language string // en, zh or both
	Issued   time.Time
	PDF      []byte // the original as first printed
}

// PatientDocuments is one patient with their document records.
type PatientDocuments struct {
	Patient   Patient
	Documents []DocumentRecord
}

// BuildMedicationChecked checks medication records (the Patient, the section entry, a drug
// description, a known status and the prescribing time), holds back the ones with a problem and
// builds one document bundle per patient from the rest. Each record is a MedicationRequest
// whose medication is a Medication coded by the clinic's code (and RPP number when known); a
// delete is a MedicationRequest "entered-in-error".
func BuildMedicationChecked(inst Institution, mode UploadMode, items []PatientMedications, now time.Time) ([]*fhir.Bundle, []Problem, error) {
	groups := make([]patientGroup[MedicationRecord], len(items))
	for i, it := range items {
		groups[i] = patientGroup[MedicationRecord]{it.Patient, it.Medications}
	}
	return buildPerPatient(DomainMedication, inst, mode, groups, now,
		func(m MedicationRecord) Record { return m.Record }, checkMedication, (*docBuilder).medication)
}

// BuildDocumentChecked checks document records of the summaries (CLN) or referrals (REF)
// domain (the Patient, the section entry, a known kind, a number, the issue time and a PDF),
// holds back the ones with a problem and builds one document bundle per patient from the rest.
// Each record is a DocumentReference carrying the stored PDF.
func BuildDocumentChecked(inst Institution, domain Domain, mode UploadMode, items []PatientDocuments, now time.Time) ([]*fhir.Bundle, []Problem, error) {
	if domain != DomainSummary && domain != DomainReferral {
		return nil, nil, fmt.Errorf("ehrss: %s is not a document domain", domain)
	}
	groups := make([]patientGroup[DocumentRecord], len(items))
	for i, it := range items {
		groups[i] = patientGroup[DocumentRecord]{it.Patient, it.Documents}
	}
	return buildPerPatient(domain, inst, mode, groups, now,
		func(d DocumentRecord) Record { return d.Record }, checkDocument, (*docBuilder).document)
}

type patientGroup[T any] struct {
	Patient Patient
	Records []T
}

// buildPerPatient is the provisional domains' check-then-build: the institution holds back
// everything, a patient's identity holds back their records, a record's own problem holds back
// that record.
func buildPerPatient[T any](domain Domain, inst Institution, mode UploadMode, items []patientGroup[T], now time.Time,
	base func(T) Record, checkOne func(*checker, T), build func(*docBuilder, T) fhir.Resource) ([]*fhir.Bundle, []Problem, error) {
	spec := domains[domain]
	if mode != ModeMaterialisation && mode != ModeIncremental {
		return nil, nil, fmt.Errorf("ehrss: upload mode %q is not permitted for %s (permitted: BL-M, BL)", mode, spec.Domain)
	}
	c := &checker{patient: -1, record: -1}
	checkInstitution(c, inst)
	if len(c.out) > 0 {
		return nil, problemsOf(c.out), nil
	}
	keys := map[string]bool{}
	heldPatient := map[int]bool{}
	heldRecord := map[[2]int]bool{}
	for pi, g := range items {
		if len(g.Records) == 0 {
			continue
		}
		c.patient, c.record, c.pkey, c.rkey, c.prefix = pi, -1, g.Patient.RecordKey, "", ""
		before := len(c.out)
		checkPatient(c, spec, g.Patient, now)
		if len(c.out) > before {
			heldPatient[pi] = true
		}
		for ri, r := range g.Records {
			rec := base(r)
			c.record, c.rkey = ri, rec.RecordKey
			before := len(c.out)
			checkRecord(c, spec, mode, rec, keys)
			if rec.TxType != TxDelete {
				checkOne(c, r)
			}
			if len(c.out) > before {
				heldRecord[[2]int{pi, ri}] = true
			}
		}
	}
	var out []*fhir.Bundle
	for pi, g := range items {
		if heldPatient[pi] {
			continue
		}
		var b *docBuilder
		for ri, r := range g.Records {
			if heldRecord[[2]int{pi, ri}] {
				continue
			}
			if b == nil {
				b = newDocBuilder(spec, inst, mode, g.Patient, now, seed(inst, spec, mode, now, pi, personalLevel, g.Patient))
				b.level = personalLevel
			}
			rec := base(r)
			target := build(b, r)
			b.section.Entry = append(b.section.Entry, fhir.Reference{
				Extension:  b.entryExtensions(rec, personalLevel),
				Reference:  target.ResourceType() + "/" + target.ResourceID(),
				Identifier: b.recordKey(rec.RecordKey),
			})
		}
		if b != nil {
			out = append(out, b.finish())
		}
	}
	return out, problemsOf(c.out), nil
}

func checkMedication(c *checker, m MedicationRecord) {
	c.text("DrugDesc", m.DrugDesc, 255, true, label{"The drug description", "藥物描述"})
	c.maxLen("DrugCode", m.DrugCode, 50, label{"The drug code", "藥物編號"})
	c.maxLen("Directions", m.Directions, 1000, label{"The directions", "用法"})
	if !medicationStatuses[m.Status] {
		c.fail("Status", fmt.Sprintf("The medication status %q is not one OnRamp can send.", m.Status),
			fmt.Sprintf("藥物狀態「%s」無法上載。", m.Status))
	}
	if m.AuthoredOn.IsZero() {
		c.fail("AuthoredOn", "The medication has no time it was prescribed.", "藥物沒有處方時間。")
	}
	if m.Quantity < 0 || m.Dispensed < 0 {
		c.fail("Quantity", "The quantity of the medication cannot be negative.", "藥物數量不可為負數。")
	}
	checkTime(c, "AuthoredOn", m.AuthoredOn)
	checkTime(c, "HandedOver", m.HandedOver)
}

func checkDocument(c *checker, d DocumentRecord) {
	if _, ok := documentKinds[d.Kind]; !ok {
		c.fail("Kind", fmt.Sprintf("The document kind %q is not one OnRamp can send.", d.Kind),
			fmt.Sprintf("文件類別「%s」無法上載。", d.Kind))
	}
	c.text("Number", d.Number, 40, true, label{"The document number", "文件編號"})
	if d.Issued.IsZero() {
		c.fail("Issued", "The document has no time it was issued.", "文件沒有發出時間。")
	}
	checkTime(c, "Issued", d.Issued)
	switch {
	case len(d.PDF) == 0:
		c.fail("PDF", "The document has no stored PDF.", "文件沒有已儲存的 PDF。")
	case !bytes.HasPrefix(d.PDF, []byte("%PDF-")):
		c.fail("PDF", "The stored file of the document is not a PDF.", "文件的已儲存檔案不是 PDF。")
	case len(d.PDF) > maxDocumentPDF:
		c.fail("PDF", fmt.Sprintf("The document's PDF is %d MB, more than the %d MB OnRamp sends.", len(d.PDF)>>20, maxDocumentPDF>>20),
			fmt.Sprintf("文件的 PDF 有 %d MB，超過 OnRamp 可上載的 %d MB。", len(d.PDF)>>20, maxDocumentPDF>>20))
	}
}

// medication adds a medication record's Medication and MedicationRequest.
func (b *docBuilder) medication(m MedicationRecord) fhir.Resource {
	req := &fhir.MedicationRequest{
		ID:        b.ids.next(),
		Status:    m.Status,
		Intent:    requestIntent,
		Subject:   b.patientRef(),
		Encounter: b.encounter(m.Record),
	}
	if m.TxType == TxDelete {
		// Every guide marks a delete's content "NA"; FHIR requires the medication.
		req.Status = "entered-in-error"
		req.MedicationReference = &fhir.Reference{Extension: absent(dataAbsentNotApplicable)}
		return b.addAndReturn(req)
	}
	med := &fhir.Medication{ID: b.ids.next(), Code: &fhir.CodeableConcept{Text: m.DrugDesc}}
	if m.DrugCode != "" {
		med.Code.Coding = append(med.Code.Coding, fhir.Coding{System: sysDrugLocal, Code: m.DrugCode, Display: m.DrugDesc})
	}
	if m.RPPNo != "" {
		med.Code.Coding = append(med.Code.Coding, fhir.Coding{System: sysRPP, Code: m.RPPNo, Display: m.DrugDesc})
	}
	ref := b.add(med)
	req.MedicationReference = &ref
	req.AuthoredOn = b.dateTime(m.AuthoredOn)
	if m.Prescriber != "" {
		req.Requester = &fhir.Reference{Type: "Practitioner", Display: m.Prescriber}
	}
	if m.Directions != "" {
		req.DosageInstruction = []fhir.Dosage{{Text: m.Directions}}
	}
	if m.Quantity > 0 {
		req.DispenseRequest = &fhir.DispenseRequest{Quantity: &fhir.Quantity{Value: fhir.Decimal(strconv.FormatInt(m.Quantity, 10)), Unit: m.Unit}}
	}
	target := b.addAndReturn(req)
	if m.Dispensed > 0 {
		// What was handed over, beside what was prescribed.
		b.add(&fhir.MedicationDispense{
			ID: b.ids.next(), Status: "completed", MedicationReference: &fhir.Reference{Reference: ref.Reference},
			Subject: &fhir.Reference{Reference: b.patient.Reference}, Context: b.encounter(m.Record),
			AuthorizingPrescription: []fhir.Reference{{Reference: "MedicationRequest/" + req.ID}},
			Quantity:                &fhir.Quantity{Value: fhir.Decimal(strconv.FormatInt(m.Dispensed, 10)), Unit: m.Unit},
			WhenHandedOver:          b.dateTime(m.HandedOver),
		})
	}
	return target
}

// document adds a document record's DocumentReference with the PDF.
func (b *docBuilder) document(d DocumentRecord) fhir.Resource {
	ref := &fhir.DocumentReference{
		ID:      b.ids.next(),
		Status:  "current",
		Subject: &fhir.Reference{Reference: b.patient.Reference},
	}
	att := fhir.Attachment{ContentType: contentTypePDF, Title: d.Number}
	if d.TxType == TxDelete {
		ref.Status = "entered-in-error"
		if att.Title == "" {
			att.Title = "Not applicable"
		}
		ref.Content = []fhir.DocumentReferenceContent{{Attachment: att}}
		return b.addAndReturn(ref)
	}
	desc := documentKinds[d.Kind]
	ref.Type = &fhir.CodeableConcept{Coding: []fhir.Coding{{System: sysDocumentKindLocal, Code: d.Kind, Display: desc}}, Text: desc}
	if !d.Issued.IsZero() {
		ref.Date = d.Issued.In(hkt).Format(layoutInstant)
		att.Creation = b.dateTime(d.Issued)
	}
	switch d.Language {
	case "en":
		att.Language = "en"
	case "zh":
		att.Language = "zh-HK"
	}
	att.Data, att.Size = d.PDF, len(d.PDF)
	ref.Content = []fhir.DocumentReferenceContent{{Attachment: att}}
	return b.addAndReturn(ref)
}
