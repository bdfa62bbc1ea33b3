package ui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/documents"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/clinic/vitals"
	"github.com/onramp-hk/onramp/ui/print"
)

// Documents issued from a visit: the doctor fills a short form, the PDF opens at once; it is
// numbered and stored, so that a reprint is the same document stamped COPY.

// maxSickLeaveDays bounds one certificate: longer leave is certified again at review.
const maxSickLeaveDays = 60

// docText is one printed sentence in the languages asked for.
type docText struct{ en, zh string }

// docLangs says which languages a document prints.
type docLangs struct{ en, zh bool }

func langsOf(l string) docLangs { return docLangs{en: l != "zh", zh: l != "en"} }

// t is a catalogue sentence in each language the document prints.
func (s *Server) docT(l docLangs, key string, args ...any) docText {
	var out docText
	if l.en {
		out.en = s.cat.T("en", key, args...)
	}
	if l.zh {
		out.zh = s.cat.T("zh-HK", key, args...)
	}
	return out
}

// label joins a label's languages: "Patient 病人".
func (s *Server) docLabel(l docLangs, key string) string {
	t := s.docT(l, key)
	return strings.TrimSpace(t.en + " " + t.zh)
}

func dateEN(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.Format("02/01/2006")
}

func dateZH(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return fmt.Sprintf("%d年%d月%d日", t.Year(), int(t.Month()), t.Day())
}

// docRequest is the document form, checked.
type docRequest struct {
	kind, lang string
	details    map[string]string
}

func (s *Server) readDocForm(c echo.Context, v visits.Visit) (docRequest, error) {
	r := docRequest{kind: c.FormValue("kind"), lang: c.FormValue("doc_language"), details: map[string]string{}}
	var errs clinic.ValidationErrors
	if !slices.Contains(documents.Kinds, r.kind) {
		return r, clinic.Invalid("kind", "error.documents.kind")
	}
	if r.lang != "en" && r.lang != "zh" && r.lang != "both" {
		errs = append(errs, clinic.Invalid("doc_language", "error.documents.language"))
	}
	text := func(field string, max int, required bool) {
		val := strings.TrimSpace(c.FormValue(field))
		switch {
		case required && val == "":
			errs = append(errs, clinic.Invalid(field, "error.required"))
		case len(val) > max:
			errs = append(errs, clinic.Invalid(field, "error.too_long", max))
		}
		r.details[field] = val
	}
	switch r.kind {
	case documents.SickLeave:
		from, ferr := time.Parse(time.DateOnly, strings.TrimSpace(c.FormValue("sl_from")))
		if ferr != nil {
			errs = append(errs, clinic.Invalid("sl_from", "error.visit.date"))
		}
		days := 0
		if d := strings.TrimSpace(c.FormValue("sl_days")); d != "" {
			n, err := strconv.Atoi(d)
			if err != nil || n < 1 || n > maxSickLeaveDays {
				errs = append(errs, clinic.Invalid("sl_days", "error.documents.days", maxSickLeaveDays))
			}
			days = n
		} else if to, err := time.Parse(time.DateOnly, strings.TrimSpace(c.FormValue("sl_to"))); err != nil {
			errs = append(errs, clinic.Invalid("sl_to", "error.visit.date"))
		} else if ferr == nil {
			days = int(to.Sub(from).Hours()/24) + 1
			if days < 1 {
				errs = append(errs, clinic.Invalid("sl_to", "error.documents.to_before_from"))
			} else if days > maxSickLeaveDays {
				errs = append(errs, clinic.Invalid("sl_to", "error.documents.days", maxSickLeaveDays))
			}
		}
		if ferr == nil && days >= 1 {
			r.details["from"] = from.Format(time.DateOnly)
			r.details["to"] = from.AddDate(0, 0, days-1).Format(time.DateOnly)
			r.details["days"] = strconv.Itoa(days)
		}
		if c.FormValue("sl_show_diagnosis") != "" {
			r.details["show_diagnosis"] = "yes"
		}
		text("doc_remarks", 500, false)
	case documents.Attendance:
		for _, f := range []string{"att_from", "att_to"} {
			val := strings.TrimSpace(c.FormValue(f))
			if val != "" {
				if _, err := time.Parse("15:04", val); err != nil {
					errs = append(errs, clinic.Invalid(f, "error.documents.time"))
				}
			}
			r.details[f] = val
		}
		text("doc_remarks", 500, false)
	case documents.Referral:
		text("ref_to", 200, true)
		text("ref_reason", 2000, true)
		text("ref_history", 5000, false)
		text("ref_medication", 2000, false)
	case documents.VisitSummary:
		text("doc_remarks", 1000, false)
	}
	if v.InError() {
		errs = append(errs, clinic.Invalid("kind", "error.visit.withdrawn"))
	}
	return r, errs.Err()
}

