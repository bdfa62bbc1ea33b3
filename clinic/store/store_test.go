package store

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func openTest(t *testing.T, dir string) *DB {
	t.Helper()
	db, err := Open(filepath.Join(dir, FileName), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestOpenSetsThePragmas(t *testing.T) {
	db := openTest(t, t.TempDir())
	tests := []struct {
		conn   *sql.DB
		pragma string
		want   string
	}{
		{db.W, "journal_mode", "wal"},
		{db.W, "foreign_keys", "1"},
		{db.W, "synchronous", "2"}, // FULL
		{db.W, "busy_timeout", "10000"},
		{db.R, "foreign_keys", "1"},
		{db.R, "query_only", "1"},
		{db.R, "synchronous", "2"},
	}
	for _, tt := range tests {
		var got string
		if err := tt.conn.QueryRow("PRAGMA " + tt.pragma).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %s, want %s", tt.pragma, got, tt.want)
		}
	}
	if _, err := db.R.Exec(`CREATE TABLE x (a)`); err == nil {
		t.Error("a reader connection could write")
	}
}

func TestMigrateAndRefuseANewerSchema(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db := openTest(t, dir)
	called := false
	n, err := db.Migrate(ctx, func([]Migration) error { called = true; return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != len(Migrations()) || called {
		t.Errorf("applied %d (want %d); backup hook called on an empty database: %v", n, len(Migrations()), called)
	}
	if n, _ := db.Migrate(ctx, nil); n != 0 {
		t.Errorf("second migrate applied %d", n)
	}
	// A database from a newer OnRamp is refused with a message that says so.
	if _, err := db.W.Exec(`PRAGMA user_version = 999`); err != nil {
		t.Fatal(err)
	}
	_, err = db.Migrate(ctx, nil)
	if !errors.Is(err, ErrSchemaTooNew) || !strings.Contains(err.Error(), "999") {
		t.Errorf("newer schema: %v", err)
	}
}

func TestPendingMigrationTakesABackupFirst(t *testing.T) {
	ctx := context.Background()
	db := openTest(t, t.TempDir())
	v1 := []Migration{{Version: 1, Name: "one", SQL: `CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)`}}
	v2 := append(v1, Migration{Version: 2, Name: "two", SQL: `ALTER TABLE notes ADD COLUMN signed INTEGER NOT NULL DEFAULT 0`})
	if _, err := db.migrate(ctx, v1, func([]Migration) error { t.Error("backup asked for on an empty database"); return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.Exec(`INSERT INTO notes (text) VALUES ('keep me')`); err != nil {
		t.Fatal(err)
	}
	backups := filepath.Join(t.TempDir(), "b")

	// A failing backup stops the migration and changes nothing.
	if _, err := db.migrate(ctx, v2, func([]Migration) error { return errors.New("disk full") }); err == nil {
		t.Fatal("migration went ahead without its backup")
	}
	if v, _ := db.SchemaVersion(ctx); v != 1 {
		t.Fatalf("version %d after a refused migration", v)
	}

	var backedUp bool
	n, err := db.migrate(ctx, v2, func(p []Migration) error {
		if len(p) != 1 || p[0].Version != 2 {
			t.Errorf("pending = %v", p)
		}
		info, err := db.Backup(ctx, BackupOptions{Dir: backups, Reason: "pre-migration"})
		backedUp = err == nil && info.SchemaVersion == 1 && info.Verified
		return err
	})
	if err != nil || n != 1 || !backedUp {
		t.Fatalf("applied %d, err %v, backed up first: %v", n, err, backedUp)
	}
	list, _ := ListBackups(backups)
	if len(list) != 1 || list[0].SchemaVersion != 1 || list[0].Reason != "pre-migration" {
		t.Errorf("backups: %+v", list)
	}
}

func TestBackupThenRestoreGivesTheSameData(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	db := openTest(t, dataDir)
	if _, err := db.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	filesDir := filepath.Join(dataDir, "files")
	os.MkdirAll(filepath.Join(filesDir, "ab"), 0o700)
	os.WriteFile(filepath.Join(filesDir, "ab", "report.pdf"), []byte("%PDF-1.4 lab report"), 0o600)
	write := func(k, v string) {
		if err := db.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.Exec(`INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, k, v)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	write("a", "before")
	write("b", "陳大文 𨋢")
	backups := filepath.Join(t.TempDir(), "backups")
	info, err := db.Backup(ctx, BackupOptions{Dir: backups, FilesDir: filesDir, Keep: 2, Reason: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if !info.Verified || info.Files != 1 {
		t.Errorf("backup info %+v", info)
	}
	write("a", "after") // a change made after the backup
	os.WriteFile(filepath.Join(filesDir, "ab", "report.pdf"), []byte("changed"), 0o600)
	db.Close()

	if _, err := Restore(ctx, info.Path, dataDir, filesDir, len(Migrations())); err != nil {
		t.Fatal(err)
	}
	db2 := openTest(t, dataDir)
	for k, want := range map[string]string{"a": "before", "b": "陳大文 𨋢"} {
		var got string
		db2.R.QueryRow(`SELECT value FROM settings WHERE key=?`, k).Scan(&got)
		if got != want {
			t.Errorf("restored %s = %q, want %q", k, got, want)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(filesDir, "ab", "report.pdf")); string(b) != "%PDF-1.4 lab report" {
		t.Errorf("attachment after restore: %q", b)
	}
	// What the restore replaced is kept.
	matches, _ := filepath.Glob(filepath.Join(dataDir, FileName+".replaced-*"))
	if len(matches) != 1 {
		t.Errorf("replaced database kept: %v", matches)
	}

	// Keep prunes the oldest.
	for i := 0; i < 3; i++ {
		if _, err := db2.Backup(ctx, BackupOptions{Dir: backups, Keep: 2}); err != nil {
			t.Fatal(err)
		}
	}
	if list, _ := ListBackups(backups); len(list) != 2 {
		t.Errorf("kept %d backups, want 2", len(list))
	}
}

func TestRestoreRefusesABadFile(t *testing.T) {
	ctx := context.Background()
	dataDir := t.TempDir()
	tests := []struct {
		name    string
		content []byte
	}{
		{"not a zip", []byte("hello")},
		{"empty", nil},
		{"half-written zip", []byte("PK\x03\x04\x14\x00\x00\x00\x00\x00")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := filepath.Join(t.TempDir(), "bad.zip")
			os.WriteFile(f, tt.content, 0o600)
			os.WriteFile(filepath.Join(dataDir, FileName), []byte("current"), 0o600)
			if _, err := Restore(ctx, f, dataDir, filepath.Join(dataDir, "files"), 99); err == nil {
				t.Fatal("restored a bad file")
			}
			if b, _ := os.ReadFile(filepath.Join(dataDir, FileName)); string(b) != "current" {
				t.Error("the current database was touched")
			}
		})
	}
}
