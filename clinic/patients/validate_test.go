package patients

import (
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic"
)

func TestValidate(t *testing.T) {
	fixToday(t)
	tests := []struct {
		name  string
		edit  func(in *Input)
		field string // "" when valid
		key   string
		arg   any
	}{
		{"the standard patient", func(in *Input) {}, "", "", nil},
		{"Chinese name only", func(in *Input) { in.SurnameEN, in.GivenNameEN = "", "" }, "", "", nil},
		{"English name only", func(in *Input) { in.NameZH = "" }, "", "", nil},
		{"no name at all", func(in *Input) { in.SurnameEN, in.GivenNameEN, in.NameZH = "", "", "" }, "surname_en", "error.patient.name_required", nil},
		{"given name without surname", func(in *Input) { in.SurnameEN = "" }, "surname_en", "error.patient.surname_required", nil},
		{"Chinese in the English name", func(in *Input) { in.GivenNameEN = "大文" }, "given_name_en", "error.name_en.characters", nil},
		{"accents and apostrophes are English", func(in *Input) { in.SurnameEN, in.GivenNameEN = "O'Brien-Müller", "José" }, "", "", nil},
		{"surname too long", func(in *Input) { in.SurnameEN = strings.Repeat("a", 41) }, "surname_en", "error.too_long", 40},
		{"Chinese name too long", func(in *Input) { in.NameZH = "陳陳陳陳陳陳陳陳陳陳陳陳陳陳陳陳陳陳陳陳陳" }, "name_zh", "error.too_long", 20},
		{"sex missing", func(in *Input) { in.Sex = "" }, "sex", "error.choose", nil},
		{"sex lower case", func(in *Input) { in.Sex = "f" }, "", "", nil},
		{"sex not M F U", func(in *Input) { in.Sex = "X" }, "sex", "error.choose", nil},
		{"DOB missing", func(in *Input) { in.DOB = "" }, "dob", "error.required", nil},
		{"DOB Hong Kong order", func(in *Input) { in.DOB = "17/05/1980" }, "", "", nil},
		{"DOB month only", func(in *Input) { in.DOB = "05/1980" }, "", "", nil},
		{"DOB year only", func(in *Input) { in.DOB = "1980" }, "", "", nil},
		{"DOB 31 February", func(in *Input) { in.DOB = "31/02/1980" }, "dob", "error.dob.format", nil},
		{"DOB month 13", func(in *Input) { in.DOB = "1980-13" }, "dob", "error.dob.format", nil},
		{"DOB in the future", func(in *Input) { in.DOB = "2025-06-16" }, "dob", "error.dob.future", nil},
		{"DOB today", func(in *Input) { in.DOB = "2025-06-15" }, "", "", nil},
		{"DOB this month, month only", func(in *Input) { in.DOB = "2025-06" }, "", "", nil},
		{"DOB next year", func(in *Input) { in.DOB = "2026" }, "dob", "error.dob.future", nil},
		{"DOB too old", func(in *Input) { in.DOB = "1850" }, "dob", "error.dob.too_old", OldestBirthYear},
		{"HKID check digit wrong", func(in *Input) { in.DocNumber = "A123456(4)" }, "doc_number", "error.hkid.check_digit", "A123456(3)"},
		{"HKID check digit missing", func(in *Input) { in.DocNumber = "A123456" }, "doc_number", "error.hkid.check_digit_missing", "A123456(3)"},
		{"HKID nonsense", func(in *Input) { in.DocNumber = "123" }, "doc_number", "error.hkid.format", nil},
		{"birth certificate checked like an HKID", func(in *Input) { in.DocType, in.DocNumber = DocBirthCert, "A123456(5)" }, "doc_number", "error.hkid.check_digit", "A123456(3)"},
		{"document number without type", func(in *Input) { in.DocType = "" }, "doc_type", "error.required", nil},
		{"document type without number", func(in *Input) { in.DocNumber = "" }, "doc_number", "error.required", nil},
		{"unknown document type", func(in *Input) { in.DocType = "LIBRARY" }, "doc_type", "error.choose", nil},
		{"no document at all", func(in *Input) { in.DocType, in.DocNumber = "", "" }, "", "", nil},
		{"passport needs a country", func(in *Input) { in.DocType, in.DocNumber = DocPassport, "123456789" }, "doc_country", "error.doc.country_required", nil},
		{"passport with country", func(in *Input) { in.DocType, in.DocNumber, in.DocCountry = DocPassport, "k1234 5678", "gbr" }, "", "", nil},
		{"country not alpha-3", func(in *Input) { in.DocType, in.DocNumber, in.DocCountry = DocPassport, "K12345678", "UK" }, "doc_country", "error.doc.country", nil},
		{"passport number with symbols", func(in *Input) { in.DocType, in.DocNumber, in.DocCountry = DocPassport, "K12#45678", "GBR" }, "doc_number", "error.doc.number", nil},
		{"exit-entry permit", func(in *Input) { in.DocType, in.DocNumber = DocExitEntry, "C12345678" }, "", "", nil},
		{"mobile with +852", func(in *Input) { in.Mobile = "+852 9123-4567" }, "", "", nil},
		{"mobile too short", func(in *Input) { in.Mobile = "9123 456" }, "mobile", "error.phone", nil},
		{"mobile with letters", func(in *Input) { in.Mobile = "9123 456x" }, "mobile", "error.phone", nil},
		{"overseas mobile", func(in *Input) { in.Mobile = "+44 7700 900123" }, "", "", nil},
		{"home phone", func(in *Input) { in.PhoneOther = "2345 6789" }, "", "", nil},
		{"email", func(in *Input) { in.Email = "chan@example" }, "email", "error.email", nil},
		{"address too long", func(in *Input) { in.Address = strings.Repeat("地", 301) }, "address", "error.too_long", 300},
		{"emergency phone without a name", func(in *Input) { in.EmergencyPhone = "61234567" }, "emergency_name", "error.required", nil},
		{"language", func(in *Input) { in.Language = "fr" }, "language", "error.choose", nil},
		{"remarks too long", func(in *Input) { in.Remarks = strings.Repeat("x", 2001) }, "remarks", "error.too_long", 2000},
		{"eHR number not 12 digits", func(in *Input) { in.EHealth = &EHealthInput{EHRNo: "1234"} }, "ehr_no", "error.ehr_no", nil},
		{"consent without joining", func(in *Input) {
			in.EHealth = &EHealthInput{Consent: ConsentGiven, Method: MethodSmartID, ConsentDate: "2025-01-02"}
		}, "consent", "error.consent.not_joined", nil},
		{"consent without method", func(in *Input) {
			in.EHealth = &EHealthInput{EHRNo: "1234 5678 9012", Consent: ConsentGiven, ConsentDate: "2025-01-02"}
		}, "consent_method", "error.choose", nil},
		{"consent in the future", func(in *Input) {
			in.EHealth = &EHealthInput{Joined: true, Consent: ConsentGiven, Method: MethodPhone, ConsentDate: "2025-07-01"}
		}, "consent_date", "error.consent.date_future", nil},
		{"consent without a date", func(in *Input) { in.EHealth = &EHealthInput{Joined: true, Consent: ConsentRevoked} }, "consent_date", "error.consent.date", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := chanTaiMan()
			tt.edit(&in)
			err := in.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatalf("want valid, got %v", err)
				}
				return
			}
			errs, ok := err.(clinic.ValidationErrors)
			if !ok {
				t.Fatalf("want ValidationErrors, got %v", err)
			}
			e := errs.Field(tt.field)
			if e == nil || e.Key != tt.key {
				t.Fatalf("want %s on %s, got %v", tt.key, tt.field, err)
			}
			if tt.arg != nil && (len(e.Args) == 0 || e.Args[0] != tt.arg) {
				t.Errorf("args %v, want %v", e.Args, tt.arg)
			}
		})
	}
}

