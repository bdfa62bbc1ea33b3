package print

import (
	"fmt"
	"io"
	"strings"
)

// DrugLabel is the dispensing label of one prescribed item. The Pharmacy
// and Poisons Regulations want the instructions in English and Chinese;
// Language picks which of them print ("en", "zh" or "both", the default).
// Names (clinic, patient) always print in both scripts.
type DrugLabel struct {
	ClinicName, ClinicNameZH, ClinicAddress, ClinicPhone string
	PatientNameEN, PatientNameZH                         string
	Date                                                 string
	DrugName                                             string // with strength
	Quantity                                             string
	DoseEN, DoseZH                                       string // "Take 1 tablet 3 times a day" / 「每日三次，每次一粒」
	RouteDurationEN, RouteDurationZH                     string
	CautionsEN, CautionsZH                               []string
	Doctor                                               string
	Language                                             string
}

const (
	drugMaxBase = 11.0
	drugMinBase = 6.5
)

// WriteDrugLabels writes one label per item, all in one PDF so a visit's
// labels are one print job. An item too long for one label even at the
// smallest size continues on more labels, each marked "1 of 2" (第1/2張)
// and repeating the patient and drug so it cannot be mixed up.
func WriteDrugLabels(w io.Writer, f *Fonts, labels []DrugLabel, layout LabelLayout) error {
	if len(labels) == 0 {
		return errNothingToPrint
	}
	if len(labels) > maxLabels {
		return fmt.Errorf("print: %d drug labels asked for; at most %d at a time", len(labels), maxLabels)
	}
	return render(w, f, layout, "drug labels", func(d *doc) error {
		items := make([]drugContent, len(labels))
		for i, l := range labels {
			items[i] = d.drugContent(l)
		}
		if err := d.embedChinese(); err != nil {
			return err
		}
		slot := 0
		for i, c := range items {
			pages, err := d.fitDrugLabel(c, layout.contentW(), layout.contentH())
			if err != nil {
				return fmt.Errorf("print: drug label %d (%s): %w", i+1, labels[i].DrugName, err)
			}
			for _, pg := range pages {
				page, x, y := layout.content(slot)
				d.newPage(page)
				d.drawLines(pg.body, x, y, layout.contentW())
				d.drawLines(pg.footer, x, y+layout.contentH()-height(pg.footer), layout.contentW())
				slot++
			}
		}
		return nil
	})
}

// drugContent is a drug label's text, made safe, in printing order.
type drugContent struct {
	header []block // clinic and patient, then...
	drug   block   // ...the drug and quantity, all on the first label
	body   []block
	doctor span
	cont   []block // heads each continuation label: patient and drug
}

func (d *doc) drugContent(l DrugLabel) drugContent {
	lang := strings.ToLower(strings.TrimSpace(l.Language))
	wantEN, wantZH := lang != "zh", lang != "en"
	// instruction gives the English and Chinese of one instruction as the
	// language asks, falling back to whichever exists and can print.
	instruction := func(en, zh string) (span, span) {
		z := d.zh(zh)
		useZH := wantZH && z.text != ""
		useEN := wantEN || !useZH
		var e span
		if useEN {
			e = d.en(en, false)
		}
		if !useZH {
			z = span{}
		}
		return e, z
	}

	patient := block{spans: []span{d.en(l.PatientNameEN, false), d.zh(l.PatientNameZH), d.en(l.Date, false)},
		scale: 0.9, right: 1}
	c := drugContent{
		header: []block{
			{spans: []span{d.en(l.ClinicName, true), d.zh(l.ClinicNameZH)}, scale: 1},
			{spans: []span{d.en(l.ClinicAddress, false), d.en(prefixed("Tel ", l.ClinicPhone), false)}, scale: 0.8},
			{rule: true},
			patient,
		},
		drug:   block{spans: []span{d.en(l.DrugName, true), d.en(l.Quantity, true)}, scale: 1.15, right: 1},
		doctor: d.en(l.Doctor, false),
	}
	// On a continuation label one line of the drug name identifies it.
	c.cont = []block{patient, {spans: c.drug.spans[:1], scale: c.drug.scale, maxLines: 1}}

	doseEN, doseZH := instruction(l.DoseEN, l.DoseZH)
	doseEN.face = boldOf(doseEN.face)
	c.body = append(c.body,
		block{spans: []span{doseEN}, scale: 1.15, keepWithNext: doseZH.text != ""},
		block{spans: []span{doseZH}, scale: 1.25})
	routeEN, routeZH := instruction(l.RouteDurationEN, l.RouteDurationZH)
	c.body = append(c.body, block{spans: []span{routeEN, routeZH}, scale: 0.95})
	for i := 0; i < max(len(l.CautionsEN), len(l.CautionsZH)); i++ {
		en, zh := instruction(at(l.CautionsEN, i), at(l.CautionsZH, i))
		c.body = append(c.body, block{spans: []span{en, zh}, scale: 0.95})
	}
	return c
}

