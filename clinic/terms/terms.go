// Package terms is the clinic's terminology of diagnoses and procedures: each term a local code
// with English and Chinese descriptions and, where the clinic has them, an HKCTT id and an
// ICD-10 code. Terms are chosen as the doctor types; they are imported from CSV and updated in
// place (a code keeps its meaning; one no longer offered is made inactive, never deleted, since
// old visits still name it). A small starter list written for OnRamp is loaded at first use.
package terms

import (
	"context"
	"database/sql"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Kinds of term.
const (
	Diagnosis = "diagnosis"
	Procedure = "procedure"
)

// Term is one entry of the terminology.
type Term struct {
	ID       int64
	Kind     string
	Code     string // local code
	NameEN   string
	NameZH   string
	ICD10    string
	HKCTTID  string
	Active   bool
	Favorite bool // one of the searching doctor's favourites
}

// MinQuery is how many characters a search needs: fewer match half the list.
const MinQuery = 3

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const termColumns = `t.id, t.kind, t.code, t.name_en, t.name_zh, t.icd10, t.hkctt_id, t.active`

func scan(row interface{ Scan(...any) error }, extra ...any) (Term, error) {
	var t Term
	err := row.Scan(append([]any{&t.ID, &t.Kind, &t.Code, &t.NameEN, &t.NameZH, &t.ICD10, &t.HKCTTID, &t.Active}, extra...)...)
	return t, err
}

// Get returns one term.
func Get(ctx context.Context, q querier, id int64) (Term, error) {
	t, err := scan(q.QueryRowContext(ctx, `SELECT `+termColumns+` FROM terms t WHERE t.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return t, clinic.ErrNotFound
	}
	return t, err
}

// searchKey is what a search matches: codes and both names, lower case.
func searchKey(code, en, zh, icd, hkctt string) string {
	return strings.ToLower(strings.Join([]string{code, en, zh, icd, hkctt}, " | "))
}

// Search finds active terms of a kind whose code or names contain the query, the doctor's
// favourites first, then those that start with it. The terminology of a clinic is some
// thousands of rows, so a scan of the table is a millisecond; the starter list is loaded first
// if the table is empty.
func Search(ctx context.Context, db *store.DB, kind, query string, doctorID int64, limit int) ([]Term, error) {
	query = strings.ToLower(strings.TrimSpace(query))
	if len([]rune(query)) < MinQuery && !hasHan(query) || query == "" {
		return nil, nil
	}
	if err := EnsureStarter(ctx, db); err != nil {
		return nil, err
	}
	like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(query) + "%"
	rows, err := db.R.QueryContext(ctx, `SELECT `+termColumns+`, f.term_id IS NOT NULL
		FROM terms t LEFT JOIN term_favourites f ON f.term_id = t.id AND f.user_id = ?
		WHERE t.kind = ? AND t.active = 1 AND t.search LIKE ? ESCAPE '\'
		ORDER BY f.term_id IS NULL, lower(t.code) <> ?, instr(t.search, ?) > instr(t.search, '|'), t.name_en
		LIMIT ?`, doctorID, kind, like, query, query, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var fav bool
		t, err := scan(rows, &fav)
		if err != nil {
			return nil, err
		}
		t.Favorite = fav
		out = append(out, t)
	}
	return out, rows.Err()
}

// hasHan: one or two Chinese characters already say a lot ("咳", "頭痛").
func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x3400 {
			return true
		}
	}
	return false
}

// Favourites lists a doctor's favourite terms of a kind.
func Favourites(ctx context.Context, q querier, kind string, userID int64) ([]Term, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+termColumns+` FROM term_favourites f JOIN terms t ON t.id = f.term_id
		WHERE f.user_id = ? AND t.kind = ? AND t.active = 1 ORDER BY t.name_en`, userID, kind)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		t, err := scan(rows)
		if err != nil {
			return nil, err
		}
		t.Favorite = true
		out = append(out, t)
	}
	return out, rows.Err()
}

// SetFavourite adds a term to a doctor's favourites or takes it off.
func SetFavourite(ctx context.Context, db *store.DB, userID, termID int64, on bool) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := Get(ctx, tx, termID); err != nil {
			return err
		}
		var err error
		if on {
			_, err = tx.ExecContext(ctx, `INSERT OR IGNORE INTO term_favourites (user_id, term_id) VALUES (?, ?)`, userID, termID)
		} else {
			_, err = tx.ExecContext(ctx, `DELETE FROM term_favourites WHERE user_id = ? AND term_id = ?`, userID, termID)
		}
		return err
	})
}

// Count is how many terms there are of each kind.
func Count(ctx context.Context, q querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT kind, count(*) FROM terms GROUP BY kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = n
	}
	return out, rows.Err()
}

//go:embed starter.csv
var starterCSV string

// EnsureStarter loads the starter list into an empty terminology. A clinic that imported its
// own list (or emptied nothing) is left alone.
func EnsureStarter(ctx context.Context, db *store.DB) error {
	var any int
	if err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM terms)`).Scan(&any); err != nil {
		return err
	}
	if any == 1 {
		return nil
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM terms)`).Scan(&any); err != nil || any == 1 {
			return err
		}
		rep, err := importTx(ctx, tx, strings.NewReader(starterCSV))
		if err != nil {
			return err
		}
		if len(rep.Bad) > 0 {
			return fmt.Errorf("terms: starter list has bad rows: %v", rep.Bad[0])
		}
		return audit.Append(ctx, tx, audit.System.Entry(ActionImport, "terms", "", 0,
			fmt.Sprintf("loaded the starter terminology: %d terms", rep.Added)))
	})
}

// ActionImport is the audit action of a terminology import.
const ActionImport = "import"

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }
