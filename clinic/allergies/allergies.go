// Package allergies keeps a patient's allergies (eHealth AL1) and adverse drug reactions (ADR),
// and "no known drug allergy" as a recorded statement, distinct from nothing recorded. An
// allergy is never deleted: it is inactivated with a reason, which eHealth receives as a delete.
package allergies

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
)

func init() {
	patients.RegisterOwnedTable("allergies", "patient_id")
	patients.RegisterOwnedTable("allergy_nkda", "patient_id")
}

// Kinds: an allergy, or an adverse drug reaction (a side effect that is not an allergy).
const (
	KindAllergy = "allergy"
	KindADR     = "adr"
)

// Allergen types, as eHealth's "Drug", "Non-drug" and "Unclassify".
const (
	TypeDrug         = "drug"
	TypeNonDrug      = "non_drug"
	TypeUnclassified = "unclassified"
)

// States of a patient as the banner shows them.
const (
	StateUnknown  = "unknown"  // nothing recorded: ask
	StateNKDA     = "nkda"     // no known drug allergy, recorded by someone
	StateAllergic = "allergic" // one or more active allergies or ADRs
)

// Reactions is eHealth's reaction code table (allergy guide §7), codes "1".."39"; the form
// shows each code's translated text.
var Reactions = []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16",
	"17", "18", "19", "20", "21", "22", "23", "24", "25", "26", "27", "28", "29", "30", "31", "32", "33", "34",
	"35", "36", "37", "38", "39"}

// Allergy is one recorded allergy or adverse drug reaction.
type Allergy struct {
	ID             int64
	PatientID      int64
	Kind           string
	AllergenType   string
	DrugID         int64 // when the allergen is a drug of the formulary
	Ingredient     string
	Allergen       string
	ReactionCode   string
	Reaction       string
	Severity       string // ADR: M mild, S severe
	Certainty      string // allergy: C certain, S suspected
	Onset          string
	Remarks        string
	Status         string // active, inactive
	InactiveReason string
	InactiveAt     time.Time
	InactiveBy     string
	CreatedAt      time.Time
	CreatedBy      string
	UpdatedAt      time.Time
}

// Active reports whether the allergy is in force.
func (a Allergy) Active() bool { return a.Status == "active" }

// Domain is the eHealth data domain of the record.
func (a Allergy) Domain() string {
	if a.Kind == KindADR {
		return "ADR"
	}
	return "AL1"
}

// Key is the record key sent to eHealth.
func (a Allergy) Key() string { return outbox.Key(a.Domain(), "allergies", a.ID) }

// Input is an allergy as typed.
type Input struct {
	Kind         string
	AllergenType string
	DrugID       int64
	Ingredient   string
	Allergen     string // free text; filled from the drug or ingredient when empty
	ReactionCode string
	Reaction     string
	Severity     string
	Certainty    string
	Onset        string
	Remarks      string
}

var onsetRe = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

func (in *Input) clean() {
	in.Kind = strings.TrimSpace(in.Kind)
	if in.Kind == "" {
		in.Kind = KindAllergy
	}
	in.AllergenType = strings.TrimSpace(in.AllergenType)
	in.Ingredient = formulary.NormaliseIngredient(in.Ingredient)
	in.Allergen = strings.TrimSpace(in.Allergen)
	in.ReactionCode, in.Reaction = strings.TrimSpace(in.ReactionCode), strings.TrimSpace(in.Reaction)
	in.Severity, in.Certainty = strings.TrimSpace(in.Severity), strings.TrimSpace(in.Certainty)
	in.Onset, in.Remarks = strings.TrimSpace(in.Onset), strings.TrimSpace(in.Remarks)
	if in.DrugID != 0 || in.Ingredient != "" {
		in.AllergenType = TypeDrug
	}
	if in.Kind == KindADR {
		in.AllergenType = TypeDrug // an adverse drug reaction is to a drug by definition
	}
	if in.AllergenType == "" {
		in.AllergenType = TypeUnclassified
	}
}

