package print

import (
	"bytes"
	"strings"
	"testing"
)

func TestWritePatientLabels(t *testing.T) {
	zh := chineseFonts(t)
	long := chanTaiMan
	long.NameEN = "CHAN-WONG, Tai Man Alexander Christopher Bartholomew Montgomery"
	long.NameZH = "陳黃大文文文文文文文文文文文文文文文文文文"
	long.PatientNo = "P00012345678901234567"
	tests := []struct {
		name      string
		fonts     *Fonts
		patient   PatientLabel
		n         int
		layout    LabelLayout
		pages     int
		want      []string
		wantNot   []string
		wantError bool
	}{
		{name: "roll", fonts: zh, patient: chanTaiMan, n: 2, layout: Roll62x29, pages: 2,
			want: []string{"CHAN, Tai Man", "陳大文", "M / 45Y", "DOB 01-02-1980", "ID A123***(*)", "P0001234"}},
		{name: "A4 sheet", fonts: zh, patient: chanTaiMan, n: 24, layout: A4_3x8, pages: 1,
			want: []string{"陳大文", "P0001234"}},
		{name: "A4 second sheet", fonts: zh, patient: chanTaiMan, n: 25, layout: A4_3x8, pages: 2},
		{name: "long name is cut, not overflowing", fonts: zh, patient: long, n: 1, layout: Roll62x29, pages: 1,
			want: []string{"CHAN-WONG", "…"}},
		{name: "English only without a Chinese font", fonts: englishOnly(), patient: chanTaiMan, n: 1,
			layout: Roll62x29, pages: 1, want: []string{"CHAN, Tai Man", "P0001234"}, wantNot: []string{"陳", "?"}},
		{name: "nil fonts print English", fonts: nil, patient: chanTaiMan, n: 1, layout: Roll62x29, pages: 1,
			want: []string{"CHAN, Tai Man"}, wantNot: []string{"陳"}},
		{name: "no labels", fonts: zh, patient: chanTaiMan, n: 0, layout: Roll62x29, wantError: true},
		{name: "too many labels", fonts: zh, patient: chanTaiMan, n: 100000, layout: Roll62x29, wantError: true},
		{name: "labels wider than the page", fonts: zh, patient: chanTaiMan, n: 1, wantError: true,
			layout: LabelLayout{PageW: 100, PageH: 100, Cols: 2, Rows: 1, LabelW: 60, LabelH: 30}},
		{name: "empty patient", fonts: zh, patient: PatientLabel{}, n: 1, layout: Roll62x29, pages: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WritePatientLabels(&buf, tt.fonts, tt.patient, tt.n, tt.layout)
			if tt.wantError {
				if err == nil {
					t.Fatal("want an error")
				}
				if buf.Len() != 0 {
					t.Error("a failed print must write nothing")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			keepSample(t, "patient-"+strings.ReplaceAll(tt.name, " ", "-"), buf.Bytes())
			text := pdfText(t, buf.Bytes())
			if got := pageCount(text); got != tt.pages {
				t.Errorf("%d pages, want %d", got, tt.pages)
			}
			for _, s := range tt.want {
				if !strings.Contains(text, s) {
					t.Errorf("%q missing from:\n%s", s, text)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(text, s) {
					t.Errorf("%q should not print:\n%s", s, text)
				}
			}
		})
	}
}

func TestPatientLabelUnsupportedCharacter(t *testing.T) {
	var log bytes.Buffer
	f := fontsLoggingTo(t, &log)
	p := chanTaiMan
	p.NameZH = "陳𨋢文" // 𨋢 (lift) is U+282E2, beyond what gofpdf can draw
	var buf bytes.Buffer
	if err := WritePatientLabels(&buf, f, p, 1, Roll62x29); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "U+282E2") {
		t.Errorf("replacement not logged: %s", log.String())
	}
	if text := pdfText(t, buf.Bytes()); !strings.Contains(text, "陳□文") {
		t.Errorf("want 陳□文 in:\n%s", text)
	}
}

// Every preset, with a name too long for any of them: no text may pass the
// printable area's edges, and the barcode must fit beside the number.
func TestPatientLabelFits(t *testing.T) {
	f := chineseFonts(t)
	long := chanTaiMan
	long.NameEN = strings.Repeat("CHRISTOPHER ", 10)
	long.NameZH = strings.Repeat("陳", 40)
	long.DOB = strings.Repeat("9", 60)
	for _, l := range []LabelLayout{Roll62x29, A4_3x8} {
		for _, p := range []PatientLabel{chanTaiMan, long} {
			docFor(t, f, l, func(d *doc) {
				w, h := l.contentW(), l.contentH()
				c := d.patientContent(p)
				if err := d.embedChinese(); err != nil {
					t.Fatal(err)
				}
				plan := d.fitPatientLabel(c, w, h)
				checkLinesFit(t, plan.text, w)
				used := height(plan.text)
				if plan.bars != nil {
					used += barcodeGap + plan.barH
					if plan.barH < barcodeMinH {
						t.Errorf("%s: barcode %.1f mm high", l.Name, plan.barH)
					}
					barsW := plan.barX + float64(len(plan.bars))*plan.module
					if len(plan.number) > 0 {
						barsW += quietZone + plan.number[0].parts[0].w
					}
					if plan.barX+l.padding() < 10*plan.module-1e-9 {
						t.Errorf("%s: quiet zone %.2f mm for %.2f mm modules", l.Name, plan.barX+l.padding(), plan.module)
					}
					if barsW > w {
						t.Errorf("%s: barcode and number %.1f mm wide in %.1f", l.Name, barsW, w)
					}
				}
				if used > h+1e-9 {
					t.Errorf("%s: %.1f mm of content in %.1f", l.Name, used, h)
				}
			})
		}
	}
}
