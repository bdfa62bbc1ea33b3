package ui

import (
	"bytes"
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
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/users"
)

// queuePageData is the day's queue as the front desk, the doctors and the dispensary see it.
type queuePageData struct {
	Day      string
	DateLong string
	Version  uint64
	Rows     []queueRow
	Counts   map[string]int
	Doctors  []queue.Doctor
	// The signed-in doctor's patient now with them (the latest called), if any.
	Mine       *queueRow
	Candidates []checkInCandidate // patients found for check-in
	Query      string
	Searched   bool
	Booked     []appointments.Appointment // today's bookings not yet arrived
	CanWrite   bool
	CanCall    bool
	CanBook    bool
	// The counter's way from a ticket to its visit's medicines and bill, for those who may
	// open them (the clerk may not open the visit itself).
	CanMedicines bool
	CanBill      bool
}

// queueRow is one attendance as a line of the list, with its words already translated: a busy
// day has 150 lines, and the template stays cheap when it only prints fields.
type queueRow struct {
	ID            int64
	Ticket        string
	PatientID     int64
	PatientNumber string
	NameEN        string
	NameZH        string
	DoctorID      int64
	DoctorName    string
	AppointmentID int64
	State         string
	StateLabel    string
	Urgent        bool
	Calls         int
	CalledAt      time.Time
	Waiting       bool // waiting or skipped: the wait is shown, the doctor can be changed
	WaitedMin     int
	Moves         []queueMove // ordinary next states
	Corrections   []queueMove // for done and cancelled: where a correction may return it
	Mine          bool        // with the signed-in doctor
	FirstWait     bool        // first in its urgency class among the waiting (no "up")
	LastWait      bool
	VisitID       int64 // the consultation opened from this ticket, if any
}

// queueMove is a button (or an option) that moves an attendance to a state.
type queueMove struct{ To, Label string }

// checkInCandidate is a patient the front desk may check in.
type checkInCandidate struct {
	ID      int64
	Number  string
	NameEN  string
	NameZH  string
	Detail  string // age, masked document: enough to tell two namesakes apart
	InQueue string // today's ticket, if the patient is already in the queue
}

// queueStates the page counts, in the order of the day.
var queueStates = []string{queue.Waiting, queue.WithDoctor, queue.AwaitingMedicinePayment, queue.Skipped, queue.Done,
	queue.NoShow, queue.Cancelled}

func (s *Server) queueData(c echo.Context) (*queuePageData, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	q := s.queueOf()
	d := &queuePageData{Day: q.Today(), Version: s.live().Version(), Counts: map[string]int{},
		CanWrite: permits(queueWrite, u), CanCall: permits(queueCall, u), CanBook: permits(diaryWrite, u),
		CanMedicines: permits(rxRead, u), CanBill: permits(billsRead, u)}
	d.DateLong = s.longDate(s.lang(c), s.frontNow())
	list, err := q.List(ctx, d.Day)
	if err != nil {
		return nil, err
	}
	if d.Doctors, err = queue.Doctors(ctx, s.db.R); err != nil {
		return nil, err
	}
	var visitOf map[int64]int64
	if d.CanMedicines || d.CanBill {
		if visitOf, err = queue.VisitsOfDay(ctx, s.db.R, d.Day); err != nil {
			return nil, err
		}
	}
	now := s.frontNow()
	lang := s.lang(c)
	words := map[string]string{}
	word := func(key string) string {
		w, ok := words[key]
		if !ok {
			w = s.cat.T(lang, key)
			words[key] = w
		}
		return w
	}
	moves := func(keys string, states []string, keep func(string) bool) []queueMove {
		var out []queueMove
		for _, st := range states {
			if keep(st) {
				out = append(out, queueMove{To: st, Label: word(keys + st)})
			}
		}
		return out
	}
	// The first and last waiting patient of each urgency class cannot move further that way.
	firstSeen := map[bool]bool{}
	lastOf := map[bool]int{}
	for i, a := range list {
		r := queueRow{ID: a.ID, Ticket: a.TicketLabel, PatientID: a.PatientID, PatientNumber: a.PatientNumber, NameEN: a.NameEN(),
			NameZH: a.NameZH, DoctorID: a.DoctorID, DoctorName: a.DoctorName, AppointmentID: a.AppointmentID, State: a.State,
			StateLabel: word("queue.state." + a.State), Urgent: a.Urgent, Calls: a.Calls, CalledAt: a.CalledAt,
			Waiting: a.State == queue.Waiting || a.State == queue.Skipped, WaitedMin: int(a.Waited(now) / time.Minute)}
		// Back to a doctor from the waiting states goes through "call", which names the doctor.
		r.Moves = moves("queue.to.", queue.Allowed(a.State), func(to string) bool {
			return to != queue.WithDoctor || a.State == queue.AwaitingMedicinePayment
		})
		r.Corrections = moves("queue.state.", queue.CorrectableTo(a.State), func(string) bool { return true })
		r.Mine = a.State == queue.WithDoctor && u != nil && a.DoctorID == u.ID
		r.VisitID = visitOf[a.ID]
		if a.State == queue.Waiting {
			r.FirstWait = !firstSeen[a.Urgent]
			firstSeen[a.Urgent] = true
			lastOf[a.Urgent] = i
		}
		d.Counts[a.State]++
		d.Rows = append(d.Rows, r)
	}
	for _, i := range lastOf {
		d.Rows[i].LastWait = true
	}
	for i := range d.Rows {
		if d.Rows[i].Mine && (d.Mine == nil || d.Rows[i].CalledAt.After(d.Mine.CalledAt)) {
			d.Mine = &d.Rows[i]
		}
	}
	if permits(diaryRead, u) {
		all, err := s.diary().OnDay(ctx, d.Day)
		if err != nil {
			return nil, err
		}
		for _, a := range all {
			if a.Status == appointments.Booked {
				d.Booked = append(d.Booked, a)
			}
		}
	}
	return d, nil
}

