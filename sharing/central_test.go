package sharing

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/sharing/ehrss"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// central is a stand-in for eHealth: it takes document bundles, treats the bundle id as an
// idempotency key (a bundle it already took is answered 200 and not taken twice), and keeps
// what it holds per record key, so that a test can count every record it accepted and catch any
// insert of a key it holds, or update or delete of one it does not.
type central struct {
	t   testing.TB
	srv *httptest.Server

	mu         sync.Mutex
	requests   int
	taken      map[string]bool // bundle ids taken
	accepted   map[string]int  // "key tx" -> times accepted
	holds      map[string]*held
	violations []string
	received   []got
	met        map[fault]int // faults served
	replays    int           // bundles received again after they were taken

	// fault decides what the n-th request (from 1) meets; nil: all well.
	fault func(n int) fault
	// reject names the records to refuse with 422 and the reason, looked at before taking.
	reject func(g got) string
	// hang, when it says so for the n-th request, takes the bundle, reports on hung and then
	// answers nothing until the client goes away (the crash test kills it there).
	hang func(n int) bool
	hung chan int
}

type held struct {
	present bool
	patient string // identity document the record is held under
	mode    string
	content string // allergen, for content checks
}

// got is one record of a received bundle.
type got struct {
	Bundle, Key, Tx, Mode, Domain string
	PatientDoc, EHRNo             string
	Allergen                      string
}

type fault int

const (
	faultNone            fault = iota
	fault500                   // 500 before taking the bundle
	faultTakeThen500           // take it, then answer 500 (the answer is lost)
	faultHijack                // close the connection without an answer, before taking
	faultTakeThenHijack        // take it, then close the connection
	faultTakeThenTimeout       // take it, then answer too late for the client
	faultSlow                  // answer slowly but in time
	fault429                   // too many requests, with Retry-After
)

// slowDelay and lateDelay are the slow answer (in time) and the late one (past the client's
// timeout, which the fault tests set to 300 ms).
const (
	slowDelay = 120 * time.Millisecond
	lateDelay = 700 * time.Millisecond
)

func newCentral(t testing.TB) *central {
	c := &central{t: t, taken: map[string]bool{}, accepted: map[string]int{}, holds: map[string]*held{}, met: map[fault]int{}}
	c.srv = httptest.NewServer(http.HandlerFunc(c.serve))
	t.Cleanup(c.srv.Close)
	return c
}

func (c *central) transport(timeout time.Duration) *HTTPTransport {
	tr, err := NewHTTPTransport(HTTPConfig{URL: c.srv.URL + "/ehrss/upload", Timeout: timeout})
	if err != nil {
		c.t.Fatal(err)
	}
	return tr
}

func (c *central) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	c.mu.Lock()
	c.requests++
	n := c.requests
	c.mu.Unlock()
	f := faultNone
	if c.fault != nil {
		f = c.fault(n)
		c.mu.Lock()
		c.met[f]++
		c.mu.Unlock()
	}
	switch f {
	case fault500:
		http.Error(w, "eHRSS is busy", http.StatusInternalServerError)
		return
	case fault429:
		w.Header().Set("Retry-After", "0")
		http.Error(w, "slow down", http.StatusTooManyRequests)
		return
	case faultHijack:
		hijackClose(w)
		return
	}
	if r.Header.Get("Idempotency-Key") == "" || r.Header.Get("Content-Type") == "" {
		c.fail("request without Idempotency-Key or Content-Type")
	}
	var b fhir.Bundle
	if err := json.Unmarshal(body, &b); err != nil || b.Type != "document" || b.ID != r.Header.Get("Idempotency-Key") {
		c.fail(fmt.Sprintf("not a document bundle with its id as key: %v", err))
		http.Error(w, "bad bundle", http.StatusBadRequest)
		return
	}
	records := readBundle(&b, r.Header.Get("X-eHR-Data-Domain"), r.Header.Get("X-eHR-Upload-Mode"))

	c.mu.Lock()
	if !c.taken[b.ID] {
		var refused []string
		reasons := map[string]string{}
		if c.reject != nil {
			for _, g := range records {
				if why := c.reject(g); why != "" {
					refused = append(refused, g.Key)
					reasons[g.Key] = why
				}
			}
		}
		if len(refused) > 0 {
			c.mu.Unlock()
			writeOutcome(w, refused, reasons)
			return
		}
		c.take(b.ID, records)
	} else {
		c.replays++
	}
	c.mu.Unlock()

	c.mu.Lock()
	hang := c.hang
	c.mu.Unlock()
	if hang != nil && hang(n) {
		c.hung <- n
		<-r.Context().Done()
		return
	}
	switch f {
	case faultTakeThen500:
		http.Error(w, "gateway error", http.StatusBadGateway)
		return
	case faultTakeThenHijack:
		hijackClose(w)
		return
	case faultTakeThenTimeout:
		select {
		case <-time.After(lateDelay):
		case <-r.Context().Done():
			return
		}
	case faultSlow:
		time.Sleep(slowDelay)
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	w.WriteHeader(http.StatusCreated)
	fmt.Fprint(w, `{"resourceType":"OperationOutcome","issue":[{"severity":"information","code":"informational","diagnostics":"accepted"}]}`)
}

