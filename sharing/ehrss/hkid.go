package ehrss

import "strings"

// NormalizeHKID returns an HKID-format number without brackets or spaces and
// in upper case: "a123456(3)" becomes "A1234563".
func NormalizeHKID(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		switch r {
		case '(', ')', ' ', '\t':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// ValidHKID reports whether s is a Hong Kong identity card number (or a
// birth certificate / consular corps number of the same format) with a
// correct check character: one or two capital letters, six digits, and a
// check character 0-9 or A, brackets optional ("A123456(3)").
//
// The check: letters count A=10 ... Z=35 and a single-letter prefix is
// preceded by a space worth 36; weights 9..2 over the eight positions;
// check = 11 - sum mod 11, where 11 means "0" and 10 means "A".
func ValidHKID(s string) bool {
	n := NormalizeHKID(s)
	if len(n) != 8 && len(n) != 9 {
		return false
	}
	body, check := n[:len(n)-1], n[len(n)-1]
	want, ok := hkidCheck(body)
	return ok && check == want
}

// hkidCheck computes the check character of a prefix and six digits.
func hkidCheck(body string) (byte, bool) {
	letters := len(body) - 6
	if letters != 1 && letters != 2 {
		return 0, false
	}
	vals := make([]int, 0, 8)
	if letters == 1 {
		vals = append(vals, 36) // the leading space
	}
	for i := 0; i < len(body); i++ {
		c := body[i]
		switch {
		case i < letters && c >= 'A' && c <= 'Z':
			vals = append(vals, int(c-'A')+10)
		case i >= letters && c >= '0' && c <= '9':
			vals = append(vals, int(c-'0'))
		default:
			return 0, false
		}
	}
	sum := 0
	for i, v := range vals {
		sum += v * (9 - i)
	}
	switch d := 11 - sum%11; d {
	case 11:
		return '0', true
	case 10:
		return 'A', true
	default:
		return byte('0' + d), true
	}
}

// hkidForGuide writes a normalised HKID the way a guide wants it: the May
// 2024 guides ask for a leading space before a single-letter prefix.
func hkidForGuide(n string, pad bool) string {
	if pad && len(n) == 8 {
		return " " + n
	}
	return n
}