// queuePage is the day's queue: check-in at the top, then the list, live.
func (s *Server) queuePage(c echo.Context) error {
	d, err := s.queueData(c)
	if err != nil {
		return err
	}
	if d.CanWrite {
		if err := s.findCandidates(c, d); err != nil {
			return err
		}
	}
	v := s.view(c, "queue.title", d)
	switch c.QueryParam("done") {
	case "queue_checked_in":
		v.Notice = v.T("queue.checked_in", c.QueryParam("ticket"))
	case "queue_day_ended":
		ns, _ := strconv.Atoi(c.QueryParam("no_shows"))
		left, _ := strconv.Atoi(c.QueryParam("left"))
		v.Notice = v.T("queue.day_ended", ns, left)
	}
	return s.render(c, http.StatusOK, "queue", v)
}

// findCandidates fills the check-in search: ?q= searches the patient index, ?patient=ID (from
// the patient page) offers that one patient.
func (s *Server) findCandidates(c echo.Context, d *queuePageData) error {
	ctx := c.Request().Context()
	inQueue := map[int64]string{}
	for _, r := range d.Rows {
		if queue.Active(r.State) {
			inQueue[r.PatientID] = r.Ticket
		}
	}
	if id, err := strconv.ParseInt(c.QueryParam("patient"), 10, 64); err == nil && id > 0 {
		p, err := patients.Get(ctx, s.db.R, id)
		if err == nil {
			d.Searched = true
			d.Candidates = append(d.Candidates, checkInCandidate{ID: p.ID, Number: p.Number, NameEN: p.NameEN(), NameZH: p.NameZH,
				Detail: p.Doc.Masked(), InQueue: inQueue[p.ID]})
		} else if !errors.Is(err, clinic.ErrNotFound) {
			return err
		}
	}
	d.Query = strings.TrimSpace(c.QueryParam("q"))
	if d.Query == "" {
		return nil
	}
	d.Searched = true
	found, err := patients.Search(ctx, s.db.R, d.Query, 10)
	if err != nil {
		return err
	}
	for _, r := range found {
		detail := r.MaskedDoc
		if !r.DOB.IsZero() {
			detail = strings.TrimSpace(r.DOB.Display() + " " + detail)
		}
		d.Candidates = append(d.Candidates, checkInCandidate{ID: r.ID, Number: r.Number, NameEN: r.NameEN, NameZH: r.NameZH,
			Detail: detail, InQueue: inQueue[r.ID]})
	}
	return nil
}

// queueList is the live part of the queue page, fetched again by queue.js on every change.
func (s *Server) queueList(c echo.Context) error {
	d, err := s.queueData(c)
	if err != nil {
		return err
	}
	return s.fragment(c, "queue", "queue_list", s.view(c, "queue.title", d))
}

// fragment renders one named template of a page, without the layout, for live updates.
func (s *Server) fragment(c echo.Context, page, name string, v *View) error {
	t, ok := s.pages.byName[page]
	if !ok {
		return fmt.Errorf("no template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return fmt.Errorf("render %s/%s: %w", page, name, err)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}

// queueFailed shows the queue again with what went wrong at the top, in the user's words.
func (s *Server) queueFailed(c echo.Context, err error) error {
	var te *queue.TransitionError
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &te):
		err = clinic.Invalid("state", "error.queue.transition", s.T(c, "queue.state."+te.From), s.T(c, "queue.state."+te.To))
		status = http.StatusConflict
	case errors.Is(err, queue.ErrNobodyWaiting):
		return redirectDone(c, "/queue", "queue_nobody")
	}
	var ve *clinic.ValidationError
	var ves clinic.ValidationErrors
	if !errors.As(err, &ve) && !errors.As(err, &ves) {
		return err
	}
	d, derr := s.queueData(c)
	if derr != nil {
		return derr
	}
	v := s.view(c, "queue.title", d)
	if ve != nil {
		v.Errors = clinic.ValidationErrors{ve}
	} else {
		v.Errors = ves
	}
	if f, ferr := c.FormParams(); ferr == nil {
		v.Form = f
		v.Form.Del(csrfField)
	}
	return s.render(c, status, "queue", v)
}

// queueDone goes back to the queue (or where the form asked) after a change.
func (s *Server) queueDone(c echo.Context, notice string) error {
	s.frontChanged(c.Request().Context())
	back := "/queue"
	if b := c.FormValue("back"); strings.HasPrefix(b, "/queue") || strings.HasPrefix(b, "/appointments") {
		back = safeNext(b)
	}
	if notice == "" {
		return c.Redirect(http.StatusSeeOther, back)
	}
	return redirectDone(c, back, notice)
}

func formID(c echo.Context, name string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(c.FormValue(name)), 10, 64)
	return id
}

