package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofrs/flock"
	"gopkg.in/natefinch/lumberjack.v2"

	"github.com/onramp-hk/onramp/clinic/store"
)

func knownSchema() int { return len(store.Migrations()) }

// newLogger writes structured logs to stderr and to a size-rotated file in the data folder, so
// that a clinic with no IT help can send the file to whoever helps them.
func newLogger(c *Config, stderr io.Writer) (*slog.Logger, io.Closer, error) {
	level := slog.LevelInfo
	if err := level.UnmarshalText([]byte(c.Log.Level)); err != nil {
		return nil, nil, fmt.Errorf("log.level %q: use debug, info, warn or error", c.Log.Level)
	}
	if err := os.MkdirAll(filepath.Dir(c.Log.File), 0o700); err != nil {
		return nil, nil, err
	}
	file := &lumberjack.Logger{Filename: c.Log.File, MaxSize: c.Log.MaxSizeMB, MaxBackups: c.Log.Keep}
	h := slog.NewTextHandler(io.MultiWriter(stderr, file), &slog.HandlerOptions{Level: level})
	return slog.New(h), file, nil
}

// lockData takes the data folder for this process: a second server, or a restore while the
// server runs, would otherwise pull the database from under the clinic.
func lockData(c *Config) (*flock.Flock, error) {
	if err := os.MkdirAll(c.Data, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	l := flock.New(c.lockPath())
	ok, err := l.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock data folder: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("OnRamp is already running on %s: stop it first", c.Data)
	}
	return l, nil
}

// openStore opens the database and brings its schema up to date, taking a backup first when an
// existing database is about to be migrated.
func openStore(ctx context.Context, c *Config, log *slog.Logger) (*store.DB, error) {
	db, err := store.Open(c.dbPath(), store.Options{})
	if err != nil {
		return nil, err
	}
	applied, err := db.Migrate(ctx, func(pending []store.Migration) error {
		info, err := db.Backup(ctx, backupOptions(c, "pre-migration"))
		if err != nil {
			return fmt.Errorf("backup before migrating failed, nothing changed: %w", err)
		}
		log.Info("backup taken before migrating", "file", info.Path, "pending", len(pending))
		return nil
	})
	if err != nil {
		db.Close()
		if errors.Is(err, store.ErrSchemaTooNew) {
			return nil, err
		}
		return nil, fmt.Errorf("update database schema: %w", err)
	}
	if applied > 0 {
		log.Info("database schema updated", "applied", applied, "version", knownSchema())
	}
	return db, nil
}

func backupOptions(c *Config, reason string) store.BackupOptions {
	return store.BackupOptions{Dir: c.Backup.Dir, Keep: c.Backup.Keep, FilesDir: c.filesDir(), Reason: reason, AppVersion: version}
}

// isCI tells the first run not to open a browser on a build machine.
func isCI() bool { return strings.EqualFold(os.Getenv("CI"), "true") }
