package print

import (
	"bytes"
	"strings"
	"testing"
)

func sickLeave() Certificate {
	return Certificate{
		ClinicName: "Harbour Family Clinic", ClinicNameZH: "海港家庭診所",
		ClinicAddress: "Rm 1203, 12/F, 88 Nathan Road, Tsim Sha Tsui", ClinicPhone: "2345 6789",
		TitleEN: "Sick Leave Certificate", TitleZH: "病假證明書", Number: "SL-2026-000012", NumberLabel: "No. 編號",
		CopyLabel: "COPY 副本",
		Facts: []Fact{
			{Label: "Patient 病人", Value: "CHAN Tai Man", ValueZH: "陳大文"},
			{Label: "Date of attendance 求診日期", Value: "23/11/2026"},
		},
		Body: []Para{{EN: "This is to certify that the above patient attended this clinic and is unfit for duty from 23/11/2026 to 24/11/2026 (2 days).",
			ZH: "茲證明上述病人曾到本診所求診，由2026年11月23日至2026年11月24日（共2天）不宜工作。"}},
		Signature: []string{"Dr WONG Siu Ming 黃小明醫生", "Registration No. 註冊編號 M12345"},
	}
}

func TestWriteCertificate(t *testing.T) {
	zh := chineseFonts(t)
	copyOf := sickLeave()
	copyOf.Copy = true
	enOnly := sickLeave()
	enOnly.TitleZH, enOnly.Body[0].ZH, enOnly.ClinicNameZH = "", "", ""
	long := sickLeave()
	long.Body = append(long.Body, Para{EN: strings.Repeat("History of the present illness goes on. ", 400)})
	tests := []struct {
		name    string
		fonts   *Fonts
		cert    Certificate
		pages   int
		want    []string
		wantNot []string
	}{
		{"both languages", zh, sickLeave(), 1, []string{"Harbour Family Clinic", "海港家庭診所", "Sick Leave Certificate", "病假證明書",
			"SL-2026-000012", "CHAN Tai Man", "陳大文", "unfit for duty", "不宜工作", "Dr WONG Siu Ming", "黃小明醫生", "M12345"},
			[]string{"COPY", "副本"}},
		{"a reprint is stamped", zh, copyOf, 1, []string{"COPY", "副本", "SL-2026-000012"}, nil},
		{"English only", zh, enOnly, 1, []string{"Sick Leave Certificate", "unfit for duty"}, []string{"病假證明書", "不宜工作"}},
		{"no Chinese font", englishOnly(), sickLeave(), 1, []string{"Sick Leave Certificate", "Patient", "CHAN Tai Man"},
			[]string{"陳", "病假"}},
		{"long letters run onto more pages", zh, long, 3, []string{"goes on"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteCertificate(&buf, tt.fonts, tt.cert); err != nil {
				t.Fatal(err)
			}
			keepSample(t, "certificate-"+strings.ReplaceAll(tt.name, " ", "-"), buf.Bytes())
			text := pdfText(t, buf.Bytes())
			if n := pageCount(text); n < tt.pages || tt.pages == 1 && n != 1 {
				t.Errorf("%d pages, want %d", n, tt.pages)
			}
			flat := strings.Join(strings.Fields(text), " ")
			for _, s := range tt.want {
				if !strings.Contains(text, s) && !strings.Contains(flat, s) {
					t.Errorf("missing %q in:\n%s", s, text)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(text, s) {
					t.Errorf("unexpected %q", s)
				}
			}
		})
	}
	if err := WriteCertificate(&bytes.Buffer{}, zh, Certificate{}); err == nil {
		t.Error("an empty certificate was printed")
	}
}
