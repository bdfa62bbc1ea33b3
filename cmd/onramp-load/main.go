// Command onramp-load drives a running OnRamp over HTTP as a busy clinic would: signed-in
// sessions per role, the search box fed with names, HKIDs, phones, patient numbers and dates of
// birth of patients on file, patient pages, the queue and patient labels, each at a number of
// concurrent connections for a set time. It prints throughput and p50/p99 per endpoint, the
// server's peak memory, and writes the figures as a Markdown table for the README.
//
//	onramp-load --url http://127.0.0.1:8080 --db DATA/onramp.db --pid 1234 --out load.md
//
// Passwords come from ONRAMP_PASSWORD (as `onramp demo` uses it). See run.sh for the whole suite.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "onramp-load:", err)
		os.Exit(1)
	}
}

type options struct {
	base     string
	db       string
	pid      int
	conns    []int
	duration time.Duration
	warmup   time.Duration
	out      string
	only     []string
	labels   int
	password string
	machine  string
	sample   int
	loadavg  string // the machine's load before the run: other work skews the figures
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("onramp-load", flag.ContinueOnError)
	var o options
	var conns, only string
	fs.StringVar(&o.base, "url", "http://127.0.0.1:8080", "OnRamp's address")
	fs.StringVar(&o.db, "db", "", "the practice's database (onramp.db), read-only, to draw real queries and patients from (required)")
	fs.IntVar(&o.pid, "pid", 0, "the server's process id, to report its peak memory (VmHWM)")
	fs.StringVar(&conns, "conns", "8,32", "concurrent connections, comma-separated: each endpoint is driven at each")
	fs.DurationVar(&o.duration, "duration", 15*time.Second, "how long to drive each endpoint at each concurrency")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured requests before each run (caches, connections)")
	fs.StringVar(&o.out, "out", "", "write the Markdown table here as well")
	fs.StringVar(&only, "only", "", "endpoints to drive, comma-separated (search, chart, queue, labels); empty: all")
	fs.IntVar(&o.labels, "labels", 100, "stickers per label PDF")
	fs.StringVar(&o.machine, "machine", "", "the machine, for the table's caption (default: from /proc/cpuinfo)")
	fs.IntVar(&o.sample, "sample", 2000, "patients to draw queries from")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.password = os.Getenv("ONRAMP_PASSWORD")
	if o.password == "" {
		return errors.New("set ONRAMP_PASSWORD to the demo logins' password")
	}
	if o.db == "" {
		return errors.New("--db is required: the load is drawn from the patients on file")
	}
	for _, c := range strings.Split(conns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(c))
		if err != nil || n < 1 {
			return fmt.Errorf("--conns %q: want numbers like 8,32", conns)
		}
		o.conns = append(o.conns, n)
	}
	if only != "" {
		o.only = strings.Split(only, ",")
	}
	if o.machine == "" {
		o.machine = machine()
	}

	if b, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(b)); len(f) >= 3 {
			o.loadavg = strings.Join(f[:3], " ")
		}
	}
	sample, total, visits, err := sampleRecords(o.db, o.sample)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%d patients and %d visits on file; drawing from %d patients\n", total, visits, len(sample))

	sessions := map[string]string{}
	for _, role := range []string{"clerk", "doctor", "nurse"} {
		ck, err := login(o.base, role, o.password)
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", role, err)
		}
		sessions[role] = ck
	}
	var results []result
	for _, ep := range endpoints(sample, o.labels) {
		if len(o.only) > 0 && !slices.Contains(o.only, ep.name) {
			continue
		}
		for _, c := range o.conns {
			r := drive(o, ep, sessions[ep.role], c)
			results = append(results, r)
			fmt.Fprintf(stdout, "%-7s %3d conns: %7.0f req/s  p50 %6.2f ms  p99 %6.2f ms  (%d requests, %d failed)\n",
				r.name, r.conns, r.rate(), ms(r.p50), ms(r.p99), r.n, r.failed)
			for _, k := range r.kinds {
				fmt.Fprintf(stdout, "        %-15s p50 %6.2f ms  p99 %6.2f ms  (%d)\n", k.kind, ms(k.p50), ms(k.p99), k.n)
			}
			if r.firstErr != "" {
				fmt.Fprintf(stdout, "        first failure: %s\n", r.firstErr)
			}
		}
	}
	rss := peakRSS(o.pid)
	if rss != "" {
		fmt.Fprintf(stdout, "server peak RSS (VmHWM): %s\n", rss)
	}
	table := markdown(o, total, visits, results, rss)
	fmt.Fprint(stdout, "\n"+table)
	if o.out != "" {
		return os.WriteFile(o.out, []byte(table), 0o644)
	}
	return nil
}

