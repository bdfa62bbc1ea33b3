package appointments

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

var hk = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		return time.FixedZone("HKT", 8*3600)
	}
	return loc
}()

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

type fixture struct {
	t        *testing.T
	db       *store.DB
	d        *Diary
	clock    *clock
	doctors  []int64
	by       audit.Actor
	patients []int64
}

// monday is the fixture's today: Monday 23 November 2026, 08:30 in Hong Kong.
var monday = time.Date(2026, 11, 23, 8, 30, 0, 0, hk)

func newFixture(t *testing.T, nDoctors, nPatients int) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	c := &clock{t: monday}
	f := &fixture{t: t, db: db, clock: c, d: New(db, hk)}
	f.d.Now = c.Now
	f.d.Queue.Now = c.Now
	ts := time.Now().UTC().Format(time.RFC3339Nano)
	add := func(username, role string) int64 {
		res, err := db.W.Exec(`INSERT INTO users (username, full_name, full_name_zh, password_hash, created_at, updated_at)
			VALUES (?,?,?,?,?,?)`, username, "Dr "+username, "", "x", ts, ts)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := db.W.Exec(`INSERT INTO user_roles (user_id, role) VALUES (?,?)`, id, role); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for i := range nDoctors {
		f.doctors = append(f.doctors, add(fmt.Sprintf("doc%d", i+1), "doctor"))
	}
	f.by = audit.Actor{UserID: add("clerk", "clerk"), Username: "clerk", Roles: "clerk"}
	for i := range nPatients {
		p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: fmt.Sprintf("Patient %c", 'A'+i),
			NameZH: "陳大文", Sex: "M", DOB: fmt.Sprintf("19%02d", 40+i), Mobile: fmt.Sprintf("9123456%d", i%10), Confirmed: true}, f.by)
		if err != nil {
			t.Fatal(err)
		}
		f.patients = append(f.patients, p.ID)
	}
	return f
}

func (f *fixture) at(day, hhmm string) time.Time {
	f.t.Helper()
	t, err := f.d.At(day, hhmm)
	if err != nil {
		f.t.Fatal(err)
	}
	return t
}

func (f *fixture) book(patient int, doctor int64, day, hhmm, slotType string) (Appointment, error) {
	return f.d.Book(context.Background(), Booking{PatientID: f.patients[patient], DoctorID: doctor, Start: f.at(day, hhmm), SlotType: slotType}, f.by)
}

func wantKey(t *testing.T, err error, key string) {
	t.Helper()
	var ve *clinic.ValidationError
	var ves clinic.ValidationErrors
	switch {
	case key == "" && err == nil:
	case key == "":
		t.Errorf("refused: %v", err)
	case errors.As(err, &ve) && ve.Key == key:
	case errors.As(err, &ves) && ves[0].Key == key:
	default:
		t.Errorf("got %v, want %s", err, key)
	}
}

