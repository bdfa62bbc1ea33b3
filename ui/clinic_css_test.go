package ui

import (
	"net/http"
	"os"
	"regexp"
	"strings"
	"testing"
)

var (
	classAttrRe = regexp.MustCompile(`class="((?:[^"{]|\{\{[^}]*\}\})*)"`)
	cssClassRe  = regexp.MustCompile(`\.([a-zA-Z][\w-]*)`)
	linkedCSSRe = regexp.MustCompile(`static "([\w-]+\.css)"`)
	tmplActRe   = regexp.MustCompile(`\{\{[^}]*\}\}`)
)

// TestClinicPagesHaveTheirStyles: every class the medication, billing, visit and queue pages
// write has a rule in a stylesheet the page loads (app.css and clinic.css on every page, plus
// those the page links itself). A class without a rule is a page that looks unfinished.
func TestClinicPagesHaveTheirStyles(t *testing.T) {
	css := func(name string) map[string]bool {
		b, err := os.ReadFile("static/" + name)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, m := range cssClassRe.FindAllStringSubmatch(string(b), -1) {
			out[m[1]] = true
		}
		return out
	}
	layout, _ := os.ReadFile("templates/layout.html")
	everywhere := map[string]bool{}
	for _, m := range linkedCSSRe.FindAllStringSubmatch(string(layout), -1) {
		for c := range css(m[1]) {
			everywhere[c] = true
		}
	}
	if !everywhere["num"] {
		t.Fatal("layout.html does not load clinic.css")
	}
	pages := []string{"medicines", "allergies", "formulary", "formulary_form", "stock", "immunisations", "medication_settings",
		"bill", "fees", "takings", "takings_month", "visit", "chart", "chart_visits", "queue", "terms", "_banner"}
	for _, page := range pages {
		t.Run(page, func(t *testing.T) {
			b, err := os.ReadFile("templates/" + page + ".html")
			if err != nil {
				t.Fatal(err)
			}
			defined := map[string]bool{}
			for c := range everywhere {
				defined[c] = true
			}
			for _, m := range linkedCSSRe.FindAllStringSubmatch(string(b), -1) {
				for c := range css(m[1]) {
					defined[c] = true
				}
			}
			for _, m := range classAttrRe.FindAllStringSubmatch(string(b), -1) {
				// A class glued to a template action ("st-{{.State}}") is checked by its prefix below.
				for _, word := range strings.Fields(tmplActRe.ReplaceAllString(m[1], "\x00")) {
					parts := strings.Split(word, "\x00")
					for i, part := range parts {
						glued := i < len(parts)-1 || i > 0 && strings.HasPrefix(part, "-") // "st-{{.State}}", "{{.X}}-y"
						if part == "" || glued && (strings.HasSuffix(part, "-") || strings.HasPrefix(part, "-")) {
							continue
						}
						if !defined[part] {
							t.Errorf("class %q has no style", part)
						}
					}
				}
				for _, prefix := range regexp.MustCompile(`([a-z][\w-]*-)\{\{`).FindAllStringSubmatch(m[1], -1) {
					found := false
					for c := range defined {
						found = found || strings.HasPrefix(c, prefix[1])
					}
					if !found {
						t.Errorf("no style begins %q", prefix[1])
					}
				}
			}
		})
	}
}

// TestClinicCSSIsServedWithItsHash: the stylesheet is linked by its content hash, so a clinic
// PC's browser never keeps an old copy after an upgrade.
func TestClinicCSSIsServedWithItsHash(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.login("clerk")
	_, body := b.get("/")
	m := regexp.MustCompile(`href="(/static/clinic\.css\?v=[0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the page does not link clinic.css by its hash")
	}
	resp, css := b.get(m[1])
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/css") ||
		!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") || !strings.Contains(css, ".st-open") {
		t.Fatalf("clinic.css: %d %s %s", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Cache-Control"))
	}
}
