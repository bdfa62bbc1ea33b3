package ui

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/sharing"
)

type fakeSharing struct{ sent atomic.Int32 }

func (f *fakeSharing) SendNow() bool              { f.sent.Add(1); return true }
func (f *fakeSharing) Running() bool              { return false }
func (f *fakeSharing) Next(t time.Time) time.Time { return t.Add(15 * time.Minute) }
func (f *fakeSharing) Schedule() string           { return "*/15 8-20 * * 1-6" }
func (f *fakeSharing) Destination() string        { return "folder /tmp/outbox-bundles" }

// TestSharingPage: a doctor sees the counts, the last and next run, each held record with its
// patient, reason (in the reader's language) and a link to fix it, and a patient's sharing
// history; "send now" starts a run.
func TestSharingPage(t *testing.T) {
	tc := newTestClinic(t, true)
	ctx := context.Background()
	p, err := patients.Create(ctx, tc.db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文",
		Sex: "M", DOB: "1980-05-17", DocType: patients.DocHKID, DocNumber: "A123456(3)"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if err := patients.SetEHealth(ctx, tc.db, p.ID, patients.EHealthInput{Joined: true, EHRNo: "944272043043", Consent: patients.ConsentNone}, audit.System); err != nil {
		t.Fatal(err)
	}
	// The test practice has no eHealth provider id: the run holds the patient's record back.
	e := sharing.New(tc.db, sharing.Options{Folder: filepath.Join(t.TempDir(), "bundles")})
	if rep, err := e.Run(ctx, sharing.TriggerCommand); err != nil || rep.Held != 1 {
		t.Fatalf("run: %v %s", err, rep)
	}
	fake := &fakeSharing{}
	tc.srv.AttachSharing(fake)

	b := tc.browser()
	b.sessionFor("doctor")
	resp, body := b.get("/sharing")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /sharing: %d", resp.StatusCode)
	}
	contains(t, body, "eHealth sharing", "Send now", "Personal identification", "Held back", p.Number,
		"institution identifier", `href="/admin/practice"`, `href="/sharing/patients/`+strconv.FormatInt(p.ID, 10)+`"`,
		"folder /tmp/outbox-bundles", "command line")

	resp, _ = b.post("/sharing/run", url.Values{})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "done=sharing_started") || fake.sent.Load() != 1 {
		t.Fatalf("send now: %d %s, sent %d", resp.StatusCode, resp.Header.Get("Location"), fake.sent.Load())
	}

	resp, body = b.get("/sharing/patients/" + strconv.FormatInt(p.ID, 10))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("history: %d", resp.StatusCode)
	}
	contains(t, body, "May be shared", "Held back", "OR-PID-patients-"+strconv.FormatInt(p.ID, 10))

	// In Chinese, the reasons are in Chinese.
	zh := tc.browser()
	zh.sessionFor("admin")
	zh.post("/language", url.Values{"lang": {"zh-HK"}})
	_, body = zh.get("/sharing")
	contains(t, body, "醫健通互通", "立即上載", "機構識別碼")

	// Clerks do not see it.
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	if resp, _ := clerk.get("/sharing"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("clerk: %d", resp.StatusCode)
	}
}
