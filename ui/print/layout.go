package print

import (
	"fmt"
	"math"
)

// LabelLayout places labels on pages. All lengths are in millimetres. A
// label-printer roll is one label per page (Cols = Rows = 1, page = label);
// a sheet of stickers for an office printer is a grid.
type LabelLayout struct {
	Name           string
	PageW, PageH   float64
	Cols, Rows     int
	LabelW, LabelH float64
	MarginLeft     float64 // page edge to the first column
	MarginTop      float64 // page edge to the first row
	GapX, GapY     float64 // between labels
	// OffsetX and OffsetY move everything on the page, to calibrate a
	// printer whose feed is off by a millimetre or two.
	OffsetX, OffsetY float64
	// Padding is the blank border kept inside each label, because printers
	// cannot print to the very edge; 0 means the default of 2 mm.
	Padding float64
}

// Presets for patient (chart and specimen) labels.
var (
	// Roll62x29 is a 62 x 29 mm die-cut label on a label printer roll.
	Roll62x29 = LabelLayout{Name: "Roll62x29", PageW: 62, PageH: 29, Cols: 1, Rows: 1, LabelW: 62, LabelH: 29}
	// A4_3x8 is an A4 sheet of 24 stickers of 70 x 37 mm, 3 across and 8
	// down; office printers cannot print near the sheet's edge, hence the
	// wider padding.
	A4_3x8 = LabelLayout{Name: "A4_3x8", PageW: 210, PageH: 297, Cols: 3, Rows: 8,
		LabelW: 70, LabelH: 37, MarginTop: 0.5, Padding: 4}
)

// Presets for dispensing labels, one label per page on a roll. Clinics
// calibrate them through OffsetX and OffsetY.
var (
	Drug62x29 = LabelLayout{Name: "Drug62x29", PageW: 62, PageH: 29, Cols: 1, Rows: 1, LabelW: 62, LabelH: 29, Padding: 1.5}
	Drug80x50 = LabelLayout{Name: "Drug80x50", PageW: 80, PageH: 50, Cols: 1, Rows: 1, LabelW: 80, LabelH: 50}
	// Drug4x2in is the 4 x 2 inch label common on US-made thermal printers.
	Drug4x2in = LabelLayout{Name: "Drug4x2in", PageW: 101.6, PageH: 50.8, Cols: 1, Rows: 1, LabelW: 101.6, LabelH: 50.8}
)

const (
	defaultPadding = 2.0
	// Below these the text of a label cannot be laid out legibly.
	minContentW = 20.0
	minContentH = 10.0
	maxOffset   = 20.0
)

// padding is the border inside each label.
func (l LabelLayout) padding() float64 {
	if l.Padding == 0 {
		return defaultPadding
	}
	return l.Padding
}

// validate rejects a layout that cannot be printed, for example a clinic's
// settings with labels wider than the page, with a message for the admin.
func (l LabelLayout) validate() error {
	name := l.Name
	if name == "" {
		name = "custom"
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("print: label layout %q: %s", name, fmt.Sprintf(format, args...))
	}
	for _, v := range []float64{l.PageW, l.PageH, l.LabelW, l.LabelH, l.MarginLeft, l.MarginTop,
		l.GapX, l.GapY, l.OffsetX, l.OffsetY, l.Padding} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return bad("a size is not a number")
		}
	}
	switch {
	case l.PageW <= 0 || l.PageH <= 0 || l.LabelW <= 0 || l.LabelH <= 0:
		return bad("page and label sizes must be positive")
	case l.PageW > 1000 || l.PageH > 1000:
		return bad("page larger than 1 m")
	case l.Cols < 1 || l.Rows < 1 || l.Cols > 50 || l.Rows > 50:
		return bad("columns and rows must be between 1 and 50")
	case l.MarginLeft < 0 || l.MarginTop < 0 || l.GapX < 0 || l.GapY < 0 || l.Padding < 0:
		return bad("margins, gaps and padding cannot be negative")
	case math.Abs(l.OffsetX) > maxOffset || math.Abs(l.OffsetY) > maxOffset:
		return bad("calibration offsets beyond %g mm", maxOffset)
	}
	const slack = 0.5 // rounding in published label sizes
	if w := l.MarginLeft + float64(l.Cols)*l.LabelW + float64(l.Cols-1)*l.GapX; w > l.PageW+slack {
		return bad("%d columns need %.1f mm but the page is %.1f mm wide", l.Cols, w, l.PageW)
	}
	if h := l.MarginTop + float64(l.Rows)*l.LabelH + float64(l.Rows-1)*l.GapY; h > l.PageH+slack {
		return bad("%d rows need %.1f mm but the page is %.1f mm high", l.Rows, h, l.PageH)
	}
	if w, h := l.contentW(), l.contentH(); w < minContentW || h < minContentH {
		return bad("labels leave only %.1f x %.1f mm inside the padding; at least %g x %g mm is needed",
			w, h, minContentW, minContentH)
	}
	return nil
}

func (l LabelLayout) contentW() float64 { return l.LabelW - 2*l.padding() }
func (l LabelLayout) contentH() float64 { return l.LabelH - 2*l.padding() }

func (l LabelLayout) perPage() int { return l.Cols * l.Rows }

// content returns the page of label i (counting from 0 across pages, row by
// row) and the top-left corner of its printable area.
func (l LabelLayout) content(i int) (page int, x, y float64) {
	page, k := i/l.perPage(), i%l.perPage()
	col, row := k%l.Cols, k/l.Cols
	x = l.OffsetX + l.MarginLeft + float64(col)*(l.LabelW+l.GapX) + l.padding()
	y = l.OffsetY + l.MarginTop + float64(row)*(l.LabelH+l.GapY) + l.padding()
	return page, x, y
}
