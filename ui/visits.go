package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/documents"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/terms"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/clinic/vitals"
)

// The doctor's room: the visit with its four-part note, vitals, diagnoses and procedures,
// signing and amendments, and the documents it issues.

// visitNew opens the consultation of a queue ticket ("next patient" lands here) and goes to the
// visit page. Opening it again finds the same visit.
func (s *Server) visitNew(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.QueryParam("attendance"), 10, 64)
	if err != nil || id <= 0 {
		return clinic.ErrNotFound
	}
	u := currentUser(c)
	a, err := s.queueOf().Get(ctx, id)
	if err != nil {
		return err
	}
	// A doctor opening a ticket still waiting (from the queue list rather than "next patient",
	// or one a nurse opened first) has called that patient in: the screens show them with the
	// doctor.
	if u.Has(users.RoleDoctor) && (a.State == queue.Waiting || a.State == queue.Skipped) {
		if _, err := s.queueOf().Call(ctx, a.ID, u.ID, s.frontActor(c)); err != nil {
			return s.queueFailed(c, err)
		}
		s.frontChanged(ctx)
	}
	if v, err := visits.ByAttendance(ctx, s.db.R, id); err == nil {
		return c.Redirect(http.StatusSeeOther, visitURL(v.ID))
	}
	in := visits.OpenInput{PatientID: a.PatientID, DoctorID: a.DoctorID, AttendanceID: a.ID, Date: a.Day}
	if u.Has(users.RoleDoctor) {
		in.DoctorID = u.ID
	}
	v, err := visits.Open(ctx, s.db, in, u.Actor(c.RealIP()))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusSeeOther, visitURL(v.ID))
}

// visitCreate opens a visit directly, without a queue ticket (a home visit, a late entry).
func (s *Server) visitCreate(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	in := visits.OpenInput{PatientID: formID(c, "patient"), Type: c.FormValue("type"),
		Date: strings.TrimSpace(c.FormValue("date"))}
	if in.Date == "" {
		in.Date = s.localDay(time.Now())
	}
	if u.Has(users.RoleDoctor) {
		in.DoctorID = u.ID
	}
	v, err := visits.Open(ctx, s.db, in, u.Actor(c.RealIP()))
	if err != nil {
		var ve *clinic.ValidationError
		var ves clinic.ValidationErrors
		if errors.As(err, &ve) || errors.As(err, &ves) {
			return s.chartWithError(c, in.PatientID, err)
		}
		return err
	}
	return redirectDone(c, visitURL(v.ID), "visit_opened")
}

func visitURL(id int64) string { return "/visits/" + strconv.FormatInt(id, 10) }

// visitDone goes back to a part of the visit page (#vitals) with a notice: the notice goes in
// the query, before the fragment, or the page would not see it.
func visitDone(c echo.Context, id int64, anchor, notice string) error {
	return c.Redirect(http.StatusSeeOther, visitURL(id)+"?done="+notice+"#"+anchor)
}

// visitPageData is what the visit page shows.
type visitPageData struct {
	Visit      visits.Visit
	Patient    patients.Patient
	Versions   []visits.NoteVersion
	Diagnoses  []visits.Diagnosis
	Procedures []visits.Procedure
	Vitals     []vitals.Set
	Documents  []documents.Document
	Templates  []visits.Template
	Results    []resultRow
	Favourites []terms.Term
	Problems   []visits.Problem // the patient's active problems, at a glance
	Earlier    []visits.Entry   // the patient's last visits before this one
	Measures   []vitals.Measure
	DocKinds   []string
	Types      []string
	Today      string

	CanNote, CanSign, CanVitals, CanDiagnose, CanProcedure, CanIssue, CanReprint, CanResults bool
}

// visitFromPath loads the visit in the URL and its patient.
func (s *Server) visitFromPath(c echo.Context) (visits.Visit, patients.Patient, error) {
	id, err := pathID(c)
	if err != nil {
		return visits.Visit{}, patients.Patient{}, err
	}
	ctx := c.Request().Context()
	v, err := visits.Get(ctx, s.db.R, id)
	if err != nil {
		return v, patients.Patient{}, err
	}
	p, err := patients.Get(ctx, s.db.R, v.PatientID)
	return v, p, err
}

