package ui

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/results"
)

// The laboratory's slip on the result form: a result with all four fields is saved under its
// request and goes to the eHealth outbox; one without them is saved for the clinic alone; bad
// slip fields get a translated message with everything typed kept, and nothing saved.
func TestResultFormLabSlip(t *testing.T) {
	cs := newConsultation(t)
	id := cs.openFromQueue(t)
	path := cs.visitPath(id)
	ctx := context.Background()
	outbox := func() int {
		var n int
		if err := cs.tc.db.R.QueryRow(`SELECT count(*) FROM outbox WHERE domain = 'LABGEN'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	slip := func(test, no, cat, status, at string) url.Values {
		return url.Values{"test": {test}, "value": {"7.2"}, "unit": {"%"}, "taken_on": {"2026-11-20"}, "laboratory": {"Kowloon Lab"},
			"request_no": {no}, "category": {cat}, "report_status": {status}, "collected_at": {at}}
	}
	for _, tc := range []struct {
		name    string
		form    url.Values
		status  int
		want    []string // in the page after
		outbox  int      // LABGEN outbox rows after
		results int      // rows saved after
	}{
		{"for the clinic only", slip("ESR", "", "", "", ""), http.StatusSeeOther, nil, 0, 1},
		{"the whole slip", slip("HbA1c", "KL2611-0042", "CHEM", "F", "2026-11-20T09:15"), http.StatusSeeOther, nil, 1, 2},
		{"same request, another test", slip("Glucose", "KL2611-0042", "CHEM", "F", "2026-11-20T09:15"), http.StatusSeeOther, nil, 2, 3},
		{"unknown category", slip("LDL", "KL2611-0050", "ZZZ", "F", "2026-11-20T09:15"), http.StatusUnprocessableEntity,
			[]string{"Choose a category from the list.", `value="KL2611-0050"`, `value="LDL"`}, 2, 3},
		{"bad status", slip("LDL", "KL2611-0050", "CHEM", "X", "2026-11-20T09:15"), http.StatusUnprocessableEntity,
			[]string{"Choose a report status from the list.", `value="KL2611-0050"`}, 2, 3},
		{"bad collection time", slip("LDL", "KL2611-0050", "CHEM", "F", "20/11/2026 9am"), http.StatusUnprocessableEntity,
			[]string{"Enter the collection date and time as on the laboratory&#39;s slip.", `value="20/11/2026 9am"`}, 2, 3},
		{"collected in the future", slip("LDL", "KL2611-0050", "CHEM", "F", "2099-01-01T09:00"), http.StatusUnprocessableEntity,
			[]string{"The date is in the future."}, 2, 3},
		{"request number too long", slip("LDL", strings.Repeat("9", 41), "CHEM", "F", "2026-11-20T09:15"), http.StatusUnprocessableEntity,
			[]string{"at most 40"}, 2, 3},
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
			rs, err := results.ForVisit(ctx, cs.tc.db.R, id)
			if err != nil || len(rs) != tc.results {
				t.Fatalf("%d results saved (%v), want %d", len(rs), err, tc.results)
			}
			if n := outbox(); n != tc.outbox {
				t.Errorf("%d LABGEN outbox rows, want %d", n, tc.outbox)
			}
		})
	}
	_, body := cs.doctor.get(path)
	contains(t, body, "Request no. KL2611-0042", "Final", "ready for eHealth", `name="collected_at" type="datetime-local"`, "Chemical Pathology")
	rs, _ := results.ForVisit(ctx, cs.tc.db.R, id)
	if rs[0].RequestID == 0 || rs[0].RequestID != rs[1].RequestID || rs[2].RequestID != 0 || rs[2].Shareable() {
		t.Errorf("requests: %+v", rs)
	}
}
