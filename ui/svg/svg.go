// Package svg draws the small charts of the dashboard and the reports on the server, as inline
// SVG: bars and lines with axes and labels. Nothing comes from a chart service or a script, so a
// chart shows on a clinic PC with no internet and prints with the page. Every text is escaped.
package svg

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
)

// Series is one set of values, one per label.
type Series struct {
	Name   string
	Values []float64
}

// Chart is what to draw. Labels name the points along the x axis.
type Chart struct {
	Title  string // read out by screen readers, shown as a tooltip
	Labels []string
	Series []Series
	Width  int // default 640
	Height int // default 220
	// Format writes a value for the y axis and the tooltips; default whole numbers.
	Format func(float64) string
}

// colours of the series: one accent and calm companions that differ in lightness too, for
// colour-blind staff.
var colours = []string{"#1f5fa8", "#e08a1e", "#5b9c4f", "#8e5ea2", "#7f7f7f"}

const (
	padLeft   = 48
	padRight  = 12
	padTop    = 12
	padBottom = 36
)

func (c *Chart) defaults() {
	if c.Width <= 0 {
		c.Width = 640
	}
	if c.Height <= 0 {
		c.Height = 220
	}
	if c.Format == nil {
		c.Format = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
}

// niceMax rounds the top of the y axis up to 1, 2 or 5 times a power of ten, and gives the step
// between the four or five grid lines.
func niceMax(v float64) (top, step float64) {
	if v <= 0 || math.IsNaN(v) || math.IsInf(v, 0) {
		return 1, 0.25
	}
	raw := v / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; step >= raw {
			break
		}
	}
	if step < 1 && v >= 1 {
		step = 1
	}
	top = math.Ceil(v/step) * step
	return top, step
}

func (c *Chart) max() float64 {
	m := 0.0
	for _, s := range c.Series {
		for _, v := range s.Values {
			if v > m && !math.IsInf(v, 0) {
				m = v
			}
		}
	}
	return m
}

func esc(s string) string { return html.EscapeString(s) }

// frame writes the opening tag, the title, the y grid with its labels and the x labels, and
// returns the scale from a value to a y coordinate.
func (c *Chart) frame(b *strings.Builder, slot float64) func(float64) float64 {
	top, step := niceMax(c.max())
	plotH := float64(c.Height - padTop - padBottom)
	y := func(v float64) float64 {
		if v < 0 || math.IsNaN(v) {
			v = 0
		}
		return float64(padTop) + plotH - v/top*plotH
	}
	fmt.Fprintf(b, `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		c.Width, c.Height, c.Width, c.Height, esc(c.Title))
	fmt.Fprintf(b, `<title>%s</title>`, esc(c.Title))
	b.WriteString(`<g class="axis" font-size="11" fill="#444">`)
	for v := 0.0; v <= top+step/2; v += step {
		fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>`, padLeft, c.Width-padRight, y(v), y(v))
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, padLeft-6, y(v)+4, esc(c.Format(v)))
	}
	// At most about 12 labels fit: show every nth.
	every := 1
	if n := len(c.Labels); n > 12 {
		every = (n + 11) / 12
	}
	for i, l := range c.Labels {
		if i%every != 0 {
			continue
		}
		x := float64(padLeft) + slot*(float64(i)+0.5)
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x, c.Height-padBottom+16, esc(l))
	}
	fmt.Fprintf(b, `<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#444"/>`, padLeft, c.Width-padRight, y(0), y(0))
	b.WriteString(`</g>`)
	return y
}

// legend names the series under the x labels when there is more than one.
func (c *Chart) legend(b *strings.Builder) {
	if len(c.Series) < 2 {
		return
	}
	x := padLeft
	for i, s := range c.Series {
		fmt.Fprintf(b, `<rect x="%d" y="%d" width="10" height="10" fill="%s"/>`, x, c.Height-12, colours[i%len(colours)])
		fmt.Fprintf(b, `<text x="%d" y="%d" font-size="11" fill="#222">%s</text>`, x+14, c.Height-3, esc(s.Name))
		x += 24 + 7*len([]rune(s.Name))
	}
}

func (c *Chart) slot() float64 {
	n := len(c.Labels)
	if n == 0 {
		n = 1
	}
	return float64(c.Width-padLeft-padRight) / float64(n)
}

// Bars draws grouped bars: one group per label, one bar per series.
func Bars(c Chart) string {
	c.defaults()
	var b strings.Builder
	slot := c.slot()
	y := c.frame(&b, slot)
	ns := max(1, len(c.Series))
	barW := slot * 0.8 / float64(ns)
	for si, s := range c.Series {
		fmt.Fprintf(&b, `<g fill="%s">`, colours[si%len(colours)])
		for i, v := range s.Values {
			if i >= len(c.Labels) {
				break
			}
			x := float64(padLeft) + slot*float64(i) + slot*0.1 + barW*float64(si)
			top := y(v)
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s %s: %s</title></rect>`,
				x, top, math.Max(barW-1, 1), y(0)-top, esc(s.Name), esc(c.Labels[i]), esc(c.Format(v)))
		}
		b.WriteString(`</g>`)
	}
	c.legend(&b)
	b.WriteString(`</svg>`)
	return b.String()
}

// Lines draws one line per series, with a dot on each point.
func Lines(c Chart) string {
	c.defaults()
	var b strings.Builder
	slot := c.slot()
	y := c.frame(&b, slot)
	for si, s := range c.Series {
		col := colours[si%len(colours)]
		var pts []string
		for i, v := range s.Values {
			if i >= len(c.Labels) {
				break
			}
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", float64(padLeft)+slot*(float64(i)+0.5), y(v)))
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`, col, strings.Join(pts, " "))
		for i, p := range pts {
			xy := strings.SplitN(p, ",", 2)
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="3" fill="%s"><title>%s %s: %s</title></circle>`, xy[0], xy[1], col,
				esc(s.Name), esc(c.Labels[i]), esc(c.Format(s.Values[i])))
		}
	}
	c.legend(&b)
	b.WriteString(`</svg>`)
	return b.String()
}
