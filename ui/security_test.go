package ui

import (
	"bytes"
	"context"
	"html"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/users"
)

// Security checks beside the route × role matrix (routes_test.go) and the login, CSRF and
// header tests of auth_test.go: hostile input anywhere, on every page and every route.

// xssPayload breaks out of an attribute and opens a script: wherever it is shown unescaped the
// raw "<script>" comes back. It is short enough for a Chinese name (20 characters).
const xssPayload = `"'><script>x(1)`

const xssRaw = "<script>x(1)"

// allRoles signs in a member of staff who holds every role, so that one browser sees every form.
func (tc *testClinic) allRoles(name string) *browser {
	tc.t.Helper()
	if _, err := users.GetByUsername(context.Background(), tc.db.R, name); err != nil {
		n := users.NewUser{Username: name, FullName: "All " + name, Roles: users.AllRoles, Password: testPassword, MCRNo: "M54321"}
		if _, err := users.Add(context.Background(), tc.db, n, audit.System); err != nil {
			tc.t.Fatal(err)
		}
	}
	b := tc.browser()
	b.sessionFor(name)
	return b
}

var (
	formRe     = regexp.MustCompile(`(?s)<form\b([^>]*)>(.*?)</form>`)
	attrRe     = regexp.MustCompile(`\b([a-z-]+)="([^"]*)"`)
	inputRe    = regexp.MustCompile(`<input\b[^>]*>`)
	textareaRe = regexp.MustCompile(`(?s)<textarea\b([^>]*)>(.*?)</textarea>`)
	selectRe   = regexp.MustCompile(`(?s)<select\b([^>]*)>(.*?)</select>`)
	optionRe   = regexp.MustCompile(`<option\b([^>]*)>`)
	hrefRe     = regexp.MustCompile(`href="(/[^"]*)"`)
	checkedRe  = regexp.MustCompile(`\schecked(\s|>|=|/)`)
	selectedRe = regexp.MustCompile(`\sselected(\s|$|=)`)
)

func attrs(tag string) map[string]string {
	m := map[string]string{}
	for _, a := range attrRe.FindAllStringSubmatch(tag, -1) {
		m[a[1]] = html.UnescapeString(a[2])
	}
	return m
}

// pageForm is a POST form found on a page, with its fields as the page filled them.
type pageForm struct {
	page, action string
	values       url.Values
	text         []string // fields a person types into
}

// postForms finds the POST forms of a page.
func postForms(page, body string) []pageForm {
	var out []pageForm
	for _, f := range formRe.FindAllStringSubmatch(body, -1) {
		a := attrs(f[1])
		if !strings.EqualFold(a["method"], "post") {
			continue
		}
		pf := pageForm{page: page, action: a["action"], values: url.Values{}}
		if pf.action == "" {
			pf.action = page
		}
		for _, in := range inputRe.FindAllString(f[2], -1) {
			ia := attrs(in)
			name := ia["name"]
			if name == "" {
				continue
			}
			switch ia["type"] {
			case "", "text", "search", "email", "tel", "url", "date", "time", "number", "datetime-local", "month":
				pf.text = append(pf.text, name)
				pf.values.Set(name, ia["value"])
			case "checkbox", "radio":
				if checkedRe.MatchString(in) {
					v := ia["value"]
					if _, ok := ia["value"]; !ok {
						v = "on"
					}
					pf.values.Add(name, v)
				}
			case "password", "file", "submit", "button":
			default:
				pf.values.Set(name, ia["value"])
			}
		}
		for _, ta := range textareaRe.FindAllStringSubmatch(f[2], -1) {
			if name := attrs(ta[1])["name"]; name != "" {
				pf.text = append(pf.text, name)
				pf.values.Set(name, html.UnescapeString(ta[2]))
			}
		}
		for _, sel := range selectRe.FindAllStringSubmatch(f[2], -1) {
			name := attrs(sel[1])["name"]
			if name == "" {
				continue
			}
			// The option the page chose, else the first with a value.
			for _, o := range optionRe.FindAllStringSubmatch(sel[2], -1) {
				if v := attrs(o[1])["value"]; v != "" && (selectedRe.MatchString(o[1]) || !pf.values.Has(name)) {
					pf.values.Set(name, v)
				}
			}
		}
		out = append(out, pf)
	}
	return out
}

