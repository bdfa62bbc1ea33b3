package fhir

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzBundleJSON reads arbitrary JSON as a bundle, as OnRamp reads eHealth's answers and its own
// saved bundles: a bundle either is refused or writes out, and what it writes reads back to the
// same JSON (no field lost or invented on the way).
func FuzzBundleJSON(f *testing.F) {
	for _, seed := range []string{
		`{"resourceType":"Bundle","type":"document","entry":[{"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"p1"}}]}`,
		`{"resourceType":"Bundle","type":"document","entry":[{"resource":{"resourceType":"Composition","id":"c","section":[{"entry":[{"reference":"Patient/p1"}]}]}}]}`,
		`{"resourceType":"Bundle","type":"collection","entry":[{"resource":{"resourceType":"AllergyIntolerance","id":"a","code":{"coding":[{"system":"x","code":"1"}]}}},{"resource":null}]}`,
		`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Unknown"}}]}`,
		`{"resourceType":"Bundle","entry":[{"resource":{}}]}`,
		`{"entry":[{"resource":"Patient"}]}`,
		`{"entry":[{"resource":{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Bundle"}}]}}]}`,
		`[]`, `null`, `{"entry":null}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var b Bundle
		if err := json.Unmarshal(data, &b); err != nil {
			return
		}
		out, err := json.Marshal(b)
		if err != nil {
			return // e.g. a value that JSON cannot carry back; refused, not a crash
		}
		var again Bundle
		if err := json.Unmarshal(out, &again); err != nil {
			t.Fatalf("a bundle OnRamp wrote does not read back: %v\n%s", err, out)
		}
		out2, err := json.Marshal(again)
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("bundle changes on a round trip:\n%s\n%s", out, out2)
		}
	})
}
