package ehrss

import "testing"

func TestValidHKID(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"A123456(3)", true}, // the worked example: 481 mod 11 = 8, check 3
		{"A1234563", true},
		{"a123456(3)", true},
		{" A123456 (3) ", true},
		{"G123456(A)", true}, // check 10 is "A"
		{"A100009(0)", true}, // check 11 is "0"
		{"AB987654(3)", true},
		{"Z683365(A)", true},
		{"A123456(4)", false}, // wrong check digit
		{"A123456", false},    // no check digit
		{"123456(3)", false},  // no letter
		{"ABC123456(3)", false},
		{"A12345X(3)", false},
		{"A123456(B)", false},
		{"", false},
		{"陳123456(3)", false},
	}
	for _, tt := range tests {
		if got := ValidHKID(tt.in); got != tt.want {
			t.Errorf("ValidHKID(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestNormalizeHKID(t *testing.T) {
	for in, want := range map[string]string{"a123456(3)": "A1234563", " AB 987654 (3)": "AB9876543", "A1234563": "A1234563"} {
		if got := NormalizeHKID(in); got != want {
			t.Errorf("NormalizeHKID(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHKIDForGuide(t *testing.T) {
	eq(t, "padded", hkidForGuide("A1234563", true), " A1234563")
	eq(t, "two letters", hkidForGuide("AB9876543", true), "AB9876543")
	eq(t, "not asked", hkidForGuide("A1234563", false), "A1234563")
}
