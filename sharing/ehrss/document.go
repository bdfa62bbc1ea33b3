package ehrss

import (
	"strconv"
	"time"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// docBuilder assembles one document bundle: Composition first, then the
// Patient, then each record's Encounter and resources (every guide §4.1 /
// §5.2: "A document must have a Composition as the first resource").
type docBuilder struct {
	spec  *domainSpec
	gen   *generation
	inst  Institution
	mode  UploadMode
	now   time.Time
	ids   ids
	level int // the lab bundle's compliance level; 0 elsewhere

	bundle     *fhir.Bundle
	comp       *fhir.Composition
	section    *fhir.CompositionSection
	patient    fhir.Reference
	encounters map[string]fhir.Reference
	shared     map[string]fhir.Reference // resources reused within the bundle, by role
}

func newDocBuilder(spec *domainSpec, inst Institution, mode UploadMode, p Patient, now time.Time, seed [20]byte) *docBuilder {
	b := &docBuilder{
		spec: spec, gen: spec.Gen, inst: inst, mode: mode, now: now.In(hkt),
		ids:        ids{seed: seed},
		encounters: map[string]fhir.Reference{},
		shared:     map[string]fhir.Reference{},
	}
	bundleID := b.ids.next()
	b.bundle = &fhir.Bundle{
		ID:         bundleID,
		Identifier: &fhir.Identifier{System: b.gen.BundleIDSystem, Value: "urn:uuid:" + b.ids.next()},
		Type:       "document",
		Timestamp:  b.now.Format(layoutInstant),
	}
	b.comp = &fhir.Composition{
		ID:     b.ids.next(),
		Status: compositionStatus,
		Type: fhir.CodeableConcept{
			Coding: []fhir.Coding{{System: b.gen.CompositionType, Display: documentTitle}},
			Text:   documentTitle,
		},
		Date:  b.dateTime(b.now),
		Title: documentTitle,
		Section: []fhir.CompositionSection{{
			Title: spec.Title,
			Code: &fhir.CodeableConcept{Coding: []fhir.Coding{{
				System: b.gen.DataDomain, Code: string(spec.Domain), Display: spec.Title,
			}}},
		}},
	}
	b.section = &b.comp.Section[0]
	b.add(b.comp)

	pat := patientResource(b.gen, p, b.ids.next())
	b.patient = b.add(&pat)
	b.comp.Subject = &fhir.Reference{Reference: b.patient.Reference}

	if b.gen.AuthorIsResource {
		// Lab guides §4.3.3: an Organization naming the uploading HCP.
		org := b.add(&fhir.Organization{ID: b.ids.next(), Name: inst.NameEN})
		b.comp.Author = []fhir.Reference{org}
	} else {
		// Feb/May 2024 §4.2/§5.3: fixed "Organization/author" with the
		// institution's name as display.
		b.comp.Author = []fhir.Reference{{Reference: authorReference, Display: inst.NameEN}}
	}
	return b
}

// add appends a resource to the bundle and returns a reference to it in
// the guides' "Type/id" form. fullUrl is "urn:uuid:<id>" (Feb 2024 guides
// §4.1); the lab samples' relative fullUrls ("Composition/...") are not
// absolute URLs and we do not copy them.
func (b *docBuilder) add(r fhir.Resource) fhir.Reference {
	b.bundle.Entry = append(b.bundle.Entry, fhir.BundleEntry{FullURL: "urn:uuid:" + r.ResourceID(), Resource: r})
	return fhir.Reference{Reference: r.ResourceType() + "/" + r.ResourceID()}
}

// addRecord adds one record and its Composition section entry.
func (b *docBuilder) addRecord(it item) {
	target := it.build(b)
	rec := it.base()
	level := b.level
	if level == 0 {
		level = it.complianceLevel(b.spec)
	}
	b.section.Entry = append(b.section.Entry, fhir.Reference{
		Extension:  b.entryExtensions(rec, level),
		Reference:  target.ResourceType() + "/" + target.ResourceID(),
		Identifier: b.recordKey(rec.RecordKey),
	})
}

// entryExtensions are the section entry's extensions (Feb 2024 §4.2, May
// 2024 §5.3, Oct 2024 §4.3.1). A delete carries only the mandatory ones:
// the lab guides mark the record create / update ones "NA" for a delete.
func (b *docBuilder) entryExtensions(rec Record, level int) []fhir.Extension {
	g := b.gen
	str := func(name, v string) fhir.Extension { return fhir.Extension{URL: g.ext(name), ValueString: v} }
	dt := func(name string, t time.Time) fhir.Extension {
		return fhir.Extension{URL: g.ext(name), ValueDateTime: b.dateTime(t)}
	}
	exts := []fhir.Extension{
		str(extTransactionType, string(rec.TxType)),
		dt(extLastUpdateDateTime, rec.RecordTime),
		dt(extTransactionDateTime, rec.RecordTime),
	}
	if !g.UploadMetaOnComposition {
		exts = append(exts, str(extComplianceLevel, strconv.Itoa(level)), str(extUploadMode, string(b.mode)))
	}
	if rec.TxType == TxDelete {
		return exts
	}
	if !rec.CreatedTime.IsZero() {
		exts = append(exts, dt(extRecordCreateDatetime, rec.CreatedTime))
	}
	exts = append(exts,
		str(extRecordCreateInstID, b.inst.ID),
		str(extRecordCreateInstName, b.inst.NameEN),
		dt(extRecordLastUpdateDatetime, rec.RecordTime),
		str(extRecordUpdateInstID, b.inst.ID),
		str(extRecordUpdateInstName, b.inst.NameEN),
	)
	return dropEmpty(exts)
}

// finish adds the lab guides' Composition-level extensions and returns the
// bundle.
func (b *docBuilder) finish() *fhir.Bundle {
	if b.gen.UploadMetaOnComposition {
		g := b.gen
		b.comp.Extension = []fhir.Extension{
			// "Use [HCP ID] if sending location cannot be provided."
			{URL: g.ext(extSendingLocation), ValueString: b.inst.ID},
			{URL: g.ext(extComplianceLevel), ValueString: strconv.Itoa(b.level)},
			{URL: g.ext(extDomainVersion), ValueString: b.spec.DomainVersion},
			{URL: g.ext(extUploadMode), ValueString: string(b.mode)},
		}
		b.comp.Extension = dropEmpty(b.comp.Extension)
	}
	return b.bundle
}

// recordKey is the record key identifier used on the section entry and on
// the record's resource.
func (b *docBuilder) recordKey(key string) *fhir.Identifier {
	return &fhir.Identifier{System: b.gen.RecordKey, Value: key}
}

// encounter returns a reference to the record's Encounter, adding it the
// first time its episode number appears in the bundle. Deletes have none:
// every guide marks Encounter "NA" in the delete scenario.
func (b *docBuilder) encounter(rec Record) *fhir.Reference {
	if rec.EncounterKey == "" || rec.TxType == TxDelete {
		return nil
	}
	if ref, ok := b.encounters[rec.EncounterKey]; ok {
		return &ref
	}
	enc := &fhir.Encounter{
		ID:         b.ids.next(),
		Extension:  []fhir.Extension{{URL: b.gen.ext(extAttendanceInstID), ValueString: b.inst.ID}},
		Identifier: []fhir.Identifier{{System: b.gen.EpisodeNum, Value: rec.EncounterKey}},
		Status:     encounterStatus,
		Class:      &fhir.Coding{System: b.gen.EncounterClass, Code: encounterClass, Display: encounterClassDsp},
		Subject:    &fhir.Reference{Reference: b.patient.Reference},
	}
	if !rec.EncounterDate.IsZero() {
		// Not in the guides ("eHRSS will not interpret"); kept so that the
		// Encounter says when the visit was.
		enc.Period = &fhir.Period{Start: b.dateTime(rec.EncounterDate)}
	}
	enc.Extension = dropEmpty(enc.Extension)
	ref := b.add(enc)
	b.encounters[rec.EncounterKey] = ref
	return &ref
}

// dateTime formats t in Hong Kong time in the guide's layout, or "" for
// the zero time.
func (b *docBuilder) dateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(hkt).Format(b.gen.DateTimeLayout)
}

// patientRef returns a fresh reference to the bundle's Patient.
func (b *docBuilder) patientRef() fhir.Reference {
	return fhir.Reference{Reference: b.patient.Reference}
}

// dropEmpty removes extensions without a value, so optional fields that are
// blank leave no empty extension behind (FHIR ext-1).
func dropEmpty(exts []fhir.Extension) []fhir.Extension {
	out := exts[:0]
	for _, e := range exts {
		if e.Validate() == nil {
			out = append(out, e)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// absent is a data-absent-reason extension ("not-applicable", "unknown"). eHRSS deletes mark elements
// "NA" that base FHIR requires (Immunization.vaccineCode, .occurrence[x],
// DiagnosticReport.code); this is FHIR's way to say "deliberately empty".
func absent(reason string) []fhir.Extension {
	return []fhir.Extension{{URL: urlDataAbsent, ValueCode: reason}}
}
