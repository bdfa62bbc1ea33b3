package patients

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// DuplicateError refuses a second living patient with the same identity document, and names the
// one on file so that the form can link to it.
type DuplicateError struct {
	ExistingID int64
	Number     string // the existing patient's number
}

func (e *DuplicateError) Error() string {
	return fmt.Sprintf("the same identity document is registered to patient %s", e.Number)
}

// Key is the translation key for the message; Number is its argument.
func (e *DuplicateError) Key() string { return "error.patient.duplicate_document" }

// Reasons two records may be the same person.
const (
	ReasonNameDOB  = "name_dob"  // same English or Chinese name and a compatible date of birth
	ReasonPhoneDOB = "phone_dob" // same phone number and a compatible date of birth
)

// Match is a patient on file that may be the one being registered.
type Match struct {
	ID      int64
	Number  string
	NameEN  string
	NameZH  string
	DOB     DOB
	Reasons []string
}

// PossibleDuplicatesError asks the user to look at these patients first; the form is sent again
// with Input.Confirmed to register anyway.
type PossibleDuplicatesError struct {
	Matches []Match
}

func (e *PossibleDuplicatesError) Error() string {
	var nums []string
	for _, m := range e.Matches {
		nums = append(nums, m.Number)
	}
	return "possible duplicates of " + strings.Join(nums, ", ")
}

// Key is the translation key for the message.
func (e *PossibleDuplicatesError) Key() string { return "warning.patient.possible_duplicates" }

// checkDuplicates runs in the write transaction, so that two clerks registering the same person
// at once cannot both pass.
func checkDuplicates(ctx context.Context, q querier, in *Input, self int64) error {
	if in.docKey != "" {
		d, err := docOwner(ctx, q, nil, in.DocNumber, in.docKey, self)
		if err != nil {
			return err
		}
		if d != nil {
			return d
		}
	}
	if in.Confirmed {
		return nil
	}
	matches, err := possibleDuplicates(ctx, q, in, self)
	if err != nil {
		return err
	}
	if len(matches) > 0 {
		return &PossibleDuplicatesError{Matches: matches}
	}
	return nil
}

// docOwnerSQL finds the records holding a document, merged ones included (patients_doc_number).
const docOwnerSQL = `SELECT id, COALESCE(merged_into, 0) FROM patients WHERE doc_number = ? AND doc_key = ? AND id <> ?`

