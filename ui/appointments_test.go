package ui

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
)

func bookingAt(tc *testClinic, patientID, doctorID int64, day, hhmm string) appointments.Booking {
	start, err := tc.srv.diary().At(day, hhmm)
	if err != nil {
		tc.t.Fatal(err)
	}
	return appointments.Booking{PatientID: patientID, DoctorID: doctorID, Start: start}
}

func bookingForm(patientID, doctorID int64, day, hhmm string) url.Values {
	return url.Values{"patient": {fmt.Sprint(patientID)}, "doctor": {fmt.Sprint(doctorID)}, "day": {day}, "time": {hhmm},
		"slot_type": {"standard"}}
}

// TestTwoClerksBookTheSameSlotThroughTheRouter: two clerks press "book" for the same slot at the
// same moment: one booking is made, the other clerk is told the time is taken, with the form
// as typed.
func TestTwoClerksBookTheSameSlotThroughTheRouter(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 2)
	doctorID := userID(t, tc, "doctor")
	clerks := []*browser{tc.browser(), tc.browser()}
	clerks[0].sessionFor("clerk")
	clerks[1].sessionFor("nurse")
	for round, hhmm := range []string{"10:00", "10:15", "10:30", "10:45", "11:00"} {
		var wg sync.WaitGroup
		start := make(chan struct{})
		status := make([]int, 2)
		bodies := make([]string, 2)
		for i, b := range clerks {
			wg.Go(func() {
				<-start
				resp, body := b.post("/appointments", bookingForm(ids[i], doctorID, "2026-11-24", hhmm))
				status[i], bodies[i] = resp.StatusCode, body
			})
		}
		close(start)
		wg.Wait()
		ok, refused := 0, 0
		for i := range status {
			switch status[i] {
			case http.StatusSeeOther:
				ok++
			case http.StatusUnprocessableEntity:
				refused++
				if !strings.Contains(bodies[i], "This time is already booked for this doctor") || !strings.Contains(bodies[i], `value="`+hhmm+`"`) {
					t.Errorf("round %d: the refusal does not say why or lost the form", round)
				}
			default:
				t.Errorf("round %d: status %d", round, status[i])
			}
		}
		if ok != 1 || refused != 1 {
			t.Errorf("round %d: %d booked, %d refused; want 1 and 1", round, ok, refused)
		}
	}
	list, _ := tc.srv.diary().ForDoctor(context.Background(), doctorID, "2026-11-24", "2026-11-24")
	if len(list) != 5 {
		t.Errorf("%d bookings, want 5", len(list))
	}
}

