package print

import (
	"bytes"
	"strings"
	"testing"
)

// TestReceiptInThePatientsLanguage: the receipt's words follow the patient's preferred language
// (both when none is given); names, numbers, the total and how it was paid are always there.
func TestReceiptInThePatientsLanguage(t *testing.T) {
	always := []string{"CHAN Tai Man", "陳大文", "R000123", "253.35", "126.00", "127.35", "EHV-778812"}
	english := []string{"Receipt", "Consultation", "Total", "Elderly Health Care Voucher", "Cash", "Thank you", "Tendered 200.00, change 72.65"}
	chinese := []string{"收據", "診金", "合計", "長者醫療券", "現金", "多謝惠顧", "已收 200.00，找續 72.65"}
	tests := []struct {
		lang    string
		fonts   func(t *testing.T) *Fonts
		want    [][]string
		wantNot [][]string
	}{
		{lang: "", want: [][]string{always, english, chinese}},
		{lang: "both", want: [][]string{always, english, chinese}},
		{lang: "en", want: [][]string{always, english}, wantNot: [][]string{chinese}},
		{lang: "zh", want: [][]string{always, chinese}, wantNot: [][]string{english}},
		{lang: "ZH ", want: [][]string{always, chinese}, wantNot: [][]string{english}},
		// No Chinese font: English rather than blanks, even for a Chinese reader.
		{lang: "zh", fonts: func(*testing.T) *Fonts { return englishOnly() },
			want: [][]string{{"CHAN Tai Man", "253.35"}, english}, wantNot: [][]string{chinese}},
	}
	for _, tt := range tests {
		for _, layout := range []LabelLayout{ReceiptA5, Receipt80mm} {
			t.Run(tt.lang+"/"+layout.Name, func(t *testing.T) {
				fonts := chineseFonts(t)
				if tt.fonts != nil {
					fonts = tt.fonts(t)
				}
				r := receiptForChan()
				r.Language = tt.lang
				r.Payments[1].DetailZH = "已收 200.00，找續 72.65"
				var buf bytes.Buffer
				if err := WriteReceipt(&buf, fonts, r, layout); err != nil {
					t.Fatal(err)
				}
				text := pdfText(t, buf.Bytes())
				flat := strings.Join(strings.Fields(text), " ")
				has := func(s string) bool { return strings.Contains(text, s) || strings.Contains(flat, s) }
				for _, group := range tt.want {
					for _, s := range group {
						if !has(s) {
							t.Errorf("receipt lacks %q:\n%s", s, text)
						}
					}
				}
				for _, group := range tt.wantNot {
					for _, s := range group {
						if has(s) {
							t.Errorf("receipt in %q carries %q", tt.lang, s)
						}
					}
				}
			})
		}
	}
}

// BenchmarkReceipt prints one receipt as the counter does, per language and paper.
func BenchmarkReceipt(b *testing.B) {
	fonts := LoadFonts("", nil)
	for _, lang := range []string{"both", "zh"} {
		for _, layout := range []LabelLayout{ReceiptA5, Receipt80mm} {
			b.Run(lang+"/"+layout.Name, func(b *testing.B) {
				r := receiptForChan()
				r.Language = lang
				b.ReportAllocs()
				for b.Loop() {
					var buf bytes.Buffer
					if err := WriteReceipt(&buf, fonts, r, layout); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
