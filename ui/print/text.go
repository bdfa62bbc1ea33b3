package print

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Replacements shown in place of characters a document cannot draw. They are
// visible on purpose: a name that silently loses a character is a wrong name.
const (
	replacementBox      = "□" // U+25A1, for the Chinese font when it has the glyph
	replacementQuestion = "?" // for fonts without □ (the built-in Helvetica)
)

// SafeText returns s with every character gofpdf cannot draw replaced by □,
// and the characters it replaced (each once, in order of appearance) so the
// caller can log them.
//
// gofpdf panics on runes above U+FFFF, such as 𨋢 (U+282E2), which appear in
// Hong Kong names; control characters and invalid UTF-8 would print as junk.
// Tabs and line breaks become spaces, and variation selectors are dropped so
// the character they modify still prints.
func SafeText(s string) (string, []rune) {
	return cleanText(s, func(r rune) bool { return r <= 0xFFFF }, replacementBox)
}

// cleanText is SafeText for a particular font: runes for which drawable
// returns false are replaced by repl too.
func cleanText(s string, drawable func(rune) bool, repl string) (string, []rune) {
	if isPlain(s, drawable) {
		return s, nil
	}
	var b strings.Builder
	var replaced []rune
	note := func(r rune) {
		for _, seen := range replaced {
			if seen == r {
				return
			}
		}
		replaced = append(replaced, r)
	}
	for i, r := range s {
		switch {
		case r == utf8.RuneError && isInvalidAt(s, i):
			b.WriteString(repl)
			note(r)
		case r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f':
			b.WriteByte(' ')
		case isVariationSelector(r):
			// Drop: it only picks a glyph variant of the previous character.
		case unicode.IsControl(r) || r > 0xFFFF || !drawable(r):
			b.WriteString(repl)
			note(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), replaced
}

// isPlain is the fast path: most text needs no change at all.
func isPlain(s string, drawable func(rune) bool) bool {
	for i, r := range s {
		if r < 0x20 || r == 0x7F || r > 0xFFFF || (r == utf8.RuneError && isInvalidAt(s, i)) ||
			(r >= 0x80 && (unicode.IsControl(r) || isVariationSelector(r))) || !drawable(r) {
			return false
		}
	}
	return true
}

func isInvalidAt(s string, i int) bool {
	_, size := utf8.DecodeRuneInString(s[i:])
	return size <= 1
}

func isVariationSelector(r rune) bool {
	return r >= 0xFE00 && r <= 0xFE0F || r >= 0xE0100 && r <= 0xE01EF
}

// cp1252 maps the characters of Windows-1252 outside Latin-1 to their bytes.
// gofpdf's built-in fonts (Helvetica) take text in this encoding.
var cp1252 = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87,
	'ˆ': 0x88, '‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91,
	'’': 0x92, '“': 0x93, '”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98,
	'™': 0x99, 'š': 0x9A, '›': 0x9B, 'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

func cp1252Byte(r rune) (byte, bool) {
	if r >= 0x20 && r < 0x7F || r >= 0xA0 && r <= 0xFF {
		return byte(r), true
	}
	b, ok := cp1252[r]
	return b, ok
}

func inCP1252(r rune) bool {
	_, ok := cp1252Byte(r)
	return ok
}

// isLatin reports whether Helvetica can draw all of s.
func isLatin(s string) bool {
	for _, r := range s {
		if !inCP1252(r) {
			return false
		}
	}
	return true
}

// encodeCP1252 converts text already checked with isLatin.
func encodeCP1252(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	b := make([]byte, 0, len(s))
	for _, r := range s {
		c, ok := cp1252Byte(r)
		if !ok {
			c = '?'
		}
		b = append(b, c)
	}
	return string(b)
}
