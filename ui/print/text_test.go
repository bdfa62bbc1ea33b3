package print

import (
	"slices"
	"testing"
)

func TestSafeText(t *testing.T) {
	tests := []struct {
		name, in, want string
		replaced       []rune
	}{
		{"ASCII", "CHAN, Tai Man", "CHAN, Tai Man", nil},
		{"Chinese", "陳大文", "陳大文", nil},
		{"beyond U+FFFF", "陳𨋢文", "陳□文", []rune{0x282E2}},
		{"reported once", "𨋢𨋢", "□□", []rune{0x282E2}},
		{"control character", "A\x07B", "A□B", []rune{7}},
		{"line breaks become spaces", "May cause\ndrowsiness\r\tnow", "May cause drowsiness  now", nil},
		{"invalid UTF-8", "A\xffB", "A□B", []rune{0xFFFD}},
		{"variation selector dropped", "葛\U000E0100亮", "葛亮", nil},
		{"C1 control", "A\u0085B", "A□B", []rune{0x85}},
		{"empty", "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, replaced := SafeText(tt.in)
			if got != tt.want || !slices.Equal(replaced, tt.replaced) {
				t.Errorf("SafeText(%q) = %q, %U; want %q, %U", tt.in, got, replaced, tt.want, tt.replaced)
			}
		})
	}
}

func TestCleanTextForHelvetica(t *testing.T) {
	got, replaced := cleanText("Zoë – 5 µg ≥ 陳", inCP1252, replacementQuestion)
	if want := "Zoë – 5 µg ? ?"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !slices.Equal(replaced, []rune{'≥', '陳'}) {
		t.Errorf("replaced %U", replaced)
	}
	if enc := encodeCP1252("Zoë – €"); enc != "Zo\xeb \x96 \x80" {
		t.Errorf("cp1252 %q", enc)
	}
}
