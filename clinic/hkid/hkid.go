// Package hkid reads and checks Hong Kong identity card numbers, and Hong Kong birth certificate
// registration numbers, which since 1981 have the same format (a child's birth certificate number
// becomes the number on their identity card).
//
// The format is one or two capital letters, six digits and a check character 0-9 or A, written
// A123456(3). It is stored normalised, without brackets (A1234563), and shown with them.
package hkid

import (
	"errors"
	"fmt"
	"strings"
)

// ID is a checked HKID (or birth certificate) number. The zero value is "no number".
type ID struct {
	prefix string // one or two letters
	digits string // six digits
	check  byte   // '0'-'9' or 'A'
}

// ErrFormat means the text is not shaped like an HKID at all (wrong letters, digit count or
// brackets).
var ErrFormat = errors.New("hkid: not an HKID number")

// CheckDigitError means the number is well formed but its check character is wrong (or missing):
// most often a typing slip. Want is the number with the right check character, so that the form
// can ask "HKID check digit does not match: A123456(3)?".
type CheckDigitError struct {
	Got  byte // the check character typed, 0 when none was
	Want ID
}

func (e *CheckDigitError) Error() string {
	if e.Got == 0 {
		return fmt.Sprintf("hkid: check digit missing: %s?", e.Want.Display())
	}
	return fmt.Sprintf("hkid: check digit does not match: %s?", e.Want.Display())
}

// Parse reads an HKID as people type it: any case and spacing, with or without the brackets
// around the check character ("a123456 3", "A123456(3)", "A1234563", "AB 987654 (1)"), and
// full-width characters from a Chinese input method. It returns ErrFormat or a *CheckDigitError.
func Parse(s string) (ID, error) {
	clean := make([]byte, 0, 12)
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E: // full-width ASCII, e.g. Ａ１２３（３）
			r -= 0xFEE0
		case r == 0x3000: // ideographic space
			r = ' '
		}
		switch {
		case r == ' ' || r == '\t' || r == '\u00a0':
			continue
		case r >= 'a' && r <= 'z':
			clean = append(clean, byte(r-'a'+'A'))
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '(', r == ')':
			clean = append(clean, byte(r))
		default:
			return ID{}, ErrFormat
		}
		if len(clean) > 11 {
			return ID{}, ErrFormat
		}
	}
	// Letters, then six digits, then the check character, optionally in brackets.
	n := 0
	for n < len(clean) && n < 3 && isLetter(clean[n]) {
		n++
	}
	if n < 1 || n > 2 || len(clean) < n+6 {
		return ID{}, ErrFormat
	}
	id := ID{prefix: string(clean[:n]), digits: string(clean[n : n+6])}
	for i := 0; i < 6; i++ {
		if !isDigit(id.digits[i]) {
			return ID{}, ErrFormat
		}
	}
	rest := clean[n+6:]
	var got byte
	switch {
	case len(rest) == 0:
		// No check character typed: tell the user which one it should be.
	case len(rest) == 1 && isCheckChar(rest[0]):
		got = rest[0]
	case len(rest) == 3 && rest[0] == '(' && rest[2] == ')' && isCheckChar(rest[1]):
		got = rest[1]
	default:
		return ID{}, ErrFormat
	}
	id.check = checkChar(id.prefix, id.digits)
	if got != id.check {
		return ID{}, &CheckDigitError{Got: got, Want: id}
	}
	return id, nil
}

// MustParse is Parse for numbers known to be good (tests, fixtures); it panics otherwise.
func MustParse(s string) ID {
	id, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return id
}

// New builds an ID from its letters and digits, computing the check character. It is for
// generating numbers (demo data, tests); prefix must be one or two capital letters and digits
// six digits, or it returns ErrFormat.
func New(prefix, digits string) (ID, error) {
	if len(prefix) < 1 || len(prefix) > 2 || len(digits) != 6 {
		return ID{}, ErrFormat
	}
	for i := 0; i < len(prefix); i++ {
		if !isLetter(prefix[i]) {
			return ID{}, ErrFormat
		}
	}
	for i := 0; i < 6; i++ {
		if !isDigit(digits[i]) {
			return ID{}, ErrFormat
		}
	}
	return ID{prefix: prefix, digits: digits, check: checkChar(prefix, digits)}, nil
}

// checkChar computes the check character. Letters count A=10 ... Z=35 and a single-letter prefix
// is preceded by a space worth 36; weights 9 down to 2 over the eight positions; the check is
// 11 - (sum mod 11), where 11 is written 0 and 10 is written A.
func checkChar(prefix, digits string) byte {
	sum := 0
	w := 9
	if len(prefix) == 1 {
		sum += 36 * w
		w--
	}
	for i := 0; i < len(prefix); i++ {
		sum += int(prefix[i]-'A'+10) * w
		w--
	}
	for i := 0; i < len(digits); i++ {
		sum += int(digits[i]-'0') * w
		w--
	}
	switch c := 11 - sum%11; c {
	case 11:
		return '0'
	case 10:
		return 'A'
	default:
		return byte('0' + c)
	}
}

// IsZero reports whether the ID is empty.
func (id ID) IsZero() bool { return id.prefix == "" }

// Normal is the stored form, without brackets: "A1234563".
func (id ID) Normal() string {
	if id.IsZero() {
		return ""
	}
	return id.prefix + id.digits + string(id.check)
}

// Display is the written form, with the check character in brackets: "A123456(3)".
func (id ID) Display() string {
	if id.IsZero() {
		return ""
	}
	return id.prefix + id.digits + "(" + string(id.check) + ")"
}

// Masked is the form for lists, search results and printouts that do not need the full number:
// "A123***(*)". The letters and first three digits are enough for the front desk to tell two
// patients apart and to confirm against the card in hand; the check character is hidden too,
// because it can be computed from the rest and showing it would cut the hidden three digits from
// 1,000 candidates to about 90.
func (id ID) Masked() string {
	if id.IsZero() {
		return ""
	}
	return id.prefix + id.digits[:3] + "***(*)"
}

// String is the masked form, so that an ID that ends up in a log line or an error message does
// not leak the full number. Use Display or Normal on purpose.
func (id ID) String() string { return id.Masked() }

// Prefix returns the letters and Digits the six digits; the check character is Check.
func (id ID) Prefix() string { return id.prefix }

// Digits returns the six digits.
func (id ID) Digits() string { return id.digits }

// Check returns the check character.
func (id ID) Check() byte { return id.check }

// Mask masks an already normalised number ("A1234563") without checking it, for numbers read
// back from the database. Text that is not HKID-shaped keeps its first third and hides the rest,
// so that other documents (passports) are masked too.
func Mask(normal string) string {
	if id, err := Parse(normal); err == nil {
		return id.Masked()
	}
	normal = strings.TrimSpace(normal)
	if normal == "" {
		return ""
	}
	keep := len(normal) / 3
	return normal[:keep] + strings.Repeat("*", len(normal)-keep)
}

func isLetter(c byte) bool    { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool     { return c >= '0' && c <= '9' }
func isCheckChar(c byte) bool { return isDigit(c) || c == 'A' }
