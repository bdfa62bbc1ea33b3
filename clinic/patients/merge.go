package patients

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// OwnedTable is a table whose rows belong to a patient through one column (visits.patient_id).
type OwnedTable struct {
	Table, Column string
}

var owned struct {
	sync.Mutex
	tables []OwnedTable
}

var identRe = regexp.MustCompile(`^[a-z_][a-z0-9_]*$`)

// RegisterOwnedTable tells Merge to move a table's rows from the merged patient to the survivor
// (and Unmerge to move them back). Features call it from init(), once per table and column that
// holds a patient id:
//
//	func init() { patients.RegisterOwnedTable("visits", "patient_id") }
//
// The table must have a rowid (not WITHOUT ROWID), because a merge remembers the rowids it moved,
// and should have an index on the column. Tables of this package are not registered: a merged
// record keeps its own demographic and consent history.
func RegisterOwnedTable(table, column string) {
	if !identRe.MatchString(table) || !identRe.MatchString(column) {
		panic(fmt.Sprintf("patients: bad owned table %q.%q", table, column))
	}
	owned.Lock()
	defer owned.Unlock()
	t := OwnedTable{table, column}
	if !slices.Contains(owned.tables, t) {
		owned.tables = append(owned.tables, t)
	}
}

// OwnedTables lists the registered tables.
func OwnedTables() []OwnedTable {
	owned.Lock()
	defer owned.Unlock()
	return slices.Clone(owned.tables)
}

// MergeRecord is one merge, done or undone.
type MergeRecord struct {
	ID         int64
	SurvivorID int64
	MergedID   int64
	Reason     string
	MergedAt   time.Time
	MergedBy   string
	UndoneAt   time.Time // zero while in force
	UndoneBy   string
	RowsMoved  map[string]int // table -> rows moved
}

