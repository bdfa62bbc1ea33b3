package print

import (
	"io"
	"strings"

	"github.com/jung-kurt/gofpdf"
)

// Receipt is a bill's receipt, every field already formatted by the caller. The items, the
// total, how it was paid and the patient's name are the part a receipt is for: they are never
// cut or shrunk away (OpenEMR's receipts were faulted for losing the total or the name).
type Receipt struct {
	ClinicName, ClinicNameZH, ClinicAddress, ClinicPhone string
	Number, BillNumber, Corrects                         string // Corrects: the bill a correction refers to
	Date                                                 string // "2026-12-01 10:32"
	PatientNameEN, PatientNameZH, PatientNo              string
	DoctorEN, DoctorZH                                   string
	Lines                                                []ReceiptLine
	Total                                                string // "320.00"
	Payments                                             []ReceiptPayment
	Paid, Balance                                        string // Balance "" when nothing is owed
	IssuedBy                                             string
	Copy                                                 bool   // a reprint
	VoidReason                                           string // set when the receipt was voided
	// Language is the patient's preferred language for the receipt's words: "en", "zh" or
	// "both" (the default). Names, numbers and amounts print whatever it is.
	Language string
}

// ReceiptLine is one charge.
type ReceiptLine struct {
	DescriptionEN, DescriptionZH string
	Quantity                     string // "21 x 1.50", or "" for one
	Amount                       string // "31.50", "-10.00", or the word for included
}

// ReceiptPayment is one payment, named in both languages.
type ReceiptPayment struct {
	MethodEN, MethodZH string
	Detail, DetailZH   string // voucher reference, tendered and change, company; DetailZH "" means as Detail
	Amount             string
}

// Receipt page sizes: A5 on an office printer, and an 80 mm thermal roll whose page is as long
// as the receipt.
var (
	ReceiptA5   = LabelLayout{Name: "ReceiptA5", PageW: 148, PageH: 210, Cols: 1, Rows: 1, LabelW: 148, LabelH: 210, Padding: 10}
	Receipt80mm = LabelLayout{Name: "Receipt80mm", PageW: 80, PageH: 100, Cols: 1, Rows: 1, LabelW: 80, LabelH: 100, Padding: 4}
)

// WriteReceipt writes the receipt in English and Chinese. On A5 it runs onto more pages when a
// bill is long; on the thermal roll the page is made as long as the receipt.
func WriteReceipt(w io.Writer, f *Fonts, r Receipt, layout LabelLayout) error {
	if r.Number == "" || r.Total == "" {
		return errNothingToPrint
	}
	thermal := layout.Name == Receipt80mm.Name
	return render(w, f, layout, "receipt", func(d *doc) error {
		blocks := d.receiptContent(r)
		if err := d.embedChinese(); err != nil {
			return err
		}
		base := 10.0
		if thermal {
			base = 8.5
		}
		width := layout.contentW()
		var all []line
		for _, b := range blocks {
			all = append(all, d.lines(b, base, width)...)
		}
		pad := layout.padding()
		_, x, y := layout.content(0)
		if thermal {
			h := max(height(all)+2*pad+8, 60) // 8 mm for the cutter
			d.pdf.AddPageFormat("P", gofpdf.SizeType{Wd: layout.PageW, Ht: h})
			d.drawLines(all, x, y, width)
			return nil
		}
		room := layout.contentH()
		page := 0
		d.newPage(page)
		top := y
		for _, ln := range all {
			if top+ln.height > y+room {
				page++
				d.newPage(page)
				top = y
			}
			top = d.drawLines([]line{ln}, x, top, width)
		}
		return nil
	})
}

// receiptWords picks the words of a receipt in its language: w(en, zh) gives the English, the
// Chinese or both. Without a Chinese font everything is in English rather than left blank.
func (d *doc) receiptWords(lang string) func(en string, bold bool, zh string) []span {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if !d.chinese {
		lang = "en"
	}
	return func(en string, bold bool, zh string) []span {
		switch {
		case lang == "en" || zh == "":
			return []span{d.en(en, bold)}
		case lang == "zh" || en == "":
			return []span{d.zh(zh)}
		}
		return []span{d.en(en, bold), d.zh(zh)}
	}
}