// crawl visits the signed-in pages reachable from the routes table and their links (no PDFs,
// downloads or live streams), and returns each page's body.
func crawl(t *testing.T, tc *testClinic, b *browser, limit int) map[string]string {
	t.Helper()
	var queue []string
	for _, r := range tc.srv.Routes() {
		if r.Method == http.MethodGet && r.Kind == Page && !strings.Contains(r.Path, ":") && !strings.Contains(r.Path, "*") && !r.Perm.Setup {
			queue = append(queue, r.Path)
		}
	}
	seen := map[string]string{}
	for len(queue) > 0 && len(seen) < limit {
		p := queue[0]
		queue = queue[1:]
		if _, ok := seen[p]; ok {
			continue
		}
		if strings.HasSuffix(strings.SplitN(p, "?", 2)[0], ".pdf") || strings.HasSuffix(strings.SplitN(p, "?", 2)[0], ".csv") ||
			strings.HasPrefix(p, "/static/") || strings.Contains(p, "/live") || strings.HasPrefix(p, "/board/") {
			continue
		}
		resp, body := b.get(p)
		if !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
			seen[p] = "" // a download (CSV, PDF, JSON) is not a page a script could run in
			continue
		}
		seen[p] = body
		for _, m := range hrefRe.FindAllStringSubmatch(body, -1) {
			queue = append(queue, html.UnescapeString(m[1]))
		}
	}
	return seen
}

// TestXSSInEveryPatientFieldComesBackEscaped registers a patient with the payload in each text
// field of the registration form in turn (the field list is read from the form itself, so a new
// field is covered), then looks at every page that shows a patient.
func TestXSSInEveryPatientFieldComesBackEscaped(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.allRoles("everyone")
	_, form := b.get("/patients/new")
	forms := postForms("/patients/new", form)
	if len(forms) == 0 {
		t.Fatal("no registration form on /patients/new")
	}
	var fields []string
	for _, f := range forms {
		if f.action == "/patients" {
			fields = f.text
		}
	}
	if len(fields) < 8 {
		t.Fatalf("registration form has only %d text fields: %v", len(fields), fields)
	}
	var saved []string // patient pages
	storedIn := map[string]bool{}
	for _, field := range fields {
		f := registration(map[string]string{field: xssPayload, "doc_type": "", "doc_number": "", "confirmed": "yes"})
		if field == "doc_number" {
			f.Set("doc_type", "OTHER")
		}
		resp, body := b.post("/patients", f)
		if resp.StatusCode >= 500 {
			t.Fatalf("payload in %s: %d", field, resp.StatusCode)
		}
		if strings.Contains(body, xssRaw) {
			t.Errorf("payload in %s comes back unescaped on the answer to the form", field)
		}
		if resp.StatusCode == http.StatusSeeOther {
			loc := resp.Header.Get("Location")
			saved = append(saved, strings.SplitN(loc, "?", 2)[0])
			storedIn[field] = true
		} else if !strings.Contains(body, html.EscapeString(xssPayload)) && !strings.Contains(body, "&#34;&#39;&gt;&lt;script&gt;x(1)") {
			t.Errorf("payload in %s: the form does not keep what was typed (escaped)", field)
		}
	}
	// Free-text fields must take the payload as typed (a Chinese name, an address, remarks): that
	// is what makes the pages below a real test.
	for _, f := range []string{"name_zh", "address", "remarks"} {
		if !storedIn[f] {
			t.Errorf("payload in %s was not saved; the pages below test less than they claim", f)
		}
	}
	// Put the patients in the queue, so that the queue shows them.
	for _, p := range saved {
		b.get("/queue")
		b.post("/queue", url.Values{"patient": {strings.TrimPrefix(p, "/patients/")}})
	}
	tc.views.Flush()
	pages := map[string]string{}
	for _, p := range saved {
		pages[p] = ""
		pages[p+"/edit"] = ""
		pages["/sharing/patients/"+strings.TrimPrefix(p, "/patients/")] = ""
	}
	for _, q := range []string{xssPayload, "chan", "<script>", "陳"} {
		pages["/patients?q="+url.QueryEscape(q)] = ""
		pages["/patients/search?q="+url.QueryEscape(q)] = ""
		pages["/queue?q="+url.QueryEscape(q)] = ""
	}
	for p, body := range crawl(t, tc, b, 200) {
		pages[p] = body
	}
	shown := 0
	for p, body := range pages {
		if body == "" {
			_, body = b.get(p)
		}
		if strings.Contains(body, xssRaw) {
			t.Errorf("%s shows the payload unescaped", p)
		}
		if strings.Contains(body, "&lt;script&gt;x(1)") || strings.Contains(body, `\u003cscript\u003ex(1)`) {
			shown++
		}
	}
	if shown < len(saved) {
		t.Errorf("the saved payload shows (escaped) on only %d pages; the check is not looking at them", shown)
	}
}

