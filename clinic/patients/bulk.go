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

// Bulk adds many patients in the caller's write transaction, with the statements prepared once:
// the CSV import and the demo data go through it, so they insert exactly as Create does. It
// validates each patient but does not look for duplicates: Import checks the whole file first,
// and demo data is unique by construction. It writes no audit rows; the caller does.
//
// Into an empty patients table (a new practice loading its old records) it drops the secondary
// indexes of patients and builds them again in Close: sorting a million keys once is several
// times faster than keeping six b-trees up to date row by row. Close must therefore be called
// before the transaction commits; a transaction that fails rolls the indexes back with the rest.
type Bulk struct {
	ctx     context.Context
	tx      *sql.Tx
	w       *writer
	prefix  string
	actor   audit.Actor
	rebuild []string // CREATE INDEX statements to run in Close
	added   int      // patients added, to decide whether the name indexes need merging
}

// NewBulk prepares a Bulk in tx; numbers are handed out with the given prefix.
func NewBulk(ctx context.Context, tx *sql.Tx, prefix string, actor audit.Actor) (*Bulk, error) {
	if !prefixRe.MatchString(prefix) {
		return nil, fmt.Errorf("patients: bad number prefix %q", prefix)
	}
	b := &Bulk{ctx: ctx, tx: tx, prefix: prefix, actor: actor}
	var any int
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM patients)`).Scan(&any); err != nil {
		return nil, err
	}
	if any == 0 {
		// The unique patient number stays: numbers are handed out in order, so it only appends,
		// and it catches a number kept from an old system twice.
		rows, err := tx.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index'
			AND tbl_name = 'patients' AND sql IS NOT NULL AND name <> 'patients_number' ORDER BY name`)
		if err != nil {
			return nil, err
		}
		var names []string
		for rows.Next() {
			var name, ddl string
			if err := rows.Scan(&name, &ddl); err != nil {
				rows.Close()
				return nil, err
			}
			names, b.rebuild = append(names, name), append(b.rebuild, ddl)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, name := range names {
			if _, err := tx.ExecContext(ctx, `DROP INDEX "`+name+`"`); err != nil {
				return nil, err
			}
		}
	}
	w, err := newWriter(ctx, tx)
	if err != nil {
		return nil, err
	}
	w.deferIndex = true
	if any == 0 {
		w.fresh, w.used = true, map[string]bool{}
	}
	b.w = w
	return b, nil
}

// Add validates and inserts one patient, and returns its id and number. An Input that passed
// Validate and was not changed since is not checked again, so that a loader can validate on
// another goroutine while this one writes.
func (b *Bulk) Add(in *Input) (int64, string, error) {
	if !in.valid {
		if err := in.Validate(); err != nil {
			return 0, "", err
		}
	}
	b.added++
	return b.w.insert(b.ctx, b.prefix, in, b.actor)
}

// Flush writes the search keys queued so far; a long load calls it every few ten thousand
// patients so that the queue does not grow without end.
func (b *Bulk) Flush() error { return b.w.flushIndex(b.ctx) }

// Close writes the search keys and the number counter, builds the indexes it dropped, and
// releases the statements; call it before the commit.
func (b *Bulk) Close() error {
	defer b.w.close()
	if err := b.w.flushIndex(b.ctx); err != nil {
		return err
	}
	if err := b.w.saveNumbers(b.ctx); err != nil {
		return err
	}
	for _, ddl := range b.rebuild {
		if _, err := b.tx.ExecContext(b.ctx, ddl); err != nil {
			if strings.Contains(err.Error(), "UNIQUE constraint failed: patients.doc_key") {
				return clinic.Invalid("doc_number", "error.patient.document_taken")
			}
			return fmt.Errorf("rebuild index: %w", err)
		}
	}
	b.rebuild = nil
	if b.added >= optimizeAfter {
		if err := optimizeSearch(b.ctx, b.tx); err != nil {
			return err
		}
	}
	return nil
}

// optimizeAfter is how many patients a load adds before the name indexes are merged at its
// end. A big load leaves them in many segments, and a name search walks every segment: at a
// million patients, merging (about 5 s) made name searches twice as fast.
const optimizeAfter = 10000

// optimizeSearch merges the name indexes into one segment each.
func optimizeSearch(ctx context.Context, tx *sql.Tx) error {
	for _, t := range []string{"patient_names", "patient_names_zh"} {
		if _, err := tx.ExecContext(ctx, `INSERT INTO `+t+`(`+t+`) VALUES('optimize')`); err != nil {
			return fmt.Errorf("optimize %s: %w", t, err)
		}
	}
	return nil
}

// BulkPragmas tunes the writer connection for a big load and returns the function that puts it
// back: a bigger page cache, because the indexes take inserts all over their b-trees, and
// statement journals in memory rather than in a temporary file (each insert into patients keeps
// one, and writing it to disk took a third of the time).
func BulkPragmas(ctx context.Context, db *store.DB) (restore func(), err error) {
	var cache, temp int64
	if err := db.W.QueryRowContext(ctx, `PRAGMA cache_size`).Scan(&cache); err != nil {
		return nil, err
	}
	if err := db.W.QueryRowContext(ctx, `PRAGMA temp_store`).Scan(&temp); err != nil {
		return nil, err
	}
	if _, err := db.W.ExecContext(ctx, `PRAGMA cache_size = -262144; PRAGMA temp_store = MEMORY`); err != nil {
		return nil, err
	}
	return func() {
		_, _ = db.W.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA cache_size = %d; PRAGMA temp_store = %d`, cache, temp))
	}, nil
}
