package ui

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/visits"
)

// TestVisitListLinksTheCounter: the visit list, which the counter sees instead of the chart,
// leads from each visit to its medicines (the dispensary) and its bill (whoever takes payment),
// each only for those who may open it; the clinic day in the browser walks these links.
func TestVisitListLinksTheCounter(t *testing.T) {
	tc := newTestClinic(t, true)
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	page := register(t, clerk, nil)
	patientID, err := strconv.ParseInt(strings.TrimPrefix(page, "/patients/"), 10, 64)
	if err != nil {
		t.Fatalf("registered at %q", page)
	}
	v, err := visits.Open(context.Background(), tc.db, visits.OpenInput{PatientID: patientID,
		Date: time.Now().Format(time.DateOnly)}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	medicines := "/visits/" + strconv.FormatInt(v.ID, 10) + "/medicines"
	bill := "/visits/" + strconv.FormatInt(v.ID, 10) + "/bill"
	for _, tt := range []struct {
		role      string
		want, not []string
	}{
		{"clerk", []string{bill}, []string{medicines}},
		{"dispenser", []string{medicines, bill}, nil},
	} {
		t.Run(tt.role, func(t *testing.T) {
			b := tc.browser()
			b.sessionFor(tt.role)
			resp, body := b.get(page + "/visits")
			if resp.StatusCode != 200 {
				t.Fatalf("visit list: %d", resp.StatusCode)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, `href="`+w+`"`) {
					t.Errorf("%s does not see a link to %s", tt.role, w)
				} else if resp, _ := b.get(w); resp.StatusCode != 200 && resp.StatusCode != 303 {
					t.Errorf("%s: link %s answers %d", tt.role, w, resp.StatusCode)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, `href="`+n+`"`) {
					t.Errorf("%s sees a link to %s", tt.role, n)
				}
			}
		})
	}
}