// demoClinic is a test clinic with a small demo practice: one of every kind of record on file
// (visits, prescriptions, bills, ... as each feature registers its demo step), so that their
// pages and forms exist for the crawl.
func demoClinic(t *testing.T) (*testClinic, *browser) {
	tc := newTestClinic(t, true)
	b := tc.allRoles("everyone")
	register(t, b, nil)
	if err := demo.Build(context.Background(), tc.db, demo.Options{Patients: 20, Visits: 20, Seed: 1, Prefix: "D"}); err != nil {
		t.Fatalf("demo practice: %v", err)
	}
	return tc, b
}

// submitEveryForm finds every POST form on the pages the crawl reaches (one per route) and
// submits it with payload in every text field, then in each text field alone with the rest as
// the page filled it, so that what passes validation is saved. check sees each answer.
func submitEveryForm(t *testing.T, tc *testClinic, b *browser, payload string, check func(form, page string, resp *http.Response, body string)) int {
	t.Helper()
	submitted := 0
	done := map[string]bool{}
	idRe := regexp.MustCompile(`/\d+(/|$)`)
	submit := func(page string, f pageForm, values url.Values) {
		b.get(page) // a fresh CSRF token, as a browser has
		resp, answer := b.post(f.action, values)
		submitted++
		if resp.StatusCode >= 500 {
			t.Errorf("form %s on %s: %d", f.action, page, resp.StatusCode)
		}
		check(f.action, page, resp, answer)
	}
	for page, body := range crawl(t, tc, b, 400) {
		for _, f := range postForms(page, body) {
			// One form of each route: the same form on another patient's page adds nothing.
			key := idRe.ReplaceAllString(f.action, "/:id$1") + " " + strings.Join(f.text, ",")
			if len(f.text) == 0 || done[key] || f.action == "/logout" {
				continue
			}
			done[key] = true
			all := url.Values{}
			for k, v := range f.values {
				all[k] = v
			}
			for _, name := range f.text {
				all.Set(name, payload)
			}
			submit(page, f, all)
			for _, name := range f.text {
				one := url.Values{}
				for k, v := range f.values {
					one[k] = v
				}
				one.Set(name, payload)
				submit(page, f, one)
			}
		}
	}
	if submitted < 5 {
		t.Fatalf("only %d submissions: the crawl is broken", submitted)
	}
	t.Logf("%d submissions with %q", submitted, payload)
	return submitted
}

// TestXSSInEveryFormIsEscaped: the payload in every form of every page, then no page may show
// it unescaped, and what was saved must show (escaped) somewhere.
func TestXSSInEveryFormIsEscaped(t *testing.T) {
	tc, b := demoClinic(t)
	submitEveryForm(t, tc, b, xssPayload, func(form, page string, _ *http.Response, answer string) {
		if strings.Contains(answer, xssRaw) {
			t.Errorf("form %s on %s answers with the payload unescaped", form, page)
		}
	})
	shown := 0
	for p, body := range crawl(t, tc, b, 500) {
		if strings.Contains(body, xssRaw) {
			t.Errorf("%s shows the payload unescaped", p)
		}
		if strings.Contains(body, "&lt;script&gt;x(1)") {
			shown++
		}
	}
	// Some forms take free text (notes, reasons, remarks): the payload they saved must be on
	// some page, or the crawl is not looking where the records are shown.
	t.Logf("the saved payload shows, escaped, on %d pages", shown)
	if shown == 0 {
		t.Error("no page shows a saved payload: nothing was saved, or the crawl misses the pages")
	}
}

