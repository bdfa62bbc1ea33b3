package patients

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite"
)

// TestPreparedStatementsFollowTheirDatabase: statements are reused for one database, and a
// closed database's statements are let go when another database comes along.
func TestPreparedStatementsFollowTheirDatabase(t *testing.T) {
	ctx := context.Background()
	open := func() *sql.DB {
		db, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "x.db"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (7)`); err != nil {
			t.Fatal(err)
		}
		return db
	}
	a := open()
	p := preparedFor(a)
	for range 3 {
		var v int
		if err := p.QueryRowContext(ctx, `SELECT v FROM t WHERE v = ?`, 7).Scan(&v); err != nil || v != 7 {
			t.Fatalf("%d %v", v, err)
		}
	}
	if len(p.stmts) != 1 || preparedFor(a) != p {
		t.Fatalf("%d statements kept; same cache: %v", len(p.stmts), preparedFor(a) == p)
	}
	a.Close()
	b := open()
	defer b.Close()
	preparedFor(b)
	preparedMu.Lock()
	_, kept := preparedDBs[a]
	preparedMu.Unlock()
	if kept {
		t.Error("a closed database's statements are kept")
	}
	// A query that cannot be prepared reports its error when run, as without the cache.
	if _, err := preparedFor(b).QueryContext(ctx, `SELECT nope FROM nowhere`); err == nil {
		t.Error("a bad query ran")
	}
}
