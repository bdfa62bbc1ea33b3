// Package audit keeps the medico-legal trail: who saw or changed which record, when, and from
// where. Rows are append-only (triggers refuse UPDATE and DELETE) and hash-chained, so that a
// row edited or removed behind the application's back is found by Verify.
package audit

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Actions recorded. Views and prints of patient data are as much part of the trail as changes.
const (
	ActionLogin       = "login"
	ActionLoginFailed = "login_failed"
	ActionLogout      = "logout"
	ActionView        = "view"
	ActionCreate      = "create"
	ActionChange      = "change"
	ActionDelete      = "delete"
	ActionPrint       = "print"
	ActionExport      = "export"
	ActionBackup      = "backup"
	ActionRestore     = "restore"
	ActionSetup       = "setup"
)

// Entry is one audited event.
type Entry struct {
	ID         int64
	At         time.Time
	UserID     int64 // 0 when no user is known (failed login of an unknown name, the system)
	Username   string
	Roles      string
	Action     string
	Entity     string // patient, visit, user, backup, ...
	EntityID   string
	PatientID  int64 // the patient whose record was touched, 0 when none
	Detail     string
	RemoteAddr string
	PrevHash   string
	Hash       string
}

// genesis is the previous hash of the first row.
const genesis = "0000000000000000000000000000000000000000000000000000000000000000"

// hash binds a row's content to the row before it. Fields are length-prefixed so that moving
// text from one field to the next changes the hash.
func (e *Entry) hash(prev string) string {
	h := sha256.New()
	for _, f := range []string{
		prev,
		e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.UserID, 10), e.Username, e.Roles,
		e.Action, e.Entity, e.EntityID,
		strconv.FormatInt(e.PatientID, 10), e.Detail, e.RemoteAddr,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Append writes entries in the caller's write transaction, so that a change and its audit row
// commit or fail together. The writer connection is single, so reading the last hash here
// cannot race another writer.
func Append(ctx context.Context, tx *sql.Tx, entries ...Entry) error {
	if len(entries) == 0 {
		return nil
	}
	prev := genesis
	err := tx.QueryRowContext(ctx, `SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("audit: read chain: %w", err)
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO audit_log
		(at, user_id, username, roles, action, entity, entity_id, patient_id, detail, remote_addr, prev_hash, hash)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return fmt.Errorf("audit: %w", err)
	}
	defer stmt.Close()
	for i := range entries {
		e := &entries[i]
		if e.At.IsZero() {
			e.At = time.Now()
		}
		e.At = e.At.UTC()
		e.PrevHash = prev
		e.Hash = e.hash(prev)
		if _, err := stmt.ExecContext(ctx, e.At.Format(time.RFC3339Nano), nullInt(e.UserID), e.Username, e.Roles,
			e.Action, e.Entity, e.EntityID, nullInt(e.PatientID), e.Detail, e.RemoteAddr, e.PrevHash, e.Hash); err != nil {
			return fmt.Errorf("audit: insert: %w", err)
		}
		prev = e.Hash
	}
	return nil
}

func nullInt(v int64) any {
	if v == 0 {
		return nil
	}
	return v
}

// VerifyError names the first row where the chain breaks.
type VerifyError struct {
	RowID  int64
	Reason string
}

func (e *VerifyError) Error() string {
	return fmt.Sprintf("audit log broken at row %d: %s", e.RowID, e.Reason)
}

// Verify walks the whole chain and returns how many rows it checked, or a *VerifyError at the
// first row that was edited, removed or inserted out of turn.
func Verify(ctx context.Context, db *sql.DB) (int, error) {
	rows, err := db.QueryContext(ctx, `SELECT id, at, COALESCE(user_id,0), username, roles, action, entity, entity_id,
		COALESCE(patient_id,0), detail, remote_addr, prev_hash, hash FROM audit_log ORDER BY id`)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	prev, n, lastID := genesis, 0, int64(0)
	for rows.Next() {
		var e Entry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Username, &e.Roles, &e.Action, &e.Entity, &e.EntityID,
			&e.PatientID, &e.Detail, &e.RemoteAddr, &e.PrevHash, &e.Hash); err != nil {
			return n, err
		}
		if e.At, err = time.Parse(time.RFC3339Nano, at); err != nil {
			return n, &VerifyError{e.ID, "unreadable time " + at}
		}
		if lastID != 0 && e.ID != lastID+1 {
			return n, &VerifyError{e.ID, fmt.Sprintf("rows %d to %d are missing", lastID+1, e.ID-1)}
		}
		if e.PrevHash != prev {
			return n, &VerifyError{e.ID, "does not follow the row before it (a row was removed or replaced)"}
		}
		if e.hash(prev) != e.Hash {
			return n, &VerifyError{e.ID, "its content was changed after it was written"}
		}
		prev, lastID = e.Hash, e.ID
		n++
	}
	return n, rows.Err()
}

// Filter selects audit rows for the admin's search page.
type Filter struct {
	PatientID int64
	UserID    int64
	Username  string
	From, To  time.Time // To is exclusive
	Action    string
	Limit     int
	BeforeID  int64 // for paging: rows older than this id
}

// Search returns the newest rows matching f.
func Search(ctx context.Context, db *sql.DB, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	if f.PatientID != 0 {
		where, args = append(where, "patient_id = ?"), append(args, f.PatientID)
	}
	if f.UserID != 0 {
		where, args = append(where, "user_id = ?"), append(args, f.UserID)
	}
	if f.Username != "" {
		where, args = append(where, "username = ? COLLATE NOCASE"), append(args, f.Username)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.From.UTC().Format(time.RFC3339Nano))
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.To.UTC().Format(time.RFC3339Nano))
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.BeforeID != 0 {
		where, args = append(where, "id < ?"), append(args, f.BeforeID)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 200
	}
	q := `SELECT id, at, COALESCE(user_id,0), username, roles, action, entity, entity_id, COALESCE(patient_id,0),
		detail, remote_addr, prev_hash, hash FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.UserID, &e.Username, &e.Roles, &e.Action, &e.Entity, &e.EntityID,
			&e.PatientID, &e.Detail, &e.RemoteAddr, &e.PrevHash, &e.Hash); err != nil {
			return nil, err
		}
		e.At, _ = time.Parse(time.RFC3339Nano, at)
		out = append(out, e)
	}
	return out, rows.Err()
}

// Actor is who is doing something, carried from the login session to every audited call.
type Actor struct {
	UserID     int64
	Username   string
	Roles      string // comma-separated, as held at the time
	RemoteAddr string
}

// System is the actor for scheduled jobs and command-line tools run on the server itself.
var System = Actor{Username: "system"}

// Entry builds an audit entry for this actor.
func (a Actor) Entry(action, entity, entityID string, patientID int64, detail string) Entry {
	return Entry{UserID: a.UserID, Username: a.Username, Roles: a.Roles, RemoteAddr: a.RemoteAddr,
		Action: action, Entity: entity, EntityID: entityID, PatientID: patientID, Detail: detail}
}
