package ehrss

import (
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// This file adds what the sharing adapter needs beyond the guides: the
// modes a domain takes, and the personal identification domain (PID),
// which no guide covers. PID follows the guides' pattern (a document
// bundle whose Composition section lists the record with its key,
// transaction type and upload metadata) and references the Patient itself;
// its codes are the provisional ones of the domain table in codes.go.

// Modes returns the upload modes a domain takes: BL-M and BL for the bulk
// domains and the provisional ones, NBL alone for the laboratory domains.
// It returns nil for an unknown domain.
func Modes(d Domain) []UploadMode {
	spec, ok := domains[d]
	if !ok {
		return nil
	}
	if spec.Provisional {
		return bulkModes
	}
	return spec.Modes
}

// Provisional reports whether no eHealth guide covers the domain yet.
func Provisional(d Domain) bool {
	spec, ok := domains[d]
	return ok && spec.Provisional
}

// Title is the domain's section title, e.g. "Allergy Records".
func Title(d Domain) string {
	if spec, ok := domains[d]; ok {
		return spec.Title
	}
	return string(d)
}

// personalLevel is the compliance level stated for a PID record.
// Provisional: the patient's identity is structured and coded data, which
// the guides call level 3.
const personalLevel = 3

// PersonalRecord is one patient's personal identification record (PID,
// provisional): the Patient as eHealth identifies them, and the record's
// key, transaction type and times.
type PersonalRecord struct {
	Record
	Patient Patient
}

// BuildPersonalChecked checks personal identification records by the
// rules every guide applies to the Patient and to a record's section entry,
// holds back the ones with a problem (all of them when the institution has
// one), and builds one document bundle per record from the rest.
func BuildPersonalChecked(inst Institution, mode UploadMode, items []PersonalRecord, now time.Time) ([]*fhir.Bundle, []Problem, error) {
	spec := domains[DomainPersonal]
	if mode != ModeMaterialisation && mode != ModeIncremental {
		return nil, nil, fmt.Errorf("ehrss: upload mode %q is not permitted for %s (permitted: BL-M, BL)", mode, spec.Domain)
	}
	c := &checker{patient: -1, record: -1}
	checkInstitution(c, inst)
	if len(c.out) > 0 {
		return nil, problemsOf(c.out), nil
	}
	keys := map[string]bool{}
	held := map[int]bool{}
	for i, it := range items {
		c.patient, c.record, c.pkey, c.rkey, c.prefix = i, -1, it.Patient.RecordKey, "", ""
		before := len(c.out)
		checkPatient(c, spec, it.Patient, now)
		c.record, c.rkey = 0, it.RecordKey
		checkRecord(c, spec, mode, it.Record, keys)
		if len(c.out) > before {
			held[i] = true
		}
	}
	var out []*fhir.Bundle
	for i, it := range items {
		if held[i] {
			continue
		}
		b := newDocBuilder(spec, inst, mode, it.Patient, now, seed(inst, spec, mode, now, i, personalLevel, it.Patient))
		b.level = personalLevel
		b.section.Entry = append(b.section.Entry, fhir.Reference{
			Extension:  b.entryExtensions(it.Record, personalLevel),
			Reference:  b.patient.Reference,
			Identifier: b.recordKey(it.RecordKey),
		})
		out = append(out, b.finish())
	}
	return out, problemsOf(c.out), nil
}

func problemsOf(fs []finding) []Problem {
	out := make([]Problem, len(fs))
	for i, f := range fs {
		out[i] = f.Problem
	}
	return out
}

// BundleRecords lists the record keys and transaction types a bundle's
// Composition section carries, in order: what the bundle asks eHealth to do.
func BundleRecords(b *fhir.Bundle) (keys []string, txs []TxType) {
	if b == nil || len(b.Entry) == 0 {
		return nil, nil
	}
	comp, ok := b.Entry[0].Resource.(*fhir.Composition)
	if !ok {
		return nil, nil
	}
	for _, s := range comp.Section {
		for _, e := range s.Entry {
			if e.Identifier == nil {
				continue
			}
			keys = append(keys, e.Identifier.Value)
			var tx TxType
			for _, x := range e.Extension {
				if len(x.URL) >= len(extTransactionType) && x.URL[len(x.URL)-len(extTransactionType):] == extTransactionType {
					tx = TxType(x.ValueString)
				}
			}
			txs = append(txs, tx)
		}
	}
	return keys, txs
}

// Encounter statuses an encounter record may carry (FHIR R4 Encounter.status).
var encounterStatuses = map[string]bool{"planned": true, "arrived": true, "in-progress": true, "finished": true, "cancelled": true}

// EncounterRecord is an encounter or appointment (ENC, provisional): a booking of the clinic's
// diary or a visit, with its time and how it stands. A visit also carries its episode number in
// Record.EncounterKey (the identifier the visit's diagnoses, procedures and results give their
// Encounter), its type and its doctor.
type EncounterRecord struct {
	Record
	Status     string    // FHIR Encounter.status: planned (booked), arrived, finished, cancelled (also a no-show)
	Start, End time.Time // the booked or actual time

	TypeCode, TypeDesc string // the clinic's visit type (consultation, follow_up, ...); empty for a booking
	DoctorName         string
	DoctorRegNo        string // Medical Council of Hong Kong registration number
}

// PatientEncounters is one patient with their encounter records.
type PatientEncounters struct {
	Patient    Patient
	Encounters []EncounterRecord
}

// BuildEncounterChecked checks encounter records by the rules every guide applies to the
// Patient and to a record's section entry, plus a known status and a start time, holds back
// the ones with a problem (a patient's all, when their identity has one; everything, when the
// institution has one), and builds one document bundle per patient from the rest. Each record
// is an Encounter whose identifier is the record key; a delete is an Encounter
// "entered-in-error" with no time.
func BuildEncounterChecked(inst Institution, mode UploadMode, items []PatientEncounters, now time.Time) ([]*fhir.Bundle, []Problem, error) {
	groups := make([]patientGroup[EncounterRecord], len(items))
	for i, pe := range items {
		groups[i] = patientGroup[EncounterRecord]{Patient: pe.Patient, Records: pe.Encounters}
	}
	return buildPerPatient(DomainEncounter, inst, mode, groups, now,
		func(e EncounterRecord) Record { return e.Record },
		checkEncounter,
		func(b *docBuilder, e EncounterRecord) fhir.Resource {
			enc := &fhir.Encounter{
				ID:         b.ids.next(),
				Identifier: []fhir.Identifier{*b.recordKey(e.RecordKey)},
				Status:     e.Status,
				Class:      &fhir.Coding{System: b.gen.EncounterClass, Code: encounterClass, Display: encounterClassDsp},
				Subject:    &fhir.Reference{Reference: b.patient.Reference},
			}
			if e.EncounterKey != "" {
				// The episode number, as the other domains' records name their Encounter.
				enc.Identifier = append(enc.Identifier, fhir.Identifier{System: b.gen.EpisodeNum, Value: e.EncounterKey})
			}
			if e.TxType == TxDelete {
				enc.Status = "entered-in-error"
			} else {
				enc.Extension = []fhir.Extension{{URL: b.gen.ext(extAttendanceInstID), ValueString: inst.ID}}
				if !e.Start.IsZero() {
					enc.Period = &fhir.Period{Start: b.dateTime(e.Start), End: b.dateTime(e.End)}
				}
				if e.TypeCode != "" {
					enc.Type = []fhir.CodeableConcept{{Coding: []fhir.Coding{{System: sysEncounterTypeLocal, Code: e.TypeCode, Display: e.TypeDesc}}, Text: e.TypeDesc}}
				}
				if e.DoctorName != "" || e.DoctorRegNo != "" {
					doc := &fhir.Practitioner{ID: b.ids.next()}
					if e.DoctorRegNo != "" {
						doc.Identifier = []fhir.Identifier{{System: sysDoctorRegNo, Value: e.DoctorRegNo}}
					}
					if e.DoctorName != "" {
						doc.Name = []fhir.HumanName{{Text: e.DoctorName}}
					}
					ref := b.add(doc)
					enc.Participant = []fhir.EncounterParticipant{{Individual: &ref}}
				}
			}
			return b.addAndReturn(enc)
		})
}

// checkEncounter is what an encounter needs beyond every record's rules: a known status and a
// start time.
func checkEncounter(c *checker, e EncounterRecord) {
	if !encounterStatuses[e.Status] {
		c.fail("Status", fmt.Sprintf("The encounter status %q is not one OnRamp can send.", e.Status),
			fmt.Sprintf("診症狀態「%s」無法上載。", e.Status))
	}
	if e.Start.IsZero() {
		c.fail("Start", "The encounter has no start time.", "診症沒有開始時間。")
	}
	checkTime(c, "Start", e.Start)
	checkTime(c, "End", e.End)
}