// TestSQLInjectionInEveryFormChangesNothing: SQL in every text field of every form leaves the
// schema as it was and takes no row away from any table (records are amended, never deleted).
func TestSQLInjectionInEveryFormChangesNothing(t *testing.T) {
	tc, b := demoClinic(t)
	schema := func() string {
		var s string
		tc.db.R.QueryRow(`SELECT group_concat(type || ' ' || name, ',') FROM (SELECT type, name FROM sqlite_master ORDER BY name)`).Scan(&s)
		return s
	}
	counts := func() map[string]int {
		rows, err := tc.db.R.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE '%VIRTUAL%'`)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		out := map[string]int{}
		for _, n := range names {
			var c int
			tc.db.R.QueryRow(`SELECT COUNT(*) FROM "` + n + `"`).Scan(&c)
			out[n] = c
		}
		return out
	}
	schemaBefore, before := schema(), counts()
	for _, payload := range []string{`'; DROP TABLE patients; --`, `1' OR '1'='1`, `x"); DELETE FROM audit_log; --`} {
		submitEveryForm(t, tc, b, payload, func(form, page string, resp *http.Response, answer string) {
			if strings.Contains(strings.ToLower(answer), "sqlite") || strings.Contains(answer, "SQL logic") {
				t.Errorf("form %s on %s shows a database error", form, page)
			}
		})
	}
	if got := schema(); got != schemaBefore {
		t.Errorf("the schema changed:\n%s\n%s", schemaBefore, got)
	}
	for table, n := range counts() {
		if n < before[table] && table != "sessions" {
			t.Errorf("table %s lost rows: %d, was %d", table, n, before[table])
		}
	}
}

// TestSQLInjectionChangesNothing: SQL and FTS syntax typed in the search box and the forms is
// taken as text: no error, no extra rows, nothing changed.
func TestSQLInjectionChangesNothing(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.allRoles("everyone")
	register(t, b, nil)
	register(t, b, map[string]string{"surname_en": "Wong", "given_name_en": "Siu Ming", "name_zh": "黃小明", "doc_type": "", "doc_number": "",
		"mobile": "61234567", "dob": "1990", "confirmed": "yes"})
	count := func() (n int) {
		tc.db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&n)
		return n
	}
	if count() != 2 {
		t.Fatalf("%d patients before the injections", count())
	}
	injections := []string{
		`' OR '1'='1`, `' OR 1=1 --`, `'; DROP TABLE patients; --`, `" OR ""="`, `%' OR '%'='`, `*`, `"`,
		`chan" OR "wong`, `NEAR(chan wong)`, `chan*`, `a123456(3)' UNION SELECT * FROM users --`, `陳' OR '1'='1`,
		`1; UPDATE patients SET surname_en='X'`, `\`, `%`, `_`, `) OR (1=1`,
	}
	for _, q := range injections {
		resp, body := b.get("/patients/search?q=" + url.QueryEscape(q))
		if resp.StatusCode != http.StatusOK {
			t.Errorf("search %q: %d %s", q, resp.StatusCode, body)
		}
		if strings.Contains(body, "陳大文") && strings.Contains(body, "黃小明") {
			t.Errorf("search %q finds everyone", q)
		}
		if resp, body := b.get("/patients?q=" + url.QueryEscape(q)); resp.StatusCode != http.StatusOK || strings.Contains(strings.ToLower(body), "sql") {
			t.Errorf("search page %q: %d", q, resp.StatusCode)
		}
	}
	// In the forms: stored as typed, shown as typed, and nothing else touched.
	page := register(t, b, map[string]string{"surname_en": "O'Brien", "given_name_en": "Sean", "name_zh": `'); DROP TABLE p;--`,
		"address": `1' OR '1'='1`, "doc_type": "", "doc_number": "", "confirmed": "yes"})
	_, body := b.get(page)
	// (The page shows surnames in capitals, and a Chinese name without spaces.)
	contains(t, body, "O&#39;BRIEN", "&#39;);DROPTABLEp;--", "1&#39; OR &#39;1&#39;=&#39;1")
	if count() != 3 {
		t.Errorf("%d patients after an injection in a form, want 3", count())
	}
	var surnames string
	tc.db.R.QueryRow(`SELECT group_concat(surname_en, ',') FROM (SELECT surname_en FROM patients ORDER BY id)`).Scan(&surnames)
	if surnames != "Chan,Wong,O'Brien" {
		t.Errorf("surnames now %q", surnames)
	}
	// And at the login: no way in by quoting.
	for _, name := range []string{`admin' --`, `admin' OR '1'='1`, `' OR 1=1 --`} {
		nb := tc.browser()
		nb.get("/login")
		resp, _ := nb.post("/login", url.Values{"username": {name}, "password": {`' OR '1'='1`}})
		if resp.StatusCode == http.StatusSeeOther || nb.cookie(sessionCookie) != "" {
			t.Errorf("login as %q let someone in", name)
		}
	}
}