func (d *doc) receiptContent(r Receipt) []block {
	small := 0.8
	w := d.receiptWords(r.Language)
	with := func(words []span, more ...span) []span { return append(words, more...) }
	var b []block
	if r.Copy {
		b = append(b, block{spans: w("COPY", true, "副本"), scale: 1.6})
	}
	if r.VoidReason != "" {
		b = append(b, block{spans: with(w("VOID", true, "作廢"), d.en(r.VoidReason, false)), scale: 1.3})
	}
	b = append(b,
		block{spans: []span{d.en(r.ClinicName, true)}, scale: 1.3},
		block{spans: []span{d.zh(r.ClinicNameZH)}, scale: 1.2},
		block{spans: []span{d.en(r.ClinicAddress, false)}, scale: small},
	)
	if r.ClinicPhone != "" {
		b = append(b, block{spans: with(w("Tel", false, "電話"), d.en(r.ClinicPhone, false)), scale: 0.75})
	}
	b = append(b,
		block{rule: true},
		block{spans: with(w("Receipt", true, "收據"), d.en(r.Number, true)), scale: 1.3, right: 1},
		block{spans: with(w("Date", false, "日期"), d.en(r.Date, false)), scale: small, right: 1},
		block{spans: with(w("Bill", false, "帳單"), d.en(r.BillNumber, false)), scale: small, right: 1},
	)
	if r.Corrects != "" {
		b = append(b, block{spans: with(w("Corrects", false, "更正"), d.en(r.Corrects, false)), scale: small, right: 1})
	}
	b = append(b,
		block{spans: with(w("Patient", false, "病人"), d.en(r.PatientNo, false)), scale: small, right: 1},
		block{spans: []span{d.en(r.PatientNameEN, true), d.zh(r.PatientNameZH)}, scale: 1.1},
	)
	if r.DoctorEN != "" || r.DoctorZH != "" {
		b = append(b, block{spans: with(w("Doctor", false, "醫生"), d.en(r.DoctorEN, false), d.zh(r.DoctorZH)), scale: small})
	}
	b = append(b, block{rule: true},
		block{spans: with(w("Item", true, "項目"), d.en("HK$", true)), scale: small, right: 1})
	for _, l := range r.Lines {
		spans := w(l.DescriptionEN, false, l.DescriptionZH)
		if l.Quantity != "" {
			spans = append(spans, d.en(l.Quantity, false))
		}
		b = append(b, block{spans: append(spans, d.en(l.Amount, false)), scale: 1, right: 1})
	}
	b = append(b, block{rule: true},
		block{spans: with(w("Total", true, "合計"), d.en(r.Total, true)), scale: 1.3, right: 1},
		block{spans: w("Payment", true, "付款"), scale: small})
	for _, p := range r.Payments {
		b = append(b, block{spans: with(w(p.MethodEN, false, p.MethodZH), d.en(p.Amount, false)), scale: 1, right: 1})
		switch {
		case p.DetailZH == "" && p.Detail != "":
			b = append(b, block{spans: []span{d.en(p.Detail, false)}, scale: small})
		case p.DetailZH != "":
			b = append(b, block{spans: w(p.Detail, false, p.DetailZH), scale: small})
		}
	}
	b = append(b, block{spans: with(w("Paid", true, "已付"), d.en(r.Paid, true)), scale: 1.1, right: 1})
	if r.Balance != "" {
		b = append(b, block{spans: with(w("Balance due", true, "尚欠"), d.en(r.Balance, true)), scale: 1.1, right: 1})
	}
	b = append(b, block{rule: true},
		block{spans: with(w("Issued by", false, "經手人"), d.en(r.IssuedBy, false)), scale: small},
		block{spans: w("Thank you", false, "多謝惠顧"), scale: small})
	if r.Copy {
		b = append(b, block{spans: w("COPY", true, "副本"), scale: 1.2})
	}
	return b
}
