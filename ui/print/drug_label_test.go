package print

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"
)

// longDrugName is 120 characters, as brand, generic and form can add up to.
var longDrugName = "Amoxicillin and Clavulanate Potassium (Augmentin Duo Forte) 875 mg/125 mg film-coated tablets for oral use, extra long!!"

func init() {
	if n := len(longDrugName); n != 120 {
		panic(fmt.Sprintf("longDrugName is %d characters", n))
	}
}

func TestWriteDrugLabels(t *testing.T) {
	zh := chineseFonts(t)
	both := paracetamol()
	en := paracetamol()
	en.Language = "en"
	zhOnly := paracetamol()
	zhOnly.Language = "zh"
	noZH := paracetamol()
	noZH.Language = "zh"
	noZH.DoseZH = ""
	long := paracetamol()
	long.DrugName = longDrugName
	tests := []struct {
		name    string
		fonts   *Fonts
		labels  []DrugLabel
		layout  LabelLayout
		pages   int
		want    []string
		wantNot []string
	}{
		{name: "both languages 80x50", fonts: zh, labels: []DrugLabel{both}, layout: Drug80x50, pages: 1,
			want: []string{"Harbour Family Clinic", "海港家庭診所", "陳大文", "Paracetamol 500 mg tablet",
				"Take 1 tablet 3 times a day", "每日三次，每次一粒", "口服，連服五日", "服用後可能引致昏睡",
				"May cause drowsiness", "Dr WONG Siu Ming", "2345 6789"}},
		{name: "both languages 4x2in", fonts: zh, labels: []DrugLabel{both}, layout: Drug4x2in, pages: 1,
			want: []string{"每日三次，每次一粒", "Take 1 tablet 3 times a day"}},
		{name: "English instructions", fonts: zh, labels: []DrugLabel{en}, layout: Drug80x50, pages: 1,
			want: []string{"Take 1 tablet 3 times a day", "陳大文"}, wantNot: []string{"每日三次"}},
		{name: "Chinese instructions", fonts: zh, labels: []DrugLabel{zhOnly}, layout: Drug80x50, pages: 1,
			want: []string{"每日三次，每次一粒", "Paracetamol"}, wantNot: []string{"Take 1 tablet"}},
		{name: "Chinese asked for but missing", fonts: zh, labels: []DrugLabel{noZH}, layout: Drug80x50, pages: 1,
			want: []string{"Take 1 tablet 3 times a day"}},
		{name: "no Chinese font", fonts: englishOnly(), labels: []DrugLabel{both}, layout: Drug80x50, pages: 1,
			want: []string{"Take 1 tablet 3 times a day", "Harbour Family Clinic"}, wantNot: []string{"每", "陳", "?"}},
		{name: "a batch in one job", fonts: zh, labels: []DrugLabel{both, en, long}, layout: Drug80x50, pages: 3,
			want: []string{"Augmentin"}},
		{name: "empty item", fonts: zh, labels: []DrugLabel{{}}, layout: Drug80x50, pages: 1},
		{name: "long drug name wraps", fonts: zh, labels: []DrugLabel{long}, layout: Drug62x29,
			want: []string{"Amoxicillin", "extra long"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDrugLabels(&buf, tt.fonts, tt.labels, tt.layout); err != nil {
				t.Fatal(err)
			}
			keepSample(t, "drug-"+strings.ReplaceAll(tt.name, " ", "-"), buf.Bytes())
			text := pdfText(t, buf.Bytes())
			if tt.pages > 0 && pageCount(text) != tt.pages {
				t.Errorf("%d pages, want %d", pageCount(text), tt.pages)
			}
			flat := strings.Join(strings.Fields(text), " ") // wrapped lines join
			for _, s := range tt.want {
				if !strings.Contains(text, s) && !strings.Contains(flat, s) {
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

func TestWriteDrugLabelsRejects(t *testing.T) {
	f := chineseFonts(t)
	tiny := Drug62x29
	tiny.LabelH, tiny.PageH = 12, 12
	for name, call := range map[string]func() error{
		"no labels": func() error { return WriteDrugLabels(&bytes.Buffer{}, f, nil, Drug80x50) },
		"NaN size": func() error {
			l := Drug80x50
			l.LabelW = math.NaN()
			return WriteDrugLabels(&bytes.Buffer{}, f, []DrugLabel{paracetamol()}, l)
		},
		"huge offset": func() error {
			l := Drug80x50
			l.OffsetX = 500
			return WriteDrugLabels(&bytes.Buffer{}, f, []DrugLabel{paracetamol()}, l)
		},
	} {
		if err := call(); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

// An item too long for one label continues on the next, each marked.
func TestDrugLabelContinues(t *testing.T) {
	f := chineseFonts(t)
	twoLabels := paracetamol()
	twoLabels.CautionsEN = []string{"May cause drowsiness", "Avoid alcoholic drinks"}
	twoLabels.CautionsZH = []string{"服用後可能引致昏睡", "避免飲酒"}
	many := paracetamol()
	for i := 0; i < 12; i++ {
		many.CautionsEN = append(many.CautionsEN, fmt.Sprintf("Caution number %d: do not take with other medicines", i+1))
		many.CautionsZH = append(many.CautionsZH, fmt.Sprintf("注意事項第%d項：不可與其他藥物同服", i+1))
	}
	tests := []struct {
		name   string
		label  DrugLabel
		layout LabelLayout
		pages  int
	}{
		{"two labels on 62x29", twoLabels, Drug62x29, 2},
		{"many cautions on 80x50", many, Drug80x50, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteDrugLabels(&buf, f, []DrugLabel{tt.label}, tt.layout); err != nil {
				t.Fatal(err)
			}
			keepSample(t, "drug-continues-"+strings.ReplaceAll(tt.name, " ", "-"), buf.Bytes())
			text := pdfText(t, buf.Bytes())
			pages := strings.Split(strings.TrimSuffix(text, "\f"), "\f")
			if tt.pages > 0 && len(pages) != tt.pages {
				t.Fatalf("%d labels, want %d:\n%s", len(pages), tt.pages, text)
			}
			if len(pages) < 2 {
				t.Fatalf("want several labels:\n%s", text)
			}
			for i, page := range pages {
				for _, mark := range []string{
					fmt.Sprintf("%d of %d", i+1, len(pages)),
					fmt.Sprintf("第%d/%d張", i+1, len(pages)),
					"陳大文", "Paracetamol", // repeated so the label is not mixed up
				} {
					if !strings.Contains(page, mark) {
						t.Errorf("label %d lacks %q:\n%s", i+1, mark, page)
					}
				}
			}
			flat := strings.Join(strings.Fields(text), " ")
			for _, s := range append(tt.label.CautionsEN, tt.label.CautionsZH...) {
				if !strings.Contains(flat, s) {
					t.Errorf("%q lost between labels", s)
				}
			}
		})
	}
}

// The layout itself, at every preset: no line wider than the label and no
// label's content taller than it, with a 120-character drug name.
func TestDrugLabelFits(t *testing.T) {
	f := chineseFonts(t)
	long := paracetamol()
	long.DrugName = longDrugName
	unbroken := paracetamol()
	unbroken.DrugName = strings.Repeat("X", 120) // no place to break: broken anywhere
	chinese := paracetamol()
	chinese.DrugName = strings.Repeat("撲熱息痛", 30)
	for _, l := range []LabelLayout{Drug62x29, Drug80x50, Drug4x2in} {
		for _, item := range []DrugLabel{paracetamol(), long, unbroken, chinese} {
			docFor(t, f, l, func(d *doc) {
				w, h := l.contentW(), l.contentH()
				c := d.drugContent(item)
				if err := d.embedChinese(); err != nil {
					t.Fatal(err)
				}
				pages, err := d.fitDrugLabel(c, w, h)
				if err != nil {
					t.Fatalf("%s: %v", l.Name, err)
				}
				for i, p := range pages {
					checkLinesFit(t, p.body, w)
					checkLinesFit(t, p.footer, w)
					if got := height(p.body) + height(p.footer); got > h+1e-9 {
						t.Errorf("%s label %d: %.2f mm of text in %.2f", l.Name, i+1, got, h)
					}
				}
			})
		}
	}
}
