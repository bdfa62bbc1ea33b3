package sharing

import (
	"context"
	"testing"
)

// describedOnly is a transport that cannot tell its destination in parts.
type describedOnly struct{}

func (describedOnly) Send(context.Context, Upload) Result { return Result{} }
func (describedOnly) Describe() string                    { return "somewhere else" }

func TestDestinationOf(t *testing.T) {
	h, err := NewHTTPTransport(HTTPConfig{URL: "https://ehr.example.hk/upload"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		tr   Transport
		want Destination
	}{
		{"https", h, Destination{Kind: DestinationHTTPS, Place: "https://ehr.example.hk/upload"}},
		{"folder", FolderTransport{Dir: "/var/lib/onramp/bundles"}, Destination{Kind: DestinationFolder, Place: "/var/lib/onramp/bundles"}},
		{"export", &exportTransport{dir: "/tmp/out"}, Destination{Kind: DestinationExport, Place: "/tmp/out"}},
		{"unknown kind", describedOnly{}, Destination{Place: "somewhere else"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := DestinationOf(tt.tr); got != tt.want {
				t.Errorf("DestinationOf = %+v, want %+v", got, tt.want)
			}
		})
	}
}
