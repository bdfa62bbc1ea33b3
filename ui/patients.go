package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/patients"
)

// The front desk: one search box, registration, the patient page.

type searchPage struct {
	Query    string
	Results  []patients.SearchResult
	Searched bool
}

// patientSearch is the front desk's home: the box has focus, results come as you type (with
// the script) or on Enter (without).
func (s *Server) patientSearch(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	data := &searchPage{Query: q}
	if q != "" {
		res, err := patients.Search(c.Request().Context(), s.db.R, q, 30)
		if err != nil {
			return err
		}
		data.Results, data.Searched = res, true
	}
	v := s.view(c, "patients.title", data)
	v.Form.Set("q", q)
	return s.render(c, http.StatusOK, "patients", v)
}

// searchResult is one row of the search-as-you-type answer.
type searchResult struct {
	ID        int64  `json:"id"`
	Number    string `json:"number"`
	NameEN    string `json:"name_en"`
	NameZH    string `json:"name_zh"`
	Sex       string `json:"sex"`
	Age       string `json:"age"`
	Doc       string `json:"doc"`
	Phone     string `json:"phone"`
	LastVisit string `json:"last_visit"`
}

// patientSearchAPI answers the search box's script with JSON; the script writes it into the
// page with textContent, so a name can never become markup.
func (s *Server) patientSearchAPI(c echo.Context) error {
	q := strings.TrimSpace(c.QueryParam("q"))
	out := []searchResult{}
	if q != "" {
		res, err := patients.Search(c.Request().Context(), s.db.R, q, 20)
		if err != nil {
			return err
		}
		for _, r := range res {
			out = append(out, s.searchRow(c, r))
		}
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, map[string]any{"query": q, "results": out})
}

func (s *Server) searchRow(c echo.Context, r patients.SearchResult) searchResult {
	row := searchResult{ID: r.ID, Number: r.Number, NameEN: r.NameEN, NameZH: r.NameZH, Sex: s.T(c, "sex."+r.Sex),
		Age: ageText(r.DOB, r.Age, r.AgeExact), Doc: r.MaskedDoc, Phone: r.Mobile}
	if !r.LastVisitAt.IsZero() {
		row.LastVisit = r.LastVisitAt.In(s.cfg.TimeZone).Format("2006-01-02")
	}
	return row
}

func (s *Server) patientNewForm(c echo.Context) error {
	v := s.view(c, "patient.new", patientFormData{})
	v.Form.Set("doc_type", patients.DocHKID)
	v.Form.Set("language", patients.LangBoth)
	v.Form.Set("sex", "")
	// A search that found nobody carries what was typed over: an HKID, a phone or a name.
	if q := strings.TrimSpace(c.QueryParam("q")); q != "" {
		prefillFromQuery(v, q)
	}
	return s.render(c, http.StatusOK, "patient_form", v)
}

// patientFormData is what the registration and edit form need besides the typed values.
type patientFormData struct {
	Patient    *patients.Patient
	Duplicates []patients.Match  // possible duplicates to confirm
	Existing   *patients.Patient // the patient who already holds this identity document
}

func patientInput(c echo.Context) patients.Input {
	in := patients.Input{
		SurnameEN: c.FormValue("surname_en"), GivenNameEN: c.FormValue("given_name_en"), NameZH: c.FormValue("name_zh"),
		Sex: c.FormValue("sex"), DOB: c.FormValue("dob"), DocType: c.FormValue("doc_type"), DocNumber: c.FormValue("doc_number"),
		DocCountry: c.FormValue("doc_country"), Mobile: c.FormValue("mobile"), PhoneOther: c.FormValue("phone_other"),
		Address: c.FormValue("address"), Email: c.FormValue("email"), EmergencyName: c.FormValue("emergency_name"),
		EmergencyPhone: c.FormValue("emergency_phone"), EmergencyRelation: c.FormValue("emergency_relation"),
		Language: c.FormValue("language"), Remarks: c.FormValue("remarks"), Confirmed: c.FormValue("confirmed") == "yes",
	}
	in.Version, _ = strconv.ParseInt(c.FormValue("version"), 10, 64)
	return in
}

func (s *Server) patientCreate(c echo.Context) error {
	ctx := c.Request().Context()
	in := patientInput(c)
	v := s.view(c, "patient.new", patientFormData{})
	p, err := patients.Create(ctx, s.db, s.cfg.PatientPrefix, in, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return s.patientFormError(c, v, err)
	}
	return redirectDone(c, "/patients/"+strconv.FormatInt(p.ID, 10), "registered")
}