func (s *Server) visitData(c echo.Context, v visits.Visit, p patients.Patient) (*visitPageData, error) {
	ctx := c.Request().Context()
	u := currentUser(c)
	d := &visitPageData{Visit: v, Patient: p, Measures: vitals.Measures, DocKinds: documents.Kinds, Types: visits.Types,
		Today:   s.localDay(time.Now()),
		CanNote: permits(visitsNote, u) && v.Draft(), CanSign: permits(visitsSign, u), CanVitals: permits(vitalsWrite, u) && !v.InError(),
		CanDiagnose: permits(visitsDiagnose, u) && !v.InError(), CanProcedure: permits(proceduresWrite, u) && !v.InError(),
		CanIssue: permits(documentsIssue, u) && !v.InError(), CanReprint: permits(documentsReprint, u),
		CanResults: permits(resultsWrite, u) && !v.InError()}
	var err error
	if d.Versions, err = visits.Versions(ctx, s.db.R, v.ID); err != nil {
		return nil, err
	}
	if d.Diagnoses, err = visits.Diagnoses(ctx, s.db.R, v.ID); err != nil {
		return nil, err
	}
	if d.Procedures, err = visits.Procedures(ctx, s.db.R, v.ID); err != nil {
		return nil, err
	}
	if d.Vitals, err = vitals.ForVisit(ctx, s.db.R, v.ID); err != nil {
		return nil, err
	}
	if d.Documents, err = documents.ForVisit(ctx, s.db.R, v.ID); err != nil {
		return nil, err
	}
	if d.Results, err = s.visitResults(c, v.ID); err != nil {
		return nil, err
	}
	if d.Problems, err = visits.Problems(ctx, s.db.R, v.PatientID); err != nil {
		return nil, err
	}
	recent, err := visits.Timeline(ctx, s.db.R, v.PatientID, visits.Filter{Limit: 6})
	if err != nil {
		return nil, err
	}
	for _, e := range recent {
		if e.ID != v.ID && len(d.Earlier) < 5 {
			d.Earlier = append(d.Earlier, e)
		}
	}
	if d.CanNote {
		if d.Templates, err = visits.Templates(ctx, s.db.R, u.ID); err != nil {
			return nil, err
		}
	}
	if d.CanDiagnose {
		if d.Favourites, err = terms.Favourites(ctx, s.db.R, terms.Diagnosis, u.ID); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// visitView builds the page's View with the note form filled from the visit.
func (s *Server) visitView(c echo.Context, d *visitPageData) *View {
	v := s.view(c, "visit.title", d)
	v.Banner = s.banner(c, &d.Patient)
	f := v.Form
	f.Set("history", d.Visit.Note.History)
	f.Set("examination", d.Visit.Note.Examination)
	f.Set("assessment", d.Visit.Note.Assessment)
	f.Set("plan", d.Visit.Note.Plan)
	f.Set("type", d.Visit.Type)
	f.Set("version", strconv.FormatInt(d.Visit.Version, 10))
	f.Set("doc_language", docLanguage(d.Patient.Language))
	f.Set("sl_from", d.Visit.Date)
	f.Set("sl_to", d.Visit.Date)
	f.Set("taken_on", d.Today)
	// The referral starts from the note: the doctor trims rather than retypes.
	f.Set("ref_history", strings.TrimSpace(d.Visit.Note.History+"\n"+d.Visit.Note.Examination))
	return v
}

func docLanguage(patientLang string) string {
	switch patientLang {
	case patients.LangEnglish, patients.LangChinese:
		return patientLang
	}
	return patients.LangBoth
}

// visitPage is the visit. Every opening is audited.
func (s *Server) visitPage(c echo.Context) error {
	v, p, err := s.visitFromPath(c)
	if err != nil {
		return err
	}
	d, err := s.visitData(c, v, p)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionView, "visit", strconv.FormatInt(v.ID, 10), v.PatientID, "opened visit "+v.EpisodeNo))
	return s.render(c, http.StatusOK, "visit", s.visitView(c, d))
}

// visitFailed shows the visit page again with the errors of the form that was sent and what
// was typed in it; other errors go to the error page.
func (s *Server) visitFailed(c echo.Context, err error) error {
	if errors.Is(err, clinic.ErrConflict) {
		err = clinic.Invalid("version", "error.visit.stale")
	}
	var ve *clinic.ValidationError
	var ves clinic.ValidationErrors
	if !errors.As(err, &ve) && !errors.As(err, &ves) {
		return err
	}
	v, p, lerr := s.visitFromPath(c)
	if lerr != nil {
		return lerr
	}
	d, lerr := s.visitData(c, v, p)
	if lerr != nil {
		return lerr
	}
	view := s.visitView(c, d)
	base := view.Form
	if ferr := s.formError(c, "visit", view, err); ferr != nil {
		return ferr
	}
	_ = base
	return nil
}

