package fhir

import (
	"encoding/json"
	"fmt"
)

// Bundle is a container of resources. eHRSS uploads are bundles of type
// "document" whose first entry is a Composition.
type Bundle struct {
	ID         string        `json:"id,omitempty"`
	Meta       *Meta         `json:"meta,omitempty"`
	Identifier *Identifier   `json:"identifier,omitempty"`
	Type       string        `json:"type"`
	Timestamp  string        `json:"timestamp,omitempty"`
	Entry      []BundleEntry `json:"entry,omitempty"`
}

// ResourceType is "Bundle".
func (Bundle) ResourceType() string { return "Bundle" }

// ResourceID is the bundle's logical id.
func (b Bundle) ResourceID() string { return b.ID }

// MarshalJSON writes the bundle with its resourceType.
func (b Bundle) MarshalJSON() ([]byte, error) {
	type alias Bundle
	return marshalResource(b.ResourceType(), alias(b))
}

// BundleEntry is one resource in a bundle with the URL it is known by.
type BundleEntry struct {
	FullURL  string   `json:"fullUrl,omitempty"`
	Resource Resource `json:"resource,omitempty"`
}

// UnmarshalJSON reads the entry's resource into the Go type its
// resourceType names.
func (e *BundleEntry) UnmarshalJSON(data []byte) error {
	var raw struct {
		FullURL  string          `json:"fullUrl"`
		Resource json.RawMessage `json:"resource"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	e.FullURL = raw.FullURL
	e.Resource = nil
	if len(raw.Resource) == 0 || string(raw.Resource) == "null" {
		return nil
	}
	r, err := UnmarshalResource(raw.Resource)
	if err != nil {
		return fmt.Errorf("entry %s: %w", raw.FullURL, err)
	}
	e.Resource = r
	return nil
}

// Find returns the entry whose resource has the given type and id.
func (b *Bundle) Find(resourceType, id string) (Resource, bool) {
	for _, e := range b.Entry {
		if e.Resource != nil && e.Resource.ResourceType() == resourceType && e.Resource.ResourceID() == id {
			return e.Resource, true
		}
	}
	return nil, false
}

// Resolve returns the resource a "Type/id" reference inside the bundle
// points at.
func (b *Bundle) Resolve(ref Reference) (Resource, bool) {
	for i := 0; i < len(ref.Reference); i++ {
		if ref.Reference[i] == '/' {
			return b.Find(ref.Reference[:i], ref.Reference[i+1:])
		}
	}
	return nil, false
}
