package print

import (
	"github.com/boombuler/barcode/code128"
)

// Code 128 module (narrowest bar) widths in mm. Below the minimum, common
// scanners misread; above the maximum the symbol is needlessly wide.
const (
	minModule = 0.19
	maxModule = 0.38
)

// code128Modules encodes content as Code 128 and returns its modules, true
// for a bar, including start, checksum and stop characters.
func code128Modules(content string) ([]bool, error) {
	bc, err := code128.Encode(content)
	if err != nil {
		return nil, err
	}
	b := bc.Bounds()
	mods := make([]bool, b.Dx())
	for i := range mods {
		r, _, _, _ := bc.At(b.Min.X+i, b.Min.Y).RGBA()
		mods[i] = r < 0x8000
	}
	return mods, nil
}

// drawBarcode draws the bars as filled rectangles. Vector bars stay sharp at
// any printer resolution, where a raster image would be resampled into
// uneven bars on a 203 or 300 dpi label printer; they also need no image
// encoding per label.
func (d *doc) drawBarcode(mods []bool, x, y, module, h float64) {
	d.pdf.SetFillColor(0, 0, 0)
	for i := 0; i < len(mods); {
		if !mods[i] {
			i++
			continue
		}
		j := i
		for j < len(mods) && mods[j] {
			j++
		}
		d.pdf.Rect(x+float64(i)*module, y, float64(j-i)*module, h, "F")
		i = j
	}
}