// patient is one patient on file, as the driver asks for them.
type patient struct {
	id                         int64
	number, surname, given, zh string
	doc, mobile, dob           string
}

// sampleRecords draws patients spread over the whole table by id, so that the queries hit cold
// pages as well as hot ones, as a clinic's day does; it also counts the patients and the visits
// on file (no visits table yet counts as none).
func sampleRecords(path string, n int) (sample []patient, patients, visits int, err error) {
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro&_pragma=busy_timeout(10000)")
	if err != nil {
		return nil, 0, 0, err
	}
	defer db.Close()
	var maxID int64
	if err := db.QueryRow(`SELECT COALESCE(MAX(id),0), COUNT(*) FROM patients`).Scan(&maxID, &patients); err != nil {
		return nil, 0, 0, fmt.Errorf("read patients from %s: %w", path, err)
	}
	if patients == 0 {
		return nil, 0, 0, errors.New("no patients on file: build a practice with `onramp demo --patients N` first")
	}
	_ = db.QueryRow(`SELECT COUNT(*) FROM visits`).Scan(&visits)
	r := rand.New(rand.NewPCG(1, 2))
	for tries := 0; len(sample) < n && tries < n*4; tries++ {
		var p patient
		var doc, mobile sql.NullString
		err := db.QueryRow(`SELECT id, number, surname_en, given_name_en, name_zh, doc_number, mobile, dob
			FROM patients WHERE id >= ? AND merged_into IS NULL ORDER BY id LIMIT 1`, 1+r.Int64N(maxID)).
			Scan(&p.id, &p.number, &p.surname, &p.given, &p.zh, &doc, &mobile, &p.dob)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, 0, 0, err
		}
		p.doc, p.mobile = doc.String, mobile.String
		sample = append(sample, p)
	}
	return sample, patients, visits, nil
}

// endpoint is one kind of request and the role that makes it.
type endpoint struct {
	name, role string
	next       func(r *rand.Rand) (path, kind string) // the next path to ask for, and its kind
	wantType   string                                 // the Content-Type an answer must have
}

var hkidRe = regexp.MustCompile(`^([A-Z]{1,2}\d{6})([0-9A])$`)

