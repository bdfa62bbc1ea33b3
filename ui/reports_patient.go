package ui

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/reports"
	"github.com/onramp-hk/onramp/sharing/bulk"
	"github.com/onramp-hk/onramp/ui/print"
)

// A patient's own copy of everything on file (the Personal Data (Privacy) Ordinance's data
// access request): a page, a PDF in English or Chinese, and the same as FHIR JSON. All are
// audited. The page and the PDF are built from one model (copyDocument), in the words of the
// language asked for, so that what is printed is what was seen.

// copyFact is a labelled line of the personal details.
type copyFact struct{ Label, Value string }

// copySection is one kind of record as a table, every word already translated.
type copySection struct {
	ID, Title string
	Empty     string // said when there is none
	Columns   []string
	Rows      [][]string
}

// copyDocument is the patient's copy in one language.
type copyDocument struct {
	ID       int64
	Lang     string
	Name     string
	Printed  string
	Facts    []copyFact
	Sections []copySection // the records in words
	Others   []copySection // everything else on file, as held
}

func (s *Server) patientCopy(c echo.Context) (bulk.PatientCopy, int64, error) {
	p, err := s.patientFromPath(c)
	if err != nil {
		return bulk.PatientCopy{}, 0, err
	}
	cp, err := bulk.CopyForPatient(c.Request().Context(), s.db, p.ID, time.Now())
	return cp, p.ID, err
}

