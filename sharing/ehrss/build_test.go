package ehrss

import (
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

var (
	reInstantMillis = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+08:00$`)
	reDateTimeSecs  = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$`)
	reUUID          = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
)

// TestDocumentShape checks what every guide fixes for every domain: the
// document bundle, the Composition first with one section for the domain,
// and the section entry's record key and extensions.
func TestDocumentShape(t *testing.T) {
	for _, f := range allDomainFixtures() {
		t.Run(string(f.domain), func(t *testing.T) {
			spec := domains[f.domain]
			g := spec.Gen
			b := buildOne(t, f.domain, f.mode, f.records)

			eq(t, "Bundle.type", b.Type, "document")
			eq(t, "Bundle.identifier.system", b.Identifier.System, g.BundleIDSystem)
			if !strings.HasPrefix(b.Identifier.Value, "urn:uuid:") || !reUUID.MatchString(strings.TrimPrefix(b.Identifier.Value, "urn:uuid:")) {
				t.Errorf("Bundle.identifier.value = %q", b.Identifier.Value)
			}
			eq(t, "Bundle.timestamp", b.Timestamp, "2024-03-01T15:04:48.865+08:00")

			c := composition(t, b)
			eq(t, "Composition.status", c.Status, "final")
			eq(t, "Composition.type.system", c.Type.Coding[0].System, g.CompositionType)
			eq(t, "Composition.type.display", c.Type.Coding[0].Display, "Hong Kong eHR Healthcare Document")
			eq(t, "Composition.title", c.Title, "Hong Kong eHR Healthcare Document")
			if _, ok := resolve(t, b, c.Subject).(*fhir.Patient); !ok {
				t.Errorf("Composition.subject does not point at the Patient")
			}
			wantDate := "2024-03-01T15:04:48+08:00"
			if g.DateTimeLayout == layoutMillis {
				wantDate = "2024-03-01T15:04:48.865+08:00"
			}
			eq(t, "Composition.date", c.Date, wantDate)
			if g.AuthorIsResource {
				org, ok := resolve(t, b, &c.Author[0]).(*fhir.Organization)
				if !ok || org.Name != "Families Clinic" {
					t.Errorf("Composition.author = %+v", org)
				}
			} else {
				eq(t, "Composition.author.reference", c.Author[0].Reference, "Organization/author")
				eq(t, "Composition.author.display", c.Author[0].Display, "Families Clinic")
			}

			if len(c.Section) != 1 {
				t.Fatalf("%d sections, want 1", len(c.Section))
			}
			s := c.Section[0]
			eq(t, "section.title", s.Title, spec.Title)
			eq(t, "section.code", s.Code.Coding[0], fhir.Coding{System: g.DataDomain, Code: string(f.domain), Display: spec.Title})
			if len(s.Entry) != 1 {
				t.Fatalf("%d section entries, want 1", len(s.Entry))
			}
			e := s.Entry[0]
			target := resolve(t, b, &e)
			eq(t, "section entry target type", target.ResourceType(), spec.Resource)
			eq(t, "section entry identifier.system", e.Identifier.System, g.RecordKey)
			eq(t, "section entry identifier.value", e.Identifier.Value, itemsOf(f.domain, f.records)[0].base().RecordKey)
			eq(t, "TransactionType", ext(t, e.Extension, g.ext(extTransactionType)).ValueString, "I")
			if lu := ext(t, e.Extension, g.ext(extLastUpdateDateTime)).ValueDateTime; !strings.HasPrefix(lu, "2024-02-20T10:30:00") {
				t.Errorf("LastUpdateDateTime = %q", lu)
			}
			eq(t, "RecordCreateInstIdentifier", ext(t, e.Extension, g.ext(extRecordCreateInstID)).ValueString, "9938744799")

			meta := e.Extension // where compliance level and upload mode live
			if g.UploadMetaOnComposition {
				meta = c.Extension
				eq(t, "DomainVersion", ext(t, meta, g.ext(extDomainVersion)).ValueString, spec.DomainVersion)
				eq(t, "SendingLocation", ext(t, meta, g.ext(extSendingLocation)).ValueString, "9938744799")
				if hasExt(e.Extension, g.ext(extComplianceLevel)) {
					t.Error("lab section entry carries a compliance level; the lab guides put it on the Composition")
				}
			}
			eq(t, "ComplianceLevel", ext(t, meta, g.ext(extComplianceLevel)).ValueString, "3")
			eq(t, "UploadMode", ext(t, meta, g.ext(extUploadMode)).ValueString, string(f.mode))

			checkEntries(t, b)
		})
	}
}