func (in *Input) validate() clinic.ValidationErrors {
	var errs clinic.ValidationErrors
	if in.Kind != KindAllergy && in.Kind != KindADR {
		errs = append(errs, clinic.Invalid("kind", "error.allergy.kind"))
	}
	switch in.AllergenType {
	case TypeDrug, TypeNonDrug, TypeUnclassified:
	default:
		errs = append(errs, clinic.Invalid("allergen_type", "error.allergy.type"))
	}
	if in.Allergen == "" || utf8.RuneCountInString(in.Allergen) > 200 {
		errs = append(errs, clinic.Invalid("allergen", "error.allergy.allergen"))
	}
	if in.ReactionCode != "" && !contains(Reactions, in.ReactionCode) {
		errs = append(errs, clinic.Invalid("reaction_code", "error.allergy.reaction"))
	}
	if in.Severity != "" && in.Severity != "M" && in.Severity != "S" {
		errs = append(errs, clinic.Invalid("severity", "error.allergy.severity"))
	}
	if in.Certainty != "" && in.Certainty != "C" && in.Certainty != "S" {
		errs = append(errs, clinic.Invalid("certainty", "error.allergy.certainty"))
	}
	if in.Onset != "" && !onsetRe.MatchString(in.Onset) {
		errs = append(errs, clinic.Invalid("onset", "error.allergy.onset"))
	}
	if utf8.RuneCountInString(in.Remarks) > 1000 || utf8.RuneCountInString(in.Reaction) > 200 {
		errs = append(errs, clinic.Invalid("remarks", "error.allergy.too_long"))
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

func nullID(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// Add records an allergy or ADR. A drug allergy withdraws a standing "no known drug allergy" in
// the same transaction, and puts the record in the eHealth outbox.
func Add(ctx context.Context, db *store.DB, patientID int64, in Input, by audit.Actor) (Allergy, error) {
	in.clean()
	var a Allergy
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if in.DrugID != 0 {
			d, err := formulary.Get(ctx, tx, in.DrugID)
			if err != nil {
				return clinic.Invalid("drug_id", "error.allergy.drug")
			}
			if in.Allergen == "" {
				in.Allergen = d.Name
			}
		}
		if in.Allergen == "" && in.Ingredient != "" {
			in.Allergen = in.Ingredient
		}
		if errs := in.validate(); len(errs) > 0 {
			return errs
		}
		t := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO allergies (patient_id, kind, allergen_type, drug_id, ingredient, allergen,
			reaction_code, reaction, severity, certainty, onset, remarks, created_at, created_by, created_by_name, updated_at)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`, patientID, in.Kind, in.AllergenType, nullID(in.DrugID), in.Ingredient,
			in.Allergen, in.ReactionCode, in.Reaction, in.Severity, in.Certainty, in.Onset, in.Remarks, t, nullID(by.UserID),
			by.Username, t)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if in.AllergenType != TypeNonDrug { // "no known drug allergy" says nothing of peanuts
			if _, err := tx.ExecContext(ctx, `UPDATE allergy_nkda SET withdrawn_at = ? WHERE patient_id = ? AND withdrawn_at = ''`,
				t, patientID); err != nil {
				return err
			}
		}
		a, err = get(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.Change{Key: a.Key(), Domain: a.Domain(), Tx: outbox.Insert, PatientID: patientID}); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "allergy", fmt.Sprint(id), patientID, in.Kind+": "+in.Allergen))
	})
	return a, err
}

// Inactivate ends an allergy with a reason ("entered in error", "tolerated since", ...).
func Inactivate(ctx context.Context, db *store.DB, id int64, reason string, by audit.Actor) error {
	reason = strings.TrimSpace(reason)
	if reason == "" || utf8.RuneCountInString(reason) > 500 {
		return clinic.Invalid("reason", "error.allergy.reason")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		a, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !a.Active() {
			return clinic.ErrConflict
		}
		t := now()
		if _, err := tx.ExecContext(ctx, `UPDATE allergies SET status = 'inactive', inactive_reason = ?, inactive_at = ?,
			inactive_by_name = ?, updated_at = ? WHERE id = ?`, reason, t, by.Username, t, id); err != nil {
			return err
		}
		if err := outbox.Record(ctx, tx, outbox.Change{Key: a.Key(), Domain: a.Domain(), Tx: outbox.Delete,
			PatientID: a.PatientID, Reason: reason}); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "allergy", fmt.Sprint(id), a.PatientID, "inactivated: "+reason))
	})
}

// RecordNKDA records that the patient has no known drug allergy. It is refused while an active
// drug allergy or ADR is on file: the two cannot both be true.
func RecordNKDA(ctx context.Context, db *store.DB, patientID int64, by audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM allergies WHERE patient_id = ? AND status = 'active'
			AND allergen_type <> 'non_drug'`, patientID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return clinic.Invalid("nkda", "error.allergy.nkda_conflict")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE allergy_nkda SET withdrawn_at = ? WHERE patient_id = ? AND withdrawn_at = ''`,
			now(), patientID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO allergy_nkda (patient_id, recorded_at, recorded_by, recorded_by_name)
			VALUES (?,?,?,?)`, patientID, now(), nullID(by.UserID), by.Username); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "allergy_nkda", fmt.Sprint(patientID), patientID, "no known drug allergy"))
	})
}

