package ui

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
)

// FollowUpURL is the booking form with a patient and a doctor filled in, for the "book a
// follow-up" link on a visit.
func FollowUpURL(patientID, doctorID, visitID int64) string {
	q := url.Values{}
	q.Set("patient", strconv.FormatInt(patientID, 10))
	if doctorID != 0 {
		q.Set("doctor", strconv.FormatInt(doctorID, 10))
	}
	if visitID != 0 {
		q.Set("from_visit", strconv.FormatInt(visitID, 10))
	}
	return "/appointments/new?" + q.Encode()
}

// diaryData is one doctor's day or week.
type diaryData struct {
	Doctors  []queue.Doctor
	Doctor   queue.Doctor
	Mode     string // "day" or "week"
	Day      string
	Prev     string
	Next     string
	Today    string
	Days     []diaryDay
	Times    []string // week view: every slot time of the week, in order
	Version  uint64
	CanBook  bool
	NoDoctor bool
}

// diaryDay is a day of the diary with its slots by time, for the week view.
type diaryDay struct {
	appointments.DayPlan
	Label  string
	ByTime map[string]*appointments.Slot
}

func (s *Server) diaryData(c echo.Context) (*diaryData, error) {
	ctx := c.Request().Context()
	dy := s.diary()
	d := &diaryData{Today: dy.Today(), Version: s.live().Version(), CanBook: permits(diaryWrite, currentUser(c)), Mode: "day"}
	if c.QueryParam("view") == "week" {
		d.Mode = "week"
	}
	var err error
	if d.Doctors, err = queue.Doctors(ctx, s.db.R); err != nil {
		return nil, err
	}
	if len(d.Doctors) == 0 {
		d.NoDoctor = true
		return d, nil
	}
	want, _ := strconv.ParseInt(c.QueryParam("doctor"), 10, 64)
	if want == 0 && isDoctor(c) {
		want = currentUser(c).ID
	}
	d.Doctor = d.Doctors[0]
	for _, doc := range d.Doctors {
		if doc.ID == want {
			d.Doctor = doc
		}
	}
	day, err := dy.ParseDay(c.QueryParam("day"))
	if err != nil {
		day, _ = dy.ParseDay(d.Today)
	}
	n, step := 1, 1
	if d.Mode == "week" {
		// Weeks start on Monday, as the clinic's week reads.
		day = day.AddDate(0, 0, -((int(day.Weekday()) + 6) % 7))
		n, step = 7, 7
	}
	d.Day = day.Format(time.DateOnly)
	d.Prev, d.Next = day.AddDate(0, 0, -step).Format(time.DateOnly), day.AddDate(0, 0, step).Format(time.DateOnly)
	plans, err := dy.Plan(ctx, d.Doctor.ID, d.Day, n)
	if err != nil {
		return nil, err
	}
	lang := s.lang(c)
	seen := map[string]bool{}
	for _, p := range plans {
		dd := diaryDay{DayPlan: p, Label: s.longDate(lang, p.Date), ByTime: map[string]*appointments.Slot{}}
		for i := range p.Slots {
			t := p.Slots[i].Start.In(s.cfg.TimeZone).Format("15:04")
			dd.ByTime[t] = &p.Slots[i]
			if !seen[t] {
				seen[t] = true
				d.Times = append(d.Times, t)
			}
		}
		d.Days = append(d.Days, dd)
	}
	sortTimes(d.Times)
	return d, nil
}

func sortTimes(ts []string) {
	for i := 1; i < len(ts); i++ {
		for j := i; j > 0 && ts[j] < ts[j-1]; j-- {
			ts[j], ts[j-1] = ts[j-1], ts[j]
		}
	}
}

// diaryPage shows a doctor's day or week, with a booking link in every free slot.
func (s *Server) diaryPage(c echo.Context) error {
	d, err := s.diaryData(c)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "appointments", s.view(c, "appointments.title", d))
}

// diaryList is the live part of the diary.
func (s *Server) diaryList(c echo.Context) error {
	d, err := s.diaryData(c)
	if err != nil {
		return err
	}
	return s.fragment(c, "appointments", "appointments_days", s.view(c, "appointments.title", d))
}

// bookingData is the booking form.
type bookingData struct {
	Patient    *patients.Patient
	NoShows    int
	Candidates []pick
	Searched   bool
	Doctors    []queue.Doctor
	SlotTypes  []appointments.SlotType
	FreeTimes  []string
	Other      string // the form without its patient, to choose another
}