// TestBookingRules books one after another into the default hours (Mon-Fri 09:00-19:00, lunch
// 13:00-14:30, Saturday mornings, Sundays closed) with 15-minute slots.
func TestBookingRules(t *testing.T) {
	f := newFixture(t, 2, 3)
	d1, d2 := f.doctors[0], f.doctors[1]
	const tue = "2026-11-24"
	tests := []struct {
		name     string
		patient  int
		doctor   int64
		day      string
		at       string
		slotType string
		key      string
	}{
		{"a free slot", 0, d1, tue, "10:00", "", ""},
		{"the same slot", 1, d1, tue, "10:00", "", "error.appointment.taken"},
		{"the same slot, another doctor", 1, d2, tue, "10:00", "", ""},
		{"a long one running into it", 1, d1, tue, "09:45", "long", "error.appointment.taken"},
		{"off the grid but overlapping", 1, d1, tue, "10:10", "standard", "error.appointment.taken"},
		{"an extra may share it", 1, d1, tue, "10:00", "extra", ""},
		{"the slot after", 2, d1, tue, "10:15", "long", ""},
		{"inside the long one", 0, d1, tue, "10:30", "", "error.appointment.taken"},
		{"right after the long one", 0, d1, tue, "10:45", "", ""},
		{"lunch", 0, d1, tue, "13:00", "", "error.appointment.lunch"},
		{"running into lunch", 0, d1, tue, "12:45", "long", "error.appointment.lunch"},
		{"just before lunch", 0, d1, tue, "12:45", "", ""},
		{"just after lunch", 0, d1, tue, "14:30", "", ""},
		{"before opening", 0, d1, tue, "08:45", "", "error.appointment.hours"},
		{"running past closing", 0, d1, tue, "18:45", "long", "error.appointment.hours"},
		{"the last slot", 0, d1, tue, "18:45", "", ""},
		{"Saturday afternoon", 0, d1, "2026-11-28", "14:00", "", "error.appointment.hours"},
		{"Saturday morning", 0, d1, "2026-11-28", "11:00", "", ""},
		{"Sunday", 0, d1, "2026-11-29", "10:00", "", "error.appointment.closed"},
		{"Christmas", 0, d1, "2026-12-25", "10:00", "", "error.appointment.holiday"},
		{"Lunar New Year 2027", 0, d1, "2027-02-08", "10:00", "", "error.appointment.holiday"},
		{"already past", 0, d1, "2026-11-23", "08:00", "", "error.appointment.past"},
		{"not a doctor", 0, f.by.UserID, tue, "11:00", "", "error.appointment.doctor"},
		{"unknown slot type", 0, d1, tue, "11:00", "massage", "error.choose"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := f.book(tt.patient, tt.doctor, tt.day, tt.at, tt.slotType)
			wantKey(t, err, tt.key)
			if err == nil && (a.Status != Booked || a.Day != tt.day || a.Start.In(hk).Format("15:04") != tt.at) {
				t.Errorf("booked %+v", a)
			}
		})
	}
	_, err := f.d.Book(context.Background(), Booking{PatientID: 999999, DoctorID: d1, Start: f.at(tue, "11:00")}, f.by)
	wantKey(t, err, "error.appointment.patient")
}

// TestTwoClerksBookTheSameSlot: many bookings of one slot at the same moment make one booking;
// every other clerk is told the slot is taken.
func TestTwoClerksBookTheSameSlot(t *testing.T) {
	const clerks = 8
	f := newFixture(t, 1, clerks)
	var wg sync.WaitGroup
	errs := make([]error, clerks)
	for i := range clerks {
		wg.Go(func() { _, errs[i] = f.book(i, f.doctors[0], "2026-11-24", "11:00", "") })
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		if err == nil {
			ok++
			continue
		}
		wantKey(t, err, "error.appointment.taken")
	}
	if ok != 1 {
		t.Errorf("%d bookings of one slot, want 1", ok)
	}
}

func TestRescheduleAndCancel(t *testing.T) {
	f := newFixture(t, 2, 3)
	ctx := context.Background()
	d1, d2 := f.doctors[0], f.doctors[1]
	a, _ := f.book(0, d1, "2026-11-24", "10:00", "")
	b, _ := f.book(1, d1, "2026-11-24", "10:15", "")
	_, err := f.d.Reschedule(ctx, a.ID, d1, f.at("2026-11-24", "10:15"), f.by)
	wantKey(t, err, "error.appointment.taken")
	moved, err := f.d.Reschedule(ctx, a.ID, d2, f.at("2026-11-25", "15:00"), f.by)
	if err != nil || moved.DoctorID != d2 || moved.Day != "2026-11-25" || moved.Version != 2 {
		t.Fatalf("moved %+v: %v", moved, err)
	}
	// Its old slot is free again, and moving within its own time is not a clash with itself.
	if _, err := f.book(2, d1, "2026-11-24", "10:00", ""); err != nil {
		t.Errorf("the old slot is still taken: %v", err)
	}
	if _, err := f.d.Reschedule(ctx, a.ID, d2, f.at("2026-11-25", "15:00"), f.by); err != nil {
		t.Errorf("moving onto itself: %v", err)
	}
	if err := f.d.Cancel(ctx, b.ID, "patient phoned", f.by); err != nil {
		t.Fatal(err)
	}
	got, _ := f.d.Get(ctx, b.ID)
	if got.Status != Cancelled || got.CancelReason != "patient phoned" {
		t.Errorf("cancelled: %+v", got)
	}
	if _, err := f.book(1, d1, "2026-11-24", "10:15", ""); err != nil {
		t.Errorf("a cancelled booking still holds its slot: %v", err)
	}
	wantKey(t, f.d.Cancel(ctx, b.ID, "", f.by), "error.appointment.not_booked")
	_, err = f.d.Reschedule(ctx, b.ID, d1, f.at("2026-11-26", "10:00"), f.by)
	wantKey(t, err, "error.appointment.not_booked")
	wantKey(t, f.d.MarkNoShow(ctx, moved.ID, f.by), "error.appointment.future_no_show")
}

