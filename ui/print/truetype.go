package print

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// runeSet is a set of Basic Multilingual Plane runes, the only ones gofpdf
// can draw.
type runeSet [0x10000 / 64]uint64

func (s *runeSet) has(r rune) bool {
	return r >= 0 && r <= 0xFFFF && s[r>>6]&(1<<(r&63)) != 0
}

func (s *runeSet) add(r rune) {
	if r >= 0 && r <= 0xFFFF {
		s[r>>6] |= 1 << (r & 63)
	}
}

func (s *runeSet) addString(str string) {
	for _, r := range str {
		s.add(r)
	}
}

// contains reports whether every rune of o is in s.
func (s *runeSet) contains(o *runeSet) bool {
	for i := range s {
		if o[i]&^s[i] != 0 {
			return false
		}
	}
	return true
}

func (s *runeSet) union(o *runeSet) {
	for i := range s {
		s[i] |= o[i]
	}
}

func (s *runeSet) len() int {
	n := 0
	for _, w := range s {
		for ; w != 0; w &= w - 1 {
			n++
		}
	}
	return n
}

func (s *runeSet) String() string {
	rs := make([]rune, 0, s.len())
	for i, w := range s {
		for b := 0; w != 0; b, w = b+1, w>>1 {
			if w&1 != 0 {
				rs = append(rs, rune(i*64+b))
			}
		}
	}
	return string(rs)
}

// Reasons a font file cannot be used; each is worded for the clinic's admin.
var (
	errFontCollection = errors.New("is a font collection (.ttc), which the PDF library cannot read; choose a single .ttf file")
	errFontOpenType   = errors.New("is an OpenType font with PostScript outlines (.otf), which the PDF library cannot read; choose a .ttf file")
	errFontNotTTF     = errors.New("is not a TrueType font file")
	errFontLicence    = errors.New("forbids embedding or subsetting in documents under its licence")
	errFontNoUnicode  = errors.New("has no Unicode character map the PDF library understands")
)

// inspectTTF checks a TrueType file before gofpdf sees it, because gofpdf's
// own parser panics or prints to stdout on files it cannot handle, and
// returns the set of BMP runes that have a glyph. It follows gofpdf's choice
// of character map (the first Unicode subtable in format 4), so "covered"
// here means "gofpdf will draw it".
func inspectTTF(b []byte) (*runeSet, error) {
	if len(b) < 12 {
		return nil, errFontNotTTF
	}
	switch string(b[:4]) {
	case "ttcf":
		return nil, errFontCollection
	case "OTTO":
		return nil, errFontOpenType
	case "\x00\x01\x00\x00", "true":
	default:
		return nil, errFontNotTTF
	}
	tables := map[string][]byte{}
	n := int(u16(b, 4))
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		if rec+16 > len(b) {
			return nil, errFontNotTTF
		}
		off, size := int(u32(b, rec+8)), int(u32(b, rec+12))
		if off < 0 || size < 0 || off+size > len(b) || off+size < off {
			return nil, errFontNotTTF
		}
		tables[string(b[rec:rec+4])] = b[off : off+size]
	}
	// gofpdf dereferences each of these without checking that it exists.
	for _, name := range []string{"head", "hhea", "maxp", "hmtx", "cmap", "name", "post", "loca", "glyf"} {
		if len(tables[name]) == 0 {
			return nil, fmt.Errorf("%w (it has no %q table)", errFontNotTTF, name)
		}
	}
	if os2 := tables["OS/2"]; len(os2) >= 10 {
		// The same test gofpdf applies: restricted-licence embedding, or no
		// subsetting, or bitmap-only embedding.
		if fsType := u16(os2, 8); fsType == 0x0002 || fsType&0x0300 != 0 {
			return nil, errFontLicence
		}
	}
	if len(tables["maxp"]) < 6 {
		return nil, errFontNotTTF
	}
	numGlyphs := int(u16(tables["maxp"], 4))
	return cmapCoverage(tables["cmap"], numGlyphs)
}

// cmapCoverage reads the format 4 Unicode subtable that gofpdf would pick.
func cmapCoverage(cmap []byte, numGlyphs int) (*runeSet, error) {
	if len(cmap) < 4 {
		return nil, errFontNoUnicode
	}
	for i := 0; i < int(u16(cmap, 2)); i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			break
		}
		platform, encoding, off := u16(cmap, rec), u16(cmap, rec+2), int(u32(cmap, rec+4))
		if !(platform == 3 && encoding == 1 || platform == 0) {
			continue
		}
		if off+4 > len(cmap) || u16(cmap, off) != 4 {
			continue
		}
		return format4Coverage(cmap[off:], numGlyphs)
	}
	return nil, errFontNoUnicode
}

func format4Coverage(sub []byte, numGlyphs int) (*runeSet, error) {
	if len(sub) < 14 {
		return nil, errFontNoUnicode
	}
	if l := int(u16(sub, 2)); l < len(sub) {
		sub = sub[:l]
	}
	segs := int(u16(sub, 6)) / 2
	ends, starts := 14, 16+2*segs
	deltas, rangeOffsets := starts+2*segs, starts+4*segs
	if rangeOffsets+2*segs > len(sub) {
		return nil, errFontNoUnicode
	}
	covered := new(runeSet)
	for s := 0; s < segs; s++ {
		start, end := int(u16(sub, starts+2*s)), int(u16(sub, ends+2*s))
		delta, ro := int(u16(sub, deltas+2*s)), int(u16(sub, rangeOffsets+2*s))
		for c := start; c <= end && c < 0xFFFF; c++ {
			glyph := 0
			if ro == 0 {
				glyph = (c + delta) & 0xFFFF
			} else {
				at := rangeOffsets + 2*s + ro + 2*(c-start)
				if at+2 > len(sub) {
					continue
				}
				if glyph = int(u16(sub, at)); glyph != 0 {
					glyph = (glyph + delta) & 0xFFFF
				}
			}
			if glyph != 0 && glyph < numGlyphs {
				covered.add(rune(c))
			}
		}
	}
	return covered, nil
}

func u16(b []byte, at int) uint16 { return binary.BigEndian.Uint16(b[at:]) }
func u32(b []byte, at int) uint32 { return binary.BigEndian.Uint32(b[at:]) }
