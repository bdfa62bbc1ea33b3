package print

import (
	"slices"
	"strings"
	"testing"
)

func TestBreakTokens(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"Take 1 tablet", []string{"Take ", "1 ", "tablet"}},
		{"每日三次，每次一粒", []string{"每", "日", "三", "次，", "每", "次", "一", "粒"}},
		{"「每日」", []string{"「每", "日」"}},
		{"Amoxicillin/Clavulanate", []string{"Amoxicillin/", "Clavulanate"}},
		{"film-coated", []string{"film-", "coated"}},
		{"500mg撲熱息痛", []string{"500mg", "撲", "熱", "息", "痛"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := breakTokens(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("breakTokens(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Wrapped lines stay within the width and lose no text.
func TestWrap(t *testing.T) {
	f := chineseFonts(t)
	texts := []struct {
		text string
		zh   bool
	}{
		{longDrugName, false},
		{strings.Repeat("X", 200), false},
		{"Take 1 tablet 3 times a day after meals for 5 days then stop", false},
		{strings.Repeat("每日三次，每次一粒，", 8), true},
		{"   leading and trailing spaces   ", false},
	}
	for _, width := range []float64{20, 35.5, 58} {
		for _, tt := range texts {
			docFor(t, f, Drug80x50, func(d *doc) {
				sp := d.en(tt.text, true)
				if tt.zh {
					sp = d.zh(tt.text)
				}
				if err := d.embedChinese(); err != nil {
					t.Fatal(err)
				}
				lines := d.wrap(sp.text, sp.face, 9, width)
				for _, ln := range lines {
					if w := d.width(ln, sp.face, 9); w > width {
						t.Errorf("%q: %.2f mm in %.2f", ln, w, width)
					}
				}
				squash := func(s string) string { return strings.Join(strings.Fields(s), "") }
				if got := squash(strings.Join(lines, "")); got != squash(tt.text) {
					t.Errorf("text changed: %q", got)
				}
			})
		}
	}
}