// pick is a patient found for the booking, with the link that chooses them.
type pick struct {
	checkInCandidate
	Href string
}

func (s *Server) bookingView(c echo.Context, form url.Values) (*View, error) {
	ctx := c.Request().Context()
	d := &bookingData{}
	var err error
	if d.Doctors, err = queue.Doctors(ctx, s.db.R); err != nil {
		return nil, err
	}
	if d.SlotTypes, err = s.diary().SlotTypes(ctx); err != nil {
		return nil, err
	}
	if id, err := strconv.ParseInt(form.Get("patient"), 10, 64); err == nil && id > 0 {
		p, err := patients.Get(ctx, s.db.R, id)
		switch {
		case err == nil:
			d.Patient = &p
			if d.NoShows, err = appointments.NoShowCount(ctx, s.db.R, p.ID); err != nil {
				return nil, err
			}
		case !errors.Is(err, clinic.ErrNotFound):
			return nil, err
		}
	}
	keep := url.Values{}
	for _, k := range []string{"doctor", "day", "time", "slot_type", "from_visit", "reason"} {
		if v := form.Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	d.Other = "/appointments/new?" + keep.Encode()
	if q := strings.TrimSpace(form.Get("q")); q != "" && d.Patient == nil {
		d.Searched = true
		found, err := patients.Search(ctx, s.db.R, q, 10)
		if err != nil {
			return nil, err
		}
		for _, r := range found {
			keep.Set("patient", strconv.FormatInt(r.ID, 10))
			d.Candidates = append(d.Candidates, pick{Href: "/appointments/new?" + keep.Encode(),
				checkInCandidate: checkInCandidate{ID: r.ID, Number: r.Number, NameEN: r.NameEN, NameZH: r.NameZH,
					Detail: strings.TrimSpace(r.DOB.Display() + " " + r.MaskedDoc)}})
		}
	}
	doctorID, _ := strconv.ParseInt(form.Get("doctor"), 10, 64)
	if doctorID == 0 && isDoctor(c) {
		doctorID = currentUser(c).ID
		form.Set("doctor", strconv.FormatInt(doctorID, 10))
	}
	if doctorID == 0 && len(d.Doctors) > 0 {
		doctorID = d.Doctors[0].ID
		form.Set("doctor", strconv.FormatInt(doctorID, 10))
	}
	if form.Get("day") == "" {
		form.Set("day", s.diary().Today())
	}
	if day, err := s.diary().ParseDay(form.Get("day")); err == nil && doctorID != 0 {
		plans, err := s.diary().Plan(ctx, doctorID, day.Format(time.DateOnly), 1)
		if err != nil {
			return nil, err
		}
		now := s.frontNow()
		for _, sl := range plans[0].Slots {
			if sl.Free && sl.Start.After(now) {
				d.FreeTimes = append(d.FreeTimes, sl.Start.In(s.cfg.TimeZone).Format("15:04"))
			}
		}
	}
	v := s.view(c, "appointments.new", d)
	v.Form = form
	return v, nil
}

// bookingForm is the booking form: ?patient=&doctor=&day=&time=&from_visit= fill it in.
func (s *Server) bookingForm(c echo.Context) error {
	form := url.Values{}
	for k, vs := range c.QueryParams() {
		form[k] = vs
	}
	v, err := s.bookingView(c, form)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "appointments_new", v)
}

// bookingSubmit books; a taken slot is refused beside the time field, with what was typed kept.
func (s *Server) bookingSubmit(c echo.Context) error {
	form, err := c.FormParams()
	if err != nil {
		return err
	}
	form = cloneValues(form)
	form.Del(csrfField)
	b := appointments.Booking{PatientID: formID(c, "patient"), DoctorID: formID(c, "doctor"), SlotType: c.FormValue("slot_type"),
		Reason: c.FormValue("reason"), FromVisitID: formID(c, "from_visit")}
	var errs clinic.ValidationErrors
	if b.PatientID == 0 {
		errs = append(errs, clinic.Invalid("patient", "error.appointment.patient"))
	}
	start, err := s.diary().At(c.FormValue("day"), c.FormValue("time"))
	if err != nil {
		errs = append(errs, clinic.Invalid("time", "error.appointment.time"))
	}
	b.Start = start
	var a appointments.Appointment
	if err = errs.Err(); err == nil {
		a, err = s.diary().Book(c.Request().Context(), b, s.frontActor(c))
	}
	if err != nil {
		v, verr := s.bookingView(c, form)
		if verr != nil {
			return verr
		}
		return s.keepForm(c, "appointments_new", v, form, err)
	}
	s.frontChanged(c.Request().Context())
	return redirectDone(c, fmt.Sprintf("/appointments/%d", a.ID), "appointment_booked")
}