// checkEntries: fullUrl is urn:uuid:<id>, ids are unique UUIDs, and every
// "Type/id" reference anywhere resolves inside the bundle.
func checkEntries(t *testing.T, b *fhir.Bundle) {
	t.Helper()
	seen := map[string]bool{}
	for _, e := range b.Entry {
		id := e.Resource.ResourceID()
		if !reUUID.MatchString(id) || e.FullURL != "urn:uuid:"+id {
			t.Errorf("entry %s: fullUrl %q, id %q", e.Resource.ResourceType(), e.FullURL, id)
		}
		if seen[id] {
			t.Errorf("id %s used twice", id)
		}
		seen[id] = true
	}
	data, _ := json.Marshal(b)
	var tree any
	_ = json.Unmarshal(data, &tree)
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["reference"].(string); ok && ref != authorReference {
				if _, ok := b.Resolve(fhir.Reference{Reference: ref}); !ok {
					t.Errorf("dangling reference %q", ref)
				}
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(tree)
}

func TestPatientMapping(t *testing.T) {
	tests := []struct {
		name    string
		domain  Domain
		mutate  func(*Patient)
		docType string
		docNo   string
		country string
		text    string
		family  string
		given   []string
		gender  string
		birth   string
	}{
		{"HKID with brackets, month precision", DomainAllergy, func(*Patient) {}, "ID", "A1234563", "", "CHAN, TAI MAN", "CHAN", []string{"TAI MAN"}, "male", "1980-05-01"},
		{"May 2024 guide pads a one-letter HKID", DomainProblem, func(*Patient) {}, "ID", " A1234563", "", "CHAN, TAI MAN", "CHAN", []string{"TAI MAN"}, "male", "1980-05-01"},
		{"two-letter HKID is not padded", DomainProblem, func(p *Patient) { p.DocNo = "yb100102(9)" }, "ID", "YB1001029", "", "CHAN, TAI MAN", "CHAN", []string{"TAI MAN"}, "male", "1980-05-01"},
		{"passport with country, year precision", DomainAllergy, func(p *Patient) { *p = testPatient2() }, "OP", "K1234567", "GBR", "SMITH, JANE", "SMITH", []string{"JANE"}, "female", "1975-01-01"},
		{"day precision written with year only precision", DomainLabGeneral, func(p *Patient) { p.DOB, p.DOBPrecision = "1980-05-17", "Y" }, "ID", "A1234563", "", "CHAN, TAI MAN", "CHAN", []string{"TAI MAN"}, "male", "1980-01-01"},
		{"full date, single name, unknown sex", DomainAllergy, func(p *Patient) { p.DOB, p.DOBPrecision, p.GivenNameEN, p.Sex = "1980-05-17", "", "", "u" }, "ID", "A1234563", "", "CHAN", "CHAN", nil, "unknown", "1980-05-17"},
		{"birth certificate", DomainImmunisation, func(p *Patient) { p.DocType, p.DocNo = "bc", "Z683365(A)" }, "BC", "Z683365A", "", "CHAN, TAI MAN", "CHAN", []string{"TAI MAN"}, "male", "1980-05-01"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := testPatient()
			tt.mutate(&p)
			pr := PatientRecords{Patient: p, Allergies: []Allergy{testAllergy()}, Diagnoses: []Diagnosis{testDiagnosis()},
				Immunisations: []Immunisation{testImmunisation()}, LabResults: []LabResult{testLabResult()}}
			mode := ModeIncremental
			if tt.domain == DomainLabGeneral {
				mode = ModeNonBulk
			}
			b := buildOne(t, tt.domain, mode, pr)
			g := domains[tt.domain].Gen
			pat := one[*fhir.Patient](t, b)
			if len(pat.Identifier) != 2 {
				t.Fatalf("identifiers = %+v", pat.Identifier)
			}
			eq(t, "EHRNO type", pat.Identifier[0].Type.Coding[0], fhir.Coding{System: g.TypeOfID, Code: "EHRNO"})
			eq(t, "EHRNO", pat.Identifier[0].Value, p.EHRNo)
			eq(t, "document type", pat.Identifier[1].Type.Coding[0], fhir.Coding{System: g.TypeOfID, Code: tt.docType})
			eq(t, "document number", pat.Identifier[1].Value, tt.docNo)
			gotCountry := ""
			if pat.Identifier[1].Assigner != nil {
				gotCountry = pat.Identifier[1].Assigner.Display
			}
			eq(t, "issuing country", gotCountry, tt.country)
			eq(t, "name.text", pat.Name[0].Text, tt.text)
			eq(t, "name.family", pat.Name[0].Family, tt.family)
			eq(t, "name.given", strings.Join(pat.Name[0].Given, "|"), strings.Join(tt.given, "|"))
			eq(t, "gender", pat.Gender, tt.gender)
			eq(t, "birthDate", pat.BirthDate, tt.birth)
		})
	}
}

