package patients

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/hkid"
)

// Length limits, in characters. English names follow what fits on an HKID card and eHealth's
// name fields; the rest keep one bad paste from filling the database.
const (
	MaxSurnameEN    = 40
	MaxGivenNameEN  = 60
	MaxNameZH       = 20
	MaxDocNumber    = 30
	MaxAddress      = 300
	MaxEmail        = 254
	MaxContactName  = 100
	MaxRelation     = 30
	MaxRemarks      = 2000
	MaxReason       = 500
	OldestBirthYear = 1880
)

// Input is the registration or edit form. Validate tidies it (trims, normalises documents and
// phones) in place; a failed form keeps what was typed in the fields that passed.
type Input struct {
	SurnameEN   string
	GivenNameEN string
	NameZH      string
	Sex         string // M, F, U
	DOB         string // 1980, 1980-05, 1980-05-17, 17/05/1980, 05/1980
	DocType     string // one of DocTypes, or "" for none
	DocNumber   string
	DocCountry  string // ISO 3166-1 alpha-3 issuing country; needed for passports

	Mobile     string
	PhoneOther string
	Address    string
	Email      string

	EmergencyName     string
	EmergencyPhone    string
	EmergencyRelation string

	Language string // en, zh, both; "" means both
	Remarks  string

	// EHealth, when not nil, records the eHealth state at registration (and in Import); later
	// changes go through SetEHealth.
	EHealth *EHealthInput

	// Number keeps a patient number brought over from an old system (Import only); empty means
	// the next number is assigned.
	Number string

	// Confirmed means the user has seen the possible duplicates (same name and date of birth, or
	// same phone and date of birth) and registers or saves anyway.
	Confirmed bool
	// Version is Patient.Version as loaded into the edit form; Update refuses the change with
	// clinic.ErrConflict when someone else saved in between. 0 skips the check.
	Version int64

	// Worked out by Validate.
	dob     DOB
	docKey  string
	nameKey string
	valid   bool // passed Validate: Bulk.Add does not check it again
}

var (
	countryRe   = regexp.MustCompile(`^[A-Z]{3}$`)
	passportRe  = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
	otherDocRe  = regexp.MustCompile(`^[A-Z0-9/-]{3,30}$`)
	emailRe     = regexp.MustCompile(`^[^@\s]+@[^@\s]+\.[^@\s]+$`)
	ehrRe       = regexp.MustCompile(`^\d{12}$`)
	numberRe    = regexp.MustCompile(`^[A-Z0-9-]{1,20}$`)
	spaceRunsRe = regexp.MustCompile(`\s+`)
)