// TestEveryPostRouteRefusesAMissingCSRFToken walks the routes table: a signed-in user allowed on
// the route, with a session and the CSRF cookie but no token in the form, is refused.
func TestEveryPostRouteRefusesAMissingCSRFToken(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.allRoles("everyone")
	n := 0
	for _, r := range tc.srv.Routes() {
		if r.Method != http.MethodPost || r.Perm.Setup {
			continue
		}
		n++
		for _, form := range []url.Values{{"_csrf": {""}}, {"_csrf": {"forged-forged-forged-forged-forged-forged"}}} {
			resp, _ := b.post(concretePath(r.Path), form)
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("POST %s with _csrf=%q: %d, want 403", r.Path, form.Get("_csrf"), resp.StatusCode)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d POST routes", n)
	}
	// And nothing happened: the user is still signed in (logout was refused too).
	if resp, _ := b.get("/"); resp.StatusCode != http.StatusOK {
		t.Errorf("after the forged posts: %d", resp.StatusCode)
	}
}

// TestSecurityHeadersOnEveryRoute: every answer, page, JSON, PDF or error, with or without a
// session, carries the policy.
func TestSecurityHeadersOnEveryRoute(t *testing.T) {
	tc := newTestClinic(t, true)
	signed := tc.allRoles("everyone")
	anon := tc.browser()
	check := func(name string, resp *http.Response) {
		t.Helper()
		csp := resp.Header.Get("Content-Security-Policy")
		script := ""
		for _, d := range strings.Split(csp, ";") {
			if d = strings.TrimSpace(d); strings.HasPrefix(d, "script-src") || (script == "" && strings.HasPrefix(d, "default-src")) {
				script = d
			}
		}
		switch {
		case script == "":
			t.Errorf("%s: no script policy in %q", name, csp)
		case strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") || strings.Contains(script, "*"):
			t.Errorf("%s: scripts not locked down: %q", name, script)
		}
		if !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: framing allowed: %q", name, csp)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", name)
		}
	}
	for _, r := range tc.srv.Routes() {
		if r.Method != http.MethodGet || strings.Contains(r.Path, "/live") {
			continue
		}
		p := concretePath(r.Path)
		resp, _ := signed.get(p)
		check("GET "+p+" signed in", resp)
		resp, _ = anon.get(p)
		check("GET "+p+" no session", resp)
	}
	resp, _ := anon.get("/no-such-page")
	check("404", resp)
}