// Merge folds a duplicate record into the survivor: every row of every registered table moves
// to the survivor (and is remembered, for Unmerge); the merged record is marked as merged, never
// deleted, and its number, documents, phones and names still find the survivor in Search. The
// survivor's own demographics are not changed: edit them first if the merged record had the
// better ones. It returns the merge's id.
func Merge(ctx context.Context, db *store.DB, survivorID, mergedID int64, reason string, actor audit.Actor) (int64, error) {
	reason = clean(reason, false)
	var errs clinic.ValidationErrors
	if reason == "" {
		errs = append(errs, clinic.Invalid("reason", "error.required"))
	} else if tooLong(reason, MaxReason) {
		errs = append(errs, clinic.Invalid("reason", "error.too_long", MaxReason))
	}
	if survivorID == mergedID {
		errs = append(errs, clinic.Invalid("patient", "error.merge.same"))
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	var mergeID int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		survivor, err := get(ctx, tx, survivorID)
		if err != nil {
			return err
		}
		merged, err := get(ctx, tx, mergedID)
		if err != nil {
			return err
		}
		if survivor.Merged() || merged.Merged() {
			return clinic.Invalid("patient", "error.merge.already_merged")
		}
		ts := now()
		res, err := tx.ExecContext(ctx, `INSERT INTO patient_merges (survivor_id, merged_id, reason, merged_at, merged_by, merged_by_name)
			VALUES (?,?,?,?,NULLIF(?,0),?)`, survivorID, mergedID, reason, ts, actor.UserID, actor.Username)
		if err != nil {
			return err
		}
		if mergeID, err = res.LastInsertId(); err != nil {
			return err
		}
		var moved []string
		for _, t := range OwnedTables() {
			// Remember exactly which rows move, then move them.
			res, err := tx.ExecContext(ctx, fmt.Sprintf(`INSERT INTO patient_merge_moves (merge_id, tbl, row_id)
				SELECT ?, ?, rowid FROM %s WHERE %s = ?`, t.Table, t.Column), mergeID, t.Table+"."+t.Column, mergedID)
			if err != nil {
				return fmt.Errorf("merge %s: %w", t.Table, err)
			}
			n, _ := res.RowsAffected()
			if n == 0 {
				continue
			}
			if _, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ?`, t.Table, t.Column, t.Column),
				survivorID, mergedID); err != nil {
				return fmt.Errorf("merge %s: %w", t.Table, err)
			}
			moved = append(moved, fmt.Sprintf("%s %d", t.Table, n))
		}
		if _, err := tx.ExecContext(ctx, `UPDATE patients SET merged_into=?, merged_at=?, version=version+1, updated_at=? WHERE id=?`,
			survivorID, ts, ts, mergedID); err != nil {
			return err
		}
		detail := fmt.Sprintf("merge %d: %s merged into %s; moved: %s; reason: %s", mergeID, merged.Number, survivor.Number,
			orNone(moved), reason)
		return audit.Append(ctx, tx,
			actor.Entry(ActionMerge, "patient", fmt.Sprint(survivorID), survivorID, detail),
			actor.Entry(ActionMerge, "patient", fmt.Sprint(mergedID), mergedID, detail))
	})
	return mergeID, err
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "nothing"
	}
	return strings.Join(s, ", ")
}

// Unmerge undoes a merge from its record: the rows that moved go back to the merged record
// (rows added to the survivor since stay with it), and the merged record lives again. Merges
// are undone newest first: a survivor that was itself merged away since must be un-merged
// first. An identity document that now belongs to another living patient is refused with a
// *DuplicateError.
func Unmerge(ctx context.Context, db *store.DB, mergeID int64, actor audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		var survivorID, mergedID int64
		var undone string
		err := tx.QueryRowContext(ctx, `SELECT survivor_id, merged_id, undone_at FROM patient_merges WHERE id = ?`, mergeID).
			Scan(&survivorID, &mergedID, &undone)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		if undone != "" {
			return clinic.Invalid("merge", "error.merge.undone")
		}
		survivor, err := get(ctx, tx, survivorID)
		if err != nil {
			return err
		}
		merged, err := get(ctx, tx, mergedID)
		if err != nil {
			return err
		}
		if survivor.Merged() {
			return clinic.Invalid("merge", "error.merge.survivor_merged")
		}
		if merged.MergedInto != survivorID {
			return clinic.ErrConflict
		}
		// The merged record's document must not have been given to a living patient meanwhile
		// (the survivor often takes it over).
		var docKey sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT doc_key FROM patients WHERE id = ?`, mergedID).Scan(&docKey); err != nil {
			return err
		}
		if docKey.Valid {
			var d DuplicateError
			err := tx.QueryRowContext(ctx, `SELECT id, number FROM patients WHERE doc_key = ? AND merged_into IS NULL`, docKey.String).
				Scan(&d.ExistingID, &d.Number)
			if err == nil {
				return &d
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		tables := map[string]OwnedTable{}
		for _, t := range OwnedTables() {
			tables[t.Table+"."+t.Column] = t
		}
		moved, err := movedTables(ctx, tx, mergeID)
		if err != nil {
			return err
		}
		var back []string
		for _, key := range moved {
			t, ok := tables[key]
			if !ok {
				return fmt.Errorf("unmerge %d: rows of %s moved but that table is no longer registered", mergeID, key)
			}
			// Only rows still with the survivor go back: a rowid the survivor no longer holds was
			// deleted, or reused by another patient's row.
			res, err := tx.ExecContext(ctx, fmt.Sprintf(`UPDATE %s SET %s = ? WHERE %s = ? AND rowid IN
				(SELECT row_id FROM patient_merge_moves WHERE merge_id = ? AND tbl = ?)`, t.Table, t.Column, t.Column),
				mergedID, survivorID, mergeID, key)
			if err != nil {
				return fmt.Errorf("unmerge %s: %w", t.Table, err)
			}
			n, _ := res.RowsAffected()
			back = append(back, fmt.Sprintf("%s %d", t.Table, n))
		}
		ts := now()
		if _, err := tx.ExecContext(ctx, `UPDATE patients SET merged_into=NULL, merged_at='', version=version+1, updated_at=? WHERE id=?`,
			ts, mergedID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE patient_merges SET undone_at=?, undone_by=NULLIF(?,0), undone_by_name=?
			WHERE id=?`, ts, actor.UserID, actor.Username, mergeID); err != nil {
			return err
		}
		detail := fmt.Sprintf("undo merge %d: %s separated from %s; moved back: %s", mergeID, merged.Number, survivor.Number, orNone(back))
		return audit.Append(ctx, tx,
			actor.Entry(ActionUnmerge, "patient", fmt.Sprint(survivorID), survivorID, detail),
			actor.Entry(ActionUnmerge, "patient", fmt.Sprint(mergedID), mergedID, detail))
	})
}

func movedTables(ctx context.Context, tx *sql.Tx, mergeID int64) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT tbl, COUNT(*) FROM patient_merge_moves WHERE merge_id = ? GROUP BY tbl`, mergeID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var t string
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Merges lists the merges a patient took part in, as survivor or as merged record, newest first.
func Merges(ctx context.Context, db *sql.DB, patientID int64) ([]MergeRecord, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, survivor_id, merged_id, reason, merged_at, merged_by_name, undone_at,
		undone_by_name FROM patient_merges WHERE survivor_id = ?
		UNION SELECT id, survivor_id, merged_id, reason, merged_at, merged_by_name, undone_at, undone_by_name
		FROM patient_merges WHERE merged_id = ? ORDER BY id DESC`, patientID, patientID)
	if err != nil {
		return nil, err
	}
	var out []MergeRecord
	for rows.Next() {
		var m MergeRecord
		var at, undone string
		if err := rows.Scan(&m.ID, &m.SurvivorID, &m.MergedID, &m.Reason, &at, &m.MergedBy, &undone, &m.UndoneBy); err != nil {
			rows.Close()
			return nil, err
		}
		m.MergedAt, m.UndoneAt = parseTime(at), parseTime(undone)
		out = append(out, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		counts, err := db.QueryContext(ctx, `SELECT tbl, COUNT(*) FROM patient_merge_moves WHERE merge_id = ? GROUP BY tbl`, out[i].ID)
		if err != nil {
			return nil, err
		}
		out[i].RowsMoved = map[string]int{}
		for counts.Next() {
			var t string
			var n int
			if err := counts.Scan(&t, &n); err != nil {
				counts.Close()
				return nil, err
			}
			out[i].RowsMoved[t] = n
		}
		counts.Close()
	}
	return out, nil
}
