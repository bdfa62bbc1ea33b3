package print

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

func TestLoadFonts(t *testing.T) {
	system := chineseFonts(t).Path()
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	full, err := os.ReadFile(system)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name        string
		configured  string
		wantPath    string
		wantProblem string // "" for none
	}{
		{"configured", system, system, ""},
		{"well-known place", "", system, ""},
		{"configured missing", filepath.Join(dir, "nope.ttf"), system, "does not exist"},
		{"collection", write("msjh.ttc", append([]byte("ttcf"), make([]byte, 64)...)), system, ".ttc"},
		{"OpenType CFF", write("noto.otf", append([]byte("OTTO"), make([]byte, 64)...)), system, ".otf"},
		{"not a font", write("notes.ttf", []byte("hello, this is not a font at all")), system, "not a TrueType"},
		{"truncated", write("cut.ttf", full[:4096]), system, "not a TrueType"},
		{"folder", dir, system, "folder"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			f := LoadFonts(tt.configured, slog.New(slog.NewTextHandler(&log, nil)))
			if !f.HasChinese() || f.Path() != tt.wantPath {
				t.Fatalf("font %q (Chinese %v), want %q", f.Path(), f.HasChinese(), tt.wantPath)
			}
			switch p := f.Problem(); {
			case tt.wantProblem == "" && p != "":
				t.Errorf("unexpected problem: %s", p)
			case tt.wantProblem != "" && !strings.Contains(p, tt.wantProblem):
				t.Errorf("problem %q should mention %q", p, tt.wantProblem)
			case tt.wantProblem != "" && !strings.Contains(p, "print.font"):
				t.Errorf("problem %q should name the setting", p)
			}
		})
	}
}

func TestNoChineseFont(t *testing.T) {
	for name, f := range map[string]*Fonts{"zero": {}, "nil": nil, "englishOnly": englishOnly()} {
		if f.HasChinese() {
			t.Errorf("%s: HasChinese", name)
		}
		if p := f.Problem(); !strings.Contains(p, "print.font") || !strings.Contains(p, "fonts-lxgw-wenkai") {
			t.Errorf("%s: problem %q does not say how to fix it", name, p)
		}
	}
}

// The cached subset grows with new characters and is shared by documents
// that need nothing new.
func TestFontSubsetCache(t *testing.T) {
	f := LoadFonts("", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if !f.HasChinese() {
		t.Fatal(f.Problem())
	}
	var need runeSet
	need.addString("鑊")
	before := f.subset
	if before.runes.has('鑊') {
		t.Fatal("seed already has 鑊; pick another character")
	}
	_, runes, err := f.subsetFor(&need)
	if err != nil {
		t.Fatal(err)
	}
	if !runes.has('鑊') || !runes.contains(&before.runes) {
		t.Error("subset did not grow")
	}
	grown := f.subset
	if _, _, err := f.subsetFor(&need); err != nil || f.subset != grown {
		t.Errorf("second request re-cut the font (err %v)", err)
	}
	// Past the limit, the subset starts again from the seed.
	var many runeSet
	for r := rune(0x4E00); many.len() < maxSubsetRunes; r++ {
		if f.covers(r) {
			many.add(r)
		}
	}
	if _, _, err := f.subsetFor(&many); err != nil {
		t.Fatal(err)
	}
	if _, runes, _ = f.subsetFor(&need); runes.len() > maxSubsetRunes || !runes.has('鑊') {
		t.Errorf("subset of %d runes after reset", runes.len())
	}
}

// Documents printed at once from many goroutines (several counters) share
// the font safely; run with -race.
func TestFontsConcurrent(t *testing.T) {
	f := chineseFonts(t)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			p := chanTaiMan
			p.NameZH = string([]rune("陳李張黃何林劉吳鄭梁")[i%10]) + "大文"
			errs <- WritePatientLabels(io.Discard, f, p, 1, Roll62x29)
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// A damaged font file must be rejected, never crash the server.
func FuzzInspectTTF(f *testing.F) {
	f.Add([]byte("ttcf"))
	f.Add([]byte("\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00cmap\x00\x00\x00\x00\x00\x00\x00\x0c\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = inspectTTF(b)
	})
}

// Cutting the real font short anywhere gives an error, not a panic.
func TestInspectTruncatedFont(t *testing.T) {
	full, err := os.ReadFile(chineseFonts(t).Path())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 3, 12, 100, 1000, 100000, len(full) / 2} {
		if _, err := inspectTTF(full[:n]); err == nil {
			t.Errorf("%d bytes accepted", n)
		}
	}
	if covered, err := inspectTTF(full); err != nil || !covered.has('陳') {
		t.Errorf("full font: %v", err)
	}
}
