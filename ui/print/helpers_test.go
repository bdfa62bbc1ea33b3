package print

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

var (
	sharedFontsOnce sync.Once
	sharedFonts     *Fonts
)

// chineseFonts is the machine's Chinese font, loaded once for all tests.
// Tests that print Chinese need one: install fonts-lxgw-wenkai.
func chineseFonts(t testing.TB) *Fonts {
	t.Helper()
	sharedFontsOnce.Do(func() {
		sharedFonts = LoadFonts("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	})
	if !sharedFonts.HasChinese() {
		t.Fatalf("no Chinese font for the tests: %s", sharedFonts.Problem())
	}
	return sharedFonts
}

// fontsLoggingTo loads the font afresh with a logger that writes to buf.
func fontsLoggingTo(t *testing.T, buf *bytes.Buffer) *Fonts {
	t.Helper()
	f := LoadFonts("", slog.New(slog.NewTextHandler(buf, nil)))
	if !f.HasChinese() {
		t.Fatalf("no Chinese font for the tests: %s", f.Problem())
	}
	return f
}

// englishOnly is a Fonts without a Chinese font, as on a machine with none.
func englishOnly() *Fonts { return &Fonts{logger: slog.New(slog.NewTextHandler(io.Discard, nil))} }

// pdfText extracts a PDF's text with poppler's pdftotext; pages are
// separated by form feeds.
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (Debian: poppler-utils)")
	}
	path := filepath.Join(t.TempDir(), "out.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

// pageCount counts pages in pdftotext output.
func pageCount(text string) int { return strings.Count(text, "\f") }

// keepSample writes pdf into $ONRAMP_PRINT_SAMPLES, if set, for a person to
// look at (pdftoppm -png -r 150 file.pdf out).
func keepSample(t *testing.T, name string, pdf []byte) {
	dir := os.Getenv("ONRAMP_PRINT_SAMPLES")
	if dir == "" {
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name+".pdf"), pdf, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkLinesFit fails if any text is wider than width.
func checkLinesFit(t *testing.T, lines []line, width float64) {
	t.Helper()
	for _, ln := range lines {
		for _, p := range ln.parts {
			if p.x < -1e-9 || p.x+p.w > width+1e-9 {
				t.Errorf("%q at x=%.2f is %.2f mm wide: past the %.2f mm line", p.text, p.x, p.w, width)
			}
		}
	}
}

// docFor makes a doc for layout tests; build makes its spans, then calls
// d.embedChinese before measuring.
func docFor(t *testing.T, f *Fonts, l LabelLayout, build func(d *doc)) {
	t.Helper()
	err := render(io.Discard, f, l, "test", func(d *doc) error {
		build(d)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var chanTaiMan = PatientLabel{
	NameEN: "CHAN, Tai Man", NameZH: "陳大文", Sex: "M", Age: "45Y",
	DOB: "01-02-1980", PatientNo: "P0001234", MaskedID: "A123***(*)",
}

func paracetamol() DrugLabel {
	return DrugLabel{
		ClinicName: "Harbour Family Clinic", ClinicNameZH: "海港家庭診所",
		ClinicAddress: "Rm 1203, 12/F, 88 Nathan Road, Tsim Sha Tsui", ClinicPhone: "2345 6789",
		PatientNameEN: "CHAN, Tai Man", PatientNameZH: "陳大文", Date: "03-03-2026",
		DrugName: "Paracetamol 500 mg tablet", Quantity: "20 tabs",
		DoseEN: "Take 1 tablet 3 times a day", DoseZH: "每日三次，每次一粒",
		RouteDurationEN: "By mouth, for 5 days", RouteDurationZH: "口服，連服五日",
		CautionsEN: []string{"May cause drowsiness"}, CautionsZH: []string{"服用後可能引致昏睡"},
		Doctor: "Dr WONG Siu Ming", Language: "both",
	}
}
