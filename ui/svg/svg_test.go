package svg

import (
	"encoding/xml"
	"strconv"
	"strings"
	"testing"
)

// wellFormed parses the SVG as XML: a chart that is not well-formed shows as nothing.
func wellFormed(t *testing.T, s string) {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(s))
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("not well-formed: %v\n%s", err, s)
		}
	}
}

func TestCharts(t *testing.T) {
	tests := []struct {
		name  string
		draw  func(Chart) string
		chart Chart
		want  []string
		not   []string
	}{
		{"bars escape text", Bars, Chart{Title: `<script>alert(1)</script>`, Labels: []string{"Mon & Tue", "陳醫生"},
			Series: []Series{{Name: `"Dr" <Wong>`, Values: []float64{3, 7}}}},
			[]string{"&lt;script&gt;", "Mon &amp; Tue", "陳醫生", "&#34;Dr&#34; &lt;Wong&gt;", "<rect"}, []string{"<script>"}},
		{"bars scale to a nice top", Bars, Chart{Title: "Visits", Labels: []string{"a", "b"}, Series: []Series{{Name: "n", Values: []float64{0, 37}}}},
			[]string{">40</text>", ">0</text>", "n b: 37"}, nil},
		{"lines", Lines, Chart{Title: "Takings", Labels: []string{"1", "2", "3"}, Series: []Series{{Name: "HK$", Values: []float64{1.5, 2, 0.5}}},
			Format: func(v float64) string { return "$" + strconv.FormatFloat(v, 'f', -1, 64) }},
			[]string{"<polyline", "<circle", "HK$ 1: $1.5"}, nil},
		{"empty chart", Bars, Chart{Title: "Nothing"}, []string{"<svg", "</svg>"}, []string{"NaN", "Inf"}},
		{"two series have a legend", Bars, Chart{Title: "x", Labels: []string{"a"}, Series: []Series{{Name: "new", Values: []float64{1}},
			{Name: "returning", Values: []float64{2}}}}, []string{">new</text>", ">returning</text>"}, nil},
		{"many labels are thinned", Bars, Chart{Title: "x", Labels: make([]string, 60), Series: []Series{{Name: "s", Values: make([]float64, 60)}}},
			nil, []string{"NaN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.draw(tt.chart)
			wellFormed(t, got)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in\n%s", w, got)
				}
			}
			for _, w := range tt.not {
				if strings.Contains(got, w) {
					t.Errorf("has %q", w)
				}
			}
		})
	}
}