// patientFormError shows a duplicate identity document with a link to its holder, asks to
// confirm possible duplicates, and otherwise shows field errors; what was typed is kept.
func (s *Server) patientFormError(c echo.Context, v *View, err error) error {
	data, _ := v.Data.(patientFormData)
	var dup *patients.DuplicateError
	var maybe *patients.PossibleDuplicatesError
	switch {
	case errors.As(err, &dup):
		if p, gerr := patients.Get(c.Request().Context(), s.db.R, dup.ExistingID); gerr == nil {
			data.Existing = &p
		}
		v.Data = data
		err = clinic.Invalid("doc_number", dup.Key(), dup.Number)
	case errors.As(err, &maybe):
		data.Duplicates = maybe.Matches
		v.Data = data
		err = clinic.Invalid("confirmed", maybe.Key(), matchNumbers(maybe.Matches))
	case errors.Is(err, clinic.ErrConflict):
		err = clinic.Invalid("version", "error.patient.stale")
	}
	return s.formError(c, "patient_form", v, err)
}

// patientFromPath loads the patient named in the URL. A merged-away number leads to the
// survivor.
func (s *Server) patientFromPath(c echo.Context) (patients.Patient, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return patients.Patient{}, clinic.ErrNotFound
	}
	return patients.Get(c.Request().Context(), s.db.R, id)
}

type patientPage struct {
	Banner       *Banner
	Patient      patients.Patient
	History      []patients.Change
	Consents     []patients.ConsentRecord
	Merges       []patients.MergeRecord
	Methods      []string
	DocTypes     []string
	LabelLayouts []string
}

// patientView is the patient page. Every opening is audited.
func (s *Server) patientView(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	if p.Merged() {
		return c.Redirect(http.StatusSeeOther, "/patients/"+strconv.FormatInt(p.MergedInto, 10))
	}
	s.views.Record(patients.ViewEntry(currentUser(c).Actor(c.RealIP()), p.ID))
	data := &patientPage{Banner: s.banner(c, &p), Patient: p, Methods: patients.ConsentMethods, LabelLayouts: labelLayoutNames()}
	if data.History, err = patients.History(ctx, s.db.R, p.ID); err != nil {
		return err
	}
	if data.Consents, err = patients.ConsentHistory(ctx, s.db.R, p.ID); err != nil {
		return err
	}
	if data.Merges, err = patients.Merges(ctx, s.db.R, p.ID); err != nil {
		return err
	}
	v := s.view(c, "patient.title", data)
	v.Banner = data.Banner
	v.Form.Set("n", "1")
	v.Form.Set("ehr_no", p.EHealth.EHRNo)
	v.Form.Set("consent", p.EHealth.Consent)
	v.Form.Set("consent_method", p.EHealth.ConsentMethod)
	v.Form.Set("consent_date", p.EHealth.ConsentDate)
	if p.EHealth.Joined {
		v.Form.Set("joined", "on")
	}
	return s.render(c, http.StatusOK, "patient", v)
}

func (s *Server) patientEditForm(c echo.Context) error {
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	v := s.view(c, "patient.edit", patientFormData{Patient: &p})
	v.Banner = s.banner(c, &p)
	f := v.Form
	f.Set("surname_en", p.SurnameEN)
	f.Set("given_name_en", p.GivenNameEN)
	f.Set("name_zh", p.NameZH)
	f.Set("sex", p.Sex)
	f.Set("dob", p.DOB.Display())
	f.Set("doc_type", p.Doc.Type)
	f.Set("doc_number", p.Doc.Display())
	f.Set("doc_country", p.Doc.Country)
	f.Set("mobile", p.Mobile)
	f.Set("phone_other", p.PhoneOther)
	f.Set("address", p.Address)
	f.Set("email", p.Email)
	f.Set("emergency_name", p.Emergency.Name)
	f.Set("emergency_phone", p.Emergency.Phone)
	f.Set("emergency_relation", p.Emergency.Relation)
	f.Set("language", p.Language)
	f.Set("remarks", p.Remarks)
	f.Set("version", strconv.FormatInt(p.Version, 10))
	s.views.Record(patients.ViewEntry(currentUser(c).Actor(c.RealIP()), p.ID))
	return s.render(c, http.StatusOK, "patient_form", v)
}

