package hkid

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		normal  string // "" when refused
		display string
		masked  string
	}{
		{"worked example from domain.md", "A123456(3)", "A1234563", "A123456(3)", "A123***(*)"},
		{"no brackets", "A1234563", "A1234563", "A123456(3)", "A123***(*)"},
		{"lower case with a space", "a123456 3", "A1234563", "A123456(3)", "A123***(*)"},
		{"spaces everywhere", " A 123 456 ( 3 ) ", "A1234563", "A123456(3)", "A123***(*)"},
		{"full width from a Chinese input method", "Ａ１２３４５６（３）", "A1234563", "A123456(3)", "A123***(*)"},
		{"two-letter prefix", "AB987654(3)", "AB9876543", "AB987654(3)", "AB987***(*)"},
		{"two-letter prefix, lower case", "ab9876543", "AB9876543", "AB987654(3)", "AB987***(*)"},
		{"check character A", "G100002(A)", "G100002A", "G100002(A)", "G100***(*)"},
		{"check character a typed in lower case", "g100002(a)", "G100002A", "G100002(A)", "G100***(*)"},
		{"check character A, two letters", "XA100001(A)", "XA100001A", "XA100001(A)", "XA100***(*)"},
		{"check character 0 (eleven)", "G100007(0)", "G1000070", "G100007(0)", "G100***(*)"},
		{"check character 0, two letters", "XA100006(0)", "XA1000060", "XA100006(0)", "XA100***(*)"},
		{"birth certificate, same format", "Z683365(A)", "Z683365A", "Z683365(A)", "Z683***(*)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if id.Normal() != tt.normal || id.Display() != tt.display || id.Masked() != tt.masked {
				t.Errorf("Parse(%q) = %s / %s / %s, want %s / %s / %s", tt.in, id.Normal(), id.Display(), id.Masked(), tt.normal, tt.display, tt.masked)
			}
			if id.String() != tt.masked {
				t.Errorf("String() must be masked, got %s", id.String())
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // the corrected spelling for a check-digit error; "" for ErrFormat
	}{
		{"wrong check digit", "A123456(4)", "A123456(3)"},
		{"wrong check digit, no brackets", "A1234567", "A123456(3)"},
		{"check digit missing", "A123456", "A123456(3)"},
		{"two letters, wrong check", "AB987654(1)", "AB987654(3)"},
		{"A where a digit belongs", "G100003(A)", "G100003(8)"},
		{"empty", "", ""},
		{"three letters", "ABC123456(7)", ""},
		{"no letter", "1234567(8)", ""},
		{"five digits", "A12345(6)", ""},
		{"seven digits", "A1234567(8)", ""},
		{"check character B", "A123456(B)", ""},
		{"bracket in the wrong place", "A(123456)3", ""},
		{"unclosed bracket", "A123456(3", ""},
		{"two check characters", "A123456(33)", ""},
		{"punctuation", "A123-456(3)", ""},
		{"Chinese", "陳大文", ""},
		{"very long", "A123456(3)A123456(3)A123456(3)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := Parse(tt.in)
			if err == nil {
				t.Fatalf("Parse(%q) = %s, want an error", tt.in, id.Display())
			}
			var cd *CheckDigitError
			if tt.want == "" {
				if !errors.Is(err, ErrFormat) {
					t.Errorf("Parse(%q): %v, want ErrFormat", tt.in, err)
				}
				return
			}
			if !errors.As(err, &cd) {
				t.Fatalf("Parse(%q): %v, want a CheckDigitError", tt.in, err)
			}
			if cd.Want.Display() != tt.want {
				t.Errorf("Parse(%q) suggests %s, want %s", tt.in, cd.Want.Display(), tt.want)
			}
		})
	}
}

// reference is the rule of domain.md written out the long way, to check checkChar against.
func reference(prefix, digits string) byte {
	var vals []int
	if len(prefix) == 1 {
		vals = append(vals, 36)
	}
	for _, c := range prefix {
		vals = append(vals, int(c-'A')+10)
	}
	for _, c := range digits {
		vals = append(vals, int(c-'0'))
	}
	sum := 0
	for i, v := range vals {
		sum += v * (9 - i)
	}
	switch r := sum % 11; r {
	case 0:
		return '0'
	case 1:
		return 'A'
	default:
		return byte('0' + 11 - r)
	}
}

func TestCheckCharMatchesTheRule(t *testing.T) {
	for _, p := range []string{"A", "Z", "K", "AB", "XA", "ZZ"} {
		for n := 0; n < 1000000; n += 997 {
			d := []byte("000000")
			for i, v := 5, n; i >= 0; i, v = i-1, v/10 {
				d[i] = byte('0' + v%10)
			}
			if got, want := checkChar(p, string(d)), reference(p, string(d)); got != want {
				t.Fatalf("%s%s: check %c, want %c", p, d, got, want)
			}
		}
	}
}

func TestNewAndMask(t *testing.T) {
	id, err := New("A", "123456")
	if err != nil || id.Display() != "A123456(3)" {
		t.Fatalf("New: %v %v", id.Display(), err)
	}
	if _, err := New("a", "123456"); !errors.Is(err, ErrFormat) {
		t.Errorf("New with lower case letter: %v", err)
	}
	for in, want := range map[string]string{"A1234563": "A123***(*)", "E12345678": "E12******", "": ""} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzParse(f *testing.F) {
	// More seeds are in testdata/fuzz/FuzzParse.
	for _, s := range []string{"A123456(3)", "ab9876543", "G100002(A)", "", "(((", "Ａ１２３４５６（３）"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := Parse(s)
		if err != nil {
			var cd *CheckDigitError
			if errors.As(err, &cd) {
				// The suggested spelling must itself be accepted.
				if again, err := Parse(cd.Want.Display()); err != nil || again != cd.Want {
					t.Fatalf("suggestion %q for %q does not parse: %v", cd.Want.Display(), s, err)
				}
			}
			return
		}
		for _, form := range []string{id.Normal(), id.Display()} {
			again, err := Parse(form)
			if err != nil || again != id {
				t.Fatalf("%q: round trip through %q gave %v, %v", s, form, again, err)
			}
		}
		if n := len(id.Normal()); n != 8 && n != 9 {
			t.Fatalf("%q: normal form %q has length %d", s, id.Normal(), n)
		}
	})
}
