package print

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/jung-kurt/gofpdf"
)

// Fonts is the Chinese typeface that printed documents embed. Its zero value
// (or nil) is valid and prints English only.
//
// A CJK TrueType file is 10-20 MB. gofpdf parses the whole file for every
// document that adds it and parses it again to subset it on output, about
// 20 ms per document here. Fonts instead keeps a small subset (the
// characters printed so far) cut from the full file, so a document only
// parses a few hundred kilobytes; the full file is cut again only when a
// document needs a character the subset lacks.
type Fonts struct {
	logger  *slog.Logger
	path    string
	ttf     []byte   // the whole font file, read once
	covered *runeSet // runes the font has a glyph for
	problem string

	mu     sync.Mutex
	subset *fontSubset // replaced, never modified, so readers may share it
}

type fontSubset struct {
	runes runeSet
	ttf   []byte
}

// maxSubsetRunes bounds the cached subset; past it the cache starts again
// from the seed, so a clinic that has printed thousands of distinct names
// does not end up embedding most of the font in every label.
const maxSubsetRunes = 2500

// seedText is in every subset: ASCII, the replacement box, and the Chinese
// this package prints by itself, so most labels never need a new cut.
const seedText = replacementBox + "…，。、：；！？（）「」『』〔〕［］－．／" +
	"第張頁共之一二三四五六七八九十" +
	"每日次粒片毫升克服用後前可能引致昏睡飯外藥醫生診所電話"

// Candidate files in order of preference. Only .ttf: gofpdf reads neither
// collections (.ttc) nor CFF-based OpenType (.otf), which rules out Noto
// Sans CJK, Microsoft JhengHei (msjh.ttc) and PingFang.
var (
	linuxFonts = []string{
		"/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf", // Debian: fonts-lxgw-wenkai
		"/usr/share/fonts/truetype/arphic-bkai00mp/bkai00mp.ttf",       // Debian: fonts-arphic-bkai00mp (Big5 Kai)
		"/usr/share/fonts/truetype/arphic-bsmi00lp/bsmi00lp.ttf",       // Debian: fonts-arphic-bsmi00lp (Big5 Ming)
		"/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",    // Debian: fonts-droid-fallback
		"/usr/share/fonts/lxgw-wenkai/LXGWWenKai-Regular.ttf",
		"/usr/share/fonts/google-droid-sans-fonts/DroidSansFallbackFull.ttf", // Fedora
	}
	windowsFonts = []string{`kaiu.ttf`, `simhei.ttf`} // under %WINDIR%\Fonts
	macFonts     = []string{
		"/Library/Fonts/Arial Unicode.ttf",
		"/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
	}
)

func wellKnownFonts() []string {
	switch runtime.GOOS {
	case "windows":
		dir := os.Getenv("WINDIR")
		if dir == "" {
			dir = `C:\Windows`
		}
		paths := make([]string, len(windowsFonts))
		for i, name := range windowsFonts {
			paths[i] = filepath.Join(dir, "Fonts", name)
		}
		return paths
	case "darwin":
		return macFonts
	default:
		return linuxFonts
	}
}

// chineseSample must be fully covered: a font without these cannot print a
// Hong Kong label (a Simplified-only font lacks 陳, 後 and 睡).
const chineseSample = "陳大文每日三次服用後可能引致昏睡"

// LoadFonts finds a TrueType font with Traditional Chinese: the configured
// path if set (print.font), otherwise a well-known system location. It
// never fails: without a usable font, documents print in English only and
// Problem says how to fix it.
func LoadFonts(configured string, logger *slog.Logger) *Fonts {
	if logger == nil {
		logger = slog.Default()
	}
	f := &Fonts{logger: logger}
	var configProblem string
	if configured != "" {
		err := f.load(configured)
		if err == nil {
			return f
		}
		configProblem = fmt.Sprintf("The font set in print.font (%s) %v.", configured, err)
		logger.Warn("print: configured font unusable", "path", configured, "err", err)
	}
	for _, path := range wellKnownFonts() {
		err := f.load(path)
		if err == nil {
			if configProblem != "" {
				f.problem = configProblem + " Printing uses " + path + " instead."
			}
			return f
		}
		if !errors.Is(err, errFontMissing) {
			logger.Warn("print: font unusable", "path", path, "err", err)
		}
	}
	f.problem = configProblem
	if f.problem != "" {
		f.problem += " "
	}
	f.problem += noFontAdvice
	logger.Warn("print: no Chinese font; documents print in English only", "fix", noFontAdvice)
	return f
}

var errFontMissing = errors.New("does not exist")

// maxFontBytes guards against a misconfigured path to some huge file; the
// largest CJK TrueType fonts are about 40 MB.
const maxFontBytes = 100 << 20