// copyDocumentFor reads the patient's records and writes them out in lang.
func (s *Server) copyDocumentFor(c echo.Context, lang string) (*copyDocument, error) {
	p, err := s.patientFromPath(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request().Context()
	rec, err := reports.ReadPatientRecord(ctx, s.db.R, p.ID, s.cfg.TimeZone)
	if err != nil {
		return nil, err
	}
	all, err := bulk.CopyForPatient(ctx, s.db, p.ID, time.Now())
	if err != nil {
		return nil, err
	}
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	// word translates a code held in the record (a status, a visit type); a code the catalogue
	// does not know is shown as held rather than lost.
	word := func(keys map[string]string, code string) string {
		if k, ok := keys[code]; ok {
			return t(k)
		}
		return code
	}
	d := &copyDocument{ID: p.ID, Lang: lang, Name: both(p.NameEN(), p.NameZH),
		Printed: time.Now().In(s.cfg.TimeZone).Format("2006-01-02 15:04")}
	fact := func(key, value string) {
		if strings.TrimSpace(value) != "" {
			d.Facts = append(d.Facts, copyFact{t(key), value})
		}
	}
	fact("report.copy.f_name_en", p.NameEN())
	fact("report.copy.f_name_zh", p.NameZH)
	fact("report.copy.f_number", p.Number)
	fact("report.copy.f_sex", word(copySex, p.Sex))
	fact("report.copy.f_dob", p.DOB.Display())
	if p.Doc.Number != "" {
		fact("report.copy.f_document", strings.TrimSpace(p.Doc.Type+" "+p.Doc.Display()+" "+p.Doc.Country))
	}
	fact("report.copy.f_mobile", p.Mobile)
	fact("report.copy.f_phone", p.PhoneOther)
	fact("report.copy.f_email", p.Email)
	fact("report.copy.f_address", p.Address)
	fact("report.copy.f_emergency", strings.TrimSpace(strings.Join([]string{p.Emergency.Name, p.Emergency.Relation, p.Emergency.Phone}, " ")))
	fact("report.copy.f_ehr_no", p.EHealth.EHRNo)

	sec := func(id, title, empty string, cols ...string) *copySection {
		s := copySection{ID: id, Title: t(title), Empty: t(empty)}
		for _, c := range cols {
			s.Columns = append(s.Columns, t(c))
		}
		d.Sections = append(d.Sections, s)
		return &d.Sections[len(d.Sections)-1]
	}
	al := sec("copy-allergies", "report.copy.s_allergies", "report.copy.none_allergies",
		"report.copy.c_allergen", "report.copy.c_kind", "report.copy.c_reaction", "report.copy.c_severity", "report.copy.c_onset", "report.copy.c_status")
	for _, a := range rec.Allergies {
		al.Rows = append(al.Rows, []string{a.Allergen, word(copyAllergyKind, a.Kind), a.Reaction, word(copySeverity, a.Severity), a.Onset,
			word(copyStatus, a.Status)})
	}
	pr := sec("copy-problems", "report.copy.s_problems", "report.copy.none",
		"report.copy.c_problem", "report.copy.c_since", "report.copy.c_resolved", "report.copy.c_status")
	for _, x := range rec.Problems {
		pr.Rows = append(pr.Rows, []string{both(x.Text.EN, x.Text.ZH), x.Since, x.ResolvedOn, word(copyStatus, x.Status)})
	}
	dg := sec("copy-diagnoses", "report.copy.s_diagnoses", "report.copy.none",
		"report.copy.c_date", "report.copy.c_diagnosis", "report.copy.c_code", "report.copy.c_status")
	for _, x := range rec.Diagnoses {
		code := strings.TrimSpace(strings.Join([]string{x.Code, x.ICD10}, " "))
		dg.Rows = append(dg.Rows, []string{x.Date, both(x.Text.EN, x.Text.ZH), code, withReason(word(copyStatus, x.Status), x.ErrorAs)})
	}
	vs := sec("copy-visits", "report.copy.s_visits", "report.copy.none",
		"report.copy.c_date", "report.copy.c_visit_type", "report.copy.c_doctor", "report.copy.c_note", "report.copy.c_status")
	for _, x := range rec.Visits {
		var note []string
		for _, part := range []struct{ key, text string }{{"report.copy.n_history", x.History}, {"report.copy.n_examination", x.Examination},
			{"report.copy.n_assessment", x.Assessment}, {"report.copy.n_plan", x.Plan}} {
			if strings.TrimSpace(part.text) != "" {
				note = append(note, t(part.key)+": "+part.text)
			}
		}
		vs.Rows = append(vs.Rows, []string{x.Date, word(copyVisitType, x.Type), both(x.Doctor.EN, x.Doctor.ZH), strings.Join(note, "\n"),
			withReason(word(copyStatus, x.Status), x.ErrorAs)})
	}
	md := sec("copy-medicines", "report.copy.s_medicines", "report.copy.none",
		"report.copy.c_date", "report.copy.c_drug", "report.copy.c_dose", "report.copy.c_quantity", "report.copy.c_instructions", "report.copy.c_status")
	for _, x := range rec.Medicines {
		drug := strings.TrimSpace(both(x.Drug.EN, x.Drug.ZH) + " " + x.Strength)
		dose := strings.TrimSpace(strings.Join([]string{x.Dose, x.Frequency, x.Route}, " "))
		if x.Days > 0 {
			dose += " · " + t("report.copy.days", x.Days)
		}
		instr := x.Instructions.EN
		if lang == copyZH && x.Instructions.ZH != "" {
			instr = x.Instructions.ZH
		}
		md.Rows = append(md.Rows, []string{x.Date, drug, dose, fmt.Sprintf("%d %s", x.Quantity, x.Unit), instr,
			withReason(word(copyStatus, x.Status), x.CancelReason)})
	}
	im := sec("copy-immunisations", "report.copy.s_immunisations", "report.copy.none",
		"report.copy.c_date", "report.copy.c_vaccine", "report.copy.c_dose_number", "report.copy.c_batch", "report.copy.c_given_by", "report.copy.c_status")
	for _, x := range rec.Immunisations {
		by := x.GivenBy
		if x.Historical {
			by = strings.TrimSpace(t("report.copy.historical") + " " + by)
		}
		im.Rows = append(im.Rows, []string{x.GivenOn, x.Vaccine, x.DoseNumber, x.BatchNo, by, word(copyStatus, x.Status)})
	}
	vt := sec("copy-vitals", "report.copy.s_vitals", "report.copy.none",
		"report.copy.c_taken", "report.copy.c_bp", "report.copy.c_pulse", "report.copy.c_temperature", "report.copy.c_spo2",
		"report.copy.c_weight", "report.copy.c_height", "report.copy.c_status")
	for _, x := range rec.Vitals {
		vt.Rows = append(vt.Rows, []string{x.TakenAt, x.BP, x.Pulse, x.Temperature, x.SpO2, x.Weight, x.Height, word(copyStatus, x.Status)})
	}

	// Everything else on file, as held: the copy must leave nothing out.
	for _, as := range all.Sections {
		if slices.Contains(reports.PatientRecordTables, as.Table) {
			continue
		}
		o := copySection{ID: "copy-" + as.Table, Title: word(copyTables, as.Table), Rows: as.Rows}
		for _, col := range as.Columns {
			o.Columns = append(o.Columns, humanColumn(col))
		}
		d.Others = append(d.Others, o)
	}
	return d, nil
}

// both is a name in both scripts, as the clinic writes them side by side.
func both(en, zh string) string { return strings.TrimSpace(en + " " + zh) }

func withReason(status, reason string) string {
	if reason == "" {
		return status
	}
	return status + " (" + reason + ")"
}

// humanColumn makes a stored column name readable: "visit_date" is "Visit date".
func humanColumn(c string) string {
	c = strings.TrimSuffix(strings.TrimSuffix(c, "_cents"), "_id")
	c = strings.ReplaceAll(c, "_", " ")
	if c == "" {
		return c
	}
	return strings.ToUpper(c[:1]) + c[1:]
}

var (
	copySex = map[string]string{patients.SexMale: "report.copy.sex_m", patients.SexFemale: "report.copy.sex_f",
		patients.SexUnknown: "report.copy.sex_u"}
	copyAllergyKind = map[string]string{"allergy": "report.copy.kind_allergy", "adr": "report.copy.kind_adr"}
	copySeverity    = map[string]string{"M": "report.copy.severity_mild", "S": "report.copy.severity_severe"}
	copyVisitType   = map[string]string{"consultation": "report.copy.type_consultation", "follow_up": "report.copy.type_follow_up",
		"vaccination": "report.copy.type_vaccination", "procedure": "report.copy.type_procedure", "other": "report.copy.type_other"}
	copyStatus = map[string]string{"active": "report.copy.st_active", "inactive": "report.copy.st_inactive", "resolved": "report.copy.st_resolved",
		"ok": "report.copy.st_ok", "signed": "report.copy.st_signed", "draft": "report.copy.st_draft",
		"entered_in_error": "report.copy.st_entered_in_error", "prescribed": "report.copy.st_prescribed",
		"dispensed": "report.copy.st_dispensed", "cancelled": "report.copy.st_cancelled"}
	copyTables = map[string]string{"appointments": "report.copy.t_appointments", "attendances": "report.copy.t_attendances",
		"bills": "report.copy.t_bills", "payments": "report.copy.t_payments", "receipts": "report.copy.t_receipts",
		"documents": "report.copy.t_documents", "results": "report.copy.t_results", "result_files": "report.copy.t_result_files",
		"dispensings": "report.copy.t_dispensings", "visit_procedures": "report.copy.t_procedures",
		"visit_note_versions": "report.copy.t_note_versions", "patient_changes": "report.copy.t_patient_changes",
		"patient_consents": "report.copy.t_consents", "patient_merges": "report.copy.t_merges", "allergy_nkda": "report.copy.t_nkda"}
)

// copyLang is the language of the copy: the one asked for, else the user's.
func (s *Server) copyLang(c echo.Context) string {
	switch l := c.QueryParam("lang"); l {
	case copyEN, copyZH:
		return l
	}
	return currentUser(c).Language
}

func (s *Server) patientCopyPrint(c echo.Context) error {
	v := s.view(c, "report.copy.title", nil)
	d, err := s.copyDocumentFor(c, v.Lang)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionView, "patient", fmt.Sprint(d.ID), d.ID,
		"opened the patient's copy of their record"))
	v.Data = d
	return s.render(c, http.StatusOK, "report_patient_copy", v)
}

