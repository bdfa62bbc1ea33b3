package sharing

import (
	"context"
	"testing"
	"time"
)

// TestService: the schedule says when the next run is; "send now" runs in the background and
// reports whether it started; runs do not overlap.
func TestService(t *testing.T) {
	db := openDB(t)
	c := newCentral(t)
	e := newEngine(db, c.transport(5*time.Second))
	p := addPatient(t, db, "Yuen", "Chun")
	join(t, db, p)

	if _, err := NewService(ctx, e, "every full moon", nil); err == nil {
		t.Error("a bad schedule was accepted")
	}
	svc, err := NewService(ctx, e, "*/15 8-20 * * 1-6", nil)
	if err != nil {
		t.Fatal(err)
	}
	sat := time.Date(2026, 3, 7, 20, 50, 0, 0, time.Local) // Saturday evening
	if next := svc.Next(sat); next != time.Date(2026, 3, 9, 8, 0, 0, 0, time.Local) {
		t.Errorf("next after Saturday 20:50: %s, want Monday 08:00", next)
	}
	if !svc.SendNow() {
		t.Fatal("send now did not start")
	}
	svc.Wait()
	rep, err := svc.Last()
	if err != nil || rep.Accepted != 1 || rep.Trigger != TriggerButton || c.count(PersonalKey(p), "I") != 1 {
		t.Fatalf("send now: %v %s", err, rep)
	}

	// While a run holds the engine, another is refused rather than queued behind it.
	e.mu.Lock()
	if _, err := e.Run(context.Background(), TriggerSchedule); err != ErrBusy {
		t.Errorf("overlapping run: %v", err)
	}
	e.mu.Unlock()
	svc.Scheduled()
	if rep, err := svc.Last(); err != nil || rep.Trigger != TriggerSchedule {
		t.Errorf("scheduled: %v %s", err, rep)
	}
}
