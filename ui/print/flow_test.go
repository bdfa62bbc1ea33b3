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
		// Dates and numbers stay whole.
		{"from 23/11/2026 to 25/11/2026", []string{"from ", "23/11/2026 ", "to ", "25/11/2026"}},
		{"2026-11-23", []string{"2026-11-23"}},
		{"3-5 days, 1/2 tablet", []string{"3-5 ", "days, ", "1/2 ", "tablet"}},
		{"由2026年11月23日至", []string{"由", "2026年11月23日", "至"}},
		{"病假3日", []string{"病", "假", "3日"}},
		{"10時30分", []string{"10時30分"}},
		{"A/B 2/x", []string{"A/", "B ", "2/", "x"}},
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

// At any width, a wrapped line keeps each date and number whole: the
// certificate never prints "23/" at the end of one line and "11/2026" on the
// next.
func TestWrapKeepsDatesWhole(t *testing.T) {
	f := chineseFonts(t)
	texts := []struct {
		text  string
		whole []string
		zh    bool
	}{
		{"Unfit for duty from 23/11/2026 to 25/11/2026 inclusive (3 days), attended on 2026-11-23 at 10:30",
			[]string{"23/11/2026", "25/11/2026", "2026-11-23", "10:30"}, false},
		{"由2026年11月23日至2026年11月25日（共3日）不宜工作", []string{"2026年11月23日", "2026年11月25日", "3日"}, true},
	}
	for _, tt := range texts {
		for width := 18.0; width <= 90; width += 0.5 {
			docFor(t, f, Drug80x50, func(d *doc) {
				sp := d.en(tt.text, false)
				if tt.zh {
					sp = d.zh(tt.text)
				}
				if err := d.embedChinese(); err != nil {
					t.Fatal(err)
				}
				for _, w := range tt.whole {
					if d.width(w, sp.face, 9) > width {
						return // a date wider than the line has to break somewhere
					}
				}
				lines := d.wrap(sp.text, sp.face, 9, width)
				joined := strings.Join(lines, "\n")
				for _, w := range tt.whole {
					if !strings.Contains(joined, w) {
						t.Errorf("width %.1f: %q broken in %q", width, w, lines)
					}
				}
			})
		}
	}
}
