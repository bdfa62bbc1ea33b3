// Package i18n holds the screens' words in English and Traditional Chinese (Hong Kong). Every
// visible string is a key in the catalogues, one pair of files per feature
// (FEATURE.en.json and FEATURE.zh-HK.json); templates and handlers use keys, never English
// sentences, so a screen cannot be half translated without a test noticing.
package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

//go:embed *.json
var files embed.FS

// Languages offered, in the order the switch shows them.
var Languages = []string{"en", "zh-HK"}

// Catalog is the loaded translations.
type Catalog struct {
	printers map[string]*message.Printer
	keys     map[string]map[string]string // lang → key → message, for tests and the key check
}

// Load reads the embedded catalogues.
func Load() (*Catalog, error) {
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	c := &Catalog{printers: map[string]*message.Printer{}, keys: map[string]map[string]string{}}
	for _, lang := range Languages {
		names, err := fs.Glob(files, "*."+lang+".json")
		if err != nil {
			return nil, err
		}
		m := map[string]string{}
		for _, name := range names {
			raw, err := files.ReadFile(name)
			if err != nil {
				return nil, err
			}
			part := map[string]string{}
			if err := json.Unmarshal(raw, &part); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("%s: key %s is also in another %s catalogue", name, k, lang)
				}
				m[k] = v
			}
		}
		tag := language.MustParse(lang)
		for k, v := range m {
			if err := b.SetString(tag, k, v); err != nil {
				return nil, fmt.Errorf("%s key %s: %w", lang, k, err)
			}
		}
		c.keys[lang] = m
	}
	for _, lang := range Languages {
		c.printers[lang] = message.NewPrinter(language.MustParse(lang), message.Catalog(b))
	}
	return c, nil
}

// T translates key into lang with fmt-style arguments. An unknown language falls back to
// English; an unknown key comes back as the key itself (and the catalogue test fails).
func (c *Catalog) T(lang, key string, args ...any) string {
	p, ok := c.printers[lang]
	if !ok {
		p = c.printers["en"]
	}
	return p.Sprintf(key, args...)
}

// Has reports whether lang's catalogue holds key.
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.keys[lang][key]
	return ok
}

// Keys lists the keys of a language's catalogue, sorted.
func (c *Catalog) Keys(lang string) []string {
	var out []string
	for k := range c.keys[lang] {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// matcher is built once: building one costs more than a search of a million patients.
var matcher = language.NewMatcher([]language.Tag{language.English, language.MustParse("zh-HK")})

// Normalize maps an Accept-Language-ish value or a user's setting to one we have.
func Normalize(lang string) string {
	switch lang { // the values stored for users and cookies: no matching needed
	case "en":
		return "en"
	case "zh-HK":
		return "zh-HK"
	}
	tag, _ := language.MatchStrings(matcher, lang)
	base, _ := tag.Base()
	if base.String() == "zh" {
		return "zh-HK"
	}
	return "en"
}