// endpoints are the four things the suite drives. Search mixes the kinds of scrap a clerk types,
// in roughly the proportions of a front desk: names most, then IDs and phones.
func endpoints(ps []patient, labels int) []endpoint {
	pick := func(r *rand.Rand) patient { return ps[r.IntN(len(ps))] }
	search := func(r *rand.Rand) (string, string) {
		p := pick(r)
		var q, kind string
		switch k := r.IntN(10); {
		case k < 3 && p.surname != "": // "chan tai": surname and the start of the given name
			kind = "english name"
			q = strings.ToLower(p.surname)
			if g := strings.Fields(p.given); len(g) > 0 {
				q += " " + strings.ToLower(g[0][:min(3, len(g[0]))])
			}
		case k < 5 && p.zh != "": // 陳大: any part of the Chinese name
			kind = "chinese name"
			rs := []rune(p.zh)
			q = string(rs[:min(2, len(rs))])
		case k < 7 && p.doc != "": // an HKID, as often with brackets as without
			kind = "id document"
			if m := hkidRe.FindStringSubmatch(p.doc); m != nil && r.IntN(2) == 0 {
				q = m[1] + "(" + m[2] + ")"
			} else {
				q = p.doc
			}
		case k < 8 && p.mobile != "":
			kind, q = "phone", p.mobile
		case k < 9:
			kind, q = "patient number", p.number
		default:
			kind, q = "date of birth", p.dob
		}
		if q == "" {
			kind, q = "patient number", p.number
		}
		return "/patients/search?q=" + url.QueryEscape(q), kind
	}
	return []endpoint{
		{name: "search", role: "clerk", next: search, wantType: "application/json"},
		{name: "chart", role: "doctor", wantType: "text/html", next: func(r *rand.Rand) (string, string) {
			return "/patients/" + strconv.FormatInt(pick(r).id, 10), ""
		}},
		{name: "queue", role: "nurse", wantType: "text/html", next: func(*rand.Rand) (string, string) { return "/queue", "" }},
		{name: "labels", role: "clerk", wantType: "application/pdf", next: func(r *rand.Rand) (string, string) {
			return fmt.Sprintf("/patients/%d/labels.pdf?n=%d", pick(r).id, labels), ""
		}},
	}
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// login signs in as a browser does: the login page sets the CSRF cookie and carries the token
// in its form. It returns the Cookie header that the session's requests carry.
func login(base, user, password string) (string, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := csrfRe.FindSubmatch(body)
	if m == nil {
		return "", fmt.Errorf("no CSRF token on %s/login (status %d): is the practice set up?", base, resp.StatusCode)
	}
	resp, err = c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}, "_csrf": {string(m[1])}})
	if err != nil {
		return "", err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return "", fmt.Errorf("status %d (wrong ONRAMP_PASSWORD?)", resp.StatusCode)
	}
	u, _ := url.Parse(base)
	var parts []string
	for _, ck := range jar.Cookies(u) {
		parts = append(parts, ck.Name+"="+ck.Value)
	}
	return strings.Join(parts, "; "), nil
}

type result struct {
	name     string
	conns    int
	n        int
	failed   int
	elapsed  time.Duration
	p50, p99 time.Duration
	firstErr string
	kinds    []kindResult // search by kind of query
}

// kindResult is the latency of one kind of query within a run.
type kindResult struct {
	kind     string
	n        int
	p50, p99 time.Duration
}

// percentiles sorts d and returns its median and 99th percentile.
func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	slices.Sort(d)
	return d[len(d)*50/100], d[min(len(d)-1, len(d)*99/100)]
}

func (r result) rate() float64 { return float64(r.n) / r.elapsed.Seconds() }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// drive runs conns workers, each a closed loop of requests on its own connection, for the
// warm-up and then the measured duration.
func drive(o options, ep endpoint, cookie string, conns int) result {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 60 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var measuring atomic.Bool
	var firstErr atomic.Value
	ctx, cancel := context.WithCancel(context.Background())
	lat := make([][]time.Duration, conns)
	kinds := make([]map[string][]time.Duration, conns)
	failed := make([]int, conns)
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(w), uint64(conns)))
			kinds[w] = map[string][]time.Duration{}
			for ctx.Err() == nil {
				path, kind := ep.next(r)
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, o.base+path, nil)
				req.Header.Set("Cookie", cookie)
				start := time.Now()
				resp, err := client.Do(req)
				ok := err == nil
				if ok {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					ok = err == nil && resp.StatusCode == http.StatusOK && strings.HasPrefix(resp.Header.Get("Content-Type"), ep.wantType)
					if !ok && err == nil {
						err = fmt.Errorf("%s: status %d, %s", req.URL.RequestURI(), resp.StatusCode, resp.Header.Get("Content-Type"))
					}
				}
				d := time.Since(start)
				if ctx.Err() != nil || !measuring.Load() {
					continue
				}
				if !ok {
					failed[w]++
					firstErr.CompareAndSwap(nil, fmt.Sprint(err))
					continue
				}
				lat[w] = append(lat[w], d)
				if kind != "" {
					kinds[w][kind] = append(kinds[w][kind], d)
				}
			}
		}(w)
	}
	time.Sleep(o.warmup)
	measuring.Store(true)
	start := time.Now()
	time.Sleep(o.duration)
	measuring.Store(false)
	elapsed := time.Since(start)
	cancel()
	wg.Wait()

	res := result{name: ep.name, conns: conns, elapsed: elapsed}
	var all []time.Duration
	byKind := map[string][]time.Duration{}
	for w := range lat {
		all = append(all, lat[w]...)
		res.failed += failed[w]
		for k, d := range kinds[w] {
			byKind[k] = append(byKind[k], d...)
		}
	}
	res.n = len(all)
	res.p50, res.p99 = percentiles(all)
	for k, d := range byKind {
		kr := kindResult{kind: k, n: len(d)}
		kr.p50, kr.p99 = percentiles(d)
		res.kinds = append(res.kinds, kr)
	}
	slices.SortFunc(res.kinds, func(a, b kindResult) int { return strings.Compare(a.kind, b.kind) })
	if e, ok := firstErr.Load().(string); ok {
		res.firstErr = e
	}
	return res
}

