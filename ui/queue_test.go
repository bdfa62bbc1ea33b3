package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/queue"
)

// TestQueueThroughTheDay walks one patient through the day's states through the real router,
// with a refused move and a correction on the way.
func TestQueueThroughTheDay(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 2)
	clerk, doctor := tc.browser(), tc.browser()
	clerk.sessionFor("clerk")
	doctor.sessionFor("doctor")
	doctorID := userID(t, tc, "doctor")

	// Find and check in.
	_, body := clerk.get("/queue?q=" + url.QueryEscape("chan tai"))
	contains(t, body, "CHAN Tai Man", "陳大文", `name="patient" value="`+fmt.Sprint(ids[0])+`"`)
	resp, _ := clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[0])}, "doctor": {"0"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("check in: %d", resp.StatusCode)
	}
	_, body = clerk.get(resp.Header.Get("Location"))
	contains(t, body, "Checked in: ticket 1.", `class="ticket">1<`, "Waiting")
	// Twice is refused, clearly.
	resp, body = clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[0])}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "already in today&#39;s queue with ticket 1") {
		t.Errorf("second check-in: %d", resp.StatusCode)
	}
	list, _ := tc.srv.queueOf().List(context.Background(), "2026-11-23")
	id := list[0].ID
	state := fmt.Sprintf("/queue/%d/state", id)

	// The doctor's "next patient" opens the consultation.
	resp, _ = doctor.post("/queue/next", nil)
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || loc != fmt.Sprintf("/visits/new?attendance=%d", id) {
		t.Fatalf("next patient: %d %s", resp.StatusCode, loc)
	}
	resp, _ = doctor.post("/queue/next", nil)
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "done=queue_nobody") {
		t.Errorf("next with nobody waiting: %d %s", resp.StatusCode, loc)
	}
	_, body = doctor.get("/queue")
	contains(t, body, "With you now:", fmt.Sprintf(`href="/visits/new?attendance=%d"`, id))

	steps := []struct {
		who    *browser
		path   string
		form   url.Values
		status int
		want   string // on the page that follows
		state  string
	}{
		{clerk, state, url.Values{"to": {"done"}}, http.StatusSeeOther, "", queue.Done},
		{clerk, state, url.Values{"to": {"waiting"}}, http.StatusConflict, "A patient who is “Done” cannot be moved to “Waiting”", queue.Done},
		{clerk, fmt.Sprintf("/queue/%d/correct", id), url.Values{"to": {"awaiting_medicine_payment"}, "reason": {" "}},
			http.StatusUnprocessableEntity, "Give the reason for the correction", queue.Done},
		{clerk, fmt.Sprintf("/queue/%d/correct", id), url.Values{"to": {"awaiting_medicine_payment"}, "reason": {"forgot the syrup"}},
			http.StatusSeeOther, "", queue.AwaitingMedicinePayment},
		{clerk, state, url.Values{"to": {"skipped"}}, http.StatusConflict, "cannot be moved to", queue.AwaitingMedicinePayment},
		{clerk, state, url.Values{"to": {"done"}}, http.StatusSeeOther, "", queue.Done},
		{doctor, fmt.Sprintf("/queue/%d/call", id), nil, http.StatusConflict, "cannot be moved to", queue.Done},
	}
	for i, s := range steps {
		resp, body := s.who.post(s.path, s.form)
		if resp.StatusCode != s.status {
			t.Errorf("step %d %s: %d, want %d", i, s.path, resp.StatusCode, s.status)
		}
		if s.want != "" && !strings.Contains(body, s.want) {
			t.Errorf("step %d: page does not say %q", i, s.want)
		}
		if a, _ := tc.srv.queueOf().Get(context.Background(), id); a.State != s.state {
			t.Errorf("step %d: state %s, want %s", i, a.State, s.state)
		}
	}
	// Every change named the patient in the audit log, with the doctor or clerk who made it.
	rows, _ := audit.Search(context.Background(), tc.db.R, audit.Filter{PatientID: ids[0], Limit: 100})
	byUser := map[int64]int{}
	for _, r := range rows {
		if r.Entity == "attendance" {
			byUser[r.UserID]++
		}
	}
	if byUser[doctorID] != 1 || byUser[userID(t, tc, "clerk")] != 4 {
		t.Errorf("audit rows by user: %v", byUser)
	}
	// A dispenser sees the queue but cannot call a patient.
	disp := tc.browser()
	disp.sessionFor("dispenser")
	if resp, _ := disp.get("/queue"); resp.StatusCode != http.StatusOK {
		t.Errorf("dispenser's queue: %d", resp.StatusCode)
	}
	if resp, _ := disp.post("/queue/next", nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("dispenser pressed next: %d", resp.StatusCode)
	}
}

