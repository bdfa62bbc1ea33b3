package ehrss

import (
	"testing"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

func TestAllergyMapping(t *testing.T) {
	g := &guideFeb2024
	tests := []struct {
		name   string
		domain Domain
		rec    func() Allergy
		level  string
		check  func(t *testing.T, b *fhir.Bundle, ai *fhir.AllergyIntolerance)
	}{
		{"AL1 level 3", DomainAllergy, testAllergy, "3", func(t *testing.T, b *fhir.Bundle, ai *fhir.AllergyIntolerance) {
			eq(t, "type", ai.Type, "allergy")
			eq(t, "identifier", ai.Identifier[0], fhir.Identifier{System: "http://ehealth.gov.hk/HCP/Recordkey", Value: "AL-1"})
			eq(t, "clinicalStatus", ai.ClinicalStatus.Coding[0].Code, "active")
			eq(t, "certainty", codingOf(t, ai.VerificationStatus, "http://eHealth.gov.hk/FHIR/LevelofCertainty"), fhir.Coding{System: "http://eHealth.gov.hk/FHIR/LevelofCertainty", Code: "C", Display: "Certain"})
			eq(t, "certainty local", ai.VerificationStatus.Text, "Certain")
			eq(t, "HKCTT", codingOf(t, ai.Code, "http://ehealth.gov.hk/HKCTT").Code, "6000704")
			eq(t, "local", codingOf(t, ai.Code, "http://ehealth.gov.hk/local/allergenCode"), fhir.Coding{System: "http://ehealth.gov.hk/local/allergenCode", Code: "19498", Display: "Aldomet (methyldopa)"})
			m := ai.Reaction[0].Manifestation[0]
			eq(t, "reaction", codingOf(t, &m, "http://ehealth.gov.hk/FHIR/AllergyReaction"), fhir.Coding{System: "http://ehealth.gov.hk/FHIR/AllergyReaction", Code: "21", Display: "Rash"})
			eq(t, "reaction local", m.Text, "Skin rash")
			eq(t, "remark", ai.Reaction[0].Note[0].Text, "Reported by patient")
			eq(t, "allergen type", ext(t, ai.Extension, g.ext(extAllergenTypeCode)).ValueString, "Drug")
			eq(t, "allergen type desc", ext(t, ai.Extension, g.ext(extAllergenTypeDesc)).ValueString, "Drug allergen")
			eq(t, "allergen type local", ext(t, ai.Extension, g.ext(extAllergenTypeLocalDesc)).ValueString, "Drug allergen")
			eq(t, "onset", ai.OnsetDateTime, "2019-06")
			enc := resolve(t, b, ai.Encounter).(*fhir.Encounter)
			eq(t, "episode", enc.Identifier[0], fhir.Identifier{System: "http://ehealth.gov.hk/HCP/EpisodeNum", Value: "OP123456"})
			eq(t, "class", *enc.Class, fhir.Coding{System: "http://ehealth.gov.hk/FHIR/class", Code: "UNKNOWN", Display: "Unknown status"})
			eq(t, "attendance institution", ext(t, enc.Extension, g.ext(extAttendanceInstID)).ValueString, "9938744799")
			if resolve(t, b, &ai.Patient).ResourceType() != "Patient" {
				t.Error("patient reference")
			}
		}},
		{"AL1 level 2, local code only", DomainAllergy, func() Allergy {
			a := testAllergy()
			a.Terminology, a.TermCode, a.TermDesc, a.Certainty, a.AllergenType = "", "", "", "", ""
			a.Reactions, a.Remarks = []Reaction{{Desc: "Itchy"}}, ""
			return a
		}, "2", func(t *testing.T, _ *fhir.Bundle, ai *fhir.AllergyIntolerance) {
			if len(ai.Code.Coding) != 1 || ai.Code.Coding[0].System != sysAllergenLocal {
				t.Errorf("code = %+v", ai.Code)
			}
			if ai.VerificationStatus != nil || ai.Extension != nil {
				t.Errorf("unexpected certainty %v / extensions %v", ai.VerificationStatus, ai.Extension)
			}
			eq(t, "reaction text", ai.Reaction[0].Manifestation[0].Text, "Itchy")
		}},
		{"AL1 without reaction or remark", DomainAllergy, func() Allergy {
			a := testAllergy()
			a.Reactions, a.Remarks = nil, ""
			return a
		}, "3", func(t *testing.T, _ *fhir.Bundle, ai *fhir.AllergyIntolerance) {
			if ai.Reaction != nil {
				t.Errorf("reaction = %+v", ai.Reaction)
			}
		}},
		{"ADR level 3", DomainADR, testADR, "3", func(t *testing.T, _ *fhir.Bundle, ai *fhir.AllergyIntolerance) {
			eq(t, "type", ai.Type, "intolerance")
			eq(t, "RPP", codingOf(t, ai.Code, "http://ehealth.org.hk/RPP").Code, "HK-12345")
			eq(t, "local", codingOf(t, ai.Code, "http://ehealth.org.hkk/local/causativeAgent").Display, "Penicillin V")
			rx := ai.Reaction[0]
			eq(t, "severity", rx.Severity, "severe")
			eq(t, "manifestation", rx.Manifestation[0].Text, "Urticaria and lip swelling")
			eq(t, "description", rx.Description, "Urticaria and lip swelling")
			eq(t, "remark", rx.Note[0].Text, "Needed adrenaline")
			eq(t, "severity desc", ext(t, ai.Extension, g.ext(extSeverityDesc)).ValueString, "Severe")
			eq(t, "severity local", ext(t, ai.Extension, g.ext(extSeverityLocalDesc)).ValueString, "Severe")
			if ai.VerificationStatus != nil {
				t.Error("ADR has no level of certainty")
			}
		}},
		{"ADR severity without a reaction description", DomainADR, func() Allergy {
			a := testADR()
			a.Reactions = nil
			return a
		}, "3", func(t *testing.T, _ *fhir.Bundle, ai *fhir.AllergyIntolerance) {
			m := ai.Reaction[0].Manifestation[0]
			eq(t, "absent", ext(t, m.Extension, urlDataAbsent).ValueCode, "unknown")
			eq(t, "severity", ai.Reaction[0].Severity, "severe")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := buildOne(t, tt.domain, ModeIncremental, PatientRecords{Patient: testPatient(), Allergies: []Allergy{tt.rec()}})
			ai := one[*fhir.AllergyIntolerance](t, b)
			entry := composition(t, b).Section[0].Entry[0]
			eq(t, "compliance level", ext(t, entry.Extension, g.ext(extComplianceLevel)).ValueString, tt.level)
			tt.check(t, b, ai)
		})
	}
}
