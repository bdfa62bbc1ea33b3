// Package fhir holds the few FHIR R4 data types and resources that OnRamp
// writes when it shares records with Hong Kong's eHealth (eHRSS).
//
// It is deliberately not a general FHIR model: it has only the elements the
// eHRSS implementation guides use, every optional element is tagged
// `omitempty` so the JSON stays minimal, and dates are plain strings because
// FHIR date, dateTime and instant values carry their own precision
// ("1980", "1980-05", "2024-03-01T15:04:48.865+08:00").
//
// Every resource marshals with its "resourceType" first. A Bundle entry holds
// any Resource and unmarshals it back into the matching Go type, so a built
// bundle can be written, read back and inspected in tests.
package fhir