func hijackClose(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic("no hijacker")
	}
	conn, _, err := hj.Hijack()
	if err == nil {
		conn.Close()
	}
}

// writeOutcome refuses a bundle with 422 and an OperationOutcome. A reason starting with
// "whole:" names no record (the whole bundle is refused); the others name their record key.
func writeOutcome(w http.ResponseWriter, keys []string, reasons map[string]string) {
	type issue struct {
		Severity    string   `json:"severity"`
		Code        string   `json:"code"`
		Diagnostics string   `json:"diagnostics"`
		Expression  []string `json:"expression,omitempty"`
	}
	oo := struct {
		ResourceType string  `json:"resourceType"`
		Issue        []issue `json:"issue"`
	}{ResourceType: "OperationOutcome"}
	for _, k := range keys {
		why, whole := strings.CutPrefix(reasons[k], "whole:")
		is := issue{Severity: "error", Code: "invalid", Diagnostics: why, Expression: []string{k}}
		if whole {
			is.Expression = nil
		}
		oo.Issue = append(oo.Issue, is)
	}
	w.Header().Set("Content-Type", "application/fhir+json")
	w.WriteHeader(http.StatusUnprocessableEntity)
	_ = json.NewEncoder(w).Encode(oo)
}

// take applies a bundle's records to what the central holds.
func (c *central) take(id string, records []got) {
	c.taken[id] = true
	for _, g := range records {
		c.accepted[g.Key+" "+g.Tx]++
		c.received = append(c.received, g)
		h := c.holds[g.Key]
		switch g.Tx {
		case "I":
			if h != nil && h.present {
				c.violations = append(c.violations, "insert of a record already held: "+g.Key)
			}
			if g.Mode == "BL-M" && h != nil {
				c.violations = append(c.violations, "materialisation of a record sent before: "+g.Key)
			}
			c.holds[g.Key] = &held{present: true, patient: g.PatientDoc, mode: g.Mode, content: g.Allergen}
		case "U":
			if h == nil || !h.present {
				c.violations = append(c.violations, "update of a record not held: "+g.Key)
				continue
			}
			if h.patient != g.PatientDoc {
				c.violations = append(c.violations, "update under another patient: "+g.Key)
			}
			h.content = g.Allergen
		case "D":
			if h == nil || !h.present {
				c.violations = append(c.violations, "delete of a record not held: "+g.Key)
				continue
			}
			if h.patient != g.PatientDoc {
				c.violations = append(c.violations, "delete under another patient: "+g.Key)
			}
			h.present = false
		default:
			c.violations = append(c.violations, "no transaction type: "+g.Key)
		}
	}
}

func (c *central) fail(msg string) {
	c.mu.Lock()
	c.violations = append(c.violations, msg)
	c.mu.Unlock()
}

// readBundle lists the records a bundle carries, with the identity they are under.
func readBundle(b *fhir.Bundle, domain, mode string) []got {
	keys, txs := ehrss.BundleRecords(b)
	var doc, ehr string
	allergen := map[string]string{}
	for _, e := range b.Entry {
		switch r := e.Resource.(type) {
		case *fhir.Patient:
			for _, id := range r.Identifier {
				if id.Type != nil && len(id.Type.Coding) > 0 && id.Type.Coding[0].Code == "EHRNO" {
					ehr = id.Value
				} else {
					doc = strings.TrimSpace(id.Value)
				}
			}
		case *fhir.AllergyIntolerance:
			if r.Code != nil && len(r.Identifier) > 0 {
				text := r.Code.Text
				for _, cd := range r.Code.Coding {
					if cd.Display != "" {
						text = cd.Display
					}
				}
				allergen[r.Identifier[0].Value] = text
			}
		}
	}
	out := make([]got, len(keys))
	for i, k := range keys {
		out[i] = got{Bundle: b.ID, Key: k, Tx: string(txs[i]), Mode: mode, Domain: domain, PatientDoc: doc, EHRNo: ehr, Allergen: allergen[k]}
	}
	return out
}

// snapshot returns what the central received, in order.
func (c *central) snapshot() []got {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]got(nil), c.received...)
}

// reset forgets what was received (not what is held), between steps of a test.
func (c *central) reset() {
	c.mu.Lock()
	c.received = nil
	c.mu.Unlock()
}

// checkOnce fails the test when any record was accepted more than once, or the central saw a
// transaction that does not follow from what it holds.
func (c *central) checkOnce(t testing.TB) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, n := range c.accepted {
		if n != 1 {
			t.Errorf("%s accepted %d times", k, n)
		}
	}
	for _, v := range c.violations {
		t.Errorf("central: %s", v)
	}
}

// checkConsistent fails the test when the central saw a transaction that does not follow from
// what it holds (an insert of a key it holds, an update or delete of one it does not).
func (c *central) checkConsistent(t testing.TB) {
	t.Helper()
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, v := range c.violations {
		t.Errorf("central: %s", v)
	}
}

func (c *central) count(key, tx string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.accepted[key+" "+tx]
}

func (c *central) holdsKey(key string) (*held, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.holds[key]
	if !ok {
		return nil, false
	}
	cp := *h
	return &cp, true
}

// summary is a sorted "key tx mode" list of records received.
func summary(gs []got) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Key+" "+g.Tx+" "+g.Mode)
	}
	sort.Strings(out)
	return out
}