// keepForm renders a form again with its errors and the given values (formError reads the
// request's own form, which a page that filled in more would lose).
func (s *Server) keepForm(c echo.Context, page string, v *View, form url.Values, err error) error {
	var ve *clinic.ValidationError
	var ves clinic.ValidationErrors
	switch {
	case errors.As(err, &ves):
		v.Errors = ves
	case errors.As(err, &ve):
		v.Errors = clinic.ValidationErrors{ve}
	default:
		return err
	}
	v.Form = form
	return s.render(c, http.StatusUnprocessableEntity, page, v)
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// appointmentData is one booking's page.
type appointmentData struct {
	A        appointments.Appointment
	Date     string
	Doctors  []queue.Doctor
	IsToday  bool
	CanWrite bool
	Past     bool
}

func (s *Server) appointmentView(c echo.Context) (*View, error) {
	id, err := pathID(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	a, err := s.diary().Get(ctx, id)
	if err != nil {
		return nil, err
	}
	d := &appointmentData{A: a, Date: s.longDate(s.lang(c), a.Start), IsToday: a.Day == s.diary().Today(),
		CanWrite: permits(diaryWrite, currentUser(c)), Past: a.Day < s.diary().Today()}
	if d.Doctors, err = queue.Doctors(ctx, s.db.R); err != nil {
		return nil, err
	}
	v := s.view(c, "appointments.one", d)
	v.Form.Set("doctor", strconv.FormatInt(a.DoctorID, 10))
	v.Form.Set("day", a.Day)
	v.Form.Set("time", a.Start.In(s.cfg.TimeZone).Format("15:04"))
	return v, nil
}

func (s *Server) appointmentPage(c echo.Context) error {
	v, err := s.appointmentView(c)
	if err != nil {
		return err
	}
	a := v.Data.(*appointmentData).A
	s.views.Record(s.frontActor(c).Entry(audit.ActionView, "appointment", strconv.FormatInt(a.ID, 10), a.PatientID, "appointment"))
	return s.render(c, http.StatusOK, "appointments_one", v)
}

// appointmentFailed shows the booking again with the error at the top.
func (s *Server) appointmentFailed(c echo.Context, err error) error {
	v, verr := s.appointmentView(c)
	if verr != nil {
		return verr
	}
	form, _ := c.FormParams()
	form = cloneValues(form)
	form.Del(csrfField)
	for k := range v.Form {
		if form.Get(k) == "" {
			form.Set(k, v.Form.Get(k))
		}
	}
	return s.keepForm(c, "appointments_one", v, form, err)
}

func (s *Server) appointmentMove(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	start, err := s.diary().At(c.FormValue("day"), c.FormValue("time"))
	if err == nil {
		_, err = s.diary().Reschedule(c.Request().Context(), id, formID(c, "doctor"), start, s.frontActor(c))
	}
	if err != nil {
		return s.appointmentFailed(c, err)
	}
	s.frontChanged(c.Request().Context())
	return redirectDone(c, fmt.Sprintf("/appointments/%d", id), "appointment_moved")
}

func (s *Server) appointmentCancel(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.diary().Cancel(c.Request().Context(), id, c.FormValue("cancel_reason"), s.frontActor(c)); err != nil {
		return s.appointmentFailed(c, err)
	}
	s.frontChanged(c.Request().Context())
	return redirectDone(c, fmt.Sprintf("/appointments/%d", id), "appointment_cancelled")
}

func (s *Server) appointmentNoShow(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := s.diary().MarkNoShow(c.Request().Context(), id, s.frontActor(c)); err != nil {
		return s.appointmentFailed(c, err)
	}
	s.frontChanged(c.Request().Context())
	return redirectDone(c, fmt.Sprintf("/appointments/%d", id), "appointment_no_show")
}

// appointmentArrive turns today's booking into a queue ticket in one action.
func (s *Server) appointmentArrive(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	a, err := s.diary().Arrive(c.Request().Context(), id, c.FormValue("urgent") != "", s.frontActor(c))
	if err != nil {
		if c.FormValue("back") == "/queue" {
			return s.queueFailed(c, err)
		}
		return s.appointmentFailed(c, err)
	}
	s.frontChanged(c.Request().Context())
	return c.Redirect(http.StatusSeeOther, "/queue?ticket="+url.QueryEscape(a.TicketLabel)+"&done=queue_checked_in")
}
