// Package patients is the patient master index: registration and editing of demographics,
// identity documents, eHealth joining and sharing consent, search, duplicate detection, merge
// and un-merge, the demographic history, and CSV import.
//
// Every write goes through store.DB.Write with its audit row in the same transaction. The search
// indexes (patient_names, patient_names_zh) are kept in step by this package, so other packages
// must not write the patients table directly; visits update last_visit_at through TouchLastVisit.
package patients

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/hkid"
)

// Sexes as eHealth codes them: male, female, unknown.
const (
	SexMale    = "M"
	SexFemale  = "F"
	SexUnknown = "U"
)

// Identity document types. ID, BC, CD and ECID are eHealth's codes.
const (
	DocHKID      = "ID"       // Hong Kong identity card
	DocBirthCert = "BC"       // Hong Kong birth certificate (same number format as the HKID)
	DocPassport  = "PASSPORT" // with issuing country
	DocExitEntry = "EEP"      // Mainland exit-entry permit (two-way permit and the like)
	DocConsular  = "CD"       // consular corps identity card
	DocExemption = "ECID"     // certificate of exemption
	DocOther     = "OTHER"
)

// DocTypes in the order the form lists them.
var DocTypes = []string{DocHKID, DocBirthCert, DocPassport, DocExitEntry, DocConsular, DocExemption, DocOther}

// Preferred language for printed matter (labels, letters, certificates).
const (
	LangEnglish = "en"
	LangChinese = "zh"
	LangBoth    = "both"
)

// Sharing consent states and the ways consent is given.
const (
	ConsentNone    = "none"
	ConsentGiven   = "given"
	ConsentRevoked = "revoked"

	MethodSmartID    = "smart_id"    // read from the smart identity card
	MethodAccessKey  = "access_key"  // the patient's eHealth access key
	MethodSignedForm = "signed_form" // a signed paper form
	MethodPhone      = "phone"
)

// ConsentMethods in the order the form lists them.
var ConsentMethods = []string{MethodSmartID, MethodAccessKey, MethodSignedForm, MethodPhone}

// Document is an identity document. Number is stored normalised: upper case, no spaces, and for
// an HKID or birth certificate no brackets (A1234563).
type Document struct {
	Type    string
	Number  string
	Country string // issuing country, ISO 3166-1 alpha-3 ("GBR"), for passports and others
}

// Display is the number as written: HKID and birth certificate with the check character in
// brackets.
func (d Document) Display() string {
	if d.Type == DocHKID || d.Type == DocBirthCert {
		if id, err := hkid.Parse(d.Number); err == nil {
			return id.Display()
		}
	}
	return d.Number
}

// Masked is the number for lists and printouts that do not need all of it.
func (d Document) Masked() string { return hkid.Mask(d.Number) }

// EmergencyContact is who to call.
type EmergencyContact struct {
	Name     string
	Phone    string
	Relation string
}

// EHealth is the patient's eHealth state as last recorded.
type EHealth struct {
	EHRNo          string // 12 digits, empty when unknown
	Joined         bool
	Consent        string // none, given, revoked
	ConsentDate    string // YYYY-MM-DD, the day consent was given or revoked
	ConsentMethod  string
	RecordedBy     int64 // user who recorded the consent
	RecordedByName string
}