// Status is a patient's allergy state with who recorded "no known drug allergy" and when.
type Status struct {
	State     string
	Allergens []string // active allergies and ADRs, as the banner lists them
	NKDAAt    time.Time
	NKDABy    string
}

// Querier is a *sql.DB or a *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// State reads a patient's allergy state.
func State(ctx context.Context, q Querier, patientID int64) (Status, error) {
	var st Status
	rows, err := q.QueryContext(ctx, `SELECT allergen FROM allergies WHERE patient_id = ? AND status = 'active' ORDER BY id`, patientID)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return st, err
		}
		st.Allergens = append(st.Allergens, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, err
	}
	var at string
	err = q.QueryRowContext(ctx, `SELECT recorded_at, recorded_by_name FROM allergy_nkda WHERE patient_id = ? AND withdrawn_at = ''
		ORDER BY id DESC LIMIT 1`, patientID).Scan(&at, &st.NKDABy)
	hasNKDA := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	st.NKDAAt, _ = time.Parse(time.RFC3339Nano, at)
	switch {
	case len(st.Allergens) > 0:
		st.State = StateAllergic
	case hasNKDA:
		st.State = StateNKDA
	default:
		st.State = StateUnknown
	}
	return st, nil
}

const columns = `id, patient_id, kind, allergen_type, COALESCE(drug_id,0), ingredient, allergen, reaction_code, reaction,
	severity, certainty, onset, remarks, status, inactive_reason, inactive_at, inactive_by_name, created_at,
	created_by_name, updated_at`

func scan(row interface{ Scan(...any) error }) (Allergy, error) {
	var a Allergy
	var inAt, created, updated string
	err := row.Scan(&a.ID, &a.PatientID, &a.Kind, &a.AllergenType, &a.DrugID, &a.Ingredient, &a.Allergen, &a.ReactionCode,
		&a.Reaction, &a.Severity, &a.Certainty, &a.Onset, &a.Remarks, &a.Status, &a.InactiveReason, &inAt, &a.InactiveBy,
		&created, &a.CreatedBy, &updated)
	a.InactiveAt, _ = time.Parse(time.RFC3339Nano, inAt)
	a.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	a.UpdatedAt, _ = time.Parse(time.RFC3339Nano, updated)
	return a, err
}

func get(ctx context.Context, q Querier, id int64) (Allergy, error) {
	a, err := scan(q.QueryRowContext(ctx, `SELECT `+columns+` FROM allergies WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, clinic.ErrNotFound
	}
	return a, err
}

// Get reads one allergy.
func Get(ctx context.Context, q Querier, id int64) (Allergy, error) { return get(ctx, q, id) }

// List reads a patient's allergies, active first, inactive ones kept for the record.
func List(ctx context.Context, q Querier, patientID int64) ([]Allergy, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+columns+` FROM allergies WHERE patient_id = ?
		ORDER BY status = 'active' DESC, id DESC`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Allergy
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Match is an active allergy that a drug sets off, and the ingredient that does it.
type Match struct {
	Allergy    Allergy
	Ingredient string
}

// Check finds the patient's active drug allergies and ADRs that a drug with these ingredients
// sets off. It compares ingredients, not names: an allergy to one brand of amoxicillin is caught
// when another brand is prescribed; an allergy typed as free text matches an ingredient of the
// same name.
func Check(ctx context.Context, q Querier, patientID int64, ingredients []string) ([]Match, error) {
	list, err := List(ctx, q, patientID)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, in := range ingredients {
		want[formulary.NormaliseIngredient(in)] = true
	}
	var out []Match
	for _, a := range list {
		if !a.Active() || a.AllergenType == TypeNonDrug {
			continue
		}
		var names []string
		switch {
		case a.DrugID != 0:
			d, err := formulary.Get(ctx, q, a.DrugID)
			if err != nil && !errors.Is(err, clinic.ErrNotFound) {
				return nil, err
			}
			names = d.IngredientNames()
		case a.Ingredient != "":
			names = []string{a.Ingredient}
		default:
			names = []string{formulary.NormaliseIngredient(a.Allergen)}
		}
		for _, n := range names {
			if want[n] {
				out = append(out, Match{Allergy: a, Ingredient: n})
				break
			}
		}
	}
	return out, nil
}