// docOwner returns the living patient who holds the document, or nil. A merged-away record that
// holds it names its survivor, so that registering the person again leads to the right record;
// when that survivor is self (it took over the merged record's document), it is no duplicate.
// stmt, when not nil, is docOwnerSQL prepared.
func docOwner(ctx context.Context, q querier, stmt *sql.Stmt, number, key string, self int64) (*DuplicateError, error) {
	var rows *sql.Rows
	var err error
	if stmt != nil {
		rows, err = stmt.QueryContext(ctx, number, key, self)
	} else {
		rows, err = q.QueryContext(ctx, docOwnerSQL, number, key, self)
	}
	if err != nil {
		return nil, err
	}
	type holder struct{ id, mergedInto int64 }
	var holders []holder
	for rows.Next() {
		var h holder
		if err := rows.Scan(&h.id, &h.mergedInto); err != nil {
			rows.Close()
			return nil, err
		}
		holders = append(holders, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, h := range holders {
		id := h.id
		for next, hops := h.mergedInto, 0; next != 0 && hops < 20; hops++ {
			id = next
			if err := q.QueryRowContext(ctx, `SELECT COALESCE(merged_into, 0) FROM patients WHERE id = ?`, id).Scan(&next); err != nil {
				return nil, err
			}
		}
		if id == self {
			continue
		}
		d := &DuplicateError{ExistingID: id}
		if err := q.QueryRowContext(ctx, `SELECT number FROM patients WHERE id = ?`, id).Scan(&d.Number); err != nil {
			return nil, err
		}
		return d, nil
	}
	return nil, nil
}

// dobConditions match the dates of birth that may be the same day as d: d itself, the coarser
// dates that contain it ("1980", "1980-05" for "1980-05-17") and the finer ones it contains
// ("1980-05-17" for "1980-05"). Stored dates sort as text, so the finer ones are a range. Each is
// its own query: an OR of them made the planner read the whole table.
func dobConditions(d DOB) []dobCond {
	s := d.String()
	out := []dobCond{{"dob = ?", []any{s}}}
	if d.Precision() == PrecisionDay {
		out = append(out, dobCond{"dob = ?", []any{fmt.Sprintf("%04d-%02d", d.Year, d.Month)}})
	} else {
		out = append(out, dobCond{"dob > ? AND dob < ?", []any{s + "-", s + "-~"}})
	}
	if d.Precision() != PrecisionYear {
		out = append(out, dobCond{"dob = ?", []any{fmt.Sprintf("%04d", d.Year)}})
	}
	return out
}

type dobCond struct {
	sql  string
	args []any
}

func possibleDuplicates(ctx context.Context, q querier, in *Input, self int64) ([]Match, error) {
	byID := map[int64]*Match{}
	var order []int64
	collect := func(reason, query string, args ...any) error {
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m Match
			var dob, surname, given string
			if err := rows.Scan(&m.ID, &m.Number, &surname, &given, &m.NameZH, &dob); err != nil {
				return err
			}
			if m.ID == self {
				continue
			}
			if old, ok := byID[m.ID]; ok {
				old.Reasons = append(old.Reasons, reason)
				continue
			}
			m.NameEN = nameEN(surname, given)
			m.DOB, _ = ParseDOB(dob)
			m.Reasons = []string{reason}
			byID[m.ID] = &m
			order = append(order, m.ID)
		}
		return rows.Err()
	}
	const cols = `SELECT id, number, surname_en, given_name_en, name_zh, dob FROM patients`
	var phones []string
	for _, ph := range []string{in.Mobile, in.PhoneOther} {
		if ph != "" {
			phones = append(phones, ph)
		}
	}
	for _, dc := range dobConditions(in.dob) {
		if in.nameKey != "" || in.NameZH != "" {
			// patients_dob_name: the date narrows it to a few dozen rows, the name is checked on those.
			args := append(append([]any{}, dc.args...), in.nameKey, in.NameZH)
			if err := collect(ReasonNameDOB, cols+` WHERE merged_into IS NULL AND `+dc.sql+`
				AND ((name_key = ? AND name_key <> '') OR (name_zh = ? AND name_zh <> '')) LIMIT 20`, args...); err != nil {
				return nil, err
			}
		}
	}
	for _, dc := range dobConditions(in.dob) {
		for _, ph := range phones {
			for _, col := range []string{"mobile", "phone_other"} {
				args := append([]any{ph}, dc.args...)
				if err := collect(ReasonPhoneDOB, cols+` WHERE `+col+` = ? AND merged_into IS NULL AND `+dc.sql+` LIMIT 20`, args...); err != nil {
					return nil, err
				}
			}
		}
	}
	out := make([]Match, 0, len(order))
	for _, id := range order {
		m := byID[id]
		m.Reasons = uniq(m.Reasons)
		out = append(out, *m)
	}
	return out, nil
}

func uniq(s []string) []string {
	var out []string
	for _, v := range s {
		if len(out) == 0 || out[len(out)-1] != v {
			out = append(out, v)
		}
	}
	return out
}

// DuplicatePair is two living records that may be the same person, for the review page.
type DuplicatePair struct {
	A, B    Match
	Reasons []string
}

// LikelyDuplicates lists pairs of living patients with the same English name and date of birth,
// or the same mobile and date of birth, leaving out pairs already marked as different people.
// Each rule is one ordered pass over its index (patients_dob_name, patients_mobile) that groups
// equal keys, so the cost grows with the number of patients, not its square.
func LikelyDuplicates(ctx context.Context, db *sql.DB, limit int) ([]DuplicatePair, error) {
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var out []DuplicatePair
	seen := map[[2]int64]int{}
	addGroup := func(reason string, ids []int64) error {
		for i := 0; i < len(ids); i++ {
			for j := i + 1; j < len(ids) && len(out) < limit; j++ {
				a, b := min(ids[i], ids[j]), max(ids[i], ids[j])
				if k, ok := seen[[2]int64{a, b}]; ok {
					out[k].Reasons = append(out[k].Reasons, reason)
					continue
				}
				var dismissed int
				if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM patient_not_duplicates WHERE a_id = ? AND b_id = ?`, a, b).Scan(&dismissed); err != nil {
					return err
				}
				if dismissed > 0 {
					continue
				}
				seen[[2]int64{a, b}] = len(out)
				out = append(out, DuplicatePair{A: Match{ID: a}, B: Match{ID: b}, Reasons: []string{reason}})
			}
		}
		return nil
	}
	passes := []struct {
		reason string
		groups string // keyset-paged GROUP BY over one index
		ids    string
	}{
		{ReasonNameDOB,
			`SELECT dob, name_key FROM patients WHERE merged_into IS NULL AND (dob, name_key) > (?, ?) AND name_key <> ''
				GROUP BY dob, name_key HAVING COUNT(*) > 1 ORDER BY dob, name_key LIMIT 200`,
			`SELECT id FROM patients WHERE merged_into IS NULL AND dob = ? AND name_key = ? ORDER BY id LIMIT 20`},
		{ReasonPhoneDOB,
			`SELECT mobile, dob FROM patients WHERE mobile IS NOT NULL AND (mobile, dob) > (?, ?)
				GROUP BY mobile, dob HAVING COUNT(*) > 1 ORDER BY mobile, dob LIMIT 200`,
			`SELECT id FROM patients WHERE mobile = ? AND dob = ? AND merged_into IS NULL ORDER BY id LIMIT 20`},
	}
	for _, pass := range passes {
		k1, k2 := "", ""
		for len(out) < limit {
			var keys [][2]string
			rows, err := db.QueryContext(ctx, pass.groups, k1, k2)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var k [2]string
				if err := rows.Scan(&k[0], &k[1]); err != nil {
					rows.Close()
					return nil, err
				}
				keys = append(keys, k)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
			if len(keys) == 0 {
				break
			}
			for _, k := range keys {
				ids, err := queryIDs(ctx, db, pass.ids, k[0], k[1])
				if err != nil {
					return nil, err
				}
				if err := addGroup(pass.reason, ids); err != nil {
					return nil, err
				}
				if len(out) >= limit {
					break
				}
			}
			k1, k2 = keys[len(keys)-1][0], keys[len(keys)-1][1]
		}
	}
	// Fill in the names.
	for i := range out {
		for _, m := range []*Match{&out[i].A, &out[i].B} {
			var dob, surname, given string
			if err := db.QueryRowContext(ctx, `SELECT number, surname_en, given_name_en, name_zh, dob FROM patients WHERE id = ?`, m.ID).
				Scan(&m.Number, &surname, &given, &m.NameZH, &dob); err != nil {
				return nil, err
			}
			m.NameEN = nameEN(surname, given)
			m.DOB, _ = ParseDOB(dob)
		}
	}
	return out, nil
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// NotDuplicates records that two patients on the review page are different people, so that
// LikelyDuplicates stops showing the pair.
func NotDuplicates(ctx context.Context, db *store.DB, a, b int64, actor audit.Actor) error {
	if a == b {
		return clinic.Invalid("patient", "error.merge.same")
	}
	a, b = min(a, b), max(a, b)
	return db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO patient_not_duplicates (a_id, b_id, at, by_id, by_name)
			SELECT ?, ?, ?, NULLIF(?,0), ? WHERE (SELECT COUNT(*) FROM patients WHERE id IN (?, ?)) = 2`,
			a, b, now(), actor.UserID, actor.Username, a, b)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Append(ctx, tx,
			actor.Entry(audit.ActionChange, "patient", fmt.Sprint(a), a, fmt.Sprintf("not the same person as patient id %d", b)),
			actor.Entry(audit.ActionChange, "patient", fmt.Sprint(b), b, fmt.Sprintf("not the same person as patient id %d", a)))
	})
}
