package ui

import (
	"fmt"
	"html/template"
	"math"
	"strings"
)

// A trend drawn on the server as SVG: no script, prints as it shows, and a few hundred bytes.

// trendSeries is one line of a trend chart.
type trendSeries struct {
	Name   string
	Class  string // CSS class: colour and dash, so colour is never the only difference
	Points []trendPoint
}

type trendPoint struct {
	Label string // date, for the axis and the tooltip
	Value float64
}

// trendSVG draws series over the same dates, oldest on the left.
func trendSVG(title string, unit string, series []trendSeries) template.HTML {
	const w, h, padL, padR, padT, padB = 520.0, 180.0, 44.0, 10.0, 12.0, 28.0
	lo, hi := math.Inf(1), math.Inf(-1)
	n := 0
	for _, s := range series {
		n = max(n, len(s.Points))
		for _, p := range s.Points {
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	if n == 0 {
		return ""
	}
	if hi-lo < 1e-9 {
		lo, hi = lo-1, hi+1
	}
	margin := (hi - lo) * 0.1
	lo, hi = lo-margin, hi+margin
	x := func(i int) float64 {
		if n == 1 {
			return padL + (w-padL-padR)/2
		}
		return padL + float64(i)*(w-padL-padR)/float64(n-1)
	}
	y := func(v float64) float64 { return padT + (hi-v)/(hi-lo)*(h-padT-padB) }
	var b strings.Builder
	esc := template.HTMLEscapeString
	fmt.Fprintf(&b, `<svg class="trend" viewBox="0 0 %.0f %.0f" role="img" aria-label="%s" xmlns="http://www.w3.org/2000/svg">`, w, h, esc(title))
	fmt.Fprintf(&b, `<title>%s</title>`, esc(title))
	for _, v := range []float64{lo + margin, (lo + hi) / 2, hi - margin} {
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, padL, w-padR, y(v), y(v))
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, padL-4, y(v)+4, esc(fmt.Sprintf("%.4g", v)))
	}
	fmt.Fprintf(&b, `<text class="axis" x="2" y="10">%s</text>`, esc(unit))
	for _, s := range series {
		if len(s.Points) == 0 {
			continue
		}
		var pts []string
		for i, p := range s.Points {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", x(i), y(p.Value)))
		}
		fmt.Fprintf(&b, `<polyline class="%s" points="%s"/>`, esc(s.Class), strings.Join(pts, " "))
		for i, p := range s.Points {
			fmt.Fprintf(&b, `<circle class="%s" cx="%.1f" cy="%.1f" r="3"><title>%s %s: %s</title></circle>`,
				esc(s.Class), x(i), y(p.Value), esc(s.Name), esc(p.Label), esc(fmt.Sprintf("%g", p.Value)))
		}
	}
	first, last := "", ""
	for _, s := range series {
		if len(s.Points) == n {
			first, last = s.Points[0].Label, s.Points[n-1].Label
			break
		}
	}
	fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f">%s</text>`, padL, h-8, esc(first))
	fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%.1f" text-anchor="end">%s</text>`, w-padR, h-8, esc(last))
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it went through HTMLEscapeString
}