// peakRSS reads the server's high-water mark of resident memory from Linux's /proc.
func peakRSS(pid int) string {
	if pid == 0 {
		return ""
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return ""
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			f := strings.Fields(v)
			if kb, err := strconv.Atoi(f[0]); err == nil {
				return fmt.Sprintf("%.0f MB", float64(kb)/1024)
			}
		}
	}
	return ""
}

// machine names the CPU and core count, for the table's caption.
func machine() string {
	model := runtime.GOARCH
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	return fmt.Sprintf("%s, %d cores, %s", model, runtime.NumCPU(), runtime.GOOS)
}

// goals are the targets, printed beside the figures.
var goals = map[string]string{
	"search": "≥ 5,000 req/s and p99 < 20 ms at 32 connections",
	"chart":  "p99 < 50 ms",
	"labels": "< 100 ms per 100 labels",
	"queue":  "",
}

func markdown(o options, patients, visits int, rs []result, rss string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Load suite, %s, %d patients and %d visits on file, %s per run after %s warm-up (`cmd/onramp-load/run.sh`):\n\n",
		time.Now().Format("2006-01-02"), patients, visits, o.duration, o.warmup)
	fmt.Fprintf(&b, "Machine: %s; driver and server on the same machine", o.machine)
	if o.loadavg != "" {
		fmt.Fprintf(&b, "; load average before the run %s", o.loadavg)
	}
	b.WriteString(".\n\n")
	b.WriteString("| endpoint | connections | requests/s | p50 ms | p99 ms | failed | goal |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---|\n")
	for _, r := range rs {
		name := r.name
		if r.name == "labels" {
			name = fmt.Sprintf("labels (%d per PDF)", o.labels)
		}
		fmt.Fprintf(&b, "| %s | %d | %.0f | %.2f | %.2f | %d | %s |\n", name, r.conns, r.rate(), ms(r.p50), ms(r.p99), r.failed, goals[r.name])
	}
	// Search by kind of query, at the highest concurrency: which kind holds the p99 up.
	var last *result
	for i := range rs {
		if rs[i].name == "search" && len(rs[i].kinds) > 0 {
			last = &rs[i]
		}
	}
	if last != nil {
		fmt.Fprintf(&b, "\nSearch by kind of query at %d connections:\n\n| query | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|\n", last.conns)
		for _, k := range last.kinds {
			fmt.Fprintf(&b, "| %s | %d | %.2f | %.2f |\n", k.kind, k.n, ms(k.p50), ms(k.p99))
		}
	}
	if rss != "" {
		fmt.Fprintf(&b, "\nServer peak RSS (VmHWM): %s.\n", rss)
	}
	return b.String()
}