// TestArrival: a booking of today becomes a queue ticket for its doctor in one action.
func TestArrival(t *testing.T) {
	f := newFixture(t, 1, 3)
	ctx := context.Background()
	doc := f.doctors[0]
	today, _ := f.book(0, doc, "2026-11-23", "10:00", "")
	tomorrow, _ := f.book(1, doc, "2026-11-24", "10:00", "")
	att, err := f.d.Arrive(ctx, today.ID, false, f.by)
	if err != nil {
		t.Fatal(err)
	}
	if att.State != queue.Waiting || att.DoctorID != doc || att.AppointmentID != today.ID || att.TicketLabel != "1" {
		t.Errorf("attendance %+v", att)
	}
	got, _ := f.d.Get(ctx, today.ID)
	if got.Status != Arrived || got.AttendanceID != att.ID || got.Ticket != "1" {
		t.Errorf("appointment after arrival: %+v", got)
	}
	_, err = f.d.Arrive(ctx, today.ID, false, f.by)
	wantKey(t, err, "error.appointment.not_booked")
	_, err = f.d.Arrive(ctx, tomorrow.ID, false, f.by)
	wantKey(t, err, "error.appointment.not_today")
	// A patient already in the queue as a walk-in: the arrival is refused whole, the booking
	// stays open.
	f.clock.Set(monday.Add(24 * time.Hour))
	if _, err := f.d.Queue.CheckIn(ctx, queue.Arrival{PatientID: f.patients[1]}, f.by); err != nil {
		t.Fatal(err)
	}
	_, err = f.d.Arrive(ctx, tomorrow.ID, false, f.by)
	wantKey(t, err, "error.queue.already_in")
	if got, _ := f.d.Get(ctx, tomorrow.ID); got.Status != Booked {
		t.Errorf("a refused arrival changed the booking: %s", got.Status)
	}
}

// TestEndDays: open bookings up to the day become no-shows, counted on the patient; the queue's
// unseen tickets too; later days are untouched.
func TestEndDays(t *testing.T) {
	f := newFixture(t, 1, 3)
	ctx := context.Background()
	doc := f.doctors[0]
	missed, _ := f.book(0, doc, "2026-11-23", "10:00", "")
	came, _ := f.book(1, doc, "2026-11-23", "10:15", "")
	later, _ := f.book(0, doc, "2026-11-24", "10:00", "")
	if _, err := f.d.Arrive(ctx, came.ID, false, f.by); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Queue.CheckIn(ctx, queue.Arrival{PatientID: f.patients[2]}, f.by); err != nil {
		t.Fatal(err)
	}
	res, err := f.d.EndDays(ctx, "2026-11-23", audit.System)
	if err != nil {
		t.Fatal(err)
	}
	// Both tickets were left waiting: the one from the booking and the walk-in.
	if res.NoShows != 1 || res.LeftQueue != 2 {
		t.Errorf("end of day: %+v", res)
	}
	for id, want := range map[int64]string{missed.ID: NoShow, came.ID: Arrived, later.ID: Booked} {
		if a, _ := f.d.Get(ctx, id); a.Status != want {
			t.Errorf("appointment %d: %s, want %s", id, a.Status, want)
		}
	}
	if n, _ := NoShowCount(ctx, f.db.R, f.patients[0]); n != 1 {
		t.Errorf("patient's no-shows: %d", n)
	}
	if a, _ := f.d.Get(ctx, later.ID); a.NoShows != 1 {
		t.Errorf("the next booking does not show the patient's no-show count: %d", a.NoShows)
	}
	// Running it again changes nothing.
	if res, _ := f.d.EndDays(ctx, "2026-11-23", audit.System); res != (DayEnd{}) {
		t.Errorf("second run: %+v", res)
	}
	wantKey(t, func() error { _, err := f.d.EndDays(ctx, "yesterday", audit.System); return err }(), "error.date")
}

