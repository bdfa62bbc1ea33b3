package ehrss

import (
	"encoding/json"
	"testing"

	"github.com/onramp-hk/onramp/sharing/fhir"
)

// buildOne builds the records of one patient and returns the single bundle
// after a JSON round trip, so tests look at what would be sent.
func buildOne(t *testing.T, domain Domain, mode UploadMode, pr PatientRecords) *fhir.Bundle {
	t.Helper()
	bs, err := BuildBundles(testInstitution(), domain, mode, []PatientRecords{pr}, testNow)
	if err != nil {
		t.Fatalf("BuildBundles(%s): %v", domain, err)
	}
	if len(bs) != 1 {
		t.Fatalf("BuildBundles(%s) made %d bundles, want 1", domain, len(bs))
	}
	return roundTrip(t, bs[0])
}

func roundTrip(t *testing.T, b *fhir.Bundle) *fhir.Bundle {
	t.Helper()
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	var back fhir.Bundle
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	return &back
}

// all returns the bundle's resources of type T (a pointer type such as
// *fhir.Patient).
func all[T fhir.Resource](b *fhir.Bundle) []T {
	var out []T
	for _, e := range b.Entry {
		if r, ok := e.Resource.(T); ok {
			out = append(out, r)
		}
	}
	return out
}

// one returns the bundle's only resource of type T.
func one[T fhir.Resource](t *testing.T, b *fhir.Bundle) T {
	t.Helper()
	rs := all[T](b)
	if len(rs) != 1 {
		var zero T
		t.Fatalf("found %d %T, want 1", len(rs), zero)
	}
	return rs[0]
}

func composition(t *testing.T, b *fhir.Bundle) *fhir.Composition {
	t.Helper()
	c, ok := b.Entry[0].Resource.(*fhir.Composition)
	if !ok {
		t.Fatalf("first entry is %T, want the Composition", b.Entry[0].Resource)
	}
	return c
}

// resolve follows a reference inside the bundle and fails when it dangles.
func resolve(t *testing.T, b *fhir.Bundle, ref *fhir.Reference) fhir.Resource {
	t.Helper()
	if ref == nil {
		t.Fatal("reference is nil")
	}
	r, ok := b.Resolve(*ref)
	if !ok {
		t.Fatalf("reference %q does not resolve inside the bundle", ref.Reference)
	}
	return r
}

// ext returns the extension with the URL.
func ext(t *testing.T, exts []fhir.Extension, url string) fhir.Extension {
	t.Helper()
	for _, e := range exts {
		if e.URL == url {
			return e
		}
	}
	t.Fatalf("no extension %s in %v", url, exts)
	return fhir.Extension{}
}

func hasExt(exts []fhir.Extension, url string) bool {
	for _, e := range exts {
		if e.URL == url {
			return true
		}
	}
	return false
}

// codingOf returns the coding of the system in a concept.
func codingOf(t *testing.T, cc *fhir.CodeableConcept, system string) fhir.Coding {
	t.Helper()
	if cc == nil {
		t.Fatalf("concept is nil, want a %s coding", system)
	}
	for _, c := range cc.Coding {
		if c.System == system {
			return c
		}
	}
	t.Fatalf("no %s coding in %+v", system, cc.Coding)
	return fhir.Coding{}
}

func eq[T comparable](t *testing.T, what string, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
