package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

// The schema is a forward-only list of SQL files, "NNNN_name.sql", applied in order, each in
// its own transaction. PRAGMA user_version records how many have been applied.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// Migration is one step of the schema.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// ErrSchemaTooNew is returned when the database was written by a newer OnRamp: running an older
// binary on it could lose data it does not know about.
var ErrSchemaTooNew = errors.New("database schema is newer than this OnRamp")

// Migrations lists the embedded migrations in order.
func Migrations() []Migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	var out []Migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			panic("bad migration file name " + name)
		}
		body, _ := migrationFiles.ReadFile("migrations/" + name)
		out = append(out, Migration{Version: v, Name: strings.TrimSuffix(rest, ".sql"), SQL: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i, m := range out {
		if m.Version != i+1 {
			panic(fmt.Sprintf("migration %s: expected version %d", m.Name, i+1))
		}
	}
	return out
}

// SchemaVersion reads the applied version.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	var v int
	err := db.W.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}

// Pending returns the migrations not yet applied, or ErrSchemaTooNew.
func (db *DB) Pending(ctx context.Context) ([]Migration, error) {
	return db.pending(ctx, Migrations())
}

func (db *DB) pending(ctx context.Context, all []Migration) ([]Migration, error) {
	v, err := db.SchemaVersion(ctx)
	if err != nil {
		return nil, err
	}
	if v > len(all) {
		return nil, fmt.Errorf("%w: the database is at version %d, this OnRamp knows up to %d; install the newer OnRamp that wrote it, or restore a backup", ErrSchemaTooNew, v, len(all))
	}
	return all[v:], nil
}

// Migrate applies the pending migrations. When there are any and the database already holds a
// schema, beforeApply runs first (the caller takes a backup there); an error from it stops
// the migration.
func (db *DB) Migrate(ctx context.Context, beforeApply func(pending []Migration) error) (applied int, err error) {
	return db.migrate(ctx, Migrations(), beforeApply)
}

func (db *DB) migrate(ctx context.Context, all []Migration, beforeApply func(pending []Migration) error) (applied int, err error) {
	pending, err := db.pending(ctx, all)
	if err != nil {
		return 0, err
	}
	if len(pending) == 0 {
		return 0, nil
	}
	if v, _ := db.SchemaVersion(ctx); v > 0 && beforeApply != nil {
		if err := beforeApply(pending); err != nil {
			return 0, fmt.Errorf("before migrating: %w", err)
		}
	}
	for _, m := range pending {
		err := db.Write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", m.Version))
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %04d_%s: %w", m.Version, m.Name, err)
		}
		applied++
	}
	return applied, nil
}
