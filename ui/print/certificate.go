package print

import (
	"io"
	"strings"
)

// Certificate is an A4 document issued from a visit: a sick leave or attendance certificate, a
// referral letter or a visit summary. The caller writes every text in the languages it wants
// printed (English, Chinese or both: a part left empty is not printed), so this file knows the
// page, not the wording.
type Certificate struct {
	ClinicName, ClinicNameZH, ClinicAddress, ClinicPhone string
	TitleEN, TitleZH                                     string
	Number                                               string // "SL-2026-000012"
	NumberLabel                                          string // "No. 編號"
	Copy                                                 bool   // stamped COPY: a reprint
	CopyLabel                                            string // "COPY 副本"
	Facts                                                []Fact // label and value rows: patient, dates
	Body                                                 []Para // paragraphs, each in one or both languages
	Signature                                            []string
}

// Fact is one labelled row: "Patient 病人: CHAN Tai Man 陳大文".
type Fact struct {
	Label   string // both languages already joined as wanted: "Patient 病人"
	Value   string
	ValueZH string
}

// Para is one paragraph in English and/or Chinese; line breaks start new lines.
type Para struct {
	EN, ZH string
	Bold   bool
}

// A4 page with the margins of a letter.
var certificatePage = LabelLayout{Name: "A4", PageW: 210, PageH: 297, Cols: 1, Rows: 1, LabelW: 210, LabelH: 297, Padding: 20}

const certificateBase = 11.0

// WriteCertificate writes the document, over as many pages as its text needs.
func WriteCertificate(w io.Writer, f *Fonts, c Certificate) error {
	if c.TitleEN == "" && c.TitleZH == "" {
		return errNothingToPrint
	}
	return render(w, f, certificatePage, "certificate", func(d *doc) error {
		head, body, stamp := d.certificateContent(c)
		if err := d.embedChinese(); err != nil {
			return err
		}
		width := certificatePage.contentW()
		_, x, top := certificatePage.content(0)
		bottom := top + certificatePage.contentH()
		var lines []line
		for _, b := range append(head, body...) {
			if b.maxLines < 0 { // a spacer
				lines = append(lines, line{height: certificateBase * ptToMM * b.scale})
				continue
			}
			lines = append(lines, d.lines(b, certificateBase, width)...)
		}
		page, y := 0, top
		d.newPage(0)
		d.stamp(stamp, x, top, width)
		for i, ln := range lines {
			if y+ln.height > bottom && float64(i) > 0 && y > top {
				page++
				d.newPage(page)
				d.stamp(stamp, x, top, width)
				y = top
			}
			y = d.drawLines([]line{ln}, x, y, width)
		}
		return nil
	})
}

// spacer is blank space of scale lines.
func spacer(scale float64) block { return block{maxLines: -1, scale: scale} }

// stamp draws COPY at the top right of a page of a reprint.
func (d *doc) stamp(s []span, x, top, width float64) {
	if len(s) == 0 {
		return
	}
	size := 20.0
	w := 0.0
	for _, sp := range s {
		w += d.width(sp.text, sp.face, size) + 3
	}
	d.pdf.SetTextColor(180, 0, 0)
	cx := x + width - w
	for _, sp := range s {
		d.draw(sp, size, cx, top-6)
		cx += d.width(sp.text, sp.face, size) + 3
	}
	d.pdf.SetTextColor(0, 0, 0)
}

func (d *doc) certificateContent(c Certificate) (head, body []block, stamp []span) {
	nonEmpty := func(spans ...span) []span {
		var out []span
		for _, s := range spans {
			if s.text != "" {
				out = append(out, s)
			}
		}
		return out
	}
	add := func(to *[]block, b block) {
		if b.scale == 0 {
			b.scale = 1
		}
		if b.rule || len(b.spans) > 0 {
			*to = append(*to, b)
		}
	}
	add(&head, block{spans: nonEmpty(d.en(c.ClinicName, true), d.zh(c.ClinicNameZH)), scale: 1.4})
	add(&head, block{spans: nonEmpty(d.en(c.ClinicAddress, false)), scale: 0.85})
	if c.ClinicPhone != "" {
		add(&head, block{spans: nonEmpty(d.en("Tel", false), d.zh("電話"), d.en(c.ClinicPhone, false)), scale: 0.85})
	}
	add(&head, block{rule: true})
	add(&head, block{spans: nonEmpty(d.en(c.TitleEN, true), d.zh(c.TitleZH)), scale: 1.5})
	if c.Number != "" {
		add(&head, block{spans: nonEmpty(d.mixed(c.NumberLabel), d.en(c.Number, true)), scale: 0.95})
	}
	head = append(head, spacer(0.8))
	for _, f := range c.Facts {
		add(&body, block{spans: nonEmpty(d.mixed(f.Label), d.en(f.Value, true), d.zh(f.ValueZH))})
	}
	for _, p := range c.Body {
		body = append(body, spacer(0.6))
		for _, ln := range splitLines(p.EN) {
			add(&body, block{spans: nonEmpty(d.en(ln, p.Bold))})
		}
		for _, ln := range splitLines(p.ZH) {
			add(&body, block{spans: nonEmpty(d.zh(ln))})
		}
	}
	if len(c.Signature) > 0 {
		body = append(body, spacer(4))
		add(&body, block{spans: []span{d.en("______________________________", false)}})
		for _, s := range c.Signature {
			add(&body, block{spans: nonEmpty(d.mixed(s))})
		}
	}
	if c.Copy {
		stamp = nonEmpty(d.mixed(c.CopyLabel))
	}
	return head, body, stamp
}

// mixed is text that may hold both scripts ("Patient 病人"): with a Chinese font it prints in
// it, without one the Chinese part is left off.
func (d *doc) mixed(s string) span {
	if isLatin(strings.TrimSpace(s)) || !d.chinese {
		return d.en(latinPart(s), false)
	}
	return d.zh(s)
}

// latinPart drops the Chinese of a mixed label, for a machine with no Chinese font.
func latinPart(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x2E80 {
			b.WriteRune(r)
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func splitLines(s string) []string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}