const noFontAdvice = "No Chinese font is available, so labels and documents print in English only. " +
	"Set print.font in the configuration to a TrueType (.ttf) font with Traditional Chinese, " +
	"or on Debian or Ubuntu install the package fonts-lxgw-wenkai."

// load reads and checks one font file, and cuts the seed subset, which also
// proves that gofpdf can embed it.
func (f *Fonts) load(path string) error {
	start := time.Now()
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errFontMissing
	case err != nil:
		return fmt.Errorf("cannot be read (%v)", err)
	case info.IsDir():
		return errors.New("is a folder, not a font file")
	case info.Size() > maxFontBytes:
		return fmt.Errorf("is too large (%d MB) to be a font file", info.Size()>>20)
	}
	ttf, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("cannot be read (%v)", err)
	}
	covered, err := inspectTTF(ttf)
	if err != nil {
		return err
	}
	for _, r := range chineseSample {
		if !covered.has(r) {
			return fmt.Errorf("has no Traditional Chinese characters (no %q)", r)
		}
	}
	seed := seedRunes(covered)
	sub, err := cutFont(ttf, &seed)
	if err == nil {
		err = tryEmbed(sub.ttf)
	}
	if err != nil {
		return fmt.Errorf("cannot be embedded by the PDF library (%v)", err)
	}
	f.path, f.ttf, f.covered, f.subset = path, ttf, covered, sub
	f.logger.Info("print: Chinese font loaded", "path", path, "glyphs", covered.len(),
		"took", time.Since(start).Round(time.Millisecond))
	return nil
}

// HasChinese reports whether documents can print Chinese.
func (f *Fonts) HasChinese() bool { return f != nil && f.ttf != nil }

// Path is the font file in use, or "" if none.
func (f *Fonts) Path() string {
	if f == nil {
		return ""
	}
	return f.path
}

// Problem is a sentence for the clinic's admin when printing is not as it
// should be (no Chinese font, or print.font unusable), else "".
func (f *Fonts) Problem() string {
	if !f.HasChinese() {
		if f != nil && f.problem != "" {
			return f.problem
		}
		return noFontAdvice
	}
	return f.problem
}

func (f *Fonts) log() *slog.Logger {
	if f == nil || f.logger == nil {
		return slog.Default()
	}
	return f.logger
}

// covers reports whether the Chinese font has a glyph for r.
func (f *Fonts) covers(r rune) bool { return f.HasChinese() && f.covered.has(r) }

// subsetFor returns a private copy of a font subset with at least the runes
// in need, all of which the font covers, and the runes it holds.
func (f *Fonts) subsetFor(need *runeSet) ([]byte, *runeSet, error) {
	f.mu.Lock()
	sub := f.subset
	if !sub.runes.contains(need) {
		next := sub.runes
		next.union(need)
		if next.len() > maxSubsetRunes {
			next = seedRunes(f.covered)
			next.union(need)
		}
		// Cutting under the lock also keeps gofpdf's cutter, which may write
		// padding bytes into the slice it reads, to one goroutine at a time.
		cut, err := cutFont(f.ttf, &next)
		if err != nil {
			f.mu.Unlock()
			return nil, nil, err
		}
		f.subset, sub = cut, cut
	}
	f.mu.Unlock()
	// gofpdf may likewise write into the bytes it is given; each document
	// gets its own copy (a few hundred kilobytes, microseconds).
	return append([]byte(nil), sub.ttf...), &sub.runes, nil
}

// seedRunes is the part of seedText and ASCII that the font covers.
func seedRunes(covered *runeSet) runeSet {
	var seed runeSet
	seed.addString(seedText)
	for r := rune(0x20); r < 0x7F; r++ {
		seed.add(r)
	}
	for i := range seed {
		seed[i] &= covered[i]
	}
	return seed
}

// cutFont extracts the glyphs for runes from a full TrueType file.
func cutFont(ttf []byte, runes *runeSet) (sub *fontSubset, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("font subsetting failed: %v", r)
		}
	}()
	out := gofpdf.UTF8CutFont(ttf, runes.String())
	if len(out) == 0 {
		return nil, errors.New("font subsetting produced nothing")
	}
	return &fontSubset{runes: *runes, ttf: out}, nil
}

// tryEmbed renders a one-line document with a subset, so that a font gofpdf
// chokes on is rejected at start-up rather than when a label is printed.
func tryEmbed(ttf []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	pdf := gofpdf.New("P", "mm", "A4", "")
	pdf.AddUTF8FontFromBytes(chineseFamily, "", append([]byte(nil), ttf...))
	pdf.AddPage()
	pdf.SetFont(chineseFamily, "", 10)
	pdf.Text(10, 10, "AZ az 09")
	return pdf.Output(io.Discard)
}
