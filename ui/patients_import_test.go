package ui

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/users"
)

// upload posts a file as the browser's file field does, with the CSRF token.
func (b *browser) upload(path, field, name string, data []byte) (*http.Response, string) {
	b.tc.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", b.csrf)
	fw, _ := w.CreateFormFile(field, name)
	fw.Write(data)
	w.Close()
	resp, err := b.client.Post(b.tc.http.URL+path, w.FormDataContentType(), &buf)
	if err != nil {
		b.tc.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	return resp, string(body)
}

// followImport follows a check or an import to its report, as the page's refresh does.
func (b *browser) followImport(resp *http.Response, body string) (*http.Response, string) {
	b.tc.t.Helper()
	for i := 0; resp.StatusCode == http.StatusSeeOther || strings.Contains(body, `http-equiv="refresh"`); i++ {
		if i > 500 {
			b.tc.t.Fatal("the import did not finish")
		}
		next := resp.Header.Get("Location")
		if next == "" {
			next = resp.Request.URL.RequestURI()
			time.Sleep(10 * time.Millisecond)
		}
		resp, body = b.get(next)
	}
	return resp, body
}

const importCSV = "Chart No,Surname,Given Name,Chinese Name,Sex,DOB,HKID,Mobile\n" +
	"A-1,Chan,Tai Man,陳大文,M,17/05/1980,A123456(3),9123 4567\n" +
	"A-2,Wong,Siu Ming,黃小明,M,1990-02-03,Y6543217,6123 4567\n" +
	"A-3,Lee,Mei,李美,F,31/02/1990,,\n" + // no such date
	"A-4,Ho,<script>alert(1)</script>,何,F,1970,,\n" + // a script in a name
	"A-5,Cheung,Ka Yan,張家欣,F,1985-07-01,A123456(3),\n" // the same HKID as line 2

// TestImportChecksFirstThenImports: the first upload writes nothing and reports every bad row
// with its line and reason; the import then writes the good rows only.
func TestImportChecksFirstThenImports(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("admin")
	b.get("/patients/import")
	resp, body := b.followImport(b.upload("/patients/import", "file", "old-system.csv", []byte(importCSV)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("upload: %d\n%s", resp.StatusCode, body)
	}
	contains(t, body, "5 rows checked: 2 can be imported, 3 have problems", "Nothing has been written yet")
	for _, line := range []string{"<td>4</td>", "<td>5</td>", "<td>6</td>"} {
		if !strings.Contains(body, line) {
			t.Errorf("bad row %s not listed", line)
		}
	}
	if strings.Contains(body, "<script>alert(1)") {
		t.Error("a script in the file reaches the page unescaped")
	}
	// The guessed mapping is offered as selected options.
	contains(t, body, `<option value="Chart No" selected>`, `<option value="HKID" selected>`)
	if n := countPatients(t, tc); n != 0 {
		t.Fatalf("the check wrote %d patients", n)
	}

	token := regexpValue(body, "token")
	form := url.Values{"token": {token}, "import": {"1"}}
	for f, col := range map[string]string{"number": "Chart No", "surname_en": "Surname", "given_name_en": "Given Name",
		"name_zh": "Chinese Name", "sex": "Sex", "dob": "DOB", "hkid": "HKID", "mobile": "Mobile"} {
		form.Set("map_"+f, col)
	}
	_, body = b.followImport(b.post("/patients/import/run", form))
	contains(t, body, "2 patients imported; 3 rows left out.")
	if n := countPatients(t, tc); n != 2 {
		t.Fatalf("imported %d patients, want 2", n)
	}
	// A second press imports nothing twice.
	_, body = b.followImport(b.post("/patients/import/run", form))
	contains(t, body, "imported already")
	if n := countPatients(t, tc); n != 2 {
		t.Fatalf("a second press imported again: %d patients", n)
	}
}

func TestImportRefusesBrokenFiles(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "The file has no rows."},
		{"no date of birth column", []byte("Surname,Given Name,Sex\nChan,Tai Man,M\n"), "Choose the column that holds Date of birth."},
		{"not UTF-8", []byte("Surname,Given Name,Sex,DOB\nChan,Tai \xe9,M,1980\n"), "not UTF-8"},
		{"bad quoting", []byte("Surname,Given Name,Sex,DOB\n\"Chan,Tai,M,1980\nWong,Siu,M,1981\n"), "not valid CSV"},
	}
	tc := newTestClinic(t, true)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := tc.browser()
			b.sessionFor("admin")
			resp, body := b.followImport(b.upload("/patients/import", "file", "x.csv", tt.data))
			if resp.StatusCode != http.StatusUnprocessableEntity && resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d", resp.StatusCode)
			}
			if !strings.Contains(body, tt.want) {
				t.Errorf("page does not say %q:\n%s", tt.want, body[strings.Index(body, "<main"):])
			}
			if n := countPatients(t, tc); n != 0 {
				t.Fatalf("a broken file wrote %d patients", n)
			}
		})
	}
}

// TestImportFileBelongsToItsUploader: another user cannot import a file someone else uploaded.
func TestImportFileBelongsToItsUploader(t *testing.T) {
	tc := newTestClinic(t, true)
	a := tc.browser()
	a.sessionFor("admin")
	_, body := a.followImport(a.upload("/patients/import", "file", "x.csv", []byte(importCSV)))
	token := regexpValue(body, "token")
	if token == "" {
		t.Fatal("no token on the check page")
	}
	if _, err := users.Add(t.Context(), tc.db, users.NewUser{Username: "manager2", FullName: "Second manager",
		Roles: []string{users.RoleAdmin}, Password: testPassword}, audit.System); err != nil {
		t.Fatal(err)
	}
	other := tc.browser()
	other.sessionFor("manager2")
	_, body = other.followImport(other.post("/patients/import/run", url.Values{"token": {token}, "import": {"1"}}))
	contains(t, body, "Upload it again")
	_, body = other.get("/patients/import/status?token=" + token)
	contains(t, body, "Upload it again")
	if n := countPatients(t, tc); n != 0 {
		t.Fatalf("wrote %d patients", n)
	}
}

func countPatients(t *testing.T, tc *testClinic) int {
	t.Helper()
	var n int
	if err := tc.db.R.QueryRow(`SELECT count(*) FROM patients`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestImportShowsProgressWhileRunning: a page that follows a running import refreshes itself
// and says how far it got.
func TestImportShowsProgressWhileRunning(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("admin")
	u, err := users.GetByUsername(t.Context(), tc.db.R, "admin")
	if err != nil {
		t.Fatal(err)
	}
	job := &importJob{mapping: patients.ColumnMap{}}
	job.done.Store(40000)
	job.total.Store(99000)
	held := &heldImport{userID: u.ID, name: "big.csv", header: []string{"Surname"}, at: time.Now(), job: job, imported: true}
	token := heldImports.put(held)
	_, body := b.get("/patients/import/status?token=" + token)
	contains(t, body, `http-equiv="refresh"`, "Importing.", "40,000 of 99,000 rows", `<progress max="99000" value="40000">`)
	// Another run of the same file is refused while this one goes on.
	_, body = b.post("/patients/import/run", url.Values{"token": {token}})
	contains(t, body, "still being worked on")
}