func TestPlan(t *testing.T) {
	f := newFixture(t, 1, 2)
	ctx := context.Background()
	doc := f.doctors[0]
	long, _ := f.book(0, doc, "2026-11-24", "09:00", "long")
	extra, _ := f.book(1, doc, "2026-11-24", "09:30", "extra")
	plans, err := f.d.Plan(ctx, doc, "2026-11-23", 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(plans) != 7 {
		t.Fatalf("%d days", len(plans))
	}
	mon, tue, sat, sun := plans[0], plans[1], plans[5], plans[6]
	// 09:00-13:00 and 14:30-19:00 in 15 minutes: 16 + 18 slots; lunch before slot 16.
	if len(mon.Slots) != 34 || mon.Lunch != 16 || mon.Closed() {
		t.Errorf("Monday: %d slots, lunch at %d", len(mon.Slots), mon.Lunch)
	}
	if len(sat.Slots) != 16 || sat.Lunch != -1 || !sun.Closed() || len(sun.Slots) != 0 {
		t.Errorf("Saturday %d slots lunch %d; Sunday closed %v", len(sat.Slots), sat.Lunch, sun.Closed())
	}
	s := tue.Slots
	if len(s[0].Appointments) != 1 || s[0].Appointments[0].ID != long.ID || s[0].Free || s[1].Free {
		t.Errorf("the long booking holds two slots: %+v %+v", s[0], s[1])
	}
	if !s[2].Free || len(s[2].Appointments) != 1 || s[2].Appointments[0].ID != extra.ID {
		t.Errorf("an extra leaves its slot free: %+v", s[2])
	}
	// After the hours change, a booking the new hours do not cover is listed apart.
	week, _ := f.d.Week(ctx)
	week[2].Opens = "09:30"
	if err := f.d.SetWeek(ctx, week, f.by); err != nil {
		t.Fatal(err)
	}
	plans, _ = f.d.Plan(ctx, doc, "2026-11-24", 1)
	if len(plans[0].Outside) != 1 || plans[0].Outside[0].ID != long.ID {
		t.Errorf("outside the hours: %+v", plans[0].Outside)
	}
	// A holiday closes the day.
	plans, _ = f.d.Plan(ctx, doc, "2026-12-25", 1)
	if !plans[0].Closed() || plans[0].Holiday == nil || plans[0].Holiday.NameZH != "聖誕節" {
		t.Errorf("Christmas: %+v", plans[0])
	}
}

func TestHoursValidate(t *testing.T) {
	tests := []struct {
		in   Hours
		want string // first error key, "" valid
	}{
		{Hours{Opens: "9:00", Closes: "1800", LunchFrom: "13:00", LunchTo: "14:00"}, ""},
		{Hours{}, ""},
		{Hours{Opens: "09:00", Closes: "24:00"}, ""},
		{Hours{Opens: "18:00", Closes: "09:00"}, "error.appointment.hours_order"},
		{Hours{Opens: "09:00"}, "error.appointment.hours_order"},
		{Hours{Opens: "9am", Closes: "18:00"}, "error.appointment.hhmm"},
		{Hours{Opens: "09:00", Closes: "18:00", LunchFrom: "13:00"}, "error.appointment.lunch_order"},
		{Hours{Opens: "09:00", Closes: "18:00", LunchFrom: "14:00", LunchTo: "13:00"}, "error.appointment.lunch_order"},
		{Hours{Opens: "09:00", Closes: "18:00", LunchFrom: "08:00", LunchTo: "10:00"}, "error.appointment.lunch_order"},
		{Hours{Opens: "25:00", Closes: "26:00"}, "error.appointment.hhmm"},
	}
	for _, tt := range tests {
		h := tt.in
		errs := h.Validate()
		got := ""
		if len(errs) > 0 {
			got = errs[0].Key
		}
		if got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.in, got, tt.want)
		}
	}
	h := Hours{Opens: "9:00", Closes: "1800"}
	h.Validate()
	if h.Opens != "09:00" || h.Closes != "18:00" {
		t.Errorf("not tidied: %+v", h)
	}
}