func pathID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, clinic.ErrNotFound
	}
	return id, nil
}

// queueCheckIn gives a patient today's next ticket.
func (s *Server) queueCheckIn(c echo.Context) error {
	in := queue.Arrival{PatientID: formID(c, "patient"), DoctorID: formID(c, "doctor"), Urgent: c.FormValue("urgent") != ""}
	a, err := s.diary().CheckIn(c.Request().Context(), in, s.frontActor(c))
	if err != nil {
		return s.queueFailed(c, err)
	}
	s.frontChanged(c.Request().Context())
	return c.Redirect(http.StatusSeeOther, "/queue?ticket="+url.QueryEscape(a.TicketLabel)+"&done=queue_checked_in")
}

// queueNext is the doctor's "next patient": it takes the first patient waiting for them and
// opens the consultation.
func (s *Server) queueNext(c echo.Context) error {
	u := currentUser(c)
	a, err := s.queueOf().Next(c.Request().Context(), u.ID, s.frontActor(c))
	if err != nil {
		return s.queueFailed(c, err)
	}
	s.frontChanged(c.Request().Context())
	return c.Redirect(http.StatusSeeOther, consultationURL(a.ID))
}

// consultationURL is where a called patient's consultation is written (the visits feature).
func consultationURL(attendanceID int64) string {
	return "/visits/new?attendance=" + strconv.FormatInt(attendanceID, 10)
}

// queueCall calls one patient to the signed-in doctor, or calls again.
func (s *Server) queueCall(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.queueOf().Call(c.Request().Context(), id, currentUser(c).ID, s.frontActor(c)); err != nil {
		return s.queueFailed(c, err)
	}
	return s.queueDone(c, "")
}

func (s *Server) queueMove(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.queueOf().Move(c.Request().Context(), id, c.FormValue("to"), s.frontActor(c)); err != nil {
		return s.queueFailed(c, err)
	}
	return s.queueDone(c, "")
}

func (s *Server) queueReorder(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.queueOf().Reorder(c.Request().Context(), id, c.FormValue("dir"), s.frontActor(c)); err != nil {
		return s.queueFailed(c, err)
	}
	return s.queueDone(c, "")
}

func (s *Server) queueAssign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.queueOf().Assign(c.Request().Context(), id, formID(c, "doctor"), s.frontActor(c)); err != nil {
		return s.queueFailed(c, err)
	}
	return s.queueDone(c, "")
}

func (s *Server) queueUrgent(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.queueOf().SetUrgent(c.Request().Context(), id, c.FormValue("urgent") == "1", s.frontActor(c)); err != nil {
		return s.queueFailed(c, err)
	}
	return s.queueDone(c, "")
}

// queueCorrect reopens a done or cancelled attendance, with a reason for the audit log.
func (s *Server) queueCorrect(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := s.queueOf().Correct(c.Request().Context(), id, c.FormValue("to"), c.FormValue("reason"), s.frontActor(c)); err != nil {
		return s.queueFailed(c, err)
	}
	return s.queueDone(c, "queue_corrected")
}

// endDay is the front desk's "end the day" button: today's open bookings become no-shows and
// tickets never seen are closed.
func (s *Server) endDay(c echo.Context) error {
	day := strings.TrimSpace(c.FormValue("day"))
	if day == "" || day > s.frontToday() {
		return s.queueFailed(c, clinic.Invalid("day", "error.queue.end_day"))
	}
	res, err := s.diary().EndDays(c.Request().Context(), day, s.frontActor(c))
	if err != nil {
		return s.queueFailed(c, err)
	}
	s.frontChanged(c.Request().Context())
	return c.Redirect(http.StatusSeeOther, fmt.Sprintf("/queue?done=queue_day_ended&no_shows=%d&left=%d", res.NoShows, res.LeftQueue))
}

// longDate is a day as the screens and slips write it: "Mon 23 Nov 2026" or
// "2026年11月23日（星期一）".
func (s *Server) longDate(lang string, t time.Time) string {
	t = t.In(s.cfg.TimeZone)
	if lang == "zh-HK" {
		return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), int(t.Month()), t.Day(), s.cat.T(lang, "queue.weekday."+strconv.Itoa(int(t.Weekday()))))
	}
	return t.Format("Mon 2 Jan 2006")
}

// isDoctor reports whether the signed-in user sees patients as a doctor.
func isDoctor(c echo.Context) bool {
	u := currentUser(c)
	return u != nil && u.Has(users.RoleDoctor)
}