func (s *Server) patientUpdate(c echo.Context) error {
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	v := s.view(c, "patient.edit", patientFormData{Patient: &p})
	v.Banner = s.banner(c, &p)
	if _, err := patients.Update(c.Request().Context(), s.db, p.ID, patientInput(c), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.patientFormError(c, v, err)
	}
	return redirectDone(c, "/patients/"+strconv.FormatInt(p.ID, 10), "saved")
}

// patientEHealth records joining eHealth and the sharing consent.
func (s *Server) patientEHealth(c echo.Context) error {
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	in := patients.EHealthInput{EHRNo: c.FormValue("ehr_no"), Joined: c.FormValue("joined") == "on",
		Consent: c.FormValue("consent"), ConsentDate: c.FormValue("consent_date"), Method: c.FormValue("consent_method"),
		Note: c.FormValue("consent_note")}
	if err := patients.SetEHealth(c.Request().Context(), s.db, p.ID, in, currentUser(c).Actor(c.RealIP())); err != nil {
		var ve clinic.ValidationErrors
		var one *clinic.ValidationError
		if !errors.As(err, &ve) && !errors.As(err, &one) {
			return err
		}
		data := &patientPage{Banner: s.banner(c, &p), Patient: p, Methods: patients.ConsentMethods, LabelLayouts: labelLayoutNames()}
		data.History, _ = patients.History(c.Request().Context(), s.db.R, p.ID)
		data.Consents, _ = patients.ConsentHistory(c.Request().Context(), s.db.R, p.ID)
		v := s.view(c, "patient.title", data)
		v.Banner = data.Banner
		return s.formError(c, "patient", v, err)
	}
	return redirectDone(c, "/patients/"+strconv.FormatInt(p.ID, 10), "saved")
}

// prefillFromQuery puts what was searched into the matching field of a new registration.
func prefillFromQuery(v *View, q string) {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, q)
	switch {
	case len(digits) == 8 && len(digits) == len(strings.ReplaceAll(q, " ", "")):
		v.Form.Set("mobile", q)
	case looksLikeHKID(q):
		v.Form.Set("doc_number", q)
	case hasHan(q):
		v.Form.Set("name_zh", q)
	default:
		parts := strings.Fields(q)
		if len(parts) > 0 {
			v.Form.Set("surname_en", parts[0])
			v.Form.Set("given_name_en", strings.Join(parts[1:], " "))
		}
	}
}

func looksLikeHKID(q string) bool {
	q = strings.ToUpper(strings.NewReplacer(" ", "", "(", "", ")", "").Replace(q))
	if len(q) < 8 || len(q) > 9 {
		return false
	}
	return q[0] >= 'A' && q[0] <= 'Z' && q[len(q)-2] >= '0' && q[len(q)-2] <= '9'
}

func hasHan(q string) bool {
	for _, r := range q {
		if r >= 0x3400 {
			return true
		}
	}
	return false
}

// Lists the patient forms offer, in their order.
func (v *View) DocTypes() []string { return patients.DocTypes }
func (v *View) Sexes() []string {
	return []string{patients.SexMale, patients.SexFemale, patients.SexUnknown}
}
func (v *View) PrintLanguages() []string {
	return []string{patients.LangBoth, patients.LangChinese, patients.LangEnglish}
}
func (v *View) ConsentStates() []string {
	return []string{patients.ConsentNone, patients.ConsentGiven, patients.ConsentRevoked}
}

// AgeText shows an age in a list.
func (v *View) AgeText(r patients.SearchResult) string { return ageText(r.DOB, r.Age, r.AgeExact) }

// ageText is an age in years, marked "~" when the date of birth is known only in part.
func ageText(dob patients.DOB, years int, exact bool) string {
	switch {
	case dob.IsZero():
		return ""
	case exact:
		return strconv.Itoa(years)
	default:
		return "~" + strconv.Itoa(years)
	}
}

// MergePerm is who may merge and un-merge patients.
func (v *View) MergePerm() Perm { return patientsMerge }

// SharingPerm lets the patient page link to what was sent to eHealth for this patient.
func (v *View) SharingPerm() Perm { return sharingView }

// matchNumbers lists the patient numbers of possible duplicates for the warning's text.
func matchNumbers(ms []patients.Match) string {
	nums := make([]string, len(ms))
	for i, m := range ms {
		nums[i] = m.Number
	}
	return strings.Join(nums, ", ")
}