func TestHolidays(t *testing.T) {
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	for _, year := range []int{2026, 2027} {
		hs, err := f.d.Holidays(ctx, year)
		if err != nil {
			t.Fatal(err)
		}
		if len(hs) != 17 {
			t.Errorf("%d: %d general holidays, want 17", year, len(hs))
		}
		for _, h := range hs {
			if !h.Seeded || h.NameEN == "" || h.NameZH == "" {
				t.Errorf("%+v", h)
			}
			if wd := mustDay(h.Day).Weekday(); wd == time.Sunday {
				t.Errorf("%s (%s) falls on a Sunday: a general holiday then moves to the next day", h.Day, h.NameEN)
			}
		}
	}
	// The clinic corrects a date: the holiday becomes its own.
	if err := f.d.SaveHoliday(ctx, "2027-10-08", Holiday{Day: "2027-10-09", NameEN: "Chung Yeung Festival", NameZH: "重陽節"}, f.by); err != nil {
		t.Fatal(err)
	}
	hs, _ := f.d.Holidays(ctx, 2027)
	found := false
	for _, h := range hs {
		if h.Day == "2027-10-08" {
			t.Error("the old date stayed")
		}
		if h.Day == "2027-10-09" {
			found = !h.Seeded
		}
	}
	if !found {
		t.Error("the corrected holiday is missing or still marked as shipped")
	}
	wantKey(t, f.d.SaveHoliday(ctx, "", Holiday{Day: "2027-13-01", NameEN: "x"}, f.by), "error.date")
	if err := f.d.DeleteHoliday(ctx, "2027-10-09", f.by); err != nil {
		t.Fatal(err)
	}
	if err := f.d.DeleteHoliday(ctx, "2027-10-09", f.by); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("deleting twice: %v", err)
	}
}

func mustDay(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSlotMinutes(t *testing.T) {
	f := newFixture(t, 1, 1)
	ctx := context.Background()
	for _, tt := range []struct {
		minutes int
		ok      bool
	}{{10, true}, {20, true}, {30, true}, {7, false}, {0, false}, {200, false}, {45, true}} {
		err := f.d.SetSlotMinutes(ctx, tt.minutes, f.by)
		if (err == nil) != tt.ok {
			t.Errorf("%d minutes: %v", tt.minutes, err)
		}
	}
	if err := f.d.SetSlotMinutes(ctx, 20, f.by); err != nil {
		t.Fatal(err)
	}
	a, err := f.book(0, f.doctors[0], "2026-11-24", "10:00", "long")
	if err != nil || a.End.Sub(a.Start) != 40*time.Minute {
		t.Errorf("a long booking with 20-minute slots: %v %v", a.End.Sub(a.Start), err)
	}
}

// TestCheckInFindsTodaysBooking: a patient with a booking today who is checked in at the desk
// arrives from the booking, not as a walk-in whose booking would become a no-show.
func TestCheckInFindsTodaysBooking(t *testing.T) {
	f := newFixture(t, 2, 2)
	ctx := context.Background()
	booked, _ := f.book(0, f.doctors[1], "2026-11-23", "11:00", "")
	att, err := f.d.CheckIn(ctx, queue.Arrival{PatientID: f.patients[0]}, f.by)
	if err != nil {
		t.Fatal(err)
	}
	if att.AppointmentID != booked.ID || att.DoctorID != f.doctors[1] {
		t.Errorf("check-in of a booked patient: %+v", att)
	}
	if a, _ := f.d.Get(ctx, booked.ID); a.Status != Arrived {
		t.Errorf("booking %s, want arrived", a.Status)
	}
	walkIn, err := f.d.CheckIn(ctx, queue.Arrival{PatientID: f.patients[1], DoctorID: f.doctors[0]}, f.by)
	if err != nil || walkIn.AppointmentID != 0 || walkIn.DoctorID != f.doctors[0] {
		t.Errorf("walk-in: %+v %v", walkIn, err)
	}
}
