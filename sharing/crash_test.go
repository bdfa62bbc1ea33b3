package sharing

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/store"
)

// TestShareCrashChild is the child of TestKilledMidUpload: it runs the adapter against the
// central at ONRAMP_SHARE_CRASH_URL over and over until it is killed.
func TestShareCrashChild(t *testing.T) {
	path, url := os.Getenv("ONRAMP_SHARE_CRASH_DB"), os.Getenv("ONRAMP_SHARE_CRASH_URL")
	if path == "" {
		t.Skip("child process of the crash test")
	}
	db, err := store.Open(path, store.Options{})
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	tr, err := NewHTTPTransport(HTTPConfig{URL: url, Timeout: 10 * time.Second})
	if err != nil {
		os.Exit(2)
	}
	e := newEngine(db, tr, func(o *Options) { o.MaxPatients = 2 })
	for {
		if _, err := e.Run(ctx, TriggerSchedule); err != nil {
			fmt.Println("run:", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestKilledMidUpload: the process uploading is killed with SIGKILL in the middle of uploads
// (once while the central holds a bundle it has taken but not answered, once while bundles are
// being answered and recorded), then OnRamp starts again: no record is lost and none is
// duplicated at the central.
func TestKilledMidUpload(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test")
	}
	path := filepath.Join(t.TempDir(), store.FileName)
	c := newCentral(t)
	c.hung = make(chan int, 1)
	var expect []string // every "key tx" that must end at the central once

	rounds := []struct {
		name string
		hang int // hang on this request of the round (0: kill after killAfter answers)
		kill int
	}{
		{"killed while the central holds an unanswered bundle", 3, 0},
		{"killed while answers are being recorded", 0, 9},
		{"killed on the first request after a restart", 1, 0},
	}
	patientsByRound := 6
	for r, round := range rounds {
		// New work for this round, written while no child runs.
		db := openDBAt(t, path)
		for i := 0; i < patientsByRound; i++ {
			p := addPatient(t, db, "Crash", fmt.Sprintf("Round %c Pat %c", 'A'+r, 'A'+i))
			join(t, db, p)
			expect = append(expect, PersonalKey(p)+" I")
			for j := 0; j < 3; j++ {
				a := addAllergy(t, db, p, fmt.Sprintf("Allergen %d-%d-%d", r, i, j))
				expect = append(expect, allergyKey(a)+" I")
			}
		}
		if err := db.Close(); err != nil {
			t.Fatal(err)
		}

		c.mu.Lock()
		base := c.requests
		hangAt := round.hang
		c.hang = func(n int) bool { return hangAt > 0 && n == base+hangAt }
		c.mu.Unlock()

		cmd := exec.Command(os.Args[0], "-test.run=^TestShareCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "ONRAMP_SHARE_CRASH_DB="+path, "ONRAMP_SHARE_CRASH_URL="+c.srv.URL)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		deadline := time.After(60 * time.Second)
		if hangAt > 0 {
			select {
			case <-c.hung:
			case <-deadline:
				cmd.Process.Kill()
				t.Fatalf("%s: the child never reached request %d", round.name, hangAt)
			}
		} else {
			for {
				c.mu.Lock()
				n := c.requests - base
				c.mu.Unlock()
				if n >= round.kill {
					break
				}
				select {
				case <-deadline:
					cmd.Process.Kill()
					t.Fatalf("%s: only %d requests", round.name, n)
				case <-time.After(time.Millisecond):
				}
			}
		}
		_ = cmd.Process.Signal(syscall.SIGKILL)
		_ = cmd.Wait()
		c.mu.Lock()
		c.hang = nil
		t.Logf("%s: killed after %d requests; central holds %d records", round.name, c.requests-base, len(c.accepted))
		c.mu.Unlock()
	}

	// Restart: run until nothing is due.
	db := openDBAt(t, path)
	if err := store.IntegrityCheck(ctx, db.W); err != nil {
		t.Fatal(err)
	}
	e := newEngine(db, c.transport(10*time.Second))
	for i := 0; ; i++ {
		if i > 20 {
			t.Fatal("did not settle after the restart")
		}
		rep := mustRun(t, e)
		st, err := ReadStatus(ctx, db, 0)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total.Pending == 0 && st.Outbox == 0 {
			t.Logf("after restart: %s", rep)
			break
		}
	}
	c.checkOnce(t)
	for _, k := range expect {
		c.mu.Lock()
		n := c.accepted[k]
		c.mu.Unlock()
		if n != 1 {
			t.Errorf("%s accepted %d times, want once", k, n)
		}
	}
	c.mu.Lock()
	if got := len(c.accepted); got != len(expect) {
		t.Errorf("central holds %d records, want %d", got, len(expect))
	}
	if c.replays == 0 {
		t.Error("no bundle was sent again after a crash: the test did not test that")
	}
	t.Logf("bundles sent again after a crash and recognised by their id: %d", c.replays)
	c.mu.Unlock()
	t.Log("every record accepted exactly once: " + strconv.Itoa(len(expect)))
}
