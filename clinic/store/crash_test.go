package store

import (
	"bufio"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// TestCrashChild is the child of TestKilledWriterLosesNoCommittedRow: it writes rows as fast as
// it can from several goroutines and prints the id of each one whose commit has returned.
func TestCrashChild(t *testing.T) {
	path := os.Getenv("ONRAMP_CRASH_DB")
	if path == "" {
		t.Skip("child process of the crash test")
	}
	db, err := Open(path, Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	if _, err := db.W.Exec(`CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)`); err != nil {
		os.Exit(2)
	}
	out := make(chan int64, 1024)
	for w := 0; w < 4; w++ {
		go func() {
			for i := 0; ; i++ {
				var id int64
				err := db.Write(context.Background(), func(tx *sql.Tx) error {
					res, err := tx.Exec(`INSERT INTO notes (body) VALUES (?)`, fmt.Sprintf("note %d: BP 120/80, pulse 72 %0200d", i, i))
					if err != nil {
						return err
					}
					id, err = res.LastInsertId()
					return err
				})
				if err == nil {
					out <- id
				}
			}
		}()
	}
	w := bufio.NewWriter(os.Stdout)
	for id := range out {
		fmt.Fprintln(w, id)
		w.Flush()
	}
}

// TestKilledWriterLosesNoCommittedRow: a process writing under load is killed with SIGKILL; the
// database then opens, passes the integrity check and holds every row whose commit returned.
func TestKilledWriterLosesNoCommittedRow(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	path := filepath.Join(t.TempDir(), FileName)
	for round := 0; round < 3; round++ {
		cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ONRAMP_CRASH_DB="+path)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		committed := map[int64]bool{}
		sc := bufio.NewScanner(stdout)
		deadline := time.Now().Add(20 * time.Second)
		for sc.Scan() {
			id, err := strconv.ParseInt(sc.Text(), 10, 64)
			if err != nil {
				continue
			}
			committed[id] = true
			if len(committed) >= 300 || time.Now().After(deadline) {
				break
			}
		}
		// Kill mid-write, then read whatever ids were already on their way.
		_ = cmd.Process.Signal(syscall.SIGKILL)
		for sc.Scan() {
			if id, err := strconv.ParseInt(sc.Text(), 10, 64); err == nil {
				committed[id] = true
			}
		}
		_ = cmd.Wait()
		if len(committed) < 50 {
			t.Fatalf("round %d: child committed only %d rows", round, len(committed))
		}

		db, err := Open(path, Options{})
		if err != nil {
			t.Fatalf("round %d: open after kill: %v", round, err)
		}
		if err := IntegrityCheck(context.Background(), db.W); err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		missing := 0
		for id := range committed {
			var n int
			db.R.QueryRow(`SELECT COUNT(*) FROM notes WHERE id = ?`, id).Scan(&n)
			if n != 1 {
				missing++
			}
		}
		db.Close()
		if missing > 0 {
			t.Fatalf("round %d: %d of %d committed rows lost", round, missing, len(committed))
		}
		t.Logf("round %d: %d committed rows all present after SIGKILL", round, len(committed))
	}
}