func TestPartialDateFHIR(t *testing.T) {
	tests := []struct{ in, prec, fhir, filled string }{
		{"1980", "Y", "1980", "1980-01-01"},
		{"1980-05", "M", "1980-05", "1980-05-01"},
		{"1980-05-17", "D", "1980-05-17", "1980-05-17"},
		{"1980-05-17", "", "1980-05-17", "1980-05-17"},
		{"1980-05-17", "M", "1980-05", "1980-05-01"},
	}
	for _, tt := range tests {
		d, err := parsePartialDate(tt.in, tt.prec)
		if err != nil {
			t.Fatalf("%s/%s: %v", tt.in, tt.prec, err)
		}
		eq(t, tt.in+"/"+tt.prec+" FHIR", d.FHIR(), tt.fhir)
		eq(t, tt.in+"/"+tt.prec+" filled", d.Filled(), tt.filled)
	}
	for _, bad := range [][2]string{{"1980", "D"}, {"1980-13", ""}, {"1980-02-30", ""}, {"80-05-17", ""}, {"1980/05/17", ""}, {"1980-05", "X"}, {"", ""}} {
		if _, err := parsePartialDate(bad[0], bad[1]); err == nil {
			t.Errorf("parsePartialDate(%q, %q) accepted", bad[0], bad[1])
		}
	}
}