// TestQueueActionsFromThePage: reorder, urgent, reassign and the arrival of a booking, as the
// page's buttons send them.
func TestQueueActionsFromThePage(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 4)
	drHo := addDoctor(t, tc, "drho", "Dr Ho Ka Yan", "何家欣")
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	for _, p := range ids[:3] {
		clerk.post("/queue", url.Values{"patient": {fmt.Sprint(p)}})
	}
	list, _ := tc.srv.queueOf().List(context.Background(), "2026-11-23")
	a, b, c := list[0].ID, list[1].ID, list[2].ID
	for _, s := range []struct {
		path string
		form url.Values
	}{
		{fmt.Sprintf("/queue/%d/order", c), url.Values{"dir": {"up"}}},
		{fmt.Sprintf("/queue/%d/urgent", b), url.Values{"urgent": {"1"}}},
		{fmt.Sprintf("/queue/%d/doctor", a), url.Values{"doctor": {fmt.Sprint(drHo)}}},
	} {
		if resp, _ := clerk.post(s.path, s.form); resp.StatusCode != http.StatusSeeOther {
			t.Errorf("%s: %d", s.path, resp.StatusCode)
		}
	}
	list, _ = tc.srv.queueOf().List(context.Background(), "2026-11-23")
	var order []int64
	for _, x := range list {
		order = append(order, x.ID)
	}
	if fmt.Sprint(order) != fmt.Sprint([]int64{b, a, c}) || !list[0].Urgent || list[1].DoctorID != drHo {
		t.Errorf("order %v (want %v), urgent %v, doctor %d", order, []int64{b, a, c}, list[0].Urgent, list[1].DoctorID)
	}
	// A booking for today arrives in one action and gets the next ticket for its doctor.
	appt, err := tc.srv.diary().Book(context.Background(), bookingAt(tc, ids[3], drHo, "2026-11-23", "10:00"), audit.System)
	if err != nil {
		t.Fatal(err)
	}
	_, body := clerk.get("/queue")
	contains(t, body, "Booked for today, not yet arrived", fmt.Sprintf(`action="/appointments/%d/arrive"`, appt.ID))
	resp, _ := clerk.post(fmt.Sprintf("/appointments/%d/arrive", appt.ID), url.Values{"back": {"/queue"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "ticket=4") {
		t.Fatalf("arrival: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	resp, body = clerk.post(fmt.Sprintf("/appointments/%d/arrive", appt.ID), url.Values{"back": {"/queue"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "no longer open") {
		t.Errorf("second arrival: %d", resp.StatusCode)
	}
}

// TestTwoDoctorsPressNextThroughTheRouter: doctors pressing "next patient" at the same moment
// each get a different patient.
func TestTwoDoctorsPressNextThroughTheRouter(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	const n = 6
	ids := addPatients(t, tc, n)
	addDoctor(t, tc, "drho", "Dr Ho Ka Yan", "何家欣")
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	for _, p := range ids {
		clerk.post("/queue", url.Values{"patient": {fmt.Sprint(p)}})
	}
	doctors := []*browser{tc.browser(), tc.browser()}
	doctors[0].sessionFor("doctor")
	doctors[1].sessionFor("drho")
	var mu sync.Mutex
	got := map[string]int{}
	for round := 0; round < n/2; round++ {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, d := range doctors {
			wg.Go(func() {
				<-start
				resp, _ := d.post("/queue/next", nil)
				loc := resp.Header.Get("Location")
				if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/visits/new?attendance=") {
					t.Errorf("doctor %d: %d %s", i, resp.StatusCode, loc)
					return
				}
				mu.Lock()
				got[loc]++
				mu.Unlock()
			})
		}
		close(start)
		wg.Wait()
	}
	if len(got) != n {
		t.Errorf("%d different patients called for %d presses: %v", len(got), n, got)
	}
	for loc, k := range got {
		if k != 1 {
			t.Errorf("%s given %d times", loc, k)
		}
	}
}

// TestQueueLiveEvents: a screen listening on /queue/live hears of a change made through another
// session well within 2 s; a plain GET answers the version as JSON (the polling fallback).
func TestQueueLiveEvents(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 1)
	screen, clerk := tc.browser(), tc.browser()
	screen.sessionFor("nurse")
	clerk.sessionFor("clerk")
	ch, stop := events(t, screen, "/queue/live")
	defer stop()
	first := next(t, ch, 2*time.Second)
	start := time.Now()
	clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[0])}})
	second := next(t, ch, 2*time.Second)
	if second == first {
		t.Errorf("the version did not move: %s", first)
	}
	t.Logf("change to listener: %s", time.Since(start))
	_, body := screen.get("/queue/list")
	contains(t, body, "CHAN Tai Man", `class="ticket">1<`)
	_, js := screen.get("/queue/live")
	var v struct{ Version string }
	if err := json.Unmarshal([]byte(js), &v); err != nil || v.Version != second {
		t.Errorf("polling answer %s, want version %s", js, second)
	}
	// A change committed outside the web interface (another feature, the command line) reaches
	// the screen through the front-desk stamp.
	a, _ := tc.srv.queueOf().List(context.Background(), "2026-11-23")
	if _, err := tc.srv.queueOf().SetUrgent(context.Background(), a[0].ID, true, audit.System); err != nil {
		t.Fatal(err)
	}
	if third := next(t, ch, 2500*time.Millisecond); third == second {
		t.Error("a change from outside was not announced")
	}
	// Without a session the stream is refused.
	if resp, _ := tc.browser().get("/queue/live"); resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("anonymous live: %d", resp.StatusCode)
	}
}

