package ui

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

// testClinic is a real server on a real SQLite file, reached over real HTTP.
type testClinic struct {
	t     testing.TB
	db    *store.DB
	srv   *Server
	views *audit.Batcher
	http  *httptest.Server
}

const testPassword = "correct horse 1"

func newTestClinic(t testing.TB, setUp bool) *testClinic {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	views := audit.NewBatcher(db, log)
	srv, err := New(Config{Version: "test", BackupDir: filepath.Join(dir, "backups"), IdleTimeout: 30 * time.Minute,
		BackupNow: func(ctx context.Context, reason string) (store.BackupInfo, error) {
			return db.Backup(ctx, store.BackupOptions{Dir: filepath.Join(dir, "backups"), Reason: reason})
		}}, db, views, log)
	if err != nil {
		t.Fatal(err)
	}
	tc := &testClinic{t: t, db: db, srv: srv, views: views, http: httptest.NewServer(srv.Handler())}
	t.Cleanup(func() {
		tc.http.Close()
		views.Close()
		db.Close()
	})
	if setUp {
		_, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Test Clinic", NameZH: "測試診所"},
			users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: testPassword}, "test")
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range []string{users.RoleDoctor, users.RoleNurse, users.RoleDispenser, users.RoleClerk} {
			n := users.NewUser{Username: r, FullName: "Test " + r, Roles: []string{r}, Password: testPassword}
			if r == users.RoleDoctor {
				n.MCRNo = "M12345"
			}
			if _, err := users.Add(ctx, db, n, audit.System); err != nil {
				t.Fatal(err)
			}
		}
	}
	return tc
}

// browser is one browser: a cookie jar, no automatic redirects, and the CSRF token it last saw.
type browser struct {
	tc     *testClinic
	client *http.Client
	csrf   string
}

func (tc *testClinic) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{tc: tc, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// get fetches a page and remembers its CSRF token.
func (b *browser) get(path string) (*http.Response, string) {
	b.tc.t.Helper()
	resp, err := b.client.Get(b.tc.http.URL + path)
	if err != nil {
		b.tc.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return resp, string(body)
}

// post submits a form with the CSRF token (unless the form sets _csrf itself).
func (b *browser) post(path string, form url.Values) (*http.Response, string) {
	b.tc.t.Helper()
	if b.csrf == "" {
		b.get("/login")
	}
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["_csrf"]; !ok {
		form.Set("_csrf", b.csrf)
	}
	resp, err := b.client.PostForm(b.tc.http.URL+path, form)
	if err != nil {
		b.tc.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// login signs in and fails the test if it does not work.
func (b *browser) login(username string) {
	b.tc.t.Helper()
	b.get("/login")
	resp, body := b.post("/login", url.Values{"username": {username}, "password": {testPassword}})
	if resp.StatusCode != http.StatusSeeOther {
		b.tc.t.Fatalf("login %s: status %d: %s", username, resp.StatusCode, body)
	}
	b.get("/")
}

func (b *browser) cookie(name string) string {
	u, _ := url.Parse(b.tc.http.URL)
	for _, c := range b.client.Jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func contains(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("page does not contain %q", w)
		}
	}
}

func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

func readAll(resp *http.Response) []byte {
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return b
}

var inputValueRe = map[string]*regexp.Regexp{}

// regexpValue reads the value of a named input from a page.
func regexpValue(body, name string) string {
	re, ok := inputValueRe[name]
	if !ok {
		re = regexp.MustCompile(`name="` + name + `" value="([^"]*)"`)
		inputValueRe[name] = re
	}
	if m := re.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}
