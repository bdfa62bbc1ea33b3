// Package outbox is where the clinic notes, in the same transaction as the change itself, that
// a record eHealth may hold was created, changed or deleted. The sharing adapter (package
// sharing) reads the outbox on its schedule and uploads what is due; the clinic never imports
// the adapter and never waits for the network.
//
// A feature that keeps sharable records calls Record in its write transaction:
//
//	err := db.Write(ctx, func(tx *sql.Tx) error {
//		res, err := tx.ExecContext(ctx, `INSERT INTO allergies ...`)
//		...
//		if err := audit.Append(ctx, tx, ...); err != nil {
//			return err
//		}
//		return outbox.Record(ctx, tx, outbox.Change{
//			Key: outbox.Key("AL1", "allergies", id), Domain: "AL1",
//			Tx: outbox.Insert, PatientID: patientID,
//		})
//	})
//
// Because the row commits or rolls back with the change, no change is ever lost between the
// clinic and the adapter, and none is sent that did not happen. The patient master index needs
// no calls: triggers on the patients table (migration 0004) write its rows.
package outbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TxType is what happened to the record, in eHealth's terms.
type TxType string

// Transaction types: insert, update, delete.
const (
	Insert TxType = "I"
	Update TxType = "U"
	Delete TxType = "D"
)

// Change is one create, change or delete of a sharable record.
type Change struct {
	// Key is the record's key for its whole life, unique in the clinic: build it with Key.
	Key string
	// Domain is the eHealth data domain: "AL1", "ADR", "IMMU", "PROB", "PX", "LABGEN",
	// "LABAP", or a provisional one ("PID", "ENC", "MED", "CLN", "REF").
	Domain string
	Tx     TxType
	// PatientID is the patient the record belongs to.
	PatientID int64
	// At is when the change happened; zero means now.
	At time.Time
	// Reason is why a record was deleted (eHealth wants one for allergies); optional.
	Reason string
}

// Key builds a record key: "OR-<domain>-<table>-<id>", e.g. "OR-AL1-allergies-17". It does not
// contain the clinic's eHealth provider id, so it survives a change of that id, and it stays
// within the 40 characters the oldest guides allow for short table names.
func Key(domain, table string, id int64) string {
	return "OR-" + domain + "-" + table + "-" + strconv.FormatInt(id, 10)
}

// ParseKey splits a key made by Key.
func ParseKey(key string) (domain, table string, id int64, ok bool) {
	rest, found := strings.CutPrefix(key, "OR-")
	if !found {
		return "", "", 0, false
	}
	domain, rest, found = strings.Cut(rest, "-")
	if !found {
		return "", "", 0, false
	}
	i := strings.LastIndexByte(rest, '-')
	if i <= 0 {
		return "", "", 0, false
	}
	id, err := strconv.ParseInt(rest[i+1:], 10, 64)
	if err != nil || id <= 0 {
		return "", "", 0, false
	}
	return domain, rest[:i], id, true
}

// ErrInvalid is returned for a change that could never be shared.
var ErrInvalid = errors.New("outbox: invalid change")

// Record writes the change in the caller's write transaction.
func Record(ctx context.Context, tx *sql.Tx, c Change) error {
	if err := c.validate(); err != nil {
		return err
	}
	at := c.At
	if at.IsZero() {
		at = time.Now()
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO outbox (record_key, domain, tx_type, patient_id, at, reason)
		VALUES (?,?,?,?,?,?)`, c.Key, c.Domain, string(c.Tx), c.PatientID, at.UTC().Format(time.RFC3339Nano), c.Reason)
	if err != nil {
		return fmt.Errorf("outbox: %w", err)
	}
	return nil
}

func (c Change) validate() error {
	switch {
	case c.Key == "" || len(c.Key) > 50:
		return fmt.Errorf("%w: record key %q", ErrInvalid, c.Key)
	case c.Domain == "":
		return fmt.Errorf("%w: no data domain for %s", ErrInvalid, c.Key)
	case c.Tx != Insert && c.Tx != Update && c.Tx != Delete:
		return fmt.Errorf("%w: transaction type %q for %s", ErrInvalid, c.Tx, c.Key)
	case c.PatientID <= 0:
		return fmt.Errorf("%w: no patient for %s", ErrInvalid, c.Key)
	}
	return nil
}

// Entry is a row of the outbox as the adapter reads it.
type Entry struct {
	ID int64
	Change
}

// Querier is a *sql.DB or a *sql.Tx.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Next returns up to limit of the oldest rows, in the order they were written.
func Next(ctx context.Context, q Querier, limit int) ([]Entry, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, record_key, domain, tx_type, patient_id, at, reason
		FROM outbox ORDER BY id LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var tx, at string
		if err := rows.Scan(&e.ID, &e.Key, &e.Domain, &tx, &e.PatientID, &at, &e.Reason); err != nil {
			return nil, err
		}
		e.Tx = TxType(tx)
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Done removes the rows up to and including lastID, in the adapter's transaction that took
// over what they said.
func Done(ctx context.Context, tx *sql.Tx, lastID int64) error {
	_, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE id <= ?`, lastID)
	return err
}

// Len is how many rows wait.
func Len(ctx context.Context, q Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n)
	return n, err
}
