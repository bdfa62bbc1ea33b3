package ehrss

import (
	"testing"
	"time"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

func TestDiagnosisMapping(t *testing.T) {
	tests := []struct {
		name  string
		rec   func() Diagnosis
		level string
		check func(t *testing.T, c *fhir.Condition)
	}{
		{"level 3 with ICD-10", testDiagnosis, "3", func(t *testing.T, c *fhir.Condition) {
			eq(t, "identifier", c.Identifier[0], fhir.Identifier{System: "https://ehealth.gov.hk/FHIR/HCP/local/Recordkey", Value: "PROB-1"})
			eq(t, "ICD-10", codingOf(t, c.Code, sysICD10v2010), fhir.Coding{System: sysICD10v2010, Code: "G45.9", Display: "Transient cerebral ischaemic attack, unspecified"})
			eq(t, "local", codingOf(t, c.Code, "https://ehealth.gov.hk/FHIR/HCP/local/diagnosis").Display, "Transient ischaemic attack - TIA")
			eq(t, "status", codingOf(t, c.ClinicalStatus, "https://ehealth.gov.hk/FHIR/DiagStatuscd"), fhir.Coding{System: sysDiagnosisStatus, Code: "A", Display: "Active"})
			eq(t, "status local", c.ClinicalStatus.Text, "Active")
			eq(t, "recordedDate", c.RecordedDate, "2024-02-20T10:30:00+08:00")
			eq(t, "onset", c.OnsetDateTime, "2023-06-13")
			eq(t, "comment", c.Note[0].Text, "Refer to neurology")
			if c.Extension != nil {
				t.Errorf("extensions %v on an active diagnosis", c.Extension)
			}
		}},
		{"level 2, cancelled, Chinese description, no reference date", func() Diagnosis {
			d := testDiagnosis()
			d.Terminology, d.TermCode, d.TermDesc = "", "", ""
			d.DescEN, d.DescZH, d.Status, d.CancelReason = "", "短暫性腦缺血", "C", "Wrong patient"
			d.DiagnosedAt, d.RecordTime = time.Time{}, testTime.Add(time.Hour)
			return d
		}, "2", func(t *testing.T, c *fhir.Condition) {
			eq(t, "local", codingOf(t, c.Code, sysDiagnosisLocal).Display, "短暫性腦缺血")
			eq(t, "codings", len(c.Code.Coding), 1)
			eq(t, "cancel reason", ext(t, c.Extension, guideMay2024.ext(extReasonForCancel)).ValueString, "Wrong patient")
			eq(t, "recordedDate falls back to the last update", c.RecordedDate, "2024-02-20T11:30:00+08:00")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildOne(t, DomainProblem, ModeIncremental, PatientRecords{Patient: testPatient(), Diagnoses: []Diagnosis{tt.rec()}})
			c := one[*fhir.Condition](t, b)
			if resolve(t, b, &c.Subject).ResourceType() != "Patient" || resolve(t, b, c.Encounter).ResourceType() != "Encounter" {
				t.Error("subject / encounter references")
			}
			eq(t, "compliance level", ext(t, composition(t, b).Section[0].Entry[0].Extension, guideMay2024.ext(extComplianceLevel)).ValueString, tt.level)
			tt.check(t, c)
		})
	}
}

func TestProcedureMapping(t *testing.T) {
	tests := []struct {
		name          string
		rec           func() Procedure
		wantPerformed string
		wantHKCTT     bool
	}{
		{"level 3", testProcedure, "2024-02-20T10:30:00+08:00", true},
		{"no performed date: the create date", func() Procedure {
			p := testProcedure()
			p.PerformedAt = time.Time{}
			return p
		}, "2024-02-20T09:30:00+08:00", true},
		{"no dates at all: the last update", func() Procedure {
			p := testProcedure()
			p.PerformedAt, p.CreatedTime, p.Terminology, p.TermCode = time.Time{}, time.Time{}, "", ""
			return p
		}, "2024-02-20T10:30:00+08:00", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildOne(t, DomainProcedure, ModeIncremental, PatientRecords{Patient: testPatient(), Procedures: []Procedure{tt.rec()}})
			p := one[*fhir.Procedure](t, b)
			eq(t, "status", p.Status, "completed")
			eq(t, "identifier", p.Identifier[0].System, "https://ehealth.gov.hk/FHIR/HCP/local/Recordkey")
			eq(t, "local", codingOf(t, p.Code, "https://ehealth.gov.hk/FHIR/HCP/local/procedure"), fhir.Coding{System: sysProcedureLocal, Code: "2231", Display: "Lobectomy of left lung"})
			if tt.wantHKCTT {
				// The PX guide's HKCTT uri has no "/FHIR", unlike PROB's.
				eq(t, "HKCTT", codingOf(t, p.Code, "https://ehealth.gov.hk/HKCTT").Code, "23815")
			}
			eq(t, "performedDateTime", p.PerformedDateTime, tt.wantPerformed)
			eq(t, "comment", p.Note[0].Text, "lower lobe")
			resolve(t, b, p.Encounter)
		})
	}
}

