// Package storetest gives tests a real, migrated practice database in a temporary folder: the
// same SQLite file, pragmas and migrations as a clinic's, closed when the test ends.
package storetest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/onramp-hk/onramp/clinic/store"
)

// Open makes a new practice database with every migration applied.
func Open(t testing.TB) *store.DB {
	t.Helper()
	db, err := store.Open(filepath.Join(t.TempDir(), store.FileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return db
}