// visitDocument issues a document and answers its PDF.
func (s *Server) visitDocument(c echo.Context) error {
	v, p, err := s.visitFromPath(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	req, err := s.readDocForm(c, v)
	if err != nil {
		return s.visitFailed(c, err)
	}
	u := currentUser(c)
	cert, err := s.certificate(c, v, p, req)
	if err != nil {
		return err
	}
	year := time.Now().In(s.cfg.TimeZone).Year()
	d := documents.Document{VisitID: v.ID, PatientID: v.PatientID, Kind: req.kind, Language: req.lang, Details: req.details,
		CreatedName: u.FullName}
	d, pdf, err := documents.Issue(ctx, s.db, d, year, func(number string) ([]byte, []byte, error) {
		cert.Number = number
		var orig, cp strings.Builder
		if err := print.WriteCertificate(&orig, s.cfg.Fonts, cert); err != nil {
			return nil, nil, err
		}
		cert.Copy = true
		if err := print.WriteCertificate(&cp, s.cfg.Fonts, cert); err != nil {
			return nil, nil, err
		}
		return []byte(orig.String()), []byte(cp.String()), nil
	}, u.Actor(c.RealIP()))
	if err != nil {
		return s.visitFailed(c, err)
	}
	return sendPDF(c, d.Number+".pdf", pdf)
}

// documentCopy reprints a stored document, stamped COPY.
func (s *Server) documentCopy(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	d, pdf, err := documents.Reprint(c.Request().Context(), s.db, id, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return err
	}
	return sendPDF(c, d.Number+"-copy.pdf", pdf)
}

// certificate writes the document's text from the catalogues, in the languages asked for.
func (s *Server) certificate(c echo.Context, v visits.Visit, p patients.Patient, r docRequest) (print.Certificate, error) {
	ctx := c.Request().Context()
	pr, err := practice.Get(ctx, s.db.R)
	if err != nil {
		return print.Certificate{}, err
	}
	l := langsOf(r.lang)
	title := s.docT(l, "documents.pdf.title."+r.kind)
	cert := print.Certificate{ClinicName: pr.NameEN, ClinicNameZH: pr.NameZH, ClinicAddress: pr.Address, ClinicPhone: pr.Phone,
		TitleEN: title.en, TitleZH: title.zh, NumberLabel: s.docLabel(l, "documents.pdf.number"),
		CopyLabel: s.docLabel(l, "documents.pdf.copy")}
	if !l.zh {
		cert.ClinicNameZH = ""
	}
	nameEN, nameZH := p.NameEN(), p.NameZH
	cert.Facts = []print.Fact{
		{Label: s.docLabel(l, "documents.pdf.patient"), Value: nameEN, ValueZH: nameZH},
		{Label: s.docLabel(l, "documents.pdf.id"), Value: p.Doc.Masked()},
		{Label: s.docLabel(l, "documents.pdf.attended"), Value: dateEN(v.Date)},
	}
	if p.Doc.Number == "" {
		cert.Facts = slices.Delete(cert.Facts, 1, 2)
	}
	who := nameEN
	if who == "" {
		who = nameZH
	}
	whoZH := nameZH
	if whoZH == "" {
		whoZH = nameEN
	}
	para := func(key string, argsEN, argsZH []any) print.Para {
		var out print.Para
		if l.en {
			out.EN = s.cat.T("en", key, argsEN...)
		}
		if l.zh {
			out.ZH = s.cat.T("zh-HK", key, argsZH...)
		}
		return out
	}
	diagnoses, err := visits.Diagnoses(ctx, s.db.R, v.ID)
	if err != nil {
		return cert, err
	}
	var dxEN, dxZH []string
	for _, d := range diagnoses {
		if !d.InError() {
			dxEN = append(dxEN, d.TextEN)
			dxZH = append(dxZH, cmpOr(d.TextZH, d.TextEN))
		}
	}
	d := r.details
	switch r.kind {
	case documents.SickLeave:
		cert.Body = append(cert.Body, para("documents.pdf.sick_leave.body",
			[]any{who, dateEN(v.Date), dateEN(d["from"]), dateEN(d["to"]), d["days"]},
			[]any{whoZH, dateZH(v.Date), dateZH(d["from"]), dateZH(d["to"]), d["days"]}))
		if d["show_diagnosis"] == "yes" && len(dxEN) > 0 {
			cert.Body = append(cert.Body, para("documents.pdf.diagnosis", []any{strings.Join(dxEN, "; ")}, []any{strings.Join(dxZH, "；")}))
		}
	case documents.Attendance:
		if d["att_from"] != "" && d["att_to"] != "" {
			cert.Body = append(cert.Body, para("documents.pdf.attendance.body_times",
				[]any{who, dateEN(v.Date), d["att_from"], d["att_to"]}, []any{whoZH, dateZH(v.Date), d["att_from"], d["att_to"]}))
		} else {
			cert.Body = append(cert.Body, para("documents.pdf.attendance.body", []any{who, dateEN(v.Date)}, []any{whoZH, dateZH(v.Date)}))
		}
	case documents.Referral:
		cert.Facts = append(cert.Facts, print.Fact{Label: s.docLabel(l, "documents.pdf.to"), Value: d["ref_to"]})
		cert.Body = append(cert.Body, para("documents.pdf.referral.body", []any{who}, []any{whoZH}))
		section := func(key, text string) {
			if strings.TrimSpace(text) != "" {
				cert.Body = append(cert.Body, print.Para{EN: s.docLabel(l, key), Bold: true}, print.Para{EN: text})
			}
		}
		section("documents.pdf.reason", d["ref_reason"])
		section("documents.pdf.history", d["ref_history"])
		section("documents.pdf.diagnoses", strings.Join(dxEN, "\n"))
		section("documents.pdf.medication", d["ref_medication"])
		b := s.banner(c, &p)
		allergies := s.docLabel(l, "documents.pdf.allergy."+b.Allergy)
		if len(b.Allergies) > 0 {
			allergies = strings.Join(b.Allergies, ", ")
		}
		section("documents.pdf.allergies", allergies)
	case documents.VisitSummary:
		cert.Facts = append(cert.Facts, print.Fact{Label: s.docLabel(l, "documents.pdf.episode"), Value: v.EpisodeNo})
		section := func(key, text string) {
			if strings.TrimSpace(text) != "" {
				cert.Body = append(cert.Body, print.Para{EN: s.docLabel(l, key), Bold: true}, print.Para{EN: text})
			}
		}
		if l.zh && !l.en {
			section("documents.pdf.diagnoses", strings.Join(dxZH, "\n"))
		} else {
			section("documents.pdf.diagnoses", strings.Join(dxEN, "\n"))
		}
		if recent, err := vitals.ForVisit(ctx, s.db.R, v.ID); err == nil {
			for _, set := range recent {
				if set.Status == "ok" {
					section("documents.pdf.vitals", s.vitalsLine(set))
				}
			}
		}
		section("documents.pdf.plan", v.Note.Plan)
	}
	if rem := d["doc_remarks"]; rem != "" {
		cert.Body = append(cert.Body, print.Para{EN: rem})
	}
	doctorEN, doctorZH, mcr := v.DoctorName, v.DoctorNameZH, v.DoctorMCR
	if v.DoctorID == 0 || !currentUser(c).Has("doctor") || currentUser(c).ID != v.DoctorID {
		// The certifying doctor is the one issuing it.
		u := currentUser(c)
		doctorEN, doctorZH, mcr = u.FullName, u.FullNameZH, u.MCRNo
	}
	if !l.zh {
		doctorZH = ""
	}
	cert.Signature = []string{strings.TrimSpace(doctorEN + " " + doctorZH)}
	if mcr != "" {
		cert.Signature = append(cert.Signature, s.docLabel(l, "documents.pdf.mcr")+" "+mcr)
	}
	cert.Signature = append(cert.Signature, s.docLabel(l, "documents.pdf.date")+" "+dateEN(s.localDay(time.Now())))
	return cert, nil
}

// vitalsLine is a set of vitals in one line: "BP 120/80 mmHg · Pulse 72/min".
func (s *Server) vitalsLine(set vitals.Set) string {
	var parts []string
	if bp := set.BP(); bp != "" {
		parts = append(parts, "BP "+bp+" mmHg")
	}
	for _, m := range vitals.Measures {
		if m.Field == "systolic" || m.Field == "diastolic" || !set.Has(m.Field) {
			continue
		}
		parts = append(parts, s.cat.T("en", "vitals."+m.Field)+" "+set.Show(m.Field)+" "+m.Unit)
	}
	if b := set.ShowBMI(); b != "" {
		parts = append(parts, "BMI "+b)
	}
	return strings.Join(parts, " · ")
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