// TestOversizedUploadsAndFormsAreRefusedInTheUsersLanguage: a multipart upload over the cap and
// a form over the cap get the translated "too large" page, and nothing is saved.
func TestOversizedUploadsAndFormsAreRefusedInTheUsersLanguage(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.allRoles("everyone")
	b.get("/")
	multipartBody := func(size int) (string, *bytes.Buffer) {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		w.WriteField("_csrf", b.csrf)
		fw, _ := w.CreateFormFile("file", "patients.csv")
		fw.Write(bytes.Repeat([]byte("x"), size))
		w.Close()
		return w.FormDataContentType(), &buf
	}
	limitMB := tc.srv.cfg.MaxUploadMB
	tests := []struct {
		name, lang, ctype string
		body              func() (string, *bytes.Buffer)
		want              int
	}{
		{"upload over the cap, English", "en", "", func() (string, *bytes.Buffer) { return multipartBody(int(limitMB+2) << 20) }, http.StatusRequestEntityTooLarge},
		{"upload over the cap, Chinese", "zh-HK", "", func() (string, *bytes.Buffer) { return multipartBody(int(limitMB+2) << 20) }, http.StatusRequestEntityTooLarge},
		{"form over the cap, Chinese", "zh-HK", "application/x-www-form-urlencoded", func() (string, *bytes.Buffer) {
			return "", bytes.NewBufferString(url.Values{"_csrf": {b.csrf}, "name_en": {strings.Repeat("陳", 1<<20)}}.Encode())
		}, http.StatusRequestEntityTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := users.SetLanguage(context.Background(), tc.db, mustUserID(t, tc, "everyone"), tt.lang); err != nil {
				t.Fatal(err)
			}
			ctype, body := tt.body()
			if tt.ctype != "" {
				ctype = tt.ctype
			}
			for _, path := range []string{"/admin/practice", "/patients", "/patients/import"} {
				req, _ := http.NewRequest(http.MethodPost, tc.http.URL+path, bytes.NewReader(body.Bytes()))
				req.Header.Set("Content-Type", ctype)
				req.Header.Set("Accept-Language", tt.lang)
				resp, err := b.client.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				answer := string(readAll(resp))
				if resp.StatusCode != tt.want {
					t.Fatalf("POST %s: %d, want %d", path, resp.StatusCode, tt.want)
				}
				msg := tc.srv.cat.T(tt.lang, "error.page.413")
				if !strings.Contains(answer, html.EscapeString(msg)) {
					t.Errorf("POST %s: the page lacks %q", path, msg)
				}
			}
		})
	}
	_, body := b.get("/admin/practice")
	contains(t, body, "Test Clinic")
	var n int
	tc.db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&n)
	if n != 0 {
		t.Errorf("%d patients saved from oversized posts", n)
	}
}

func mustUserID(t *testing.T, tc *testClinic, name string) int64 {
	t.Helper()
	u, err := users.GetByUsername(context.Background(), tc.db.R, name)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// TestAnUploadedFileComesBackEscaped: the CSV import shows the file's headers and rows back to
// the user before importing; a file is as hostile as a form.
func TestAnUploadedFileComesBackEscaped(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.allRoles("everyone")
	b.get("/patients/import")
	csv := "Surname,Sex,DOB,中文姓名,Notes" + xssPayload + "\n" +
		"Chan,M,1980,陳" + strings.ReplaceAll(xssPayload, `"`, "") + ",x\n" +
		"Lee,Q,1990-13-01," + strings.ReplaceAll(xssPayload, `"`, "") + ",y\n"
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	w.WriteField("_csrf", b.csrf)
	fw, _ := w.CreateFormFile("file", xssPayload+".csv")
	fw.Write([]byte(csv))
	w.Close()
	req, _ := http.NewRequest(http.MethodPost, tc.http.URL+"/patients/import", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := string(readAll(resp))
	if resp.StatusCode >= 500 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	resp, body = b.followImport(resp, body) // the check runs in the background; its page follows it
	if strings.Contains(body, xssRaw) {
		t.Error("the import's check page shows the file unescaped")
	}
	if !strings.Contains(body, "&lt;script&gt;x(1)") {
		t.Errorf("the check page does not show the hostile header at all (status %d): the test looks at the wrong page", resp.StatusCode)
	}
}