func TestImmunisationMapping(t *testing.T) {
	g := &guideFeb2024
	tests := []struct {
		name  string
		rec   func() Immunisation
		check func(t *testing.T, b *fhir.Bundle, im *fhir.Immunization)
	}{
		{"given here, level 3", testImmunisation, func(t *testing.T, b *fhir.Bundle, im *fhir.Immunization) {
			eq(t, "status", im.Status, "completed")
			eq(t, "record key", im.Identifier[0], fhir.Identifier{System: "http://ehealth.gov.hk/HCP/Recordkey", Value: "IMMU-1"})
			eq(t, "record number", im.Identifier[1], fhir.Identifier{System: "http://ehealth.gov.hk/HCP/recordnum", Value: "R01"})
			eq(t, "RPP", codingOf(t, &im.VaccineCode, "http://ehealth.org.hk/RPP").Code, "HK-67890")
			eq(t, "local", codingOf(t, &im.VaccineCode, "http://ehealth.gov.hk/HCP/vaccinelocal").Code, "FLU24")
			eq(t, "historical", ext(t, im.Extension, g.ext(extHistoricalImmunisation)).ValueString, "N")
			eq(t, "occurrence", im.OccurrenceDateTime, "2024-02-20")
			eq(t, "site", codingOf(t, im.Site, "http://ehealth.gov.hk/SiteOfAdmin"), fhir.Coding{System: sysSiteOfAdmin, Code: "LD", Display: "Left deltoid"})
			eq(t, "site local", im.Site.Text, "Left deltoid")
			eq(t, "route", codingOf(t, im.Route, "http://ehealth.gov.hk/RouteOfAdmin").Display, "Intramuscular")
			eq(t, "lot", im.LotNumber, "AC37B358AC")
			eq(t, "dose", im.ProtocolApplied[0].DoseNumberString, "1")
			eq(t, "note", im.Note[0].Text, "Next dose in one year")
			org := resolve(t, b, &im.Performer[0].Actor).(*fhir.Organization)
			eq(t, "provider", org.Identifier[0], fhir.Identifier{System: "http://ehealth.gov.hk/vaccineProvider", Value: "Private"})
			eq(t, "provider name", org.Name, "Private hospital /clinic")
			eq(t, "provider local", org.Alias[0], "Families Clinic")
			eq(t, "premises", resolve(t, b, im.Location).(*fhir.Location).Name, "Families Clinic, Central")
		}},
		{"given elsewhere by DH, level 2", func() Immunisation {
			m := testImmunisation()
			m.GivenElsewhere, m.Provider, m.ProviderLocalDesc = true, "DH", "Maternal and Child Health Centre"
			m.Terminology, m.TermCode, m.TermDesc, m.Site, m.Route, m.Premises = "", "", "", "", "", ""
			return m
		}, func(t *testing.T, b *fhir.Bundle, im *fhir.Immunization) {
			eq(t, "historical", ext(t, im.Extension, g.ext(extHistoricalImmunisation)).ValueString, "Y")
			org := resolve(t, b, &im.Performer[0].Actor).(*fhir.Organization)
			eq(t, "provider", org.Identifier[0].Value, "DH")
			eq(t, "provider local", org.Alias[0], "Maternal and Child Health Centre")
			if im.Site != nil || im.Route != nil || im.Location != nil {
				t.Error("empty site / route / premises were sent")
			}
			eq(t, "level", ext(t, composition(t, b).Section[0].Entry[0].Extension, g.ext(extComplianceLevel)).ValueString, "2")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildOne(t, DomainImmunisation, ModeMaterialisation, PatientRecords{Patient: testPatient(), Immunisations: []Immunisation{tt.rec()}})
			im := one[*fhir.Immunization](t, b)
			if composition(t, b).Section[0].Entry[0].Reference != "Immunization/"+im.ID {
				t.Error("the section entry does not reference the Immunization (FHIR's spelling)")
			}
			tt.check(t, b, im)
		})
	}
}