// TestBookFollowUpMoveCancelAndPrint: the booking form from a visit's follow-up link, the
// diary's day and week, moving, the slip, cancelling.
func TestBookFollowUpMoveCancelAndPrint(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 1)
	doctorID := userID(t, tc, "doctor")
	if err := practice.Update(context.Background(), tc.db, practice.Practice{NameEN: "Test Clinic", NameZH: "測試診所",
		Phone: "2345 6789"}, audit.System); err != nil {
		t.Fatal(err)
	}
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	link := FollowUpURL(ids[0], doctorID, 77)
	_, body := clerk.get(link + "&day=2026-11-24")
	contains(t, body, "CHAN Tai Man", `name="from_visit" value="77"`, "10:00, 10:15", `<option value="standard"`)
	// Christmas is refused by name, in the user's language, with the form kept.
	resp, body := clerk.post("/appointments", bookingForm(ids[0], doctorID, "2026-12-25", "10:00"))
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "The clinic is closed on this day: Christmas Day.") ||
		!strings.Contains(body, `value="2026-12-25"`) || strings.Contains(body, "EXTRA") {
		t.Errorf("booking on Christmas: %d", resp.StatusCode)
	}
	form := bookingForm(ids[0], doctorID, "2026-11-24", "10:00")
	form.Set("from_visit", "77")
	form.Set("reason", "review blood pressure")
	resp, _ = clerk.post("/appointments", form)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("book: %d", resp.StatusCode)
	}
	page := strings.SplitN(resp.Header.Get("Location"), "?", 2)[0]
	_, body = clerk.get(resp.Header.Get("Location"))
	contains(t, body, "Booked.", "Tue 24 Nov 2026 10:00", "review blood pressure", page+"/slip.pdf")
	a, _ := tc.srv.diary().Get(context.Background(), mustID(t, page))
	if a.FromVisitID != 77 {
		t.Errorf("follow-up of visit %d, want 77", a.FromVisitID)
	}

	// The diary shows it in the day and in the week.
	_, body = clerk.get(fmt.Sprintf("/appointments?doctor=%d&day=2026-11-24", doctorID))
	contains(t, body, "Tue 24 Nov 2026", "CHAN Tai Man", "Lunch break", "time=10%3a15")
	_, body = clerk.get(fmt.Sprintf("/appointments?doctor=%d&day=2026-11-26&view=week", doctorID))
	contains(t, body, "Mon 23 Nov 2026", "Sun 29 Nov 2026", "CHAN Tai Man")
	_, body = clerk.get(fmt.Sprintf("/appointments?doctor=%d&day=2026-12-25", doctorID))
	contains(t, body, "Holiday: Christmas Day")

	// The slip, and the print in the audit log.
	resp, err := clerk.client.Get(tc.http.URL + page + "/slip.pdf")
	if err != nil {
		t.Fatal(err)
	}
	pdf := readAll(resp)
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("slip: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	tc.views.Flush()
	rows, _ := audit.Search(context.Background(), tc.db.R, audit.Filter{PatientID: ids[0], Action: audit.ActionPrint})
	if len(rows) != 1 {
		t.Errorf("slip prints audited: %d", len(rows))
	}

	// Moving onto the lunch break is refused beside the field; to the afternoon works.
	resp, body = clerk.post(page+"/move", url.Values{"doctor": {fmt.Sprint(doctorID)}, "day": {"2026-11-24"}, "time": {"13:15"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "lunch break (13:00 to 14:30)") {
		t.Errorf("move into lunch: %d", resp.StatusCode)
	}
	if resp, _ = clerk.post(page+"/move", url.Values{"doctor": {fmt.Sprint(doctorID)}, "day": {"2026-11-24"}, "time": {"15:00"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("move: %d", resp.StatusCode)
	}
	if resp, _ = clerk.post(page+"/cancel", url.Values{"cancel_reason": {"patient phoned"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("cancel: %d", resp.StatusCode)
	}
	_, body = clerk.get(page)
	contains(t, body, "Cancelled", "patient phoned")
	if resp, _ := clerk.post(page+"/cancel", nil); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("cancel twice: %d", resp.StatusCode)
	}
}

func mustID(t *testing.T, page string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscanf(page, "/appointments/%d", &id); err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	return id
}

// TestRemindersAndTheirCSV: tomorrow's bookings with a message in each patient's language, and
// the CSV for an SMS service, whose export is audited per patient.
func TestRemindersAndTheirCSV(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	ids := addPatients(t, tc, 3) // languages: both, en, zh
	doctorID := userID(t, tc, "doctor")
	ctx := context.Background()
	if err := practice.Update(ctx, tc.db, practice.Practice{NameEN: "Test Clinic", NameZH: "測試診所", Phone: "2345 6789"}, audit.System); err != nil {
		t.Fatal(err)
	}
	for i, hhmm := range []string{"10:00", "10:15", "10:30"} {
		if _, err := tc.srv.diary().Book(ctx, bookingAt(tc, ids[i], doctorID, "2026-11-24", hhmm), audit.System); err != nil {
			t.Fatal(err)
		}
	}
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	_, body := clerk.get("/appointments/reminders")
	en := "Test Clinic: a reminder of your appointment on Tue 24 Nov 2026 at 10:15 with Test doctor. To change it, please call 2345 6789."
	zh := "測試診所提提你：你已預約於2026年11月24日（星期二） 10:30見Test doctor。如需更改，請致電2345 6789。"
	contains(t, body, en, zh, "91000000", "reminders.csv?from=2026-11-24")
	resp, err := clerk.client.Get(tc.http.URL + "/appointments/reminders.csv?from=2026-11-24&days=1")
	if err != nil {
		t.Fatal(err)
	}
	raw := string(readAll(resp))
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(raw, "\ufeff") {
		t.Fatalf("CSV: %d", resp.StatusCode)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff"))).ReadAll()
	if err != nil || len(rows) != 4 {
		t.Fatalf("CSV rows %d: %v", len(rows), err)
	}
	wantLang := map[string]string{"both": zh[:len("測試診所")], "en": en, "zh": zh}
	for _, r := range rows[1:] {
		if !strings.HasPrefix(r[8], wantLang[r[4]][:12]) {
			t.Errorf("%s (%s): message %q", r[2], r[4], r[8])
		}
	}
	if r := rows[1]; r[0] != "91000000" || r[4] != "both" || !strings.Contains(r[8], "\n") {
		t.Errorf("first row: %q", r)
	}
	exports, _ := audit.Search(ctx, tc.db.R, audit.Filter{Action: audit.ActionExport})
	if len(exports) != 3 || exports[0].PatientID == 0 {
		t.Errorf("CSV export audited %d times", len(exports))
	}
	// A nurse sees the reminders but may not export them.
	nurse := tc.browser()
	nurse.sessionFor("nurse")
	if resp, _ := nurse.get("/appointments/reminders.csv"); resp.StatusCode != http.StatusForbidden {
		t.Errorf("nurse export: %d", resp.StatusCode)
	}
}

// TestHolidaysPage: the seeded holidays are listed to check, one is corrected, one removed.
func TestHolidaysPage(t *testing.T) {
	tc, _ := frontDeskClinic(t)
	admin := tc.browser()
	admin.sessionFor("admin")
	_, body := admin.get("/admin/holidays?year=2027")
	contains(t, body, "Lunar New Year&#39;s Day", "農曆年初一", "to check", "2027-10-08")
	resp, _ := admin.post("/admin/holidays", url.Values{"old_day": {"2027-10-08"}, "day": {"2027-10-09"},
		"name_en": {"Chung Yeung Festival"}, "name_zh": {"重陽節"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/admin/holidays", url.Values{"day": {"31/12/2027"}, "name_en": {"x"}}); resp.StatusCode != http.StatusUnprocessableEntity {
		t.Errorf("bad date: %d", resp.StatusCode)
	}
	if resp, _ := admin.post("/admin/holidays/2027-12-27/delete", nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("delete: %d", resp.StatusCode)
	}
	hs, _ := tc.srv.diary().Holidays(context.Background(), 2027)
	days := map[string]bool{}
	for _, h := range hs {
		days[h.Day] = true
	}
	if !days["2027-10-09"] || days["2027-10-08"] || days["2027-12-27"] {
		t.Errorf("holidays after the edits: %v", days)
	}
}
