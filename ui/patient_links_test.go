package ui

import (
	"strings"
	"testing"
)

// TestPatientPageLinksByRole: each role sees the links to the pages it may open, and no others.
func TestPatientPageLinksByRole(t *testing.T) {
	tc := newTestClinic(t, true)
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	page := register(t, clerk, nil)
	id := strings.TrimPrefix(page, "/patients/")
	tests := []struct {
		role      string
		want, not []string
	}{
		{"doctor", []string{"/chart", "/allergies", "/immunisations", "/record", "/appointments/new?patient=" + id},
			[]string{page + "/visits"}},
		{"nurse", []string{"/chart", "/allergies", "/immunisations", "/appointments/new?patient=" + id}, nil},
		{"clerk", []string{page + "/visits", "/allergies", "/appointments/new?patient=" + id},
			[]string{"/chart", "/immunisations"}},
		{"dispenser", []string{page + "/visits", "/allergies"}, []string{"/chart", "/appointments/new"}},
	}
	for _, tt := range tests {
		t.Run(tt.role, func(t *testing.T) {
			b := tc.browser()
			b.sessionFor(tt.role)
			_, body := b.get(page)
			nav := body[strings.Index(body, `class="actions"`):]
			nav = nav[:strings.Index(nav, "</nav>")]
			for _, w := range tt.want {
				if !strings.Contains(nav, w) {
					t.Errorf("%s does not see a link to %s", tt.role, w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(nav, n) {
					t.Errorf("%s sees a link to %s", tt.role, n)
				}
			}
			// Every link shown opens for this role.
			for _, href := range hrefs(nav) {
				if resp, _ := b.get(href); resp.StatusCode != 200 {
					t.Errorf("%s: link %s answers %d", tt.role, href, resp.StatusCode)
				}
			}
		})
	}
}

func hrefs(html string) []string {
	var out []string
	for _, part := range strings.Split(html, `href="`)[1:] {
		out = append(out, strings.ReplaceAll(part[:strings.Index(part, `"`)], "&amp;", "&"))
	}
	return out
}
