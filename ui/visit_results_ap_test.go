package ui

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The pathology report on the result form: with the category Anatomical Pathology, the test
// name and authorisation time copied from the report make it go to the LABAP outbox; bad ones
// get a translated message with everything typed kept, and nothing saved.
func TestResultFormPathology(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	count := func(q string) int {
		var n int
		if err := cs.tc.db.R.QueryRow(q).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	form := func(no, name, at string) url.Values {
		return url.Values{"test": {"Diagnosis"}, "value": {"Benign naevus"}, "taken_on": {"2026-11-20"}, "laboratory": {"Island Pathology"},
			"request_no": {no}, "category": {"PATH"}, "report_status": {"F"}, "collected_at": {"2026-11-18T10:30"},
			"ap_test_name": {name}, "authorised_at": {at}}
	}
	for _, tc := range []struct {
		name    string
		form    url.Values
		status  int
		want    []string
		outbox  int // LABAP outbox rows after
		results int
	}{
		{"without the report's details: clinic only", form("IP26-1", "", ""), http.StatusSeeOther, nil, 0, 1},
		{"bad authorisation time", form("IP26-2", "Skin biopsy", "19 Nov 4pm"), http.StatusUnprocessableEntity,
			[]string{"Enter the date and time the report was authorised, as printed on it.", `value="19 Nov 4pm"`, `value="Skin biopsy"`}, 0, 1},
		{"authorised in the future", form("IP26-2", "Skin biopsy", "2099-01-01T09:00"), http.StatusUnprocessableEntity,
			[]string{"The date is in the future."}, 0, 1},
		{"details without a request number", form("", "Skin biopsy", "2026-11-19T16:05"), http.StatusUnprocessableEntity,
			[]string{"Enter the request number from the pathology report"}, 0, 1},
		{"test name too long", form("IP26-2", strings.Repeat("x", 1001), "2026-11-19T16:05"), http.StatusUnprocessableEntity,
			[]string{"at most 1,000"}, 0, 1},
		{"the whole report", form("IP26-2", "Skin biopsy", "2026-11-19T16:05"), http.StatusSeeOther, nil, 1, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := cs.nurse.post(path+"/results", tc.form)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, tc.status, body)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) && !strings.Contains(html.UnescapeString(body), w) {
					t.Errorf("page lacks %q", w)
				}
			}
			if n := count(`SELECT count(*) FROM results`); n != tc.results {
				t.Errorf("%d results saved, want %d", n, tc.results)
			}
			if n := count(`SELECT count(*) FROM outbox WHERE domain = 'LABAP'`); n != tc.outbox {
				t.Errorf("%d LABAP outbox rows, want %d", n, tc.outbox)
			}
		})
	}
	if n := count(`SELECT count(*) FROM lab_requests WHERE ap_test_name = 'Skin biopsy' AND authorised_at = '2026-11-19T16:05'`); n != 1 {
		t.Errorf("%d requests keep the report's details, want 1", n)
	}
	_, body := cs.doctor.get(path)
	contains(t, body, "Anatomical Pathology", `name="authorised_at" type="datetime-local"`, `name="ap_test_name"`, "ready for eHealth")
}
