package ui

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/ui/i18n"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	en, zh := cat.Keys("en"), cat.Keys("zh-HK")
	for _, k := range en {
		if !cat.Has("zh-HK", k) {
			t.Errorf("zh-HK lacks %s", k)
		}
	}
	for _, k := range zh {
		if !cat.Has("en", k) {
			t.Errorf("en lacks %s", k)
		}
	}
}

var (
	tmplKeyRe     = regexp.MustCompile(`\.T "([^"]+)"|\.Field "[^"]+" "([^"]+)"|"hint:([^"]+)"|TitleKey: "([^"]+)"`)
	goKeyRe       = regexp.MustCompile(`"((?:error|notice|warning|nav|login|setup|users|backups|audit|practice|password|home|form|layout|user|role|patients|patient|allergy|print_lang|duplicates|import|visit|vitals|terms|chart|documents|results|billing|med|dashboard|report|sharing)\.[a-z0-9_.]*[a-z0-9_])"`)
	actionConstRe = regexp.MustCompile(`(?m)^\s*(?:const\s+)?Action\w*\s*=\s*"([a-z_]+)"`)
	clinicKeyRe   = regexp.MustCompile(`"((?:error|warning)\.[a-z0-9_.]*[a-z0-9_])"`)
	actionRe      = regexp.MustCompile(`(?s)\{\{.*?\}\}`)
	tagRe         = regexp.MustCompile(`(?s)<[^>]*>`)
	entityRe      = regexp.MustCompile(`&[a-z#0-9]+;`)
	wordsRe       = regexp.MustCompile(`[\p{L}]{2,}`)
	properNames   = map[string]bool{"OnRamp": true, "English": true, "繁體中文": true}
)

// TestEveryKeyUsedIsTranslated finds the keys that templates and handlers use and checks that
// both catalogues hold them, and that no template carries words outside the catalogues.
func TestEveryKeyUsedIsTranslated(t *testing.T) {
	cat, _ := i18n.Load()
	used := map[string]string{}
	_ = fs.WalkDir(os.DirFS("."), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, "_test.go") {
			return err
		}
		switch filepath.Ext(p) {
		case ".html":
			b, _ := os.ReadFile(p)
			for _, m := range tmplKeyRe.FindAllStringSubmatch(string(b), -1) {
				for _, k := range m[1:] {
					if k != "" {
						used[k] = p
					}
				}
			}
			text := entityRe.ReplaceAllString(tagRe.ReplaceAllString(actionRe.ReplaceAllString(string(b), " "), " "), " ")
			for _, w := range wordsRe.FindAllString(text, -1) {
				if !properNames[w] {
					t.Errorf("%s: %q is written in the template, not taken from the catalogues", p, w)
				}
			}
		case ".go":
			b, _ := os.ReadFile(p)
			for _, m := range goKeyRe.FindAllStringSubmatch(string(b), -1) {
				if !strings.HasSuffix(m[1], ".html") {
					used[m[1]] = p
				}
			}
		}
		return nil
	})
	// The clinic packages name the messages of their errors and warnings; the screens show them.
	_ = filepath.WalkDir("../clinic", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return err
		}
		b, _ := os.ReadFile(p)
		for _, m := range clinicKeyRe.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
		// Audit actions a feature declares are shown by the audit log page.
		for _, m := range actionConstRe.FindAllStringSubmatch(string(b), -1) {
			used["audit.action."+m[1]] = p
		}
		return nil
	})
	// Keys built at run time.
	for _, r := range users.AllRoles {
		used["role."+r] = "roles"
	}
	for _, a := range []string{audit.ActionLogin, audit.ActionLoginFailed, audit.ActionLogout, audit.ActionView, audit.ActionCreate,
		audit.ActionChange, audit.ActionDelete, audit.ActionPrint, audit.ActionExport, audit.ActionBackup, audit.ActionRestore, audit.ActionSetup} {
		used["audit.action."+a] = "audit actions"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d keys: the scan is broken", len(used))
	}
	for k, where := range used {
		for _, lang := range i18n.Languages {
			if !cat.Has(lang, k) {
				t.Errorf("%s: key %q missing from %s.json", where, k, lang)
			}
		}
	}
}
