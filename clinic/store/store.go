// Package store opens the practice's SQLite database: one writer connection so that writers
// queue instead of failing with "database is locked", and a pool of read-only readers that WAL
// lets run beside it. It also owns the schema migrations and the backups.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"time"

	_ "modernc.org/sqlite" // the pure-Go SQLite driver: no cgo, one binary
)

// FileName is the database file inside the data folder.
const FileName = "onramp.db"

// DB is the practice database.
type DB struct {
	Path string
	// W is the single writer connection. Every write goes through Write so that it runs in one
	// IMMEDIATE transaction and queues behind the others.
	W *sql.DB
	// R is a pool of read-only connections.
	R *sql.DB
}

// Options tune the connections; zero values take the defaults.
type Options struct {
	BusyTimeout time.Duration // how long a connection waits for a lock; default 10 s
	Readers     int           // size of the reader pool; default 2 x CPUs, at least 4
}

// pragmas are set on every connection. busy_timeout goes first so that the others can wait.
// synchronous=FULL because a clinical note whose save returned must survive a power cut.
func dsn(path string, busy time.Duration, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		// BEGIN IMMEDIATE takes the write lock at once, so a transaction never fails half way
		// when it upgrades from reading to writing.
		q.Set("_txlock", "immediate")
	}
	return "file:" + filepath.ToSlash(path) + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path. It does not migrate: see Migrate.
func Open(path string, opt Options) (*DB, error) {
	if opt.BusyTimeout == 0 {
		opt.BusyTimeout = 10 * time.Second
	}
	if opt.Readers == 0 {
		opt.Readers = max(4, 2*runtime.NumCPU())
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(path, opt.BusyTimeout, false))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	// Touch the writer first: it creates the file and switches it to WAL before any reader.
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	r, err := sql.Open("sqlite", dsn(path, opt.BusyTimeout, true))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(opt.Readers)
	r.SetMaxIdleConns(opt.Readers)
	r.SetConnMaxIdleTime(5 * time.Minute)
	return &DB{Path: path, W: w, R: r}, nil
}

// Close checkpoints the WAL into the main file and closes every connection, so that a clean
// shutdown leaves one self-contained database file.
func (db *DB) Close() error {
	_, cerr := db.W.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	rerr := db.R.Close()
	werr := db.W.Close()
	return errors.Join(rerr, werr, cerr)
}

// Write runs fn in one IMMEDIATE transaction on the writer connection and commits it, or
// rolls it back when fn returns an error. A change and its audit row go in the same fn.
func (db *DB) Write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Read runs fn in one read transaction, so that several queries see the same snapshot.
func (db *DB) Read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("begin read: %w", err)
	}
	defer tx.Rollback() //nolint:errcheck // a read transaction has nothing to keep
	return fn(tx)
}

// IntegrityCheck runs PRAGMA integrity_check and returns nil only when SQLite answers "ok".
func IntegrityCheck(ctx context.Context, conn *sql.DB) error {
	rows, err := conn.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check failed: %v", problems)
	}
	return nil
}