// TestTicketsPerDoctorFromTheSettings: the administrator switches to a sequence per doctor with
// a letter; the next tickets follow it.
func TestTicketsPerDoctorFromTheSettings(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 2)
	doctorID := userID(t, tc, "doctor")
	admin, clerk := tc.browser(), tc.browser()
	admin.sessionFor("admin")
	clerk.sessionFor("clerk")
	_, body := admin.get("/admin/frontdesk")
	form := url.Values{"numbering": {"doctor"}, "board_names": {"none"}, "slot_minutes": {"15"}}
	for _, name := range []string{"opens", "closes", "lunch_from", "lunch_to"} {
		for w := range 7 {
			k := fmt.Sprintf("%s_%d", name, w)
			form.Set(k, regexpValue(body, k))
		}
	}
	form.Set(fmt.Sprintf("room_en_%d", doctorID), "Room 3")
	form.Set(fmt.Sprintf("room_zh_%d", doctorID), "三號房")
	form.Set(fmt.Sprintf("prefix_%d", doctorID), "c")
	// A mistake anywhere saves nothing and keeps what was typed.
	form.Set("opens_6", "nine")
	resp, body := admin.post("/admin/frontdesk", form)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, `value="nine"`) || !strings.Contains(body, `value="三號房"`) {
		t.Fatalf("bad hours: %d", resp.StatusCode)
	}
	form.Set("opens_6", "09:00")
	if resp, body := admin.post("/admin/frontdesk", form); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d %s", resp.StatusCode, body)
	}
	resp, _ = clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[0])}, "doctor": {fmt.Sprint(doctorID)}})
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "ticket=C1") {
		t.Errorf("ticket with the doctor's letter: %s", loc)
	}
	resp, _ = clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[1])}, "doctor": {"0"}})
	if loc := resp.Header.Get("Location"); !strings.Contains(loc, "ticket=1") {
		t.Errorf("unassigned ticket: %s", loc)
	}
}

// TestEndTheDay: the button closes today; the scheduler's function closes earlier days.
func TestEndTheDay(t *testing.T) {
	tc, clk := frontDeskClinic(t)
	ids := addPatients(t, tc, 2)
	doctorID := userID(t, tc, "doctor")
	ctx := context.Background()
	missed, err := tc.srv.diary().Book(ctx, bookingAt(tc, ids[0], doctorID, "2026-11-23", "10:00"), audit.System)
	if err != nil {
		t.Fatal(err)
	}
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	clerk.post("/queue", url.Values{"patient": {fmt.Sprint(ids[1])}})
	if resp, _ := clerk.post("/appointments/end-day", url.Values{"day": {"2026-11-24"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("closing tomorrow: %d", resp.StatusCode)
	}
	resp, _ := clerk.post("/appointments/end-day", url.Values{"day": {"2026-11-23"}})
	_, body := clerk.get(resp.Header.Get("Location"))
	contains(t, body, "The day is closed: 1 appointments not attended, 1 tickets not seen.")
	if a, _ := tc.srv.diary().Get(ctx, missed.ID); a.Status != "no_show" {
		t.Errorf("booking after the end of the day: %s", a.Status)
	}
	// The scheduler's call, for a day the server was off.
	clk.Set(time.Date(2026, 11, 24, 10, 0, 0, 0, hkZone))
	late, err := tc.srv.diary().Book(ctx, bookingAt(tc, ids[1], doctorID, "2026-11-24", "11:00"), audit.System)
	if err != nil {
		t.Fatal(err)
	}
	clk.Set(time.Date(2026, 11, 26, 8, 0, 0, 0, hkZone))
	res, err := tc.srv.EndFrontDeskDay(ctx, "2026-11-25")
	if err != nil || res.NoShows != 1 {
		t.Errorf("scheduler: %+v %v", res, err)
	}
	if a, _ := tc.srv.diary().Get(ctx, late.ID); a.Status != "no_show" || a.NoShows != 1 {
		t.Errorf("late booking: %s, patient's no-shows %d", a.Status, a.NoShows)
	}
}
