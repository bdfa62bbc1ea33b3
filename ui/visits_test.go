package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/visits"
)

// consultation is a clinic with a patient checked in and a signed-in browser per role.
type consultation struct {
	tc                          *testClinic
	patient                     int64
	doctor, nurse, clerk, admin *browser
}

func newConsultation(t *testing.T) *consultation {
	t.Helper()
	tc, _ := frontDeskClinic(t)
	cs := &consultation{tc: tc, patient: addPatients(t, tc, 1)[0]}
	for _, r := range []struct {
		b    **browser
		name string
	}{{&cs.doctor, "doctor"}, {&cs.nurse, "nurse"}, {&cs.clerk, "clerk"}, {&cs.admin, "admin"}} {
		*r.b = tc.browser()
		(*r.b).sessionFor(r.name)
	}
	return cs
}

// openFromQueue checks the patient in at the desk, and the doctor presses "next patient".
func (cs *consultation) openFromQueue(t *testing.T) int64 {
	t.Helper()
	cs.clerk.get("/queue")
	if resp, body := cs.clerk.post("/queue", url.Values{"patient": {strconv.FormatInt(cs.patient, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("check-in: %d %s", resp.StatusCode, body)
	}
	cs.doctor.get("/queue")
	resp, _ := cs.doctor.post("/queue/next", nil)
	loc := resp.Header.Get("Location")
	if !strings.HasPrefix(loc, "/visits/new?attendance=") {
		t.Fatalf("next patient went to %q", loc)
	}
	resp, _ = cs.doctor.get(loc)
	to := resp.Header.Get("Location")
	m := regexp.MustCompile(`^/visits/(\d+)$`).FindStringSubmatch(to)
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("opening the consultation: %d %q", resp.StatusCode, to)
	}
	// Pressing back and opening it again finds the same visit.
	if resp, _ := cs.doctor.get(loc); resp.Header.Get("Location") != to {
		t.Fatalf("opened twice: %q then %q", to, resp.Header.Get("Location"))
	}
	id, _ := strconv.ParseInt(m[1], 10, 64)
	return id
}

func (cs *consultation) visitPath(id int64) string { return "/visits/" + strconv.FormatInt(id, 10) }

func (cs *consultation) visit(t *testing.T, id int64) visits.Visit {
	t.Helper()
	v, err := visits.Get(context.Background(), cs.tc.db.R, id)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func note(version int64, history, plan string) url.Values {
	return url.Values{"history": {history}, "examination": {"Throat red"}, "assessment": {"Pharyngitis"}, "plan": {plan},
		"type": {"consultation"}, "version": {strconv.FormatInt(version, 10)}}
}

func TestConsultationNoteDraftSignAmendAndError(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	resp, body := cs.doctor.get(path)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("visit page: %d", resp.StatusCode)
	}
	contains(t, body, "V2026-000001", `id="note-form"`, "/visits/"+strconv.FormatInt(id, 10)+"/medicines", "/bill")
	v := cs.visit(t, id)

	// A draft is saved in place.
	if resp, body := cs.doctor.post(path+"/note", note(v.Version, "Sore throat 2 days", "Fluids")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save draft: %d %s", resp.StatusCode, body)
	}
	// A form drawn before that save is refused, and what was typed stays on the page.
	resp, body = cs.doctor.post(path+"/note", note(v.Version, "Typed on a stale page", "Rest"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Typed on a stale page") {
		t.Fatalf("stale save: %d", resp.StatusCode)
	}
	v = cs.visit(t, id)
	if resp, body := cs.doctor.post(path+"/sign", note(v.Version, "Sore throat 2 days", "Fluids")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign: %d %s", resp.StatusCode, body)
	}
	v = cs.visit(t, id)
	if !v.Signed() || v.Note.Plan != "Fluids" {
		t.Fatalf("after signing: %+v", v)
	}
	// Signed: a draft save is refused with the reason; the note is unchanged.
	resp, body = cs.doctor.post(path+"/note", note(v.Version, "Changed after signing", "x"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "signed and locked") {
		t.Fatalf("edit after signing: %d", resp.StatusCode)
	}
	if got := cs.visit(t, id); got.Note.History != "Sore throat 2 days" {
		t.Fatalf("signed note changed: %q", got.Note.History)
	}
	// An amendment without a reason is refused; with one, it is a new version.
	am := note(v.Version, "Sore throat 3 days", "Penicillin V")
	if resp, _ := cs.doctor.post(path+"/amend", am); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("amend without reason: %d", resp.StatusCode)
	}
	am.Set("reason", "throat swab positive")
	if resp, body := cs.doctor.post(path+"/amend", am); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("amend: %d %s", resp.StatusCode, body)
	}
	_, body = cs.doctor.get(path)
	contains(t, body, "Version 1", "Version 2", "throat swab positive", "Sore throat 2 days", "Penicillin V")
	// Entered in error needs a reason, keeps everything, and is shown.
	v = cs.visit(t, id)
	if resp, _ := cs.doctor.post(path+"/error", url.Values{"version": {strconv.FormatInt(v.Version, 10)}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("entered in error without reason: %d", resp.StatusCode)
	}
	if resp, _ := cs.doctor.post(path+"/error", url.Values{"error_reason": {"wrong patient"}, "version": {strconv.FormatInt(v.Version, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("entered in error: %d", resp.StatusCode)
	}
	_, body = cs.doctor.get(path)
	contains(t, body, "entered in error: wrong patient", "Version 2", "Penicillin V")
	vs, _ := visits.Versions(context.Background(), cs.tc.db.R, id)
	if len(vs) != 2 {
		t.Errorf("%d versions kept, want 2", len(vs))
	}
}

func TestConsultationRoles(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	v := cs.visit(t, id)
	cs.doctor.post(path+"/sign", note(v.Version, "Secret history of the complaint", "Rest"))
	patientPath := "/patients/" + strconv.FormatInt(cs.patient, 10)
	for _, tc := range []struct {
		who    *browser
		role   string
		method string
		path   string
		form   url.Values
		want   int
	}{
		{cs.clerk, "clerk", "GET", path, nil, http.StatusForbidden},
		{cs.clerk, "clerk", "GET", patientPath + "/chart", nil, http.StatusForbidden},
		{cs.clerk, "clerk", "GET", patientPath + "/visits", nil, http.StatusOK},
		{cs.clerk, "clerk", "POST", path + "/vitals", url.Values{"pulse": {"80"}}, http.StatusForbidden},
		{cs.nurse, "nurse", "GET", path, nil, http.StatusOK},
		{cs.nurse, "nurse", "POST", path + "/vitals", url.Values{"pulse": {"80"}}, http.StatusSeeOther},
		{cs.nurse, "nurse", "POST", path + "/results", url.Values{"test": {"Hb"}, "value": {"13"}, "taken_on": {"2026-11-23"}}, http.StatusSeeOther},
		{cs.nurse, "nurse", "POST", path + "/procedures", url.Values{"term": {"Wound dressing"}}, http.StatusSeeOther},
		{cs.nurse, "nurse", "POST", path + "/diagnoses", url.Values{"term": {"Cough"}}, http.StatusForbidden},
		{cs.nurse, "nurse", "POST", path + "/note", note(0, "x", "y"), http.StatusForbidden},
		{cs.nurse, "nurse", "POST", path + "/sign", note(0, "x", "y"), http.StatusForbidden},
		{cs.nurse, "nurse", "POST", path + "/amend", note(0, "x", "y"), http.StatusForbidden},
		{cs.nurse, "nurse", "POST", path + "/error", url.Values{"error_reason": {"x"}}, http.StatusForbidden},
		{cs.nurse, "nurse", "POST", path + "/documents", url.Values{"kind": {"sick_leave"}}, http.StatusForbidden},
		{cs.nurse, "nurse", "POST", path + "/diagnoses/error", url.Values{"item": {"1"}, "reason": {"x"}}, http.StatusForbidden},
		{cs.clerk, "clerk", "POST", path + "/results/error", url.Values{"item": {"1"}, "reason": {"x"}}, http.StatusForbidden},
		{cs.nurse, "nurse", "POST", patientPath + "/problems", url.Values{"term": {"Gout"}}, http.StatusForbidden},
		{cs.doctor, "doctor", "POST", path + "/diagnoses", url.Values{"term": {"Cough"}}, http.StatusSeeOther},
		{cs.doctor, "doctor", "POST", patientPath + "/problems", url.Values{"term": {"Gout"}}, http.StatusSeeOther},
		{cs.admin, "admin", "GET", path, nil, http.StatusForbidden},
		{cs.admin, "admin", "GET", "/admin/terms", nil, http.StatusOK},
		{cs.doctor, "doctor", "GET", "/admin/terms", nil, http.StatusForbidden},
	} {
		t.Run(tc.role+" "+tc.method+" "+tc.path, func(t *testing.T) {
			var resp *http.Response
			if tc.method == "GET" {
				resp, _ = tc.who.get(tc.path)
			} else {
				resp, _ = tc.who.post(tc.path, tc.form)
			}
			if resp.StatusCode != tc.want {
				t.Errorf("got %d, want %d", resp.StatusCode, tc.want)
			}
		})
	}
	// The clerk sees that a visit happened, not what it holds.
	_, body := cs.clerk.get(patientPath + "/visits")
	contains(t, body, "2026-11-23", "Test doctor")
	// (The list may link the visit's bill and medicines, which the counter needs; not the visit.)
	for _, secret := range []string{"Secret history", "Cough", `"/visits/` + strconv.FormatInt(id, 10) + `"`} {
		if strings.Contains(body, secret) {
			t.Errorf("the clerk's list shows %q", secret)
		}
	}
}

func TestVitalsAreCheckedAndKeptWhenWrong(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	resp, body := cs.nurse.post(path+"/vitals", url.Values{"pulse": {"1200"}, "systolic": {"128"}, "diastolic": {"82"}, "weight_kg": {"70"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("pulse 1200: %d", resp.StatusCode)
	}
	contains(t, body, "between 20 and 250", `value="1200"`, `value="128"`)
	resp, _ = cs.nurse.post(path+"/vitals", url.Values{"pulse": {"120"}, "systolic": {"128"}, "diastolic": {"82"},
		"weight_kg": {"70"}, "height_cm": {"175"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("vitals: %d", resp.StatusCode)
	}
	_, body = cs.doctor.get(path)
	contains(t, body, "128/82", "22.9", "120")
}

func TestDiagnosisChosenAsYouType(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	resp, body := cs.doctor.get("/terms/search?kind=diagnosis&q=pha")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("term search: %d", resp.StatusCode)
	}
	var got struct {
		Results []termResult `json:"results"`
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	var pick termResult
	for _, r := range got.Results {
		if r.Code == "D003" {
			pick = r
		}
	}
	if pick.ID == 0 || pick.NameZH != "急性咽喉炎" {
		t.Fatalf("pha: %+v", got.Results)
	}
	if _, body := cs.doctor.get("/terms/search?kind=diagnosis&q=ph"); !strings.Contains(body, `"results":[]`) {
		t.Errorf("two letters searched: %s", body)
	}
	if resp, _ := cs.doctor.post(path+"/diagnoses", url.Values{"term": {pick.NameEN}, "term_id": {strconv.FormatInt(pick.ID, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add diagnosis: %d", resp.StatusCode)
	}
	// Without the script: words that are exactly a term become that term; others stay free text.
	cs.doctor.post(path+"/diagnoses", url.Values{"term": {"essential hypertension"}})
	cs.doctor.post(path+"/diagnoses", url.Values{"term": {"Tired after long flight"}})
	ds, _ := visits.Diagnoses(context.Background(), cs.tc.db.R, id)
	if len(ds) != 3 || ds[0].Code != "D003" || !ds[0].Principal || ds[1].Code != "D027" || ds[2].TermID != 0 {
		t.Fatalf("diagnoses: %+v", ds)
	}
	// The doctor keeps a term as a favourite from the visit page: it comes first in searches.
	_, page := cs.doctor.get(path)
	if !strings.Contains(page, "/terms/"+strconv.FormatInt(pick.ID, 10)+"/favourite") {
		t.Fatal("no favourite button beside the diagnosis")
	}
	resp, _ = cs.doctor.post("/terms/"+strconv.FormatInt(pick.ID, 10)+"/favourite", url.Values{"back": {path}})
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, path) {
		t.Fatalf("favourite: %d %s", resp.StatusCode, loc)
	}
	_, body = cs.doctor.get("/terms/search?kind=diagnosis&q=acute")
	if !strings.HasPrefix(body, `{"results":[{"id":`+strconv.FormatInt(pick.ID, 10)+`,`) || !strings.Contains(body, `"favourite":true`) {
		t.Errorf("favourite not first: %s", body)
	}
	// An empty diagnosis is refused with a message.
	if resp, body := cs.doctor.post(path+"/diagnoses", url.Values{"term": {"  "}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "Type a diagnosis") {
		t.Errorf("empty diagnosis: %d", resp.StatusCode)
	}
}

// visitPDFText extracts a PDF's text with pdftotext.
func visitPDFText(t *testing.T, pdf []byte) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", p, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestDocumentsArePrintedNumberedStoredAndReprintedAsCopies(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	cs.doctor.post(path+"/diagnoses", url.Values{"term": {"Acute pharyngitis"}})
	for _, tc := range []struct {
		name    string
		form    url.Values
		want    []string
		wantNot []string
	}{
		{"sick leave both languages with diagnosis", url.Values{"kind": {"sick_leave"}, "doc_language": {"both"}, "sl_from": {"2026-11-23"},
			"sl_days": {"2"}, "sl_show_diagnosis": {"on"}},
			[]string{"Sick Leave Certificate", "病假證明書", "SL-2026-000001", "to 24/11/2026 (2 days)", "不宜工作", "Acute pharyngitis", "急性咽喉炎", "M12345"}, nil},
		{"sick leave without the patient's consent to the diagnosis", url.Values{"kind": {"sick_leave"}, "doc_language": {"en"},
			"sl_from": {"2026-11-23"}, "sl_to": {"2026-11-25"}},
			[]string{"SL-2026-000002", "(3 days)"}, []string{"pharyngitis", "病假"}},
		{"attendance in Chinese", url.Values{"kind": {"attendance"}, "doc_language": {"zh"}, "att_from": {"09:30"}, "att_to": {"10:00"}},
			[]string{"到診證明書", "AC-2026-000001", "09:30", "2026年11月23日"}, []string{"Attendance Certificate"}},
		{"referral", url.Values{"kind": {"referral"}, "doc_language": {"both"}, "ref_to": {"Dr Lee, ENT"}, "ref_reason": {"Recurrent tonsillitis"}},
			[]string{"Referral Letter", "轉介信", "Dr Lee, ENT", "Recurrent tonsillitis", "Allergies"}, nil},
		{"visit summary", url.Values{"kind": {"visit_summary"}, "doc_language": {"both"}},
			[]string{"Visit Summary", "診症摘要", "V2026-000001", "Acute pharyngitis"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := cs.doctor.post(path+"/documents", tc.form)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("%d %s", resp.StatusCode, body)
			}
			text := visitPDFText(t, []byte(body))
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("missing %q in %s", w, text)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(text, w) {
					t.Errorf("unexpected %q", w)
				}
			}
			if strings.Contains(text, "COPY") {
				t.Error("the original is stamped COPY")
			}
		})
	}
	// Bad forms: the page comes back with the message and what was typed.
	resp, body := cs.doctor.post(path+"/documents", url.Values{"kind": {"sick_leave"}, "doc_language": {"en"}, "sl_from": {"2026-11-23"}, "sl_to": {"2026-11-20"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "before the start date") || !strings.Contains(body, `value="2026-11-20"`) {
		t.Errorf("end before start: %d", resp.StatusCode)
	}
	// A reprint is the stored document, stamped COPY, the same every time, and audited.
	_, page := cs.doctor.get(path)
	m := regexp.MustCompile(`/documents/(\d+)/copy\.pdf`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no reprint link on the visit page")
	}
	resp, first := cs.nurse.get(m[0])
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("reprint: %d", resp.StatusCode)
	}
	_, second := cs.nurse.get(m[0])
	if first != second {
		t.Error("two reprints differ")
	}
	if text := visitPDFText(t, []byte(first)); !strings.Contains(text, "COPY") || !strings.Contains(text, "副本") || !strings.Contains(text, "SL-2026-000001") {
		t.Errorf("reprint: %s", text)
	}
	if resp, _ := cs.clerk.get(m[0]); resp.StatusCode != http.StatusForbidden {
		t.Errorf("clerk reprint: %d", resp.StatusCode)
	}
	var prints int
	if err := cs.tc.db.R.QueryRow(`SELECT count(*) FROM audit_log WHERE action = ? AND entity = 'document'`, audit.ActionPrint).Scan(&prints); err != nil {
		t.Fatal(err)
	}
	if prints != 5+2 {
		t.Errorf("%d prints audited, want 7", prints)
	}
}

func TestTerminologyImportPageListsBadRows(t *testing.T) {
	cs := newConsultation(t)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", cs.admin.csrf)
	fw, _ := mw.CreateFormFile("file", "terms.csv")
	fw.Write([]byte("code,name_en,name_zh,icd10\nZ1,Knee pain,膝痛,M25.56\nZ2,,,\nZ3,Bad,,XYZ\n"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, cs.tc.http.URL+"/admin/terms/import", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := cs.admin.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body := string(readAll(resp))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("import: %d", resp.StatusCode)
	}
	contains(t, body, "1 added", "2 rows not imported", "Line 3: code Z2 has no English name.", "Line 4: ICD-10 code")
	if _, body := cs.doctor.get("/terms/search?kind=diagnosis&q=knee"); !strings.Contains(body, "膝痛") {
		t.Errorf("imported term not found: %s", body)
	}
}

func TestChartShowsTimelineProblemsVitalsAndResults(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	cs.nurse.post(path+"/vitals", url.Values{"systolic": {"150"}, "diastolic": {"95"}, "pulse": {"80"}})
	cs.nurse.post(path+"/vitals", url.Values{"systolic": {"138"}, "diastolic": {"88"}, "pulse": {"76"}})
	cs.doctor.post(path+"/diagnoses", url.Values{"term": {"Essential hypertension"}, "problem": {"on"}})
	for _, v := range []string{"7.9", "7.1"} {
		cs.nurse.post(path+"/results", url.Values{"test": {"HbA1c"}, "value": {v}, "unit": {"%"}, "abnormal": {"H"}, "taken_on": {"2026-11-2" + v[2:3]}})
	}
	chart := "/patients/" + strconv.FormatInt(cs.patient, 10) + "/chart"
	resp, body := cs.doctor.get(chart + "?test=HbA1c")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("chart: %d", resp.StatusCode)
	}
	contains(t, body, "Essential hypertension", "138/88", "<svg", "HbA1c", "7.1", "High", "/visits/"+strconv.FormatInt(id, 10))
	// Filters: a diagnosis the patient never had, a type never used.
	for _, q := range []string{"?dx=asthma", "?type=vaccination"} {
		if _, body := cs.doctor.get(chart + q); !strings.Contains(body, "No visit matches.") {
			t.Errorf("%s: the visit still shows", q)
		}
	}
	if _, body := cs.doctor.get(chart + "?dx=D027"); strings.Contains(body, "No visit matches.") {
		t.Error("filter by the diagnosis's code lost the visit")
	}
}

func TestNoteTemplatesAndFavourites(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	// The clinic's template, added by a doctor; a nameless one is refused.
	if resp, _ := cs.doctor.post("/visits/templates", url.Values{"history": {"x"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("nameless template: %d", resp.StatusCode)
	}
	if resp, _ := cs.doctor.post("/visits/templates", url.Values{"template_name": {"Sprain"}, "history": {"Twisted ankle"},
		"plan": {"RICE"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add template: %d", resp.StatusCode)
	}
	if resp, _ := cs.nurse.get("/visits/templates"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("nurse on the templates page: %d", resp.StatusCode)
	}
	_, page := cs.doctor.get(path)
	m := regexp.MustCompile(`<option value="(\d+)"[^>]*>Sprain<`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("the clinic's template is not offered on the visit page")
	}
	// Applying it fills only the empty parts of the draft.
	v := cs.visit(t, id)
	form := url.Values{"template": {m[1]}, "history": {"Typed first"}, "examination": {""}, "assessment": {""}, "plan": {""},
		"version": {strconv.FormatInt(v.Version, 10)}}
	if resp, _ := cs.doctor.post(path+"/template", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("apply template: %d", resp.StatusCode)
	}
	if got := cs.visit(t, id).Note; got.History != "Typed first" || got.Plan != "RICE" {
		t.Errorf("after the template: %+v", got)
	}
	// A doctor's own favourite from the note as typed.
	if resp, _ := cs.doctor.post(path+"/favourite", url.Values{"template_name": {"My URI"}, "history": {"Cough"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("favourite: %d", resp.StatusCode)
	}
	_, list := cs.doctor.get("/visits/templates")
	contains(t, list, "Sprain", "My URI", "URI / 上呼吸道感染")
	if resp, _ := cs.doctor.post("/visits/templates/"+m[1]+"/retire", url.Values{"clinic": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("retire: %d", resp.StatusCode)
	}
	if _, page := cs.doctor.get(path); strings.Contains(page, ">Sprain<") {
		t.Error("a retired template is still offered")
	}
}

func TestLongTimelineShowsItsFirstPageThenAll(t *testing.T) {
	cs := newConsultation(t)
	ctx := context.Background()
	for i := range chartPage1 + 5 {
		if _, err := visits.Open(ctx, cs.tc.db, visits.OpenInput{PatientID: cs.patient, Date: fmt.Sprintf("2020-01-%02d", 1+i%28)}, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	for _, path := range []string{"/chart", "/visits"} {
		base := "/patients/" + strconv.FormatInt(cs.patient, 10) + path
		_, body := cs.doctor.get(base)
		if n := strings.Count(body, ">2020-01-"); n != chartPage1 || !strings.Contains(body, `name="all"`) {
			t.Errorf("%s: %d rows", path, n)
		}
		_, body = cs.doctor.get(base + "?all=1")
		if n := strings.Count(body, ">2020-01-"); n != chartPage1+5 || strings.Contains(body, `name="all"`) {
			t.Errorf("%s?all=1: %d rows", path, n)
		}
	}
}

func TestEntriesEnteredInErrorStayMarked(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	cs.doctor.post(path+"/diagnoses", url.Values{"term": {"Migraine"}})
	cs.nurse.post(path+"/procedures", url.Values{"term": {"Nebulisation"}})
	cs.nurse.post(path+"/results", url.Values{"test": {"CRP"}, "value": {"80"}, "taken_on": {"2026-11-23"}})
	ctx := context.Background()
	ds, _ := visits.Diagnoses(ctx, cs.tc.db.R, id)
	ps, _ := visits.Procedures(ctx, cs.tc.db.R, id)
	rs, _ := results.ForVisit(ctx, cs.tc.db.R, id)
	if len(ds) != 1 || len(ps) != 1 || len(rs) != 1 {
		t.Fatalf("%d diagnoses, %d procedures, %d results", len(ds), len(ps), len(rs))
	}
	for _, tc := range []struct {
		who  *browser
		path string
		item int64
	}{
		{cs.doctor, path + "/diagnoses/error", ds[0].ID},
		{cs.nurse, path + "/procedures/error", ps[0].ID},
		{cs.nurse, path + "/results/error", rs[0].ID},
	} {
		item := strconv.FormatInt(tc.item, 10)
		if resp, _ := tc.who.post(tc.path, url.Values{"item": {item}}); resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("%s without a reason: %d", tc.path, resp.StatusCode)
		}
		if resp, _ := tc.who.post(tc.path, url.Values{"item": {item}, "reason": {"wrong patient " + tc.path}}); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: %d", tc.path, resp.StatusCode)
		}
	}
	_, body := cs.doctor.get(path)
	contains(t, body, "Migraine", "Nebulisation", "CRP", "Entered in error: wrong patient "+path+"/diagnoses/error",
		"Entered in error: wrong patient "+path+"/procedures/error", "Entered in error: wrong patient "+path+"/results/error")
}
