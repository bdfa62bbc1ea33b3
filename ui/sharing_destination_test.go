package ui

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/sharing"
)

// TestSharingPageSaysWhereInTheReadersLanguage: the folder the bundles go to is named in the
// reader's language, the path shown as it is; the log's English never shows on the page.
func TestSharingPageSaysWhereInTheReadersLanguage(t *testing.T) {
	tc := newTestClinic(t, true)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := filepath.Join(t.TempDir(), "bundles")
	svc, err := sharing.NewService(ctx, sharing.New(tc.db, sharing.Options{Folder: dir}), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	tc.srv.AttachSharing(svc)
	for _, tt := range []struct {
		lang, kind string
	}{
		{"en", "the folder"},
		{"zh-HK", "資料夾"},
	} {
		t.Run(tt.lang, func(t *testing.T) {
			b := tc.browser()
			b.sessionFor("doctor")
			b.get("/")
			b.post("/language", url.Values{"lang": {tt.lang}})
			resp, body := b.get("/sharing")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET /sharing: %d", resp.StatusCode)
			}
			contains(t, body, `lang="`+tt.lang+`"`, `<span id="sharing-destination-kind">`+tt.kind+`</span>`,
				`<code id="sharing-destination">`+dir+`</code>`)
			if strings.Contains(body, "folder "+dir) {
				t.Errorf("the log's English description shows on the %s page", tt.lang)
			}
		})
	}
}
