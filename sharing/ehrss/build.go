package ehrss

import (
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// ErrNoGuide is returned for a provisional domain: eHealth has published no
// guide for it, so there is nothing we may upload yet.
var ErrNoGuide = errors.New("ehrss: no eHealth guide covers this domain yet")

// BuildBundles turns one domain's records into eHRSS upload documents.
//
// Every guide allows one Patient and one Composition (whose subject is that
// patient) per document bundle (§2/§4 "Artifacts Summary": eHRSS Patient
// 1..1; §5.1/§4.1 "Patient Resource (Single occurrence for each Bundle)").
// "DM / INC upload is packaged by individual data domain for multiple HCR"
// therefore means a package of bundles: BuildBundles returns one bundle per
// patient, in input order, and skips patients with no records in the
// domain. The lab guides carry one compliance level per Composition, so a
// patient's lab records are further split into one bundle per level.
//
// BuildBundles checks only what it must to produce valid FHIR; run Check
// (or use BuildChecked) to apply the guides' rules first. now is the
// message generation time; the output depends only on the arguments, so the
// same call gives the same bundles and the same ids.
func BuildBundles(inst Institution, domain Domain, mode UploadMode, items []PatientRecords, now time.Time) ([]*fhir.Bundle, error) {
	spec, err := specFor(domain, mode)
	if err != nil {
		return nil, err
	}
	var out []*fhir.Bundle
	for pi, pr := range items {
		recs := itemsOf(spec.Domain, pr)
		if len(recs) == 0 {
			continue
		}
		for _, group := range groupByLevel(spec, recs) {
			b := newDocBuilder(spec, inst, mode, pr.Patient, now, seed(inst, spec, mode, now, pi, group.level, pr.Patient))
			b.level = group.level
			for _, it := range group.items {
				b.addRecord(it)
			}
			out = append(out, b.finish())
		}
	}
	return out, nil
}

// BuildChecked runs Check, holds back every record with a problem (and all
// records of a patient whose identity has one, and everything when the
// institution has one), and builds bundles from the rest.
func BuildChecked(inst Institution, domain Domain, mode UploadMode, items []PatientRecords, now time.Time) ([]*fhir.Bundle, []Problem, error) {
	if _, err := specFor(domain, mode); err != nil {
		return nil, nil, err
	}
	findings := check(inst, domain, mode, items, now)
	problems := make([]Problem, len(findings))
	heldPatient := map[int]bool{}
	heldRecord := map[[2]int]bool{}
	for i, f := range findings {
		problems[i] = f.Problem
	}
	for _, f := range findings {
		switch {
		case f.patient < 0:
			return nil, problems, nil // the institution itself: nothing can go
		case f.record < 0:
			heldPatient[f.patient] = true
		default:
			heldRecord[[2]int{f.patient, f.record}] = true
		}
	}
	kept := make([]PatientRecords, 0, len(items))
	for pi, pr := range items {
		if heldPatient[pi] {
			continue
		}
		kept = append(kept, filterRecords(domain, pr, func(ri int) bool { return !heldRecord[[2]int{pi, ri}] }))
	}
	bundles, err := BuildBundles(inst, domain, mode, kept, now)
	return bundles, problems, err
}

// specFor returns the domain's row, refusing unknown and provisional
// domains and upload modes the domain's guide does not permit.
func specFor(domain Domain, mode UploadMode) (*domainSpec, error) {
	spec, ok := domains[domain]
	if !ok {
		return nil, fmt.Errorf("ehrss: unknown domain %q", domain)
	}
	if spec.Provisional {
		return nil, fmt.Errorf("%w: %s", ErrNoGuide, domain)
	}
	for _, m := range spec.Modes {
		if m == mode {
			return spec, nil
		}
	}
	return nil, fmt.Errorf("ehrss: upload mode %q is not permitted for %s (permitted: %s)", mode, domain, joinModes(spec.Modes))
}

func joinModes(ms []UploadMode) string {
	s := make([]string, len(ms))
	for i, m := range ms {
		s[i] = string(m)
	}
	return strings.Join(s, ", ")
}

// item is a record of any domain.
type item interface {
	base() Record
	// complianceLevel is the highest level the record's content meets.
	complianceLevel(spec *domainSpec) int
	// build adds the record's resources and returns the one its section
	// entry references.
	build(b *docBuilder) fhir.Resource
}

func (a Allergy) base() Record      { return a.Record }
func (d Diagnosis) base() Record    { return d.Record }
func (p Procedure) base() Record    { return p.Record }
func (m Immunisation) base() Record { return m.Record }
func (l LabResult) base() Record    { return l.Record }
func (l LabReport) base() Record    { return l.Record }

// itemsOf returns the patient's records that belong to the domain.
func itemsOf(d Domain, pr PatientRecords) []item {
	var out []item
	switch d {
	case DomainAllergy, DomainADR:
		for _, r := range pr.Allergies {
			out = append(out, r)
		}
	case DomainProblem:
		for _, r := range pr.Diagnoses {
			out = append(out, r)
		}
	case DomainProcedure:
		for _, r := range pr.Procedures {
			out = append(out, r)
		}
	case DomainImmunisation:
		for _, r := range pr.Immunisations {
			out = append(out, r)
		}
	case DomainLabGeneral:
		for _, r := range pr.LabResults {
			out = append(out, r)
		}
	case DomainLabAP:
		for _, r := range pr.LabReports {
			out = append(out, r)
		}
	}
	return out
}

// filterRecords keeps the domain's records whose index keep accepts.
func filterRecords(d Domain, pr PatientRecords, keep func(int) bool) PatientRecords {
	out := PatientRecords{Patient: pr.Patient}
	switch d {
	case DomainAllergy, DomainADR:
		out.Allergies = filter(pr.Allergies, keep)
	case DomainProblem:
		out.Diagnoses = filter(pr.Diagnoses, keep)
	case DomainProcedure:
		out.Procedures = filter(pr.Procedures, keep)
	case DomainImmunisation:
		out.Immunisations = filter(pr.Immunisations, keep)
	case DomainLabGeneral:
		out.LabResults = filter(pr.LabResults, keep)
	case DomainLabAP:
		out.LabReports = filter(pr.LabReports, keep)
	}
	return out
}

func filter[T any](in []T, keep func(int) bool) []T {
	var out []T
	for i, v := range in {
		if keep(i) {
			out = append(out, v)
		}
	}
	return out
}

type levelGroup struct {
	level int
	items []item
}

// groupByLevel puts all records in one group, except in the lab domains,
// whose Composition states a single compliance level (lab guides §4.3.1):
// there each level gets its own bundle, lowest first.
func groupByLevel(spec *domainSpec, recs []item) []levelGroup {
	if !spec.Gen.UploadMetaOnComposition {
		return []levelGroup{{level: 0, items: recs}}
	}
	byLevel := map[int][]item{}
	for _, r := range recs {
		l := r.complianceLevel(spec)
		byLevel[l] = append(byLevel[l], r)
	}
	levels := make([]int, 0, len(byLevel))
	for l := range byLevel {
		levels = append(levels, l)
	}
	sort.Ints(levels)
	out := make([]levelGroup, len(levels))
	for i, l := range levels {
		out[i] = levelGroup{level: l, items: byLevel[l]}
	}
	return out
}

// seed makes the bundle's ids depend on everything that tells two bundles
// of one run apart, so ids are unique without randomness.
func seed(inst Institution, spec *domainSpec, mode UploadMode, now time.Time, patient, level int, p Patient) [20]byte {
	var buf [16]byte
	binary.BigEndian.PutUint64(buf[:8], uint64(now.UnixNano()))
	binary.BigEndian.PutUint32(buf[8:12], uint32(patient))
	binary.BigEndian.PutUint32(buf[12:], uint32(level))
	return sha1.Sum([]byte(strings.Join([]string{
		inst.ID, string(spec.Domain), string(mode), string(buf[:]), p.RecordKey, p.EHRNo,
	}, "\x00")))
}

// ids hands out UUIDs derived from a seed and a counter (RFC 4122 layout,
// version 5 style: SHA-1 based).
type ids struct {
	seed [20]byte
	n    uint64
}

func (g *ids) next() string {
	g.n++
	var in [28]byte
	copy(in[:20], g.seed[:])
	binary.BigEndian.PutUint64(in[20:], g.n)
	h := sha1.Sum(in[:])
	h[6] = h[6]&0x0f | 0x50
	h[8] = h[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", h[0:4], h[4:6], h[6:8], h[8:10], h[10:16])
}
