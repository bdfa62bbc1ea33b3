package ehrss

import (
	"testing"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

func TestLabResultMapping(t *testing.T) {
	g := &guideOct2024
	b := buildOne(t, DomainLabGeneral, ModeNonBulk, PatientRecords{Patient: testPatient(), LabResults: []LabResult{testLabResult()}})
	dr := one[*fhir.DiagnosticReport](t, b)

	eq(t, "status", dr.Status, "final")
	eq(t, "status desc", ext(t, dr.Extension, g.ext(extLabReportStatusDesc)).ValueString, "Final report")
	eq(t, "status local", ext(t, dr.Extension, g.ext(extLabReportStatusLocal)).ValueString, "Final report")
	eq(t, "comment", ext(t, dr.Extension, g.ext(extLabReportComment)).ValueString, "Fasting sample")
	eq(t, "request number", dr.Identifier[0], fhir.Identifier{System: "https://ehealth.gov.hk/FHIR/HCP/local/RequestNum", Value: "11-CC123456"})
	eq(t, "category", codingOf(t, &dr.Category[0], "https://ehealth.gov.hk/FHIR/LabCatCode"), fhir.Coding{System: sysLabCategory, Code: "CHEM", Display: "Chemical Pathology"})
	eq(t, "category local", dr.Category[0].Text, "Chemical Pathology Laboratory")
	eq(t, "panel", dr.Code.Coding[0], fhir.Coding{System: "https://ehealth.gov.hk/FHIR/PanelCode", Code: "RFT", Display: "Renal Function Test"})
	eq(t, "effective", dr.EffectiveDateTime, "2024-02-20T10:30:00.000+08:00")
	eq(t, "issued", dr.Issued, "2024-02-20T12:30:00.000+08:00")

	pdf := dr.PresentedForm[0]
	eq(t, "pdf type", pdf.ContentType, "application/pdf")
	eq(t, "pdf data", string(pdf.Data), string(testPDF))
	// §5: <HCP ID>.<Sending Location>.<Record Type>.<Record Key>.<Original File Name>.pdf.<eHR Number>.<Generation Date>
	eq(t, "pdf url", pdf.URL, "file://9938744799.9938744799.LABGEN.LAB-1.REPORT-123.pdf.944272043043.20240301150448")
	eq(t, "pdf creation", pdf.Creation, "2024-02-20T13:30:00.000+08:00")

	sr := resolve(t, b, &dr.BasedOn[0]).(*fhir.ServiceRequest)
	eq(t, "order", sr.Identifier[0], fhir.Identifier{System: "https://ehealth.gov.hk/FHIR/OrderNum", Value: "OR1101606192"})
	eq(t, "intent", sr.Intent, "order")
	eq(t, "clinical info", sr.SupportingInfo[0].Display, "Fasting blood sample")
	reqRole := resolve(t, b, sr.Requester).(*fhir.PractitionerRole)
	eq(t, "requesting doctor", resolve(t, b, reqRole.Practitioner).(*fhir.Practitioner).Name[0].Text, "Dr. TM Chan")
	reqOrg := resolve(t, b, reqRole.Organization).(*fhir.Organization)
	eq(t, "requesting institution", reqOrg.Identifier[0], fhir.Identifier{System: "https://ehealth.gov.hk/FHIR/pvdr", Value: "9938744799"})
	eq(t, "requesting institution local name", reqOrg.Alias[0], "家庭診所")
	perfRole := resolve(t, b, &dr.Performer[0]).(*fhir.PractitionerRole)
	eq(t, "laboratory", resolve(t, b, perfRole.Organization).(*fhir.Organization).Alias[0], "Kowloon Bay Clinical Laboratory")
	authRole := resolve(t, b, &dr.ResultsInterpreter[0]).(*fhir.PractitionerRole)
	auth := resolve(t, b, authRole.Practitioner).(*fhir.Practitioner)
	eq(t, "authoriser", auth.Name[0].Text, "Dr. KK Lee")
	eq(t, "authoriser zh", ext(t, auth.Extension, g.ext(extLabReportAuthNameZH)).ValueString, "李醫生")
	sp := resolve(t, b, &dr.Specimen[0]).(*fhir.Specimen)
	eq(t, "specimen local", codingOf(t, sp.Type, "https://ehealth.gov.hk/FHIR/HCP/local/SpecimenType").Code, "S423")
	eq(t, "specimen SNOMED", codingOf(t, sp.Type, sysSNOMED).Code, "258497007")
	eq(t, "specimen detail", ext(t, sp.Extension, g.ext(extSpecimenDetail)).ValueString, "Left lower quadrant")
	eq(t, "collected", sp.Collection.CollectedDateTime, "2024-02-20T10:30:00.000+08:00")

	if len(dr.Result) != 2 {
		t.Fatalf("%d results, want 2", len(dr.Result))
	}
	k := resolve(t, b, &dr.Result[0]).(*fhir.Observation)
	eq(t, "LOINC", codingOf(t, &k.Code, "http://loinc.org").Code, "2823-3")
	eq(t, "local test", codingOf(t, &k.Code, "https://ehealth.gov.hk/FHIR/HCP/local/LabTest").Display, "Potassium")
	eq(t, "result type", ext(t, k.Extension, g.ext(extLabTestResultType)).ValueDecimal, fhir.Decimal("1"))
	eq(t, "numeric", ext(t, k.Extension, g.ext(extLabTestNumericResult)).ValueDecimal, fhir.Decimal("5.8"))
	eq(t, "reportable", ext(t, k.Extension, g.ext(extLabReportableResult)).ValueString, "5.8")
	eq(t, "usable value", *k.ValueQuantity, fhir.Quantity{Value: "5.8", Unit: "mmol/L"})
	eq(t, "abnormal", codingOf(t, &k.Interpretation[0], "https://ehealth.gov.hk/FHIR/AbnormalResultIndCode"), fhir.Coding{System: sysAbnormal, Code: "H", Display: "High"})
	eq(t, "abnormal local", k.Interpretation[0].Text, "HH")
	eq(t, "range", k.ReferenceRange[0].Text, "3.5-5.1")

	crp := resolve(t, b, &dr.Result[1]).(*fhir.Observation)
	eq(t, "reportable with limit", ext(t, crp.Extension, g.ext(extLabReportableResult)).ValueString, "<5")
	eq(t, "limit code", ext(t, crp.Extension, g.ext(extDetectionLimitCode)).ValueString, "<")
	eq(t, "limit desc", ext(t, crp.Extension, g.ext(extDetectionLimitDesc)).ValueString, "Less than")
	eq(t, "note", ext(t, crp.Extension, g.ext(extLabTestResultNote)).ValueString, "Below detection limit")
	if crp.ValueQuantity != nil {
		t.Error("a result beyond the detection limit was sent as a usable value")
	}
}

func TestLabTestResultTypes(t *testing.T) {
	g := &guideOct2024
	long := make([]rune, 300)
	for i := range long {
		long[i] = '字'
	}
	tests := []struct {
		test       LabTest
		typeValue  string
		valueExt   string
		reportable string
	}{
		{LabTest{LocalDesc: "HBsAg", Type: ResultEnumerated, Value: "Not detected"}, "2", extLabTestEnumResult, "Not detected"},
		{LabTest{LocalDesc: "Comment", Type: ResultText, Value: string(long)}, "3", extLabTestTextResult, string(long[:255])},
		{LabTest{LocalDesc: "Bad number", Type: ResultNumeric, Value: "about 5"}, "1", "", "about 5"},
	}
	for _, tt := range tests {
		lr := testLabResult()
		lr.Tests = []LabTest{tt.test}
		b := buildOne(t, DomainLabGeneral, ModeNonBulk, PatientRecords{Patient: testPatient(), LabResults: []LabResult{lr}})
		o := one[*fhir.Observation](t, b)
		eq(t, tt.test.LocalDesc+" type", string(ext(t, o.Extension, g.ext(extLabTestResultType)).ValueDecimal), tt.typeValue)
		if tt.valueExt != "" {
			eq(t, tt.test.LocalDesc+" value", ext(t, o.Extension, g.ext(tt.valueExt)).ValueString, tt.test.Value)
		}
		eq(t, tt.test.LocalDesc+" reportable", ext(t, o.Extension, g.ext(extLabReportableResult)).ValueString, tt.reportable)
		if o.ValueQuantity != nil || hasExt(o.Extension, g.ext(extLabTestNumericResult)) {
			t.Errorf("%s: a non-number was sent as a number", tt.test.LocalDesc)
		}
		eq(t, tt.test.LocalDesc+" level (local codes only)", ext(t, composition(t, b).Extension, g.ext(extComplianceLevel)).ValueString, "2")
	}
}

func TestLabReportMapping(t *testing.T) {
	b := buildOne(t, DomainLabAP, ModeNonBulk, PatientRecords{Patient: testPatient(), LabReports: []LabReport{testLabReport()}})
	dr := one[*fhir.DiagnosticReport](t, b)
	eq(t, "test name", dr.Code.Text, "Surgical Biopsy")
	eq(t, "domain version", ext(t, composition(t, b).Extension, guideOct2024.ext(extDomainVersion)).ValueString, "eHRSS-2.0.3")
	eq(t, "level", ext(t, composition(t, b).Extension, guideOct2024.ext(extComplianceLevel)).ValueString, "3")

	byCat := map[string]*fhir.Observation{}
	for _, r := range dr.Result {
		o := resolve(t, b, &r).(*fhir.Observation)
		byCat[codingOf(t, &o.Category[0], "https://ehealth.gov.hk/FHIR/APcategory").Code] = o
	}
	title := fhir.CodeableConcept{Coding: []fhir.Coding{{System: "https://ehealth.gov.hk/FHIR/HCP/local/APDiagTitle"}}, Text: "Frozen Section Diagnosis"}
	for _, cat := range []string{"Diagnosis", "Topography", "DiagFinding"} {
		o := byCat[cat]
		if o == nil {
			t.Fatalf("no %s observation", cat)
		}
		eq(t, cat+" title system", o.Code.Coding[0], title.Coding[0])
		eq(t, cat+" title", o.Code.Text, title.Text)
	}
	eq(t, "diagnosis text", byCat["Diagnosis"].ValueString, "Adenocarcinoma of right lung")
	topo := byCat["Topography"].ValueCodeableConcept
	eq(t, "topography HKCTT", codingOf(t, topo, "https://ehealth.gov.hk/FHIR/HKCTT"), fhir.Coding{System: sysHKCTTLab, Code: "8003046", Display: "Right lung structure"})
	eq(t, "topography local", codingOf(t, topo, "https://ehealth.gov.hk/FHIR/HCP/local/DiagTopography").Code, "T-28100")
	finding := byCat["DiagFinding"].ValueCodeableConcept
	eq(t, "finding HKCTT", codingOf(t, finding, sysHKCTTLab).Code, "8002624")
	eq(t, "finding local", codingOf(t, finding, "https://ehealth.gov.hk/FHIR/HCP/local/DiagFing").Display, "Adenocarcinoma in-situ")
	detail := byCat["APReportDetail"]
	eq(t, "detail code", codingOf(t, &detail.Code, "https://ehealth.gov.hk/FHIR/APReportDetail"), fhir.Coding{System: sysAPReportDetail, Code: "OTH", Display: "Other"})
	eq(t, "detail local title", detail.Code.Text, "Molecular Pathology")
	eq(t, "detail content", detail.ValueString, "EGFR mutation not detected.")
}

func TestLabReportLevels(t *testing.T) {
	spec := domains[DomainLabAP]
	l3 := testLabReport()
	l2 := testLabReport()
	l2.Diagnoses[0].Findings[0].TermCode = ""
	l1 := testLabReport()
	l1.Diagnoses, l1.Details = nil, nil
	eq(t, "level 3", l3.complianceLevel(spec), 3)
	eq(t, "level 2", l2.complianceLevel(spec), 2)
	eq(t, "level 1", l1.complianceLevel(spec), 1)
	b := buildOne(t, DomainLabAP, ModeNonBulk, PatientRecords{Patient: testPatient(), LabReports: []LabReport{l1}})
	dr := one[*fhir.DiagnosticReport](t, b)
	if len(dr.PresentedForm) != 1 || dr.Result != nil {
		t.Errorf("level 1 report: presentedForm %d, results %d", len(dr.PresentedForm), len(dr.Result))
	}
}
