// Package ehrss turns a clinic's sharable records into the FHIR R4 document
// bundles that Hong Kong's Electronic Health Record Sharing System (eHRSS,
// "eHealth") accepts, and says in plain words why a record cannot go yet.
//
// It follows the eHRSS implementation guides of the HL7 Hong Kong FHIR
// connectathons (2024): allergy / ADR (AL1, ADR), immunisation (IMMU),
// problem (PROB), procedure (PX) and laboratory results (LABGEN, LABAP).
// Every URL, coding system and fixed value is in codes.go, eHealth's code
// tables in codetables.go.
//
// The API is three pure functions over plain input types (types.go), with
// no database, clock or network:
//
//	problems := ehrss.Check(inst, ehrss.DomainAllergy, ehrss.ModeIncremental, items)
//	bundles, err := ehrss.BuildBundles(inst, ehrss.DomainAllergy, ehrss.ModeIncremental, items, now)
//	bundles, problems, err := ehrss.BuildChecked(inst, domain, mode, items, now) // both in one go
//
// One upload is one domain for many patients; each patient becomes one
// document bundle (the guides allow one Patient per bundle), and the lab
// domains further split a patient's reports by compliance level. Modes:
// ModeMaterialisation ("BL-M", first upload after consent, inserts only) and
// ModeIncremental ("BL") for AL1, ADR, IMMU, PROB and PX; ModeNonBulk ("NBL"),
// the only mode the laboratory guides permit, for LABGEN and LABAP.
package ehrss
