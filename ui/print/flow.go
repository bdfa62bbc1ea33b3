package print

import (
	"strings"
	"unicode"
)

const (
	ptToMM      = 25.4 / 72
	lineSpacing = 1.2 // line advance, in ems
	ruleHeight  = 1.0 // mm taken by a separator line
	ellipsis    = "…"
)

// block is a paragraph of a label: spans that share a line while they fit
// side by side (an English name and its Chinese name), each wrapping onto
// lines of its own when it does not.
type block struct {
	spans []span
	scale float64 // size relative to the label's base size
	right int     // the last right spans are right-aligned (a date, "1 of 2")
	// maxLines, if not 0, cuts the block to that many lines, the last ending
	// in "…"; for labels that cannot continue on another label.
	maxLines int
	rule     bool // a thin separator instead of text
	// keepWithNext keeps the block on the same label as the next one, as an
	// instruction with its translation.
	keepWithNext bool
}

type placed struct {
	span
	x, w float64 // from the left of the label's printable area
}

// line is one row of a label, ready to draw.
type line struct {
	parts  []placed
	size   float64 // points
	height float64 // mm
	rule   bool
}

func height(lines []line) float64 {
	h := 0.0
	for _, ln := range lines {
		h += ln.height
	}
	return h
}

// lines lays a block out at base size into lines no wider than width.
func (d *doc) lines(b block, base, width float64) []line {
	if b.rule {
		return []line{{rule: true, height: ruleHeight}}
	}
	size := base * b.scale
	em := size * ptToMM
	gap := em * 0.6
	var out []line
	var cur []placed
	x := 0.0
	rightStart := -1 // index in cur of the first right-aligned part
	flush := func() {
		if len(cur) > 0 {
			out = append(out, line{parts: cur, size: size, height: em * lineSpacing})
		}
		cur, x, rightStart = nil, 0, -1
	}
	first := len(b.spans) - b.right
	for i, sp := range b.spans {
		if sp.text == "" {
			continue
		}
		w := d.width(sp.text, sp.face, size)
		if len(cur) > 0 && x+gap+w <= width {
			if i >= first && rightStart < 0 {
				rightStart = len(cur)
			}
			cur = append(cur, placed{sp, x + gap, w})
			x += gap + w
			continue
		}
		flush()
		if w <= width {
			if i >= first && len(out) > 0 {
				rightStart = 0 // alone below the others, still on the right
			}
			cur = append(cur, placed{sp, 0, w})
			x = w
			continue
		}
		wrapped := d.wrap(sp.text, sp.face, size, width)
		for k, text := range wrapped {
			cur = []placed{{span{text, sp.face}, 0, d.width(text, sp.face, size)}}
			x = cur[0].w
			if k < len(wrapped)-1 {
				flush()
			}
		}
		// The last wrapped line stays open: a short span such as a quantity
		// may still join it.
	}
	if rightStart >= 0 {
		// Push the right-aligned group to the right edge.
		shift := width - x
		for k := rightStart; k < len(cur); k++ {
			cur[k].x += shift
		}
	}
	flush()
	if b.maxLines > 0 && len(out) > b.maxLines {
		out = out[:b.maxLines]
		d.ellipsize(&out[len(out)-1], width)
	}
	return out
}

// ellipsize shortens the last part of ln so that it and "…" fit in width.
func (d *doc) ellipsize(ln *line, width float64) {
	for len(ln.parts) > 0 {
		p := &ln.parts[len(ln.parts)-1]
		runes := []rune(strings.TrimRight(p.text, " "))
		for len(runes) > 0 {
			text := strings.TrimRight(string(runes), " ") + ellipsis
			if w := d.width(text, p.face, ln.size); p.x+w <= width {
				p.text, p.w = text, w
				return
			}
			runes = runes[:len(runes)-1]
		}
		ln.parts = ln.parts[:len(ln.parts)-1]
	}
}

// wrap breaks text into lines no wider than width, between words and
// between Chinese characters; a word longer than a line is broken anywhere.
func (d *doc) wrap(text string, fc face, size, width float64) []string {
	measure := func(s string) float64 { return d.width(s, fc, size) }
	var out []string
	cur := ""
	emit := func() {
		if s := strings.TrimRight(cur, " "); s != "" {
			out = append(out, s)
		}
		cur = ""
	}
	for _, tok := range breakTokens(text) {
		if measure(strings.TrimRight(cur+tok, " ")) <= width {
			cur += tok
			continue
		}
		emit()
		tok = strings.TrimLeft(tok, " ")
		if measure(strings.TrimRight(tok, " ")) <= width {
			cur = tok
			continue
		}
		for _, r := range tok {
			if r != ' ' && cur != "" && measure(cur+string(r)) > width {
				emit()
			}
			if cur == "" && r == ' ' {
				continue
			}
			cur += string(r)
		}
	}
	emit()
	return out
}

// breakTokens splits text at the places a line may break: after spaces,
// around Chinese characters (but not before closing punctuation such as
// "，" or after opening "「"), and after a hyphen or slash inside a word, as
// in "Amoxicillin/Clavulanate". A date or a number never breaks: not after
// the slash or hyphen of "23/11/2026", "2026-11-23" or "3-5", nor between
// the figures and the 年, 月 and 日 of "2026年11月23日".
func breakTokens(text string) []string {
	var toks []string
	start := 0
	before, prev := rune(-1), rune(-1)
	for i, r := range text {
		if prev >= 0 && canBreak(before, prev, r) {
			toks = append(toks, text[start:i])
			start = i
		}
		before, prev = prev, r
	}
	if start < len(text) {
		toks = append(toks, text[start:])
	}
	return toks
}

// canBreak reports whether a line may break between a and b; before is the
// character ahead of a (-1 at the start).
func canBreak(before, a, b rune) bool {
	switch {
	case b == ' ' || noBreakBefore(b) || noBreakAfter(a):
		return false
	case a == ' ':
		return true
	case isDigit(a) && strings.ContainsRune(dateUnits, b), strings.ContainsRune(dateUnits, a) && isDigit(b):
		return false // 2026年11月23日, 10時30分
	case isWide(a) || isWide(b):
		return true
	case a == '-' || a == '/':
		return !(isDigit(before) && isDigit(b)) // 23/11/2026, 2026-11-23, 3-5
	}
	return false
}

// dateUnits are the Chinese characters that follow the figures of a date or
// a time and stay on their line.
const dateUnits = "年月日時分秒號"

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// isWide is a Chinese (or other CJK) character, between any two of which a
// line may break.
func isWide(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x30FF ||
		r >= 0xFF00 && r <= 0xFFEF || unicode.Is(unicode.Hangul, r))
}

func noBreakBefore(r rune) bool {
	return strings.ContainsRune("，。、；：！？）」』〉》】〕．,.;:!?)]}…%", r)
}

func noBreakAfter(r rune) bool {
	return strings.ContainsRune("（「『〈《【〔([{", r)
}