// patientCopyPDF prints the copy on A4, in the language asked for (?lang=en or zh-HK).
func (s *Server) patientCopyPDF(c echo.Context) error {
	lang := s.copyLang(c)
	d, err := s.copyDocumentFor(c, lang)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	pr, err := practice.Get(ctx, s.db.R)
	if err != nil {
		return err
	}
	t := func(key string, args ...any) string { return s.cat.T(lang, key, args...) }
	cert := print.Certificate{ClinicName: pr.NameEN, ClinicNameZH: pr.NameZH, ClinicAddress: pr.Address, ClinicPhone: pr.Phone,
		TitleEN: s.cat.T(copyEN, "report.copy.pdf_title"), TitleZH: s.cat.T(copyZH, "report.copy.pdf_title")}
	for _, f := range d.Facts {
		cert.Facts = append(cert.Facts, print.Fact{Label: f.Label, Value: f.Value})
	}
	cert.Facts = append(cert.Facts, print.Fact{Label: t("report.copy.f_printed"), Value: d.Printed})
	para := func(text string, bold bool) print.Para {
		// Chinese text goes in the Chinese font, which also has Latin letters.
		if lang == copyZH || !latinOnly(text) {
			return print.Para{ZH: text, Bold: bold}
		}
		return print.Para{EN: text, Bold: bold}
	}
	for _, sec := range append(slices.Clone(d.Sections), d.Others...) {
		if len(sec.Rows) == 0 && sec.Empty == "" {
			continue
		}
		cert.Body = append(cert.Body, para(sec.Title, true))
		if len(sec.Rows) == 0 {
			cert.Body = append(cert.Body, para(sec.Empty, false))
		}
		for _, row := range sec.Rows {
			var parts []string
			for i, val := range row {
				if strings.TrimSpace(val) != "" && i < len(sec.Columns) {
					parts = append(parts, sec.Columns[i]+": "+val)
				}
			}
			cert.Body = append(cert.Body, para("• "+strings.Join(parts, " · "), false))
		}
	}
	var buf bytes.Buffer
	if err := print.WriteCertificate(&buf, s.cfg.Fonts, cert); err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionPrint, "patient", fmt.Sprint(d.ID), d.ID,
		"printed the patient's copy of their record ("+lang+")"))
	return sendPDF(c, fmt.Sprintf("patient-%d-record.pdf", d.ID), buf.Bytes())
}

func latinOnly(s string) bool {
	for _, r := range s {
		if r >= 0x2E80 {
			return false
		}
	}
	return true
}

func (s *Server) patientCopyJSON(c echo.Context) error {
	cp, id, err := s.patientCopy(c)
	if err != nil {
		return err
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionExport, "patient", fmt.Sprint(id), id,
		"exported the patient's copy of their record as FHIR JSON"))
	body, err := json.MarshalIndent(cp.Bundle, "", " ")
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="patient-%d.fhir.json"`, id))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/fhir+json", body)
}

// The copy's two languages, as the catalogues name them.
const (
	copyEN = "en"
	copyZH = "zh-HK"
)