func TestValidateTidies(t *testing.T) {
	fixToday(t)
	in := Input{SurnameEN: "  chan ", GivenNameEN: "tai   man", NameZH: " 陳 大文 ", Sex: "m", DOB: "7/5/1980",
		DocType: "id", DocNumber: "a123456 (3)", Mobile: "+852 9123 4567", PhoneOther: "(852) 2345-6789"}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Input{SurnameEN: "chan", GivenNameEN: "tai man", NameZH: "陳大文", Sex: "M", DOB: "1980-05-07",
		DocType: "ID", DocNumber: "A1234563", Mobile: "91234567", PhoneOther: "23456789", Language: "both"}
	if in.SurnameEN != want.SurnameEN || in.GivenNameEN != want.GivenNameEN || in.NameZH != want.NameZH ||
		in.Sex != want.Sex || in.DOB != want.DOB || in.DocType != want.DocType || in.DocNumber != want.DocNumber ||
		in.Mobile != want.Mobile || in.PhoneOther != want.PhoneOther || in.Language != want.Language {
		t.Errorf("tidied to %+v", in)
	}
	if in.docKey != "HK|A1234563" || in.nameKey != "CHAN|TAIMAN" {
		t.Errorf("keys %q %q", in.docKey, in.nameKey)
	}
	if got := EHealthName(in.SurnameEN, in.GivenNameEN); got != "CHAN, TAI MAN" {
		t.Errorf("EHealthName = %q", got)
	}
	if got := nameEN("chan", "Tai Man"); got != "CHAN Tai Man" {
		t.Errorf("nameEN = %q", got)
	}
}