// TestTwoPatients: every guide allows one Patient per document, so two
// patients make two documents, each self-contained.
func TestTwoPatients(t *testing.T) {
	a2 := testAllergy()
	a2.RecordKey = "AL-2"
	items := []PatientRecords{
		{Patient: testPatient(), Allergies: []Allergy{testAllergy()}},
		{Patient: Patient{RecordKey: "P-none"}, Diagnoses: []Diagnosis{testDiagnosis()}}, // nothing in AL1: skipped
		{Patient: testPatient2(), Allergies: []Allergy{a2}},
	}
	bs, err := BuildBundles(testInstitution(), DomainAllergy, ModeIncremental, items, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 {
		t.Fatalf("%d bundles, want 2", len(bs))
	}
	ids := map[string]bool{}
	for i, want := range []struct{ ehrNo, key string }{{"944272043043", "AL-1"}, {"621528665811", "AL-2"}} {
		b := roundTrip(t, bs[i])
		pat := one[*fhir.Patient](t, b)
		eq(t, "patient", pat.Identifier[0].Value, want.ehrNo)
		c := composition(t, b)
		eq(t, "record key", c.Section[0].Entry[0].Identifier.Value, want.key)
		ai := one[*fhir.AllergyIntolerance](t, b)
		if resolve(t, b, &ai.Patient).ResourceID() != pat.ID {
			t.Error("the allergy is not about this bundle's patient")
		}
		for _, e := range b.Entry {
			if ids[e.Resource.ResourceID()] {
				t.Errorf("id %s repeats across bundles", e.Resource.ResourceID())
			}
			ids[e.Resource.ResourceID()] = true
		}
		checkEntries(t, b)
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	items := []PatientRecords{{Patient: testPatient(), Allergies: []Allergy{testAllergy()}}}
	first, _ := BuildBundles(testInstitution(), DomainAllergy, ModeIncremental, items, testNow)
	second, _ := BuildBundles(testInstitution(), DomainAllergy, ModeIncremental, items, testNow)
	later, _ := BuildBundles(testInstitution(), DomainAllergy, ModeIncremental, items, testNow.Add(1))
	j := func(b *fhir.Bundle) string { d, _ := json.Marshal(b); return string(d) }
	if j(first[0]) != j(second[0]) {
		t.Error("the same inputs built different bundles")
	}
	if first[0].ID == later[0].ID {
		t.Error("a later build reused the bundle id")
	}
}

func TestBuildRefuses(t *testing.T) {
	items := []PatientRecords{{Patient: testPatient(), Allergies: []Allergy{testAllergy()}}}
	tests := []struct {
		domain Domain
		mode   UploadMode
		noGuid bool
	}{
		{"XYZ", ModeIncremental, false},
		{DomainMedication, ModeIncremental, true},
		{DomainReferral, ModeNonBulk, true},
		{DomainLabGeneral, ModeIncremental, false}, // the lab guides permit only NBL
		{DomainAllergy, ModeNonBulk, false},
		{DomainAllergy, "", false},
	}
	for _, tt := range tests {
		_, err := BuildBundles(testInstitution(), tt.domain, tt.mode, items, testNow)
		if err == nil {
			t.Errorf("%s/%s: no error", tt.domain, tt.mode)
			continue
		}
		if errors.Is(err, ErrNoGuide) != tt.noGuid {
			t.Errorf("%s/%s: %v, errors.Is(ErrNoGuide) = %v", tt.domain, tt.mode, err, !tt.noGuid)
		}
	}
}

// TestLabLevelsSplit: the lab Composition states one compliance level, so
// a level 3 report and a PDF-only (level 1) report go in separate bundles.
func TestLabLevelsSplit(t *testing.T) {
	pdfOnly := testLabResult()
	pdfOnly.RecordKey, pdfOnly.Tests = "LAB-2", nil
	items := []PatientRecords{{Patient: testPatient(), LabResults: []LabResult{testLabResult(), pdfOnly}}}
	bs, err := BuildBundles(testInstitution(), DomainLabGeneral, ModeNonBulk, items, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 2 {
		t.Fatalf("%d bundles, want 2", len(bs))
	}
	g := domains[DomainLabGeneral].Gen
	for i, want := range []struct{ level, key string }{{"1", "LAB-2"}, {"3", "LAB-1"}} {
		c := composition(t, roundTrip(t, bs[i]))
		eq(t, "level", ext(t, c.Extension, g.ext(extComplianceLevel)).ValueString, want.level)
		eq(t, "record", c.Section[0].Entry[0].Identifier.Value, want.key)
	}
	if bs[0].ID == bs[1].ID {
		t.Error("the two bundles share an id")
	}
}

func TestBuildCheckedHoldsBack(t *testing.T) {
	good := testAllergy()
	bad := testAllergy()
	bad.RecordKey, bad.Reactions = "AL-BAD", []Reaction{{Code: "99"}}
	badPatient := testPatient2()
	badPatient.EHRNo = "123"
	other := testAllergy()
	other.RecordKey = "AL-3"
	items := []PatientRecords{
		{Patient: testPatient(), Allergies: []Allergy{good, bad}},
		{Patient: badPatient, Allergies: []Allergy{other}},
	}
	bs, problems, err := BuildChecked(testInstitution(), DomainAllergy, ModeIncremental, items, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if len(bs) != 1 {
		t.Fatalf("%d bundles, want 1 (the second patient is held back)", len(bs))
	}
	entries := composition(t, bs[0]).Section[0].Entry
	if len(entries) != 1 || entries[0].Identifier.Value != "AL-1" {
		t.Errorf("sent %+v, want only AL-1", entries)
	}
	var sawRecord, sawPatient bool
	for _, p := range problems {
		sawRecord = sawRecord || (p.RecordKey == "AL-BAD" && p.Field == "Reactions[0].Code")
		sawPatient = sawPatient || (p.PatientKey == "P0002" && p.RecordKey == "" && p.Field == "Patient.EHRNo")
	}
	if !sawRecord || !sawPatient {
		t.Errorf("problems = %v", problems)
	}

	inst := testInstitution()
	inst.ID = "12"
	bs, problems, err = BuildChecked(inst, DomainAllergy, ModeIncremental, items, testNow)
	if err != nil || len(bs) != 0 || len(problems) == 0 {
		t.Errorf("bad institution: %d bundles, %v, %v", len(bs), problems, err)
	}
}
