// Package print renders OnRamp's printed documents (patient stickers and
// dispensing labels) as PDF, in English and Traditional Chinese, from plain
// structs the caller has already formatted.
//
// Text reaches gofpdf only through doc.en and doc.zh, which apply SafeText's
// rules for the font in use, so no input can make gofpdf panic or print
// garbage; a panic from gofpdf all the same becomes an error.
package print

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// face is the typeface of a piece of text. English prints in the built-in
// Helvetica, which is crisp on thermal printers and costs nothing to embed;
// Chinese, and English that Helvetica cannot draw, print in the Chinese font.
type face int

const (
	faceLatin face = iota
	faceLatinBold
	faceChinese
)

const chineseFamily = "onramp-zh"

// span is text already made safe for its face.
type span struct {
	text string
	face face
}

// doc is one PDF being built. Every string reaches gofpdf through en or zh,
// which make it safe and note the Chinese characters to embed. Labels are
// built in three steps: make all spans, embedChinese, then lay out and draw.
type doc struct {
	pdf      *gofpdf.Fpdf
	fonts    *Fonts
	layout   LabelLayout
	kind     string // for the log
	chinese  bool   // the document can print Chinese
	need     runeSet
	embedded *runeSet // set once the font subset is in the document
	replaced []rune

	curFace face
	curSize float64
}

// render builds one document and writes it to w only when it is complete,
// so a failure never sends half a PDF to a browser. gofpdf panics on some
// input; a panic here becomes an error.
func render(w io.Writer, f *Fonts, l LabelLayout, kind string, build func(d *doc) error) (err error) {
	if err := l.validate(); err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("print: %s could not be rendered: %v", kind, r)
			f.log().Error("print: rendering panicked", "document", kind, "panic", r)
		}
	}()
	d := &doc{
		pdf: gofpdf.NewCustom(&gofpdf.InitType{
			OrientationStr: "P",
			UnitStr:        "mm",
			Size:           gofpdf.SizeType{Wd: l.PageW, Ht: l.PageH},
		}),
		fonts:   f,
		layout:  l,
		kind:    kind,
		chinese: f.HasChinese(),
		curSize: -1,
	}
	d.pdf.SetMargins(0, 0, 0)
	d.pdf.SetAutoPageBreak(false, 0)
	d.pdf.SetCreator("OnRamp", false)
	// gofpdf compresses each page with a new zlib writer, about 1 MB of
	// allocation per page, which made a 100-label batch 5 times slower; a
	// label's few drawing commands compress to little anyway. The font is
	// still compressed.
	d.pdf.SetCompression(false)
	if err := build(d); err != nil {
		return err
	}
	if len(d.replaced) > 0 {
		// Code points only: the text around them is patient data.
		codes := make([]string, len(d.replaced))
		for i, r := range d.replaced {
			codes[i] = fmt.Sprintf("U+%04X", r)
		}
		f.log().Warn("print: characters the PDF cannot show were replaced",
			"document", kind, "runes", strings.Join(codes, " "))
	}
	var buf bytes.Buffer
	if err := d.pdf.Output(&buf); err != nil {
		return fmt.Errorf("print: %s: %w", kind, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// en makes a span of English text (names, instructions). Text Helvetica
// cannot draw goes to the Chinese font, or is replaced without one.
func (d *doc) en(s string, bold bool) span {
	s = strings.TrimSpace(s)
	if isLatin(s) {
		if bold {
			return span{s, faceLatinBold}
		}
		return span{s, faceLatin}
	}
	if d.chinese {
		return d.zh(s)
	}
	clean, replaced := cleanText(s, inCP1252, replacementQuestion)
	d.noteReplaced(replaced)
	if bold {
		return span{clean, faceLatinBold}
	}
	return span{clean, faceLatin}
}

// zh makes a span of Chinese text; without a Chinese font it is empty, so
// the document prints English only rather than garbage.
func (d *doc) zh(s string) span {
	s = strings.TrimSpace(s)
	if !d.chinese || s == "" {
		return span{}
	}
	drawable, repl := d.fonts.covers, replacementBox
	if d.embedded != nil {
		drawable = d.embedded.has // too late to add glyphs
	}
	if !drawable('□') {
		repl = replacementQuestion
	}
	clean, replaced := cleanText(s, drawable, repl)
	d.noteReplaced(replaced)
	d.need.addString(clean)
	return span{clean, faceChinese}
}

func (d *doc) noteReplaced(rs []rune) {
	for _, r := range rs {
		seen := false
		for _, old := range d.replaced {
			seen = seen || old == r
		}
		if !seen {
			d.replaced = append(d.replaced, r)
		}
	}
}

// embedChinese adds the Chinese font subset. It is called once every span
// that needs a glyph has been made; later spans can use only the glyphs
// already embedded.
func (d *doc) embedChinese() error {
	if !d.chinese || d.embedded != nil {
		return nil
	}
	ttf, runes, err := d.fonts.subsetFor(&d.need)
	if err != nil {
		return fmt.Errorf("print: Chinese font: %w", err)
	}
	d.pdf.AddUTF8FontFromBytes(chineseFamily, "", ttf)
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("print: Chinese font: %w", err)
	}
	d.embedded = runes
	return nil
}

func (d *doc) use(fc face, size float64) {
	if fc == d.curFace && size == d.curSize {
		return
	}
	switch fc {
	case faceChinese:
		d.pdf.SetFont(chineseFamily, "", size)
	case faceLatinBold:
		d.pdf.SetFont("Helvetica", "B", size)
	default:
		d.pdf.SetFont("Helvetica", "", size)
	}
	d.curFace, d.curSize = fc, size
}

// width of s in mm, in face fc at size points.
func (d *doc) width(s string, fc face, size float64) float64 {
	if s == "" {
		return 0
	}
	d.use(fc, size)
	if fc != faceChinese {
		s = encodeCP1252(s)
	}
	return d.pdf.GetStringWidth(s)
}

func (d *doc) draw(sp span, size, x, baseline float64) {
	if sp.text == "" {
		return
	}
	d.use(sp.face, size)
	s := sp.text
	if sp.face != faceChinese {
		s = encodeCP1252(s)
	}
	d.pdf.Text(x, baseline, s)
}

// errNothingToPrint is returned for an empty request rather than a blank page.
var errNothingToPrint = errors.New("print: nothing to print")