func TestDOB(t *testing.T) {
	on := time.Date(2025, 6, 15, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in              string
		stored, display string
		precision       string
		age             int
		exact           bool
		ehealth         string
	}{
		{"1980-05-17", "1980-05-17", "17/05/1980", "D", 45, true, "1980-05-17"},
		{"17/05/1980", "1980-05-17", "17/05/1980", "D", 45, true, "1980-05-17"},
		{"17-5-1980", "1980-05-17", "17/05/1980", "D", 45, true, "1980-05-17"},
		{"1980-06-15", "1980-06-15", "15/06/1980", "D", 45, true, "1980-06-15"}, // birthday today
		{"1980-06-16", "1980-06-16", "16/06/1980", "D", 44, true, "1980-06-16"}, // tomorrow
		{"1980-05", "1980-05", "05/1980", "M", 45, true, "1980-05-01"},          // the whole month is past
		{"1980-06", "1980-06", "06/1980", "M", 44, false, "1980-06-01"},         // 44 or 45
		{"1980-07", "1980-07", "07/1980", "M", 44, true, "1980-07-01"},
		{"06/1980", "1980-06", "06/1980", "M", 44, false, "1980-06-01"},
		{"1980", "1980", "1980", "Y", 44, false, "1980-01-01"}, // 44 or 45: never an invented day
		{"2025-06-15", "2025-06-15", "15/06/2025", "D", 0, true, "2025-06-15"},
		{"2025", "2025", "2025", "Y", 0, true, "2025-01-01"},
		{"2000-02-29", "2000-02-29", "29/02/2000", "D", 25, true, "2000-02-29"},
	}
	for _, tt := range tests {
		d, err := ParseDOB(tt.in)
		if err != nil {
			t.Errorf("ParseDOB(%q): %v", tt.in, err)
			continue
		}
		age, exact := d.Age(on)
		date, prec := d.EHealth()
		if d.String() != tt.stored || d.Display() != tt.display || d.Precision() != tt.precision || age != tt.age ||
			exact != tt.exact || date != tt.ehealth || prec != tt.precision {
			t.Errorf("%q: %s %s %s age %d %v eHealth %s, want %s %s %s age %d %v %s", tt.in, d, d.Display(), d.Precision(),
				age, exact, date, tt.stored, tt.display, tt.precision, tt.age, tt.exact, tt.ehealth)
		}
	}
	// Born on 29 February: 1 year old on 1 March of a common year, not on 28 February.
	leap, _ := ParseDOB("2024-02-29")
	if a, _ := leap.Age(time.Date(2025, 2, 28, 0, 0, 0, 0, time.UTC)); a != 0 {
		t.Errorf("29 Feb baby on 28 Feb: %d", a)
	}
	if a, _ := leap.Age(time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)); a != 1 {
		t.Errorf("29 Feb baby on 1 Mar: %d", a)
	}
	baby, _ := ParseDOB("2025-01-20")
	if m := baby.AgeMonths(on); m != 4 {
		t.Errorf("baby is %d months", m)
	}
	for _, bad := range []string{"", "1980-5-32", "32/01/1980", "1980/05/17", "05-17-1980x", "0000"} {
		if _, err := ParseDOB(bad); err == nil {
			t.Errorf("ParseDOB(%q) accepted", bad)
		}
	}
}

func TestNormalisePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"91234567", "91234567"}, {"9123 4567", "91234567"}, {"+852 9123 4567", "91234567"}, {"852-9123-4567", "91234567"},
		{"(852) 2345 6789", "23456789"}, {"+44 20 7946 0958", "+442079460958"}, {"+86 138 0013 8000", "+8613800138000"},
		{"９１２３４５６７", "91234567"}, {"", ""},
	}
	for _, tt := range tests {
		if got, ok := NormalisePhone(tt.in); !ok || got != tt.want {
			t.Errorf("NormalisePhone(%q) = %q %v, want %q", tt.in, got, ok, tt.want)
		}
	}
	for _, bad := range []string{"1234567", "123456789", "0123 4567", "9123 456x", "+1", "call me"} {
		if _, ok := NormalisePhone(bad); ok {
			t.Errorf("NormalisePhone(%q) accepted", bad)
		}
	}
}
