package print

import (
	"fmt"
	"io"
	"strings"
)

// PatientLabel is what a patient sticker (for charts, specimen bottles and
// forms) shows. The caller formats every field.
type PatientLabel struct {
	NameEN, NameZH, Sex string
	Age                 string
	DOB                 string
	PatientNo           string
	MaskedID            string // e.g. "A123***(*)"
}

// maxLabels guards against a typo such as 1000 for 10 stickers.
const maxLabels = 500

const (
	patientMaxBase = 11.0
	patientMinBase = 6.0
	barcodeMinH    = 5.0 // mm; shorter bars are hard to scan by hand
	barcodeMaxH    = 10.0
	barcodeGap     = 1.0 // mm between the text and the bars
)

// WritePatientLabels writes n identical stickers for one patient.
func WritePatientLabels(w io.Writer, f *Fonts, p PatientLabel, n int, layout LabelLayout) error {
	if n < 1 {
		return errNothingToPrint
	}
	if n > maxLabels {
		return fmt.Errorf("print: %d patient labels asked for; at most %d at a time", n, maxLabels)
	}
	return render(w, f, layout, "patient labels", func(d *doc) error {
		content := d.patientContent(p)
		if err := d.embedChinese(); err != nil {
			return err
		}
		plan := d.fitPatientLabel(content, layout.contentW(), layout.contentH())
		for i := 0; i < n; i++ {
			page, x, y := layout.content(i)
			d.newPage(page)
			d.drawPatientLabel(plan, x, y, layout.contentW(), layout.contentH())
		}
		return nil
	})
}

// patientContent is a patient label's text, made safe, before layout.
type patientContent struct {
	name, nameZH, details []span
	number                span
	bars                  []bool // Code 128 of the patient number; nil if none
}

func (d *doc) patientContent(p PatientLabel) patientContent {
	c := patientContent{
		name:   []span{d.en(p.NameEN, true), d.en(joinNonEmpty(" / ", p.Sex, p.Age), false)},
		nameZH: []span{d.zh(p.NameZH)},
		number: d.en(p.PatientNo, true),
	}
	if p.DOB != "" {
		c.details = append(c.details, d.en("DOB "+p.DOB, false))
	}
	if p.MaskedID != "" {
		c.details = append(c.details, d.en("ID "+p.MaskedID, false))
	}
	if no := strings.TrimSpace(p.PatientNo); no != "" {
		bars, err := code128Modules(no)
		if err != nil {
			d.fonts.log().Warn("print: patient number cannot be a barcode", "err", err)
		}
		c.bars = bars
	}
	return c
}

// patientPlan is a patient label laid out within its printable area.
type patientPlan struct {
	text   []line
	bars   []bool
	module float64 // mm per barcode module
	barX   float64 // indent of the bars, for their quiet zone
	barH   float64
	number []line // beside the bars; nil when it is among text instead
}

// fitPatientLabel picks the largest size at which everything fits. Unlike a
// drug label, a sticker cannot continue on another, so at the smallest size
// long text is cut with "…", then the barcode is dropped, and lines that
// still do not fit are left off, never printed over the edge.
func (d *doc) fitPatientLabel(c patientContent, w, h float64) patientPlan {
	var plan patientPlan
	for base := patientMaxBase; base >= patientMinBase-1e-9; base -= sizeStep {
		plan = d.layoutPatientLabel(c, base, w, 2)
		if height(plan.text)+plan.barsNeed() <= h {
			plan.barH = min(barcodeMaxH, h-height(plan.text)-barcodeGap)
			return plan
		}
	}
	plan = d.layoutPatientLabel(c, patientMinBase, w, 1)
	if height(plan.text)+plan.barsNeed() > h {
		plan.bars = nil
		if plan.number != nil {
			plan.text = append(plan.text, plan.number...)
			plan.number = nil
		}
	}
	for len(plan.text) > 0 && height(plan.text) > h {
		plan.text = plan.text[:len(plan.text)-1]
	}
	if plan.bars != nil {
		plan.barH = min(barcodeMaxH, h-height(plan.text)-barcodeGap)
	}
	return plan
}

func (p patientPlan) barsNeed() float64 {
	if p.bars == nil {
		return 0
	}
	return barcodeGap + barcodeMinH
}

func (d *doc) layoutPatientLabel(c patientContent, base, w float64, nameLines int) patientPlan {
	p := patientPlan{bars: c.bars}
	p.text = append(p.text, d.lines(block{spans: c.name, scale: 1, right: 1, maxLines: nameLines}, base, w)...)
	p.text = append(p.text, d.lines(block{spans: c.nameZH, scale: 1.25, maxLines: 1}, base, w)...)
	p.text = append(p.text, d.lines(block{spans: c.details, scale: 0.8, right: 1, maxLines: 2}, base, w)...)
	number := d.lines(block{spans: []span{c.number}, scale: 1, maxLines: 1}, base, w)
	if p.bars == nil {
		p.text = append(p.text, number...)
		return p
	}
	// The number sits beside the bars if they stay wide enough to scan;
	// a long number goes above them instead. Code 128 wants a blank quiet
	// zone of 10 modules either side: the label's padding gives part of it
	// on the left, the gap before the number (or the padding) on the right.
	numberW := 0.0
	if len(number) > 0 && len(number[0].parts) > 0 {
		numberW = number[0].parts[0].w
	}
	p.module, p.barX = barcodeFit(len(p.bars), w-numberW-quietZone, d.layout.padding())
	if p.module >= minModule {
		p.number = number
		return p
	}
	p.text = append(p.text, number...)
	p.module, p.barX = barcodeFit(len(p.bars), w-max(0, quietZone-d.layout.padding()), d.layout.padding())
	return p
}

// quietZone is 10 of the widest modules.
const quietZone = 10 * maxModule

// barcodeFit returns the module width for n modules in avail mm, and how far
// to indent the bars so that, with the pad outside the printable area, 10
// modules stay blank on their left.
func barcodeFit(n int, avail, pad float64) (module, indent float64) {
	module = min(maxModule, avail/float64(n))
	if 10*module > pad {
		// Solve n*module + (10*module - pad) = avail.
		module = min(module, (avail+pad)/float64(n+10))
		indent = max(0, 10*module-pad)
	}
	return module, indent
}

func (d *doc) drawPatientLabel(p patientPlan, x, y, w, h float64) {
	d.drawLines(p.text, x, y, w)
	if p.bars == nil || p.barH <= 0 {
		return
	}
	barY := y + h - p.barH
	d.drawBarcode(p.bars, x+p.barX, barY, p.module, p.barH)
	if len(p.number) > 0 {
		ln := p.number[0]
		ln.parts = append([]placed(nil), ln.parts...)
		for i := range ln.parts {
			ln.parts[i].x = w - ln.parts[i].w
		}
		d.drawLines([]line{ln}, x, barY+(p.barH-ln.height)/2, w)
	}
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" {
			keep = append(keep, s)
		}
	}
	return strings.Join(keep, sep)
}
