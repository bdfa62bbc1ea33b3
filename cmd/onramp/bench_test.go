package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/onramp-hk/onramp/clinic/store"
)

// BenchmarkStartToServing measures the time from starting OnRamp to accepting connections, on
// an empty data folder and on a large database (ONRAMP_BENCH_DB_MB, default 1024, built once
// and cached in the temp folder).
func BenchmarkStartToServing(b *testing.B) {
	b.Run("empty", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			c := testConfig(b, filepath.Join(b.TempDir(), fmt.Sprint(i)))
			b.StartTimer()
			_, stop := startServing(b, c)
			b.StopTimer()
			stop()
			b.StartTimer()
		}
	})
	b.Run("large", func(b *testing.B) {
		mb := 1024
		if v, err := strconv.Atoi(os.Getenv("ONRAMP_BENCH_DB_MB")); err == nil {
			mb = v
		}
		dir := largeDataDir(b, mb)
		c := testConfig(b, dir)
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			_, stop := startServing(b, c)
			b.StopTimer()
			stop()
			b.StartTimer()
		}
		st, _ := os.Stat(filepath.Join(dir, store.FileName))
		b.ReportMetric(float64(st.Size())/(1<<20), "db-MB")
	})
}

// largeDataDir builds (once) a migrated database of about mb megabytes.
func largeDataDir(b *testing.B, mb int) string {
	dir := filepath.Join(os.TempDir(), fmt.Sprintf("onramp-bench-%dmb", mb))
	if _, err := os.Stat(filepath.Join(dir, "ready")); err == nil {
		return dir
	}
	os.RemoveAll(dir)
	os.MkdirAll(dir, 0o700)
	db, err := store.Open(filepath.Join(dir, store.FileName), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if _, err := db.Migrate(ctx, nil); err != nil {
		b.Fatal(err)
	}
	// Stand-in clinical bulk: rows of about 1 KB, as a note with its versions would be.
	if _, err := db.W.Exec(`CREATE TABLE IF NOT EXISTS bench_bulk (id INTEGER PRIMARY KEY, body BLOB)`); err != nil {
		b.Fatal(err)
	}
	row := make([]byte, 1000)
	for done := 0; done < mb*1024; {
		err := db.Write(ctx, func(tx *sql.Tx) error {
			st, err := tx.Prepare(`INSERT INTO bench_bulk (body) VALUES (?)`)
			if err != nil {
				return err
			}
			defer st.Close()
			for i := 0; i < 50000 && done < mb*1024; i++ {
				if _, err := st.Exec(row); err != nil {
					return err
				}
				done++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	db.Close()
	os.WriteFile(filepath.Join(dir, "ready"), nil, 0o600)
	return dir
}
