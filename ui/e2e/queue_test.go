package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/users"
)

const frontDeskPassword = "front-desk-pass"

// frontDesk sets up a practice with a doctor, a clerk and patients, and the board's token.
func frontDesk(t *testing.T, lang string) (*clinic, string) {
	t.Helper()
	c := startClinic(t)
	ctx := context.Background()
	if _, err := practice.Setup(ctx, c.DB, practice.Practice{NameEN: "Happy Valley Clinic", NameZH: "跑馬地診所", Phone: "2576 1234"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: frontDeskPassword}, "e2e"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []users.NewUser{
		{Username: "drho", FullName: "Dr Ho Ka Yan", FullNameZH: "何家欣醫生", Roles: []string{users.RoleDoctor}, MCRNo: "M10234", Language: lang},
		{Username: "drlam", FullName: "Dr Lam Chi Wai", FullNameZH: "林志偉醫生", Roles: []string{users.RoleDoctor}, MCRNo: "M10235", Language: lang},
		{Username: "mary", FullName: "Mary Chan", FullNameZH: "陳美麗", Roles: []string{users.RoleClerk}, Language: lang},
	} {
		u.Password = frontDeskPassword
		if _, err := users.Add(ctx, c.DB, u, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	docs, err := queue.Doctors(ctx, c.DB.R)
	if err != nil || len(docs) != 2 {
		t.Fatalf("doctors: %v %v", docs, err)
	}
	for i, room := range [][2]string{{"Room 1", "一號診症室"}, {"Room 2", "二號診症室"}} {
		if err := queue.SetRoom(ctx, c.DB, queue.Doctor{ID: docs[i].ID, RoomEN: room[0], RoomZH: room[1]}, audit.System); err != nil {
			t.Fatal(err)
		}
	}
	for i, p := range []patients.Input{
		{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文", Sex: "M", DOB: "1980-05-17", Mobile: "91234567"},
		{SurnameEN: "Wong", GivenNameEN: "Siu Ming", NameZH: "黃小明", Sex: "M", DOB: "1975-01-02"},
		{SurnameEN: "Lee", GivenNameEN: "Ka Yan", NameZH: "李家欣", Sex: "F", DOB: "1990-08-08"},
	} {
		p.Confirmed = true
		if _, err := patients.Create(ctx, c.DB, "P", p, audit.System); err != nil {
			t.Fatalf("patient %d: %v", i, err)
		}
	}
	token, err := queue.RotateBoardToken(ctx, c.DB, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	return c, token
}

// session is a member of staff working in another browser: plain HTTP with a cookie jar.
type session struct {
	t      *testing.T
	base   string
	client *http.Client
	csrf   string
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func loginAs(t *testing.T, c *clinic, username string) *session {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &session{t: t, base: c.URL, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
	s.get("/login")
	if resp := s.post("/login", url.Values{"username": {username}, "password": {frontDeskPassword}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login %s: %d", username, resp.StatusCode)
	}
	s.get("/queue")
	return s
}

func (s *session) get(path string) string {
	s.t.Helper()
	resp, err := s.client.Get(s.base + path)
	if err != nil {
		s.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRe.FindSubmatch(b); m != nil {
		s.csrf = string(m[1])
	}
	return string(b)
}

func (s *session) post(path string, form url.Values) *http.Response {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("_csrf", s.csrf)
	resp, err := s.client.PostForm(s.base+path, form)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

// noEventSource makes the page's scripts run without server-sent events, as in a browser or
// behind a proxy that does not pass them: the queue must fall back to polling.
func noEventSource() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: "delete window.EventSource;",
		})
		return err
	})
}

type boardStrings struct {
	lang, boardLang         string
	nowCalling, checkedIn   string
	withDoctor, searchLabel string
}

var boardDays = []boardStrings{
	{lang: "en", boardLang: "en", nowCalling: "Now calling", checkedIn: "Checked in: ticket 1.", withDoctor: "With doctor"},
	{lang: "zh-HK", boardLang: "zh-HK", nowCalling: "現正叫號", checkedIn: "已登記：籌號 1。", withDoctor: "診症中"},
}

// TestBoardFollowsTheQueue: the waiting-room TV shows a number within 2 s of a doctor calling it
// from another session, and so does the clerk's queue page; once with server-sent events and
// once with them switched off (the polling fallback). Screenshots of the board at 1920x1080
// and of the queue at 1366x768, in English and Chinese, when ONRAMP_E2E_SHOTS is set.
func TestBoardFollowsTheQueue(t *testing.T) {
	for _, d := range boardDays {
		for _, mode := range []string{"events", "polling"} {
			if mode == "polling" && d.lang != "en" {
				continue // the fallback does not depend on the language: once is enough
			}
			t.Run(d.lang+"/"+mode, func(t *testing.T) {
				c, token := frontDesk(t, d.lang)
				b := newBrowser(t)
				if mode == "polling" {
					b.run("switch off server-sent events", noEventSource())
				}
				// The TV: no login, the token in the address.
				b.run("open the board", chromedp.EmulateViewport(1920, 1080),
					chromedp.Navigate(c.URL+"/board/"+token+"?lang="+d.boardLang),
					chromedp.WaitVisible(chromedp.CSS(`.b-grid`)))
				b.wantText(`.b-grid`, d.nowCalling, "–")

				// The clerk, in another tab of the same browser, checks two patients in from the
				// queue page.
				clerkCtx, closeClerk := chromedp.NewContext(b.ctx)
				defer closeClerk()
				clerk := &browser{t: t, ctx: clerkCtx}
				// Open the tab without a deadline: chromedp closes a tab when the context of its
				// first action ends, and each step runs under its own deadline.
				if err := chromedp.Do(clerkCtx); err != nil {
					t.Fatalf("open the clerk's tab: %v", err)
				}
				if mode == "polling" {
					clerk.run("switch off server-sent events", noEventSource())
				}
				clerk.run("clerk logs in", chromedp.EmulateViewport(1366, 768),
					chromedp.Navigate(c.URL+"/login?next=/queue"),
					chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
					chromedp.SendKeys(chromedp.CSS(`#f-username`), "mary"),
					chromedp.SendKeys(chromedp.CSS(`#f-password`), frontDeskPassword),
					chromedp.Submit(chromedp.CSS(`#f-username`)),
					chromedp.WaitVisible(chromedp.CSS(`#f-q`)))
				for _, q := range []string{"chan", "黃小明"} {
					clerk.run("find and check in "+q,
						chromedp.SendKeys(chromedp.CSS(`#f-q`), q),
						chromedp.Submit(chromedp.CSS(`#f-q`)),
						chromedp.WaitVisible(chromedp.CSS(`.q-candidates button.primary`)),
						chromedp.Click(chromedp.CSS(`.q-candidates button.primary`)),
						chromedp.WaitVisible(chromedp.CSS(`.notice`)))
				}
				clerk.wantText(`#q-list`, "陳大文", "黃小明")

				// The doctor, in another session, calls the next patient.
				doctor := loginAs(t, c, "drho")
				resp := doctor.post("/queue/next", nil)
				called := time.Now()
				if !strings.HasPrefix(resp.Header.Get("Location"), "/visits/new?attendance=") {
					t.Fatalf("next patient: %d %s", resp.StatusCode, resp.Header.Get("Location"))
				}
				within := chromedp.WithPollingTimeout(2 * time.Second)
				interval := chromedp.WithPollingInterval(25 * time.Millisecond)
				b.run("the board shows the number within 2 s",
					chromedp.Poll[chromedp.Void](`document.querySelector('.b-number[data-ticket="1"]') !== null`, within, interval))
				t.Logf("%s: board updated %s after the call", mode, time.Since(called).Round(time.Millisecond))
				clerk.run("the clerk's queue shows it within 2 s",
					chromedp.Poll[chromedp.Void](fmt.Sprintf(`document.querySelector('#q-list .st-with_doctor') !== null &&
						document.querySelector('#q-list').innerText.indexOf(%q) >= 0`, d.withDoctor), within, interval))
				if d.boardLang == "zh-HK" {
					b.wantText(`.b-grid`, "一號診症室", "何家欣醫生")
				} else {
					b.wantText(`.b-grid`, "Room 1", "Dr Ho Ka Yan")
				}
				page := b.text(`body`)
				for _, never := range []string{"陳大文", "CHAN", "P000001"} {
					if strings.Contains(page, never) {
						t.Errorf("the board shows %q", never)
					}
				}
				if mode == "events" {
					clerk.run("settle", chromedp.Sleep(300*time.Millisecond))
					clerk.shot("queue-" + d.lang)
					// The other doctor calls too, so the screenshot shows two rooms.
					loginAs(t, c, "drlam").post("/queue/next", nil)
					b.run("the second call", chromedp.Poll[chromedp.Void](`document.querySelector('.b-number[data-ticket="2"]') !== null`, within, interval),
						chromedp.Sleep(300*time.Millisecond))
					// Issue 4 asks for the board in each language in the notes: always kept.
					b.boardShot("board-" + d.lang)
					b.run("both languages", chromedp.Navigate(c.URL+"/board/"+token), chromedp.WaitVisible(chromedp.CSS(`.b-grid`)))
					b.wantText(`.b-grid`, "Now calling", "現正叫號")
					b.boardShot("board-bilingual")
				}
				// A wrong token shows nothing of the clinic.
				b.run("wrong token", chromedp.Navigate(c.URL+"/board/"+token+"x"), chromedp.WaitVisible(chromedp.CSS(`main`)))
				if p := b.text(`body`); strings.Contains(p, "Now calling") || strings.Contains(p, "現正叫號") {
					t.Errorf("a wrong token shows the board")
				}
			})
		}
	}
}

// TestFrontDeskPages opens every front-desk page in a real browser as the clinic would, in
// English and Chinese at the usual clinic PC's 1366x768, booking through the form on the way;
// screenshots when ONRAMP_E2E_SHOTS is set.
func TestFrontDeskPages(t *testing.T) {
	for _, d := range boardDays {
		t.Run(d.lang, func(t *testing.T) {
			c, _ := frontDesk(t, d.lang)
			ctx := context.Background()
			if _, err := users.Add(ctx, c.DB, users.NewUser{Username: "boss", FullName: "Dr Boss", FullNameZH: "老闆醫生",
				Roles: []string{users.RoleAdmin, users.RoleDoctor, users.RoleClerk}, MCRNo: "M10236", Language: d.lang,
				Password: frontDeskPassword}, audit.System); err != nil {
				t.Fatal(err)
			}
			b := newBrowser(t)
			b.run("log in", chromedp.Navigate(c.URL+"/login"),
				chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
				chromedp.SendKeys(chromedp.CSS(`#f-username`), "boss"),
				chromedp.SendKeys(chromedp.CSS(`#f-password`), frontDeskPassword),
				chromedp.Submit(chromedp.CSS(`#f-username`)),
				chromedp.WaitVisible(chromedp.CSS(`.tiles`)))
			// Book through the form: find the patient, pick a free time, book.
			// The next day the clinic is open (not a Sunday, not a holiday).
			diary := appointments.New(c.DB, hk())
			day := ""
			for i := 1; day == ""; i++ {
				d := time.Now().In(hk()).AddDate(0, 0, i).Format(time.DateOnly)
				if plans, err := diary.Plan(ctx, 0, d, 1); err == nil && !plans[0].Closed() {
					day = d
				}
			}
			b.run("booking form", chromedp.Navigate(c.URL+"/appointments/new?day="+day),
				chromedp.WaitVisible(chromedp.CSS(`#f-patient`)),
				chromedp.SendKeys(chromedp.CSS(`#f-patient`), "chan"),
				chromedp.Submit(chromedp.CSS(`#f-patient`)),
				chromedp.WaitVisible(chromedp.CSS(`.tiles a`)),
				chromedp.Click(chromedp.CSS(`.tiles a`)),
				chromedp.WaitVisible(chromedp.CSS(`#f-time`)),
				chromedp.SetValue(chromedp.CSS(`#f-time`), "10:00"),
				chromedp.SetValue(chromedp.CSS(`#f-reason`), "review"))
			b.shot("booking-" + d.lang)
			b.run("book", chromedp.Submit(chromedp.CSS(`#f-time`)), chromedp.WaitVisible(chromedp.CSS(`.notice, .error-summary`)))
			b.wantText(`main`, "10:00", "陳大文")
			b.shot("appointment-" + d.lang)
			for _, p := range []struct{ name, path, sel string }{
				{"diary-day", "/appointments?day=" + day, `.d-day`},
				{"diary-week", "/appointments?view=week&day=" + day, `.d-week`},
				{"reminders", "/appointments/reminders?from=" + day, `textarea.reminder`},
				{"queue", "/queue", `#q-list`},
				{"settings", "/admin/frontdesk", `.hours`},
				{"holidays", "/admin/holidays?year=2026", `table.list`},
			} {
				b.run(p.name, chromedp.Navigate(c.URL+p.path), chromedp.WaitVisible(chromedp.CSS(p.sel)))
				b.shot(p.name + "-" + d.lang)
			}
		})
	}
}

func hk() *time.Location {
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		return time.FixedZone("HKT", 8*3600)
	}
	return loc
}

// boardShot saves a screenshot of the board whatever ONRAMP_E2E_SHOTS says, and fails the test
// when none was written: the front-desk issue's notes show them.
func (b *browser) boardShot(name string) {
	b.t.Helper()
	b.saveEvidence(name)
	file := filepath.Join(outDir(b.t), name+".png")
	if st, err := os.Stat(file); err != nil || st.Size() < 10000 {
		b.t.Errorf("board screenshot %s: %v", file, err)
		return
	}
	abs, _ := filepath.Abs(file)
	b.t.Logf("board screenshot: %s", abs)
}
