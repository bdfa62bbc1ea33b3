package ehrss

import (
	"strconv"
	"strings"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// complianceLevel of a LABGEN report (§3 "Upload Standards"): level 1 is
// the report alone (PDF / text), level 2 adds test results with local
// codes, level 3 has a recognised (LOINC / HKCTT) code on every test.
func (l LabResult) complianceLevel(spec *domainSpec) int {
	if len(l.Tests) == 0 {
		return 1
	}
	for _, t := range l.Tests {
		if !hasTerm(spec, t.Terminology, t.TermCode) {
			return 2
		}
	}
	return 3
}

// build maps a general laboratory report: DiagnosticReport with one
// Observation per test (§4.3.4, §4.3.9).
func (l LabResult) build(b *docBuilder) fhir.Resource {
	dr := b.labDiagnosticReport(l.LabCommon, panelCode(l.LabCommon))
	if l.TxType != TxDelete {
		for _, t := range l.Tests {
			dr.Result = append(dr.Result, b.add(b.labTest(t)))
		}
	}
	return b.addAndReturn(dr)
}

// labTest maps one test result (§4.3.9).
func (b *docBuilder) labTest(t LabTest) *fhir.Observation {
	value := strings.TrimSpace(t.Value)
	typ := t.Type
	if typ < ResultNumeric || typ > ResultText {
		typ = ResultText
	}
	o := &fhir.Observation{
		ID:      b.ids.next(),
		Status:  observationStatus,
		Subject: ptr(b.patientRef()),
	}
	if cc := concept("", b.recognised(t.Terminology, t.TermCode, t.TermDesc), local(sysLabTestLocal, t.LocalCode, t.LocalDesc)); cc != nil {
		o.Code = *cc
	} else {
		o.Code = fhir.CodeableConcept{Extension: absent(dataAbsentUnknown)}
	}
	limit := strings.TrimSpace(t.DetectionLimit)
	if _, ok := detectionLimits[limit]; !ok {
		limit = ""
	}
	exts := []fhir.Extension{{URL: b.gen.ext(extLabTestResultType), ValueDecimal: fhir.Decimal(strconv.Itoa(int(typ)))}}
	reportable := value
	numeric := typ == ResultNumeric && isDecimal(value)
	switch typ {
	case ResultNumeric:
		if numeric {
			exts = append(exts, fhir.Extension{URL: b.gen.ext(extLabTestNumericResult), ValueDecimal: fhir.Decimal(value)})
		}
		reportable = limit + value
	case ResultEnumerated:
		exts = append(exts, b.str(extLabTestEnumResult, value))
	case ResultText:
		exts = append(exts, b.str(extLabTestTextResult, value))
		// "the first 255 characters should be copied to [Laboratory test
		// reportable result]".
		reportable = firstRunes(value, 255)
	}
	exts = append(exts,
		b.str(extLabReportableResult, reportable),
		b.str(extLabTestResultNote, t.Note),
	)
	if limit != "" {
		exts = append(exts,
			b.str(extDetectionLimitCode, limit),
			b.str(extDetectionLimitDesc, detectionLimits[limit]),
			b.str(extDetectionLimitLocal, orDefault(t.DetectionLimitLocalDesc, limit)),
		)
	}
	o.Extension = dropEmpty(exts)
	// [Laboratory test usable result]: "a valid numeric figure that falls in
	// detection limit", so not a value beyond a detection limit.
	if numeric && limit == "" {
		o.ValueQuantity = &fhir.Quantity{Value: fhir.Decimal(value), Unit: strings.TrimSpace(t.Unit)}
	}
	ab := strings.TrimSpace(t.Abnormal)
	if cc := concept(orDefault(t.AbnormalLocalDesc, abnormalIndicators[ab]), tableCoding(sysAbnormal, ab, abnormalIndicators)); cc != nil && len(cc.Coding) > 0 {
		o.Interpretation = []fhir.CodeableConcept{*cc}
	}
	if rr := strings.TrimSpace(t.ReferenceRange); rr != "" {
		o.ReferenceRange = []fhir.ObservationReferenceRange{{Text: rr}}
	}
	return o
}

// isDecimal reports whether s is a FHIR decimal.
func isDecimal(s string) bool {
	if s == "" || len(s) > 16 { // string(16) in §4.3.9
		return false
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	digits, dot := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			digits++
		case c == '.' && !dot && digits > 0:
			dot = true
		default:
			return false
		}
	}
	if digits == 0 || s[len(s)-1] == '.' {
		return false
	}
	// No leading zeros ("007"): JSON forbids them.
	t := strings.TrimPrefix(s, "-")
	return !(len(t) > 1 && t[0] == '0' && t[1] != '.')
}

// firstRunes returns at most n characters of s.
func firstRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}