// collapse trims and turns runs of white space into one space: names are kept as typed, but not
// with stray double spaces that would defeat duplicate checks.
func collapse(s string) string {
	tidy, prevSpace := true, true
	for _, r := range s {
		if unicode.IsSpace(r) {
			if r != ' ' || prevSpace {
				tidy = false
				break
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
	}
	if tidy && (!prevSpace || s == "") {
		return s // the common case, without the regular expression
	}
	return strings.TrimSpace(spaceRunsRe.ReplaceAllString(s, " "))
}

// englishName reports whether a name has only Latin letters (with accents), spaces and . , ' -.
func englishName(s string) bool {
	for _, r := range s {
		switch {
		case r < 0x80:
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(" .,'-", r)) {
				return false
			}
		case r == '’' || unicode.In(r, unicode.Latin, unicode.M):
		default:
			return false
		}
	}
	return true
}

// clean trims and drops control characters, keeping new lines where a field may have several.
func clean(s string, multiline bool) string {
	s = strings.Map(func(r rune) rune {
		if r == '\n' && multiline {
			return r
		}
		if r == '\t' {
			return ' '
		}
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	return strings.TrimSpace(strings.ReplaceAll(s, "\r", ""))
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// Validate checks the form and tidies it in place. It returns clinic.ValidationErrors listing
// every fault, each with the form field and a translation key.
func (in *Input) Validate() error {
	in.valid = false
	var errs clinic.ValidationErrors
	bad := func(field, key string, args ...any) { errs = append(errs, clinic.Invalid(field, key, args...)) }

	in.SurnameEN = collapse(clean(in.SurnameEN, false))
	in.GivenNameEN = collapse(clean(in.GivenNameEN, false))
	in.NameZH = strings.ReplaceAll(collapse(clean(in.NameZH, false)), " ", "")
	switch {
	case in.SurnameEN == "" && in.NameZH == "":
		bad("surname_en", "error.patient.name_required")
	case in.SurnameEN == "" && in.GivenNameEN != "":
		// eHealth needs a surname; a person with one name has it entered as the surname.
		bad("surname_en", "error.patient.surname_required")
	}
	for _, f := range []struct {
		field, value string
		max          int
	}{{"surname_en", in.SurnameEN, MaxSurnameEN}, {"given_name_en", in.GivenNameEN, MaxGivenNameEN}} {
		if tooLong(f.value, f.max) {
			bad(f.field, "error.too_long", f.max)
		} else if !englishName(f.value) {
			bad(f.field, "error.name_en.characters")
		}
	}
	if tooLong(in.NameZH, MaxNameZH) {
		bad("name_zh", "error.too_long", MaxNameZH)
	}

	in.Sex = strings.ToUpper(strings.TrimSpace(in.Sex))
	if !slices.Contains([]string{SexMale, SexFemale, SexUnknown}, in.Sex) {
		bad("sex", "error.choose")
	}

	in.DOB = strings.TrimSpace(in.DOB)
	if in.DOB == "" {
		bad("dob", "error.required")
	} else if d, err := ParseDOB(in.DOB); err != nil {
		bad("dob", "error.dob.format")
	} else {
		first, _ := d.span()
		t := today()
		switch {
		case d.Year < OldestBirthYear:
			bad("dob", "error.dob.too_old", OldestBirthYear)
		case first.After(date(t.Year(), int(t.Month()), t.Day())):
			bad("dob", "error.dob.future")
		default:
			in.dob = d
			in.DOB = d.String()
		}
	}

	in.validateDocument(bad)

	for _, f := range []struct {
		field string
		value *string
	}{{"mobile", &in.Mobile}, {"phone_other", &in.PhoneOther}, {"emergency_phone", &in.EmergencyPhone}} {
		n, ok := NormalisePhone(*f.value)
		if !ok {
			bad(f.field, "error.phone")
			continue
		}
		*f.value = n
	}

	in.Address = clean(in.Address, true)
	in.Email = strings.TrimSpace(in.Email)
	in.EmergencyName = collapse(clean(in.EmergencyName, false))
	in.EmergencyRelation = collapse(clean(in.EmergencyRelation, false))
	in.Remarks = clean(in.Remarks, true)
	for _, f := range []struct {
		field, value string
		max          int
	}{
		{"address", in.Address, MaxAddress}, {"email", in.Email, MaxEmail},
		{"emergency_name", in.EmergencyName, MaxContactName}, {"emergency_relation", in.EmergencyRelation, MaxRelation},
		{"remarks", in.Remarks, MaxRemarks},
	} {
		if tooLong(f.value, f.max) {
			bad(f.field, "error.too_long", f.max)
		}
	}
	if in.Email != "" && !emailRe.MatchString(in.Email) && !tooLong(in.Email, MaxEmail) {
		bad("email", "error.email")
	}
	if in.EmergencyPhone != "" && in.EmergencyName == "" {
		bad("emergency_name", "error.required")
	}

	in.Language = strings.ToLower(strings.TrimSpace(in.Language))
	if in.Language == "" {
		in.Language = LangBoth
	}
	if !slices.Contains([]string{LangEnglish, LangChinese, LangBoth}, in.Language) {
		bad("language", "error.choose")
	}

	in.Number = strings.ToUpper(strings.TrimSpace(in.Number))
	if in.Number != "" && !numberRe.MatchString(in.Number) {
		bad("number", "error.patient.number")
	}

	if in.EHealth != nil {
		for _, e := range in.EHealth.validate() {
			errs = append(errs, e)
		}
	}

	in.nameKey = nameKey(in.SurnameEN, in.GivenNameEN)
	in.valid = len(errs) == 0
	return errs.Err()
}

// validateDocument checks the identity document and works out its uniqueness key.
func (in *Input) validateDocument(bad func(field, key string, args ...any)) {
	in.DocType = strings.ToUpper(strings.TrimSpace(in.DocType))
	in.DocCountry = strings.ToUpper(strings.TrimSpace(in.DocCountry))
	in.DocNumber = strings.ToUpper(strings.Join(strings.Fields(in.DocNumber), ""))
	in.docKey = ""
	switch {
	case in.DocType == "" && in.DocNumber == "":
		in.DocCountry = ""
		return
	case in.DocType == "":
		bad("doc_type", "error.required")
		return
	case !slices.Contains(DocTypes, in.DocType):
		bad("doc_type", "error.choose")
		return
	case in.DocNumber == "":
		bad("doc_number", "error.required")
		return
	case tooLong(in.DocNumber, MaxDocNumber):
		bad("doc_number", "error.too_long", MaxDocNumber)
		return
	}
	if in.DocCountry != "" && !countryRe.MatchString(in.DocCountry) {
		bad("doc_country", "error.doc.country")
		return
	}
	switch in.DocType {
	case DocHKID, DocBirthCert:
		id, err := hkid.Parse(in.DocNumber)
		var cd *hkid.CheckDigitError
		switch {
		case errors.As(err, &cd) && cd.Got == 0:
			bad("doc_number", "error.hkid.check_digit_missing", cd.Want.Display())
			return
		case errors.As(err, &cd):
			bad("doc_number", "error.hkid.check_digit", cd.Want.Display())
			return
		case err != nil:
			bad("doc_number", "error.hkid.format")
			return
		}
		in.DocNumber = id.Normal()
		in.DocCountry = "" // issued in Hong Kong
		// A child's birth certificate number becomes the number on their identity card, so the
		// two are one document for duplicate checks.
		in.docKey = "HK|" + in.DocNumber
		return
	case DocPassport:
		in.DocNumber = strings.ReplaceAll(in.DocNumber, "-", "")
		if in.DocCountry == "" {
			bad("doc_country", "error.doc.country_required")
			return
		}
		if !passportRe.MatchString(in.DocNumber) {
			bad("doc_number", "error.doc.number")
			return
		}
	default:
		if !otherDocRe.MatchString(in.DocNumber) {
			bad("doc_number", "error.doc.number")
			return
		}
	}
	in.docKey = in.DocType + "|" + in.DocCountry + "|" + in.DocNumber
}

// NormalisePhone keeps the digits of a phone number: a Hong Kong number as its 8 digits (with any
// +852 dropped), another country's as + and its digits. Empty stays empty.
func NormalisePhone(s string) (string, bool) {
	var b strings.Builder
	plus := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '０' && r <= '９':
			b.WriteRune(r - '０' + '0')
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '.':
		default:
			return s, false
		}
	}
	d := b.String()
	switch {
	case d == "" && !plus:
		return "", true
	case (plus || len(d) == 11) && strings.HasPrefix(d, "852") && len(d) == 11:
		d = d[3:]
	case plus:
		if len(d) < 7 || len(d) > 15 {
			return s, false
		}
		return "+" + d, true
	}
	// Hong Kong numbers are 8 digits; fixed lines start 2 or 3, mobiles 4 to 9.
	if len(d) != 8 || d[0] < '2' {
		return s, false
	}
	return d, true
}

// nameKey folds an English name for duplicate checks: upper case letters only, so "Chan Tai-man"
// and "CHAN TAI MAN" are the same person.
func nameKey(surname, given string) string {
	if surname == "" {
		return ""
	}
	fold := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsLetter(r) {
				return unicode.ToUpper(r)
			}
			return -1
		}, s)
	}
	return fold(surname) + "|" + fold(given)
}

