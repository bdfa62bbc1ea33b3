package print

// sizeStep is how much, in points, a label's base size shrinks per attempt
// to fit its text.
const sizeStep = 0.5

// baselineAt is where text of a line sits: centred in the line's height,
// with the ascent of both Helvetica and CJK faces (about 0.8 em) above it.
func baselineAt(ln line, top float64) float64 {
	em := ln.size * ptToMM
	return top + (ln.height-em)/2 + 0.82*em
}

// drawLines draws lines from top, within width, and returns the y below them.
func (d *doc) drawLines(lines []line, x, top, width float64) float64 {
	for _, ln := range lines {
		if ln.rule {
			d.pdf.SetDrawColor(0, 0, 0)
			d.pdf.SetLineWidth(0.2)
			d.pdf.Line(x, top+ln.height/2, x+width, top+ln.height/2)
		}
		base := baselineAt(ln, top)
		for _, p := range ln.parts {
			d.draw(p.span, ln.size, x+p.x, base)
		}
		top += ln.height
	}
	return top
}

// newPage starts page (counting from 0) if it is not begun yet.
func (d *doc) newPage(page int) {
	for d.pdf.PageNo() <= page {
		d.pdf.AddPage() // gofpdf carries the current font over
	}
}
