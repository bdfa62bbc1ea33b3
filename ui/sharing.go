package ui

import (
	"errors"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/sharing"
)

// The eHealth sharing page: what is pending, sent, held and rejected by domain, the last and
// next run, "send now", each held or rejected record with its patient, reason and a link to
// fix it, and a patient's sharing history. For administrators and doctors.

// sharingView is who may see sharing and press "send now".
var sharingView = pm("sharing", users.RoleAdmin, users.RoleDoctor)

// SharingService is what the page needs of the running adapter (sharing.Service).
type SharingService interface {
	SendNow() bool
	Running() bool
	Next(after time.Time) time.Time
	Schedule() string
	Destination() string
}

// sharingLocator is an adapter that tells where bundles go in parts (sharing.Service does), so
// that the page says it in the reader's language rather than the log's English.
type sharingLocator interface {
	Where() sharing.Destination
}

// destinationWords are the words for each kind of destination.
var destinationWords = map[string]string{
	sharing.DestinationHTTPS:  "sharing.destination.https",
	sharing.DestinationFolder: "sharing.destination.folder",
	sharing.DestinationExport: "sharing.destination.export",
}

// sharingServices holds the adapter attached to each Server. It lives beside Server rather than
// in it so that this feature stays in its own files; the command that serves attaches it.
var sharingServices sync.Map // *Server -> SharingService

// AttachSharing gives the sharing page the running adapter (its schedule and "send now").
func (s *Server) AttachSharing(svc SharingService) { sharingServices.Store(s, svc) }

func (s *Server) sharingService() SharingService {
	if v, ok := sharingServices.Load(s); ok {
		return v.(SharingService)
	}
	return nil
}

type sharingPage struct {
	Status      sharing.Status
	Attached    bool // the adapter runs in this server
	Running     bool
	Destination string // the place (URL or path) bundles go to, as it is
	// DestinationKind is what the place is, in the reader's language ("資料夾"); empty when
	// the adapter cannot tell, and Destination is then its English description.
	DestinationKind string
	Schedule        string
	Next            time.Time
	Problems        []sharingProblem
}

type sharingProblem struct {
	sharing.Problem
	Reason     string // in the reader's language
	PatientURL string
	HistoryURL string
}

func (s *Server) sharingStatus(c echo.Context) error {
	ctx := c.Request().Context()
	st, err := sharing.ReadStatus(ctx, s.db, 200)
	if err != nil {
		return err
	}
	data := &sharingPage{Status: st}
	if svc := s.sharingService(); svc != nil {
		data.Attached, data.Running = true, svc.Running()
		data.Destination, data.Schedule = svc.Destination(), svc.Schedule()
		data.Next = svc.Next(time.Now())
	}
	v := s.view(c, "sharing.title", data)
	if svc, ok := s.sharingService().(sharingLocator); ok {
		where := svc.Where()
		if key, ok := destinationWords[where.Kind]; ok {
			data.Destination, data.DestinationKind = where.Place, v.T(key)
		}
	}
	for _, p := range st.Problems {
		data.Problems = append(data.Problems, sharingProblem{Problem: p, Reason: reasonIn(v.Lang, p.ReasonEN, p.ReasonZH),
			PatientURL: sharing.PatientURL(p.PatientID), HistoryURL: "/sharing/patients/" + strconv.FormatInt(p.PatientID, 10)})
	}
	return s.render(c, http.StatusOK, "sharing", v)
}

// sharingRunNow is the "send now" button: the run goes on in the background.
func (s *Server) sharingRunNow(c echo.Context) error {
	svc := s.sharingService()
	if svc == nil {
		return redirectDone(c, "/sharing", "sharing_unavailable")
	}
	u := currentUser(c)
	s.views.Record(u.Actor(c.RealIP()).Entry(audit.ActionExport, "ehealth", "send-now", 0, "pressed send now"))
	if !svc.SendNow() {
		return redirectDone(c, "/sharing", "sharing_busy")
	}
	return redirectDone(c, "/sharing", "sharing_started")
}

// sharingRetry puts a record eHealth rejected back in the queue.
func (s *Server) sharingRetry(c echo.Context) error {
	key := c.Param("key")
	err := sharing.RetryRejected(c.Request().Context(), s.db, key, currentUser(c).Actor(c.RealIP()))
	if errors.Is(err, clinic.ErrNotFound) {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	if err != nil {
		return err
	}
	return redirectDone(c, "/sharing", "sharing_retry")
}

type sharingPatientPage struct {
	Patient  *patients.Patient
	Sharing  sharing.PatientSharing
	Records  []sharingRecordView
	Events   []sharingEventView
	Consent  string // translation key of the gate's word
	FixURL   string
	Required bool
}

type sharingRecordView struct {
	sharing.RecordState
	Reason string
}

type sharingEventView struct {
	sharing.Event
	Detail string
}

// sharingPatient is one patient's sharing history.
func (s *Server) sharingPatient(c echo.Context) error {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.NewHTTPError(http.StatusNotFound)
	}
	ctx := c.Request().Context()
	p, err := patients.Get(ctx, s.db.R, id)
	if err != nil {
		return err
	}
	h, err := sharing.PatientHistory(ctx, s.db, id)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionView, "sharing", strconv.FormatInt(id, 10), id, "eHealth sharing history"))
	data := &sharingPatientPage{Patient: &p, Sharing: h, FixURL: sharing.EditPatientURL(id)}
	switch {
	case h.Weighed && h.Shareable:
		data.Consent = "sharing.patient.shared"
	case p.Merged():
		data.Consent = "sharing.patient.merged"
	case !p.EHealth.Joined:
		data.Consent = "sharing.patient.not_joined"
	default:
		data.Consent = "sharing.patient.not_shared"
	}
	v := s.view(c, "sharing.patient.title", data)
	v.Banner = s.banner(c, &p)
	for _, r := range h.Records {
		data.Records = append(data.Records, sharingRecordView{RecordState: r, Reason: reasonIn(v.Lang, r.ReasonEN, r.ReasonZH)})
	}
	for _, e := range h.Events {
		data.Events = append(data.Events, sharingEventView{Event: e, Detail: reasonIn(v.Lang, e.DetailEN, e.DetailZH)})
	}
	return s.render(c, http.StatusOK, "sharing_patient", v)
}

// reasonIn picks the reader's language; the adapter writes every reason in both.
func reasonIn(lang, en, zh string) string {
	if lang == "zh-HK" && zh != "" {
		return zh
	}
	return en
}