func noteFrom(c echo.Context) visits.Draft {
	d := visits.Draft{Note: visits.Note{History: c.FormValue("history"), Examination: c.FormValue("examination"),
		Assessment: c.FormValue("assessment"), Plan: c.FormValue("plan")}, Type: c.FormValue("type")}
	d.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return d
}

// visitSaveNote saves the draft note.
func (s *Server) visitSaveNote(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := visits.SaveDraft(c.Request().Context(), s.db, id, noteFrom(c), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return redirectDone(c, visitURL(id), "note_saved")
}

// visitSign saves and signs the note: from now on it changes only by amendment.
func (s *Server) visitSign(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	v, err := visits.Sign(c.Request().Context(), s.db, id, noteFrom(c), u.Actor(c.RealIP()), u.FullName)
	if err != nil {
		return s.visitFailed(c, err)
	}
	if v.AttendanceID != 0 {
		s.frontChanged(c.Request().Context()) // the patient has left the room
	}
	return redirectDone(c, visitURL(id), "note_signed")
}

// visitAmend corrects a signed note as a new version with a reason.
func (s *Server) visitAmend(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if _, err := visits.Amend(c.Request().Context(), s.db, id, noteFrom(c), c.FormValue("reason"), u.Actor(c.RealIP()), u.FullName); err != nil {
		return s.visitFailed(c, err)
	}
	return redirectDone(c, visitURL(id), "note_amended")
}

// visitInError marks the visit entered in error, with a reason.
func (s *Server) visitInError(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	version, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	if _, err := visits.MarkInError(c.Request().Context(), s.db, id, c.FormValue("error_reason"), version, currentUser(c).Actor(c.RealIP())); err != nil {
		var ve *clinic.ValidationError
		if errors.As(err, &ve) && ve.Field == "reason" {
			ve.Field = "error_reason"
		}
		return s.visitFailed(c, err)
	}
	return redirectDone(c, visitURL(id), "visit_in_error")
}

// visitTemplate puts a note template into the draft: into the empty parts only, so that nothing
// typed is lost.
func (s *Server) visitTemplate(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	u := currentUser(c)
	t, err := visits.GetTemplate(ctx, s.db.R, formID(c, "template"), u.ID)
	if err != nil {
		return s.visitFailed(c, clinic.Invalid("template", "error.visit.template_unknown"))
	}
	d := noteFrom(c)
	fill := func(have *string, from string) {
		if strings.TrimSpace(*have) == "" {
			*have = from
		}
	}
	fill(&d.Note.History, t.Note.History)
	fill(&d.Note.Examination, t.Note.Examination)
	fill(&d.Note.Assessment, t.Note.Assessment)
	fill(&d.Note.Plan, t.Note.Plan)
	if _, err := visits.SaveDraft(ctx, s.db, id, d, u.Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return redirectDone(c, visitURL(id), "note_saved")
}

// visitFavourite keeps the note as typed as one of the doctor's own templates.
func (s *Server) visitFavourite(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	u := currentUser(c)
	if _, err := visits.SaveFavourite(c.Request().Context(), s.db, u.ID, c.FormValue("template_name"), noteFrom(c).Note, u.Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return redirectDone(c, visitURL(id), "template_saved")
}

// visitVitals records a set of vitals.
func (s *Server) visitVitals(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, m := range vitals.Measures {
		form[m.Field] = c.FormValue(m.Field)
	}
	u := currentUser(c)
	if _, err := vitals.Record(c.Request().Context(), s.db, id, form, u.Actor(c.RealIP()), u.FullName); err != nil {
		return s.visitFailed(c, err)
	}
	return visitDone(c, id, "vitals", "vitals_saved")
}

// visitVitalsError withdraws a set of vitals recorded by mistake.
func (s *Server) visitVitalsError(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := vitals.MarkInError(c.Request().Context(), s.db, formID(c, "vitals"), c.FormValue("reason"), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return visitDone(c, id, "vitals", "withdrawn")
}

// codedInput reads the diagnosis or procedure form. Without the script the doctor typed words
// and no term was picked: an exact code or name is taken as that term, anything else as free
// text.
func (s *Server) codedInput(c echo.Context, kind string) visits.CodedInput {
	in := visits.CodedInput{TermID: formID(c, "term_id"), Principal: c.FormValue("principal") != "",
		AddProblem: c.FormValue("problem") != ""}
	text := strings.TrimSpace(c.FormValue("term"))
	if in.TermID == 0 && text != "" {
		found, err := terms.Search(c.Request().Context(), s.db, kind, text, currentUser(c).ID, 20)
		if err == nil {
			for _, t := range found {
				if strings.EqualFold(t.Code, text) || strings.EqualFold(t.NameEN, text) || t.NameZH == text {
					in.TermID = t.ID
				}
			}
		}
		if in.TermID == 0 {
			in.FreeText = text
		}
	}
	return in
}

func (s *Server) visitDiagnosis(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if _, err := visits.AddDiagnosis(c.Request().Context(), s.db, id, s.codedInput(c, terms.Diagnosis), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return visitDone(c, id, "diagnoses", "diagnosis_added")
}

func (s *Server) visitProcedure(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	in := s.codedInput(c, terms.Procedure)
	if _, err := visits.AddProcedure(c.Request().Context(), s.db, id, in, currentUser(c).Actor(c.RealIP())); err != nil {
		var ve *clinic.ValidationError
		if errors.As(err, &ve) && ve.Field == "term" {
			ve.Field = "procedure"
		}
		return s.visitFailed(c, err)
	}
	return visitDone(c, id, "diagnoses", "procedure_added")
}

// visitDiagnosisError and visitProcedureError withdraw a diagnosis or procedure with a reason.
func (s *Server) visitDiagnosisError(c echo.Context) error { return s.visitCodedError(c, "diagnosis") }
func (s *Server) visitProcedureError(c echo.Context) error { return s.visitCodedError(c, "procedure") }

func (s *Server) visitCodedError(c echo.Context, entity string) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := visits.WithdrawCoded(c.Request().Context(), s.db, entity, id, formID(c, "item"), c.FormValue("reason"),
		currentUser(c).Actor(c.RealIP())); err != nil {
		return s.visitFailed(c, err)
	}
	return visitDone(c, id, "diagnoses", "withdrawn")
}

// termResult is one answer of the search-as-you-type for terms.
type termResult struct {
	ID       int64  `json:"id"`
	Code     string `json:"code"`
	NameEN   string `json:"name_en"`
	NameZH   string `json:"name_zh"`
	ICD10    string `json:"icd10"`
	Favorite bool   `json:"favourite"`
}

// termSearch answers the diagnosis and procedure boxes as the doctor types (three letters).
func (s *Server) termSearch(c echo.Context) error {
	kind := c.QueryParam("kind")
	if kind != terms.Procedure {
		kind = terms.Diagnosis
	}
	found, err := terms.Search(c.Request().Context(), s.db, kind, c.QueryParam("q"), currentUser(c).ID, 15)
	if err != nil {
		return err
	}
	out := []termResult{}
	for _, t := range found {
		out = append(out, termResult{ID: t.ID, Code: t.Code, NameEN: t.NameEN, NameZH: t.NameZH, ICD10: t.ICD10, Favorite: t.Favorite})
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"results": out})
}

// termFavourite adds a term to the doctor's favourites or takes it off.
func (s *Server) termFavourite(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	if err := terms.SetFavourite(c.Request().Context(), s.db, currentUser(c).ID, id, c.FormValue("on") != "0"); err != nil {
		return err
	}
	back := safeNext(c.FormValue("back"))
	if !strings.HasPrefix(back, "/visits/") {
		back = "/"
	}
	return redirectDone(c, back, "saved")
}

// Helpers for the visit template.

// IsFavourite reports whether a term is one of the doctor's favourites.
func (d *visitPageData) IsFavourite(termID int64) bool {
	for _, t := range d.Favourites {
		if t.ID == termID {
			return true
		}
	}
	return false
}

// VisitTypeKey is the translation key of a visit type.
func (v *View) VisitTypeKey(t string) string { return "visit.type." + t }

// ShortNote is the first line of a note part, for lists.
func ShortNote(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if r := []rune(s); len(r) > 80 {
		return string(r[:79]) + "…"
	}
	return s
}