// Patient is one registered person as shown on the patient page.
type Patient struct {
	ID          int64
	Number      string // P000123
	SurnameEN   string // as typed
	GivenNameEN string
	NameZH      string
	Sex         string
	DOB         DOB
	Doc         Document
	Mobile      string
	PhoneOther  string
	Address     string
	Email       string
	Emergency   EmergencyContact
	Language    string
	Remarks     string
	EHealth     EHealth
	MergedInto  int64 // the survivor, when this record was merged into another
	MergedAt    time.Time
	LastVisitAt time.Time // zero when never seen
	Version     int64     // give it back in Input.Version so that a stale form is refused
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// NameEN is the English name for screens, surname first in capitals as Hong Kong writes it:
// "CHAN Tai Man".
func (p *Patient) NameEN() string { return nameEN(p.SurnameEN, p.GivenNameEN) }

func nameEN(surname, given string) string {
	s := strings.ToUpper(surname)
	switch {
	case s == "":
		return given
	case given == "":
		return s
	}
	return s + " " + given
}

// EHealthName is the English name as eHealth holds it: upper case, "SURNAME, GIVEN NAME"
// ("CHAN, TAI MAN").
func EHealthName(surname, given string) string {
	s, g := strings.ToUpper(collapse(surname)), strings.ToUpper(collapse(given))
	if g == "" {
		return s
	}
	return s + ", " + g
}

// Age is the patient's age today in the clinic's time zone; see DOB.Age.
func (p *Patient) Age() (years int, exact bool) { return p.DOB.Age(today()) }

// Merged reports whether this record was merged into another.
func (p *Patient) Merged() bool { return p.MergedInto != 0 }

// Shareable reports whether the sharing adapter may upload this patient's records to eHealth:
// the patient has joined eHealth, has an identity document eHealth can match on, and this record
// is not a merged-away duplicate. Since December 2025 a provider may deposit records for a
// patient who has joined without sharing consent, so consent is asked for only when
// requireConsent is true (viewing eHealth records always needs it).
func Shareable(p Patient, requireConsent bool) bool {
	if p.Merged() || !p.EHealth.Joined || p.Doc.Number == "" || p.DOB.IsZero() {
		return false
	}
	if requireConsent && p.EHealth.Consent != ConsentGiven {
		return false
	}
	return true
}

// ViewEntry is the audit entry for opening a patient's record; hand it to audit.Batcher.Record.
func ViewEntry(actor audit.Actor, patientID int64) audit.Entry {
	return actor.Entry(audit.ActionView, "patient", fmt.Sprint(patientID), patientID, "opened patient record")
}

// Audit actions of this package beyond the common ones.
const (
	ActionMerge   = "merge"
	ActionUnmerge = "unmerge"
	ActionImport  = "import"
)

const patientColumns = `id, number, surname_en, given_name_en, name_zh, sex, dob, doc_type, COALESCE(doc_number,''),
	doc_country, COALESCE(mobile,''), COALESCE(phone_other,''), address, email, emergency_name, emergency_phone,
	emergency_relation, language, remarks, COALESCE(ehr_no,''), ehealth_joined, consent, consent_date,
	consent_method, COALESCE(consent_by,0), consent_by_name, COALESCE(merged_into,0), merged_at,
	COALESCE(last_visit_at,''), version, created_at, updated_at`

type rowScanner interface{ Scan(dest ...any) error }

func scanPatient(row rowScanner) (Patient, error) {
	var p Patient
	var dob, mergedAt, lastVisit, created, updated string
	err := row.Scan(&p.ID, &p.Number, &p.SurnameEN, &p.GivenNameEN, &p.NameZH, &p.Sex, &dob, &p.Doc.Type,
		&p.Doc.Number, &p.Doc.Country, &p.Mobile, &p.PhoneOther, &p.Address, &p.Email, &p.Emergency.Name,
		&p.Emergency.Phone, &p.Emergency.Relation, &p.Language, &p.Remarks, &p.EHealth.EHRNo, &p.EHealth.Joined,
		&p.EHealth.Consent, &p.EHealth.ConsentDate, &p.EHealth.ConsentMethod, &p.EHealth.RecordedBy,
		&p.EHealth.RecordedByName, &p.MergedInto, &mergedAt, &lastVisit, &p.Version, &created, &updated)
	if err != nil {
		return p, err
	}
	p.DOB, _ = ParseDOB(dob)
	p.MergedAt = parseTime(mergedAt)
	p.LastVisitAt = parseTime(lastVisit)
	p.CreatedAt = parseTime(created)
	p.UpdatedAt = parseTime(updated)
	return p, nil
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// querier is what Get needs: a *sql.DB (the reader pool) or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Get returns a patient for display, merged or not (a merged record shows where it went). The
// caller records the view with ViewEntry and the audit Batcher.
func Get(ctx context.Context, db *sql.DB, id int64) (Patient, error) { return get(ctx, db, id) }

func get(ctx context.Context, q querier, id int64) (Patient, error) {
	p, err := scanPatient(q.QueryRowContext(ctx, `SELECT `+patientColumns+` FROM patients WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, clinic.ErrNotFound
	}
	return p, err
}

// GetByNumber returns a patient by patient number ("P000123", any case).
func GetByNumber(ctx context.Context, db *sql.DB, number string) (Patient, error) {
	p, err := scanPatient(db.QueryRowContext(ctx, `SELECT `+patientColumns+` FROM patients WHERE number = ?`,
		strings.ToUpper(strings.TrimSpace(number))))
	if errors.Is(err, sql.ErrNoRows) {
		return p, clinic.ErrNotFound
	}
	return p, err
}

// Change is one field of one change to a patient's demographics.
type Change struct {
	At       time.Time
	UserID   int64
	Username string
	Field    string // the form field name, e.g. "mobile"
	Old, New string
}

// History returns every change to a patient's demographics, newest first.
func History(ctx context.Context, db *sql.DB, patientID int64) ([]Change, error) {
	rows, err := db.QueryContext(ctx, `SELECT at, COALESCE(user_id,0), username, field, old_value, new_value
		FROM patient_changes WHERE patient_id = ? ORDER BY id DESC`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var at string
		if err := rows.Scan(&at, &c.UserID, &c.Username, &c.Field, &c.Old, &c.New); err != nil {
			return nil, err
		}
		c.At = parseTime(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// TouchLastVisit records that the patient was seen at t (the visits feature calls it in its own
// transaction). Only a later time moves the date forward, so that entering an old visit late
// does not make a patient look less recent.
func TouchLastVisit(ctx context.Context, tx *sql.Tx, patientID int64, t time.Time) error {
	ts := t.UTC().Format(time.RFC3339Nano)
	_, err := tx.ExecContext(ctx, `UPDATE patients SET last_visit_at = ? WHERE id = ? AND (last_visit_at IS NULL OR last_visit_at < ?)`,
		ts, patientID, ts)
	return err
}