// EHealthInput records the patient's eHealth joining and sharing consent.
type EHealthInput struct {
	EHRNo       string // 12 digits, optional
	Joined      bool
	Consent     string // none, given, revoked
	ConsentDate string // YYYY-MM-DD (or DD/MM/YYYY), needed when given or revoked
	Method      string // needed when given: smart_id, access_key, signed_form, phone
	Note        string
}

func (e *EHealthInput) validate() clinic.ValidationErrors {
	var errs clinic.ValidationErrors
	bad := func(field, key string, args ...any) { errs = append(errs, clinic.Invalid(field, key, args...)) }
	e.EHRNo = strings.Join(strings.FieldsFunc(e.EHRNo, func(r rune) bool { return r == ' ' || r == '-' }), "")
	if e.EHRNo != "" {
		e.Joined = true // only a member has an eHR number
		if !ehrRe.MatchString(e.EHRNo) {
			bad("ehr_no", "error.ehr_no")
		}
	}
	e.Consent = strings.ToLower(strings.TrimSpace(e.Consent))
	if e.Consent == "" {
		e.Consent = ConsentNone
	}
	e.Method = strings.ToLower(strings.TrimSpace(e.Method))
	e.Note = clean(e.Note, false)
	if tooLong(e.Note, MaxReason) {
		bad("consent_note", "error.too_long", MaxReason)
	}
	switch e.Consent {
	case ConsentNone:
		e.ConsentDate, e.Method = "", ""
		return errs
	case ConsentGiven, ConsentRevoked:
	default:
		bad("consent", "error.choose")
		return errs
	}
	if !e.Joined {
		bad("consent", "error.consent.not_joined")
	}
	if e.Consent == ConsentGiven && !slices.Contains(ConsentMethods, e.Method) {
		bad("consent_method", "error.choose")
	}
	if e.Method != "" && !slices.Contains(ConsentMethods, e.Method) {
		bad("consent_method", "error.choose")
	}
	d, err := ParseDOB(strings.TrimSpace(e.ConsentDate))
	t := today()
	switch {
	case err != nil || d.Precision() != PrecisionDay:
		bad("consent_date", "error.consent.date")
	case date(d.Year, d.Month, d.Day).After(date(t.Year(), int(t.Month()), t.Day())):
		bad("consent_date", "error.consent.date_future")
	default:
		e.ConsentDate = d.String()
	}
	return errs
}