func boldOf(fc face) face {
	if fc == faceLatin {
		return faceLatinBold
	}
	return fc
}

func prefixed(prefix, s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return prefix + s
}

func at(list []string, i int) string {
	if i < len(list) {
		return list[i]
	}
	return ""
}

// drugPage is what one physical label shows.
type drugPage struct {
	body, footer []line
}

// fitDrugLabel lays an item out on as few labels as possible, and on those
// at the largest size that keeps that number.
func (d *doc) fitDrugLabel(c drugContent, w, h float64) ([]drugPage, error) {
	for base := drugMaxBase; base >= drugMinBase-1e-9; base -= sizeStep {
		flow := d.drugFlow(c, base, w)
		footer := d.lines(d.drugFooter(c, 0, 0), base, w)
		total := height(footer)
		for _, b := range flow {
			total += height(b)
		}
		if total <= h {
			var body []line
			for _, b := range flow {
				body = append(body, b...)
			}
			return []drugPage{{body: body, footer: footer}}, nil
		}
	}
	// Several labels. Count them at the smallest size, first repeating the
	// patient and drug on each, and without that if they take all the room.
	for _, repeat := range []bool{true, false} {
		fewest, ok := d.paginateDrug(c, drugMinBase, w, h, repeat)
		if !ok {
			continue
		}
		for base := drugMaxBase; base > drugMinBase; base -= sizeStep {
			if pages, ok := d.paginateDrug(c, base, w, h, repeat); ok && len(pages) == len(fewest) {
				return d.markDrugPages(c, pages, base, w), nil
			}
		}
		return d.markDrugPages(c, fewest, drugMinBase, w), nil
	}
	return nil, fmt.Errorf("the label is too small to print it")
}

// drugFlow lays out an item's blocks, in groups that should stay on one
// label together.
func (d *doc) drugFlow(c drugContent, base, w float64) [][]line {
	var flow [][]line
	var carry []line
	blocks := append(append(append([]block(nil), c.header...), c.drug), c.body...)
	for _, b := range blocks {
		group := append(carry, d.lines(b, base, w)...)
		if b.keepWithNext {
			carry = group
			continue
		}
		flow, carry = append(flow, group), nil
	}
	if carry != nil {
		flow = append(flow, carry)
	}
	return flow
}

// drugFooter is the doctor and, on split items, "1 of 2 第1/2張".
func (d *doc) drugFooter(c drugContent, page, pages int) block {
	b := block{spans: []span{c.doctor}, scale: 0.8}
	if pages > 0 {
		b.spans = append(b.spans,
			d.en(fmt.Sprintf("%d of %d", page, pages), true),
			d.zh(fmt.Sprintf("第%d/%d張", page, pages)))
		b.right = 2
	}
	return b
}

// paginateDrug fills labels with the flow, keeping a block (an instruction
// with its translation) on one label where it fits on one. It reports false
// when a line cannot fit on a label at all.
func (d *doc) paginateDrug(c drugContent, base, w, h float64, repeat bool) ([][]line, bool) {
	// Room for the widest marker, so the real, narrower one always fits.
	footH := height(d.lines(d.drugFooter(c, 99, 99), base, w))
	var contH float64
	if repeat {
		for _, b := range c.cont {
			contH += height(d.lines(b, base, w))
		}
	}
	first, next := h-footH, h-footH-contH
	var pages [][]line
	var cur []line
	room := first
	newLabel := func() {
		pages = append(pages, cur)
		cur, room = nil, next
		if repeat {
			for _, b := range c.cont {
				cur = append(cur, d.lines(b, base, w)...)
			}
		}
	}
	for _, b := range d.drugFlow(c, base, w) {
		bh := height(b)
		if bh <= room {
			cur, room = append(cur, b...), room-bh
			continue
		}
		if bh <= next && len(cur) > 0 {
			newLabel()
			cur, room = append(cur, b...), room-bh
			continue
		}
		for _, ln := range b {
			if ln.height > room {
				if ln.height > next {
					return nil, false
				}
				newLabel()
			}
			if ln.rule && room == next {
				continue // no separator at the top of a continuation label
			}
			cur, room = append(cur, ln), room-ln.height
		}
	}
	pages = append(pages, cur)
	return pages, true
}

func (d *doc) markDrugPages(c drugContent, bodies [][]line, base, w float64) []drugPage {
	pages := make([]drugPage, len(bodies))
	for i, body := range bodies {
		pages[i] = drugPage{body: body, footer: d.lines(d.drugFooter(c, i+1, len(bodies)), base, w)}
	}
	return pages
}
