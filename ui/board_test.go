package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/queue"
)

var boardURLRe = regexp.MustCompile(`id="board-url"[^>]*>[^<]*/board/([A-Za-z0-9_-]+)<`)

// makeBoard has the administrator make the board's address and returns its token.
func makeBoard(t *testing.T, tc *testClinic) string {
	t.Helper()
	admin := tc.browser()
	admin.sessionFor("admin")
	admin.get("/admin/frontdesk")
	resp, body := admin.post("/admin/frontdesk/board", url.Values{"board": {"new"}})
	m := boardURLRe.FindStringSubmatch(body)
	if resp.StatusCode != http.StatusOK || m == nil {
		t.Fatalf("make the board: %d", resp.StatusCode)
	}
	return m[1]
}

// TestBoardNeedsItsToken: no login, but only with the token; a wrong or old token is "not
// found"; the board shows numbers and nothing else.
func TestBoardNeedsItsToken(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 2)
	anon := tc.browser()
	if resp, _ := anon.get("/board/nothing"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("board before any token: %d", resp.StatusCode)
	}
	token := makeBoard(t, tc)
	if err := queue.SetRoom(context.Background(), tc.db, queue.Doctor{ID: userID(t, tc, "doctor"), RoomEN: "Room 1", RoomZH: "一號房"}, audit.System); err != nil {
		t.Fatal(err)
	}
	clerk, doctor := tc.browser(), tc.browser()
	clerk.sessionFor("clerk")
	doctor.sessionFor("doctor")
	clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[0])}})
	clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[1])}})
	doctor.post("/queue/next", nil)

	resp, body := anon.get("/board/" + token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("board: %d", resp.StatusCode)
	}
	contains(t, body, "Now calling", "現正叫號", `data-ticket="1"`, "Room 1", "一號房", "Test doctor", "Waiting: 0", "等候下一位醫生：1")
	for _, never := range []string{"CHAN", "陳大文", "P000001", "Log out", "/patients", `href="/queue"`} {
		if strings.Contains(body, never) {
			t.Errorf("the board shows %q", never)
		}
	}
	if resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("board Referrer-Policy %q", resp.Header.Get("Referrer-Policy"))
	}
	_, en := anon.get("/board/" + token + "?lang=en")
	if strings.Contains(en, "現正叫號") || !strings.Contains(en, "Now calling") {
		t.Error("the English board shows Chinese labels")
	}
	// Masked names when the clinic chooses them.
	if err := practice.SetSetting(context.Background(), tc.db, queue.SettingBoardNames, queue.BoardNamesMasked, audit.System); err != nil {
		t.Fatal(err)
	}
	_, body = anon.get("/board/" + token + "/list")
	contains(t, body, "CHAN T** M**", "陳○文")
	if strings.Contains(body, "Tai Man") {
		t.Error("the masked name shows the given name")
	}
	// A new address stops the old one; switching off stops all.
	newToken := makeBoard(t, tc)
	for _, tt := range []struct {
		path string
		want int
	}{
		{"/board/" + token, http.StatusNotFound},
		{"/board/" + token + "/live", http.StatusNotFound},
		{"/board/" + token + "/list", http.StatusNotFound},
		{"/board/" + newToken, http.StatusOK},
		{"/board/" + newToken + "/live", http.StatusOK},
	} {
		if resp, _ := anon.get(tt.path); resp.StatusCode != tt.want {
			t.Errorf("%s: %d, want %d", tt.path, resp.StatusCode, tt.want)
		}
	}
	admin := tc.browser()
	admin.sessionFor("admin")
	if resp, _ := admin.post("/admin/frontdesk/board", url.Values{"board": {"off"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("switch off: %d", resp.StatusCode)
	}
	if resp, _ := anon.get("/board/" + newToken); resp.StatusCode != http.StatusNotFound {
		t.Errorf("board after switching off: %d", resp.StatusCode)
	}
}

// TestBoardHearsACall: the board's event stream announces a call made by a doctor in another
// session within 2 s, and the list then shows the number.
func TestBoardHearsACall(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 1)
	token := makeBoard(t, tc)
	clerk, doctor := tc.browser(), tc.browser()
	clerk.sessionFor("clerk")
	doctor.sessionFor("doctor")
	clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[0])}})
	tv := tc.browser()
	ch, stop := events(t, tv, "/board/"+token+"/live")
	defer stop()
	v1 := next(t, ch, 2*time.Second)
	doctor.post("/queue/next", nil)
	if v2 := next(t, ch, 2*time.Second); v2 == v1 {
		t.Errorf("version did not move")
	}
	_, body := tv.get("/board/" + token + "/list")
	contains(t, body, `data-ticket="1"`)
	// A new address ends the old one's stream at the next change.
	makeBoard(t, tc)
	deadline := time.After(2 * time.Second)
	for {
		select {
		case _, open := <-ch:
			if !open {
				return
			}
		case <-deadline:
			t.Fatal("the old board's stream is still open after a new address was made")
		}
	}
}
