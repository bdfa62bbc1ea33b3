package print

import (
	"bytes"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

// The bars printed on the label, read back from a 600 dpi rendering, are the
// Code 128 symbol of the patient number.
func TestPatientLabelBarcodeReadsBack(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Skip("pdftoppm not installed (Debian: poppler-utils)")
	}
	f := chineseFonts(t)
	for _, no := range []string{"P0001234", "12345678", "HK-2026/0042"} {
		p := chanTaiMan
		p.PatientNo = no
		var buf bytes.Buffer
		if err := WritePatientLabels(&buf, f, p, 1, Roll62x29); err != nil {
			t.Fatal(err)
		}
		img := rasterize(t, buf.Bytes(), 600)
		// A row 2 mm above the bottom of the printable area crosses the bars.
		y := int((Roll62x29.LabelH - Roll62x29.padding() - 2) / 25.4 * 600)
		got := readBars(img, y)
		want, err := code128Modules(no)
		if err != nil {
			t.Fatal(err)
		}
		if string(boolsToBits(got)) != string(boolsToBits(want)) {
			t.Errorf("%s: bars read back\n%s\nwant\n%s", no, boolsToBits(got), boolsToBits(want))
		}
	}
}

func rasterize(t *testing.T, pdf []byte, dpi int) image.Image {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "label.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "label")
	if err := exec.Command("pdftoppm", "-png", "-gray", "-singlefile", "-r", strconv.Itoa(dpi), in, out).Run(); err != nil {
		t.Fatal(err)
	}
	r, err := os.Open(out + ".png")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// readBars turns one row of pixels crossing a barcode into modules. The row
// also crosses the patient number beside the bars, so it is read only up to
// the first light gap wider than any inside a symbol.
func readBars(img image.Image, y int) []bool {
	b := img.Bounds()
	dark := func(x int) bool {
		r, _, _, _ := img.At(x, y).RGBA()
		return r < 0x8000
	}
	var runs []int // alternating dark, light, dark... pixel counts
	x := b.Min.X
	for x < b.Max.X && !dark(x) {
		x++
	}
	for x < b.Max.X {
		d := dark(x)
		n := 0
		for x < b.Max.X && dark(x) == d {
			x, n = x+1, n+1
		}
		runs = append(runs, n)
	}
	if len(runs)%2 == 0 && len(runs) > 0 {
		runs = runs[:len(runs)-1] // trailing light
	}
	end := len(runs)
	for i := 1; i < len(runs); i += 2 {
		if runs[i] > 3*runs[0] { // wider than any space inside a symbol
			end = i
			break
		}
	}
	runs = runs[:end]
	total := 0
	for _, n := range runs {
		total += n
	}
	// A Code 128 symbol is 11 modules per character (start and checksum
	// included) plus 13 for the stop: try each length until the runs add
	// up to exactly that many modules.
	for k := 2; k < 100; k++ {
		module := float64(total) / float64(11*k+13)
		var mods []bool
		for i, n := range runs {
			for j := 0; j < int(math.Round(float64(n)/module)); j++ {
				mods = append(mods, i%2 == 0)
			}
		}
		if len(mods) == 11*k+13 {
			return mods
		}
	}
	return nil
}

func boolsToBits(bs []bool) []byte {
	out := make([]byte, len(bs))
	for i, b := range bs {
		out[i] = '0'
		if b {
			out[i] = '1'
		}
	}
	return out
}
