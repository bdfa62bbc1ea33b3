package ui

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
)

func registration(overrides map[string]string) url.Values {
	f := url.Values{"surname_en": {"Chan"}, "given_name_en": {"Tai Man"}, "name_zh": {"陳大文"}, "sex": {"M"},
		"dob": {"17/05/1980"}, "doc_type": {"ID"}, "doc_number": {"a123456 3"}, "mobile": {"9123 4567"}, "language": {"both"}}
	for k, v := range overrides {
		f.Set(k, v)
	}
	return f
}

// register posts the form and returns the new patient's page path.
func register(t *testing.T, b *browser, overrides map[string]string) string {
	t.Helper()
	b.get("/patients/new")
	resp, body := b.post("/patients", registration(overrides))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("register: %d\n%s", resp.StatusCode, body)
	}
	loc := resp.Header.Get("Location")
	return loc[:strings.Index(loc, "?")]
}

func TestRegisterFindAndOpenAPatient(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("clerk")
	page := register(t, b, nil)
	_, body := b.get(page)
	contains(t, body, "CHAN Tai Man", "陳大文", "A123456(3)", "Allergies not recorded")

	// The one box finds the patient from any scrap.
	for _, q := range []string{"A123456(3)", "a1234563", "91234567", "chan tai", "tai chan", "陳大", "17/05/1980", "P000001"} {
		_, body := b.get("/patients?q=" + url.QueryEscape(q))
		if !strings.Contains(body, "陳大文") {
			t.Errorf("search %q did not find the patient", q)
		}
	}
	resp, body := b.get("/patients/search?q=" + url.QueryEscape("chan"))
	var got struct{ Results []searchResult }
	if err := json.Unmarshal([]byte(body), &got); err != nil || resp.StatusCode != 200 || len(got.Results) != 1 {
		t.Fatalf("search API: %d %v %s", resp.StatusCode, err, body)
	}
	if got.Results[0].Doc == "A123456(3)" {
		t.Error("the search list shows the whole HKID; it must be masked")
	}

	// Every opening is in the audit log.
	tc.views.Flush()
	entries, _ := audit.Search(context.Background(), tc.db.R, audit.Filter{Action: audit.ActionView, Username: "clerk"})
	if len(entries) < 1 || entries[0].PatientID == 0 {
		t.Errorf("opening the patient was not audited: %+v", entries)
	}
}

func TestRegistrationErrorsKeepWhatWasTyped(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("clerk")
	tests := []struct {
		name  string
		form  map[string]string
		wants []string
	}{
		{"wrong check digit", map[string]string{"doc_number": "A123456(4)"}, []string{"A123456(3)", `value="A123456(4)"`}},
		{"wrong date", map[string]string{"dob": "31/02/1980"}, []string{`value="31/02/1980"`, `value="Chan"`}},
		{"script in a name", map[string]string{"given_name_en": "<script>alert(1)</script>"}, []string{"&lt;script&gt;"}},
		{"5 MB of remarks", map[string]string{"remarks": strings.Repeat("x", 5<<20)}, []string{"too large"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b.get("/patients/new")
			resp, body := b.post("/patients", registration(tt.form))
			if resp.StatusCode == http.StatusSeeOther || resp.StatusCode >= 500 {
				t.Fatalf("status %d", resp.StatusCode)
			}
			contains(t, body, tt.wants...)
			if strings.Contains(body, "<script>alert(1)</script>") {
				t.Error("unescaped script")
			}
		})
	}
	var n int
	tc.db.R.QueryRow(`SELECT COUNT(*) FROM patients`).Scan(&n)
	if n != 0 {
		t.Errorf("%d patients saved from bad forms", n)
	}
}

func TestTheSameDocumentIsRefusedAndLookAlikesAreConfirmed(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("clerk")
	first := register(t, b, nil)
	// Same HKID, written differently: refused, with a link to the patient on file.
	resp, body := b.post("/patients", registration(map[string]string{"doc_number": "A1234563", "surname_en": "Chen"}))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("same HKID: %d", resp.StatusCode)
	}
	contains(t, body, `href="`+first+`"`)
	// Same name and date of birth, no document: a warning to confirm, then saved.
	lookAlike := map[string]string{"doc_type": "", "doc_number": "", "mobile": "6123 0000"}
	resp, body = b.post("/patients", registration(lookAlike))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("look-alike: %d", resp.StatusCode)
	}
	contains(t, body, `name="confirmed"`, `href="`+first+`"`)
	lookAlike["confirmed"] = "yes"
	if resp, _ := b.post("/patients", registration(lookAlike)); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("confirmed look-alike not saved: %d", resp.StatusCode)
	}
}

func TestEditKeepsHistoryAndConsentIsRecorded(t *testing.T) {
	tc := newTestClinic(t, true)
	b := tc.browser()
	b.sessionFor("clerk")
	page := register(t, b, nil)
	_, body := b.get(page + "/edit")
	version := regexpValue(body, "version")
	resp, body := b.post(page, registration(map[string]string{"mobile": "6999 8888", "version": version}))
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("edit: %d %s", resp.StatusCode, body)
	}
	// A second save from the same stale form is refused, not silently overwriting.
	resp, body = b.post(page, registration(map[string]string{"mobile": "5111 2222", "version": version}))
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("stale form: %d", resp.StatusCode)
	}
	contains(t, body, "Someone else saved")
	resp, _ = b.post(page+"/ehealth", url.Values{"ehr_no": {"1234 5678 9012"}, "joined": {"on"}, "consent": {"given"},
		"consent_date": {"2026-11-20"}, "consent_method": {"smart_id"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("consent: %d", resp.StatusCode)
	}
	_, body = b.get(page)
	contains(t, body, "91234567", "69998888", "Consent given", "123456789012", "Smart ID card")
}

func TestPatientLabelsPDFHoldsTheChineseName(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext missing")
		}
		t.Skip("pdftotext not installed (apt-get install poppler-utils)")
	}
	tc := newTestClinic(t, true)
	if !tc.srv.cfg.Fonts.HasChinese() {
		t.Skip("no Chinese font on this machine (apt-get install fonts-lxgw-wenkai)")
	}
	b := tc.browser()
	b.sessionFor("clerk")
	for _, name := range []string{"陳大文", "李𨋢明"} {
		page := register(t, b, map[string]string{"name_zh": name, "doc_number": "", "doc_type": "", "mobile": "",
			"given_name_en": "Siu Ming", "confirmed": "yes"})
		resp, err := b.client.Get(tc.http.URL + page + "/labels.pdf?n=3&layout=A4_3x8")
		if err != nil {
			t.Fatal(err)
		}
		pdf := readAll(resp)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("labels for %s: %d %s", name, resp.StatusCode, pdf[:min(len(pdf), 200)])
		}
		f := filepath.Join(t.TempDir(), "labels.pdf")
		os.WriteFile(f, pdf, 0o600)
		out, err := exec.Command("pdftotext", f, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		// 𨋢 (above U+FFFF) cannot be drawn by gofpdf: it is replaced visibly, the rest prints.
		for _, r := range strings.ReplaceAll(name, "𨋢", "") {
			if !strings.ContainsRune(string(out), r) {
				t.Errorf("label text for %s lacks %c:\n%s", name, r, out)
			}
		}
	}
}
