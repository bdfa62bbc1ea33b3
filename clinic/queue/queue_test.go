package queue

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
)

// allowedMoves is the rule book written out by hand, so that a change to the transitions table
// has to be made twice, once here on purpose.
var allowedMoves = map[[2]string]bool{
	{Waiting, WithDoctor}: true, {Waiting, Skipped}: true, {Waiting, NoShow}: true, {Waiting, Cancelled}: true,
	{Skipped, Waiting}: true, {Skipped, WithDoctor}: true, {Skipped, NoShow}: true, {Skipped, Cancelled}: true,
	{WithDoctor, AwaitingMedicinePayment}: true, {WithDoctor, Done}: true, {WithDoctor, Waiting}: true,
	{AwaitingMedicinePayment, Done}: true, {AwaitingMedicinePayment, WithDoctor}: true,
	{NoShow, Waiting}: true, {NoShow, Cancelled}: true,
}

// TestEveryTransition tries every pair of states through Move: the allowed ones happen, every
// other one is refused with a TransitionError naming both states and changes nothing.
func TestEveryTransition(t *testing.T) {
	f := newFixture(t, 1, 1)
	ctx := context.Background()
	doc := f.doctors[0]
	a := f.checkIn(0, doc, false)
	for _, from := range States {
		for _, to := range States {
			if from == to {
				continue
			}
			t.Run(from+" to "+to, func(t *testing.T) {
				f.force(a.ID, from, doc)
				before, _ := f.q.Get(ctx, a.ID)
				got, err := f.q.Move(ctx, a.ID, to, f.by)
				want := allowedMoves[[2]string{from, to}]
				if want {
					if err != nil {
						t.Fatalf("refused: %v", err)
					}
					if got.State != to || got.Version != before.Version+1 {
						t.Errorf("state %s version %d, want %s version %d", got.State, got.Version, to, before.Version+1)
					}
					if to == Done && got.FinishedAt.IsZero() {
						t.Error("done without a finishing time")
					}
					return
				}
				var te *TransitionError
				if !errors.As(err, &te) || te.From != from || te.To != to {
					t.Fatalf("got %v, want a TransitionError %s → %s", err, from, to)
				}
				after, _ := f.q.Get(ctx, a.ID)
				if after.State != from || after.Version != before.Version {
					t.Errorf("a refused move changed the attendance: %s v%d", after.State, after.Version)
				}
			})
		}
	}
	if _, err := f.q.Move(ctx, a.ID, "teleported", f.by); err == nil {
		t.Error("an unknown state was accepted")
	}
	if _, err := f.q.Move(ctx, 999999, Done, f.by); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("unknown attendance: %v", err)
	}
}

func TestToDoctorNeedsADoctor(t *testing.T) {
	f := newFixture(t, 1, 1)
	a := f.checkIn(0, 0, false)
	var ve *clinic.ValidationError
	if _, err := f.q.Move(context.Background(), a.ID, WithDoctor, f.by); !errors.As(err, &ve) || ve.Key != "error.queue.no_doctor" {
		t.Errorf("moved to a doctor without one: %v", err)
	}
}

// TestCorrection: done and cancelled are left only by a correction with a reason, which the
// audit log keeps with the patient's id.
func TestCorrection(t *testing.T) {
	f := newFixture(t, 1, 1)
	ctx := context.Background()
	doc := f.doctors[0]
	a := f.checkIn(0, doc, false)
	tests := []struct {
		name, from, to, reason string
		wantKey                string // a validation error
		wantTransition         bool
	}{
		{name: "done back to the doctor", from: Done, to: WithDoctor, reason: "bill was not finished, doctor adds a drug"},
		{name: "done back to medicine", from: Done, to: AwaitingMedicinePayment, reason: "forgot the cough syrup"},
		{name: "done back to waiting", from: Done, to: Waiting, reason: "marked done by mistake"},
		{name: "cancelled by mistake", from: Cancelled, to: Waiting, reason: "wrong patient cancelled"},
		{name: "no reason", from: Done, to: Waiting, reason: "   ", wantKey: "error.queue.reason"},
		{name: "done to cancelled", from: Done, to: Cancelled, reason: "x", wantTransition: true},
		{name: "not final", from: WithDoctor, to: Waiting, reason: "x", wantTransition: true},
		{name: "cancelled to doctor", from: Cancelled, to: WithDoctor, reason: "x", wantTransition: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.force(a.ID, tt.from, doc)
			got, err := f.q.Correct(ctx, a.ID, tt.to, tt.reason, f.by)
			var ve *clinic.ValidationError
			var te *TransitionError
			switch {
			case tt.wantKey != "":
				if !errors.As(err, &ve) || ve.Key != tt.wantKey {
					t.Fatalf("got %v, want %s", err, tt.wantKey)
				}
			case tt.wantTransition:
				if !errors.As(err, &te) {
					t.Fatalf("got %v, want a TransitionError", err)
				}
			default:
				if err != nil {
					t.Fatal(err)
				}
				if got.State != tt.to {
					t.Errorf("state %s, want %s", got.State, tt.to)
				}
				rows, _ := audit.Search(ctx, f.db.R, audit.Filter{PatientID: f.patients[0], Action: ActionCorrect, Limit: 1})
				if len(rows) != 1 || !strings.Contains(rows[0].Detail, tt.reason) {
					t.Errorf("correction not audited with its reason: %+v", rows)
				}
			}
		})
	}
}

// TestTicketsAcrossMidnight: the numbers start again at 1 on the clinic's new day, which in
// Hong Kong begins at 16:00 UTC, not at UTC midnight.
func TestTicketsAcrossMidnight(t *testing.T) {
	f := newFixture(t, 1, 6)
	steps := []struct {
		at      time.Time
		patient int
		want    string
		day     string
	}{
		{time.Date(2026, 11, 23, 7, 55, 0, 0, hk), 0, "1", "2026-11-23"},
		{time.Date(2026, 11, 23, 8, 5, 0, 0, hk), 1, "2", "2026-11-23"}, // UTC midnight passed: same clinic day
		{time.Date(2026, 11, 23, 23, 59, 59, 0, hk), 2, "3", "2026-11-23"},
		{time.Date(2026, 11, 24, 0, 0, 0, 0, hk), 3, "1", "2026-11-24"},
		{time.Date(2026, 11, 24, 0, 0, 1, 0, hk), 0, "2", "2026-11-24"}, // yesterday's patient again, new day
		{time.Date(2026, 11, 25, 9, 0, 0, 0, hk), 4, "1", "2026-11-25"},
	}
	for _, s := range steps {
		f.clock.Set(s.at)
		a := f.checkIn(s.patient, 0, false)
		if a.TicketLabel != s.want || a.Day != s.day {
			t.Errorf("at %s: ticket %s on %s, want %s on %s", s.at, a.TicketLabel, a.Day, s.want, s.day)
		}
	}
	// "Next patient" after midnight does not reach into yesterday's queue.
	f.clock.Set(time.Date(2026, 11, 26, 0, 5, 0, 0, hk))
	if _, err := f.q.Next(context.Background(), f.doctors[0], f.by); !errors.Is(err, ErrNobodyWaiting) {
		t.Errorf("next on an empty new day: %v", err)
	}
}

// TestTicketsPerDoctor: with per-doctor numbering each doctor's tickets run from 1 with the
// doctor's letter; unassigned arrivals have a sequence of their own.
func TestTicketsPerDoctor(t *testing.T) {
	f := newFixture(t, 2, 7)
	ctx := context.Background()
	if err := practice.SetSetting(ctx, f.db, SettingNumbering, NumberingDoctor, f.by); err != nil {
		t.Fatal(err)
	}
	d1, d2 := f.doctors[0], f.doctors[1]
	if err := SetRoom(ctx, f.db, Doctor{ID: d2, RoomEN: "Room 2", RoomZH: "二號房", Prefix: "k"}, f.by); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		patient int
		doctor  int64
		want    string
	}{
		{0, d1, "A1"}, {1, d2, "K1"}, {2, d1, "A2"}, {3, 0, "1"}, {4, d2, "K2"}, {5, 0, "2"},
	}
	for _, s := range steps {
		if a := f.checkIn(s.patient, s.doctor, false); a.TicketLabel != s.want {
			t.Errorf("patient %d to doctor %d: ticket %s, want %s", s.patient, s.doctor, a.TicketLabel, s.want)
		}
	}
	// Back to one sequence: it continues from the clinic's own count, which was never used today.
	if err := practice.SetSetting(ctx, f.db, SettingNumbering, NumberingClinic, f.by); err != nil {
		t.Fatal(err)
	}
	if a := f.checkIn(6, d1, false); a.TicketLabel != "1" {
		t.Errorf("clinic sequence: %s", a.TicketLabel)
	}
	var ves clinic.ValidationErrors
	if err := SetRoom(ctx, f.db, Doctor{ID: d1, Prefix: "A1"}, f.by); !errors.As(err, &ves) || ves[0].Key != "error.queue.prefix" {
		t.Errorf("bad prefix accepted: %v", err)
	}
}

func TestCheckInRefusals(t *testing.T) {
	f := newFixture(t, 1, 2)
	ctx := context.Background()
	f.checkIn(0, 0, false)
	tests := []struct {
		name string
		in   Arrival
		key  string
	}{
		{"twice in the queue", Arrival{PatientID: f.patients[0]}, "error.queue.already_in"},
		{"no patient", Arrival{}, "error.queue.patient"},
		{"unknown patient", Arrival{PatientID: 999999}, "error.queue.patient"},
		{"not a doctor", Arrival{PatientID: f.patients[1], DoctorID: f.by.UserID}, "error.queue.not_a_doctor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *clinic.ValidationError
			if _, err := f.q.CheckIn(ctx, tt.in, f.by); !errors.As(err, &ve) || ve.Key != tt.key {
				t.Errorf("got %v, want %s", err, tt.key)
			}
		})
	}
	// Once the first visit is over the patient may come again the same day.
	a, _ := f.q.List(ctx, f.q.Today())
	f.force(a[0].ID, Done, f.doctors[0])
	if b := f.checkIn(0, 0, false); b.TicketLabel != "2" {
		t.Errorf("second visit of the day: ticket %s", b.TicketLabel)
	}
}

// TestNextPatient: urgent first, then queue order; a doctor takes their own and the unassigned,
// never another doctor's.
func TestNextPatient(t *testing.T) {
	f := newFixture(t, 2, 5)
	ctx := context.Background()
	d1, d2 := f.doctors[0], f.doctors[1]
	p0 := f.checkIn(0, d2, false) // for doctor 2
	p1 := f.checkIn(1, 0, false)  // anyone
	p2 := f.checkIn(2, d1, false) // doctor 1
	p3 := f.checkIn(3, 0, true)   // anyone, urgent
	p4 := f.checkIn(4, d2, false)
	steps := []struct {
		doctor int64
		want   int64 // 0: nobody waiting
	}{
		{d1, p3.ID}, {d1, p1.ID}, {d1, p2.ID}, {d1, 0}, {d2, p0.ID}, {d2, p4.ID}, {d2, 0},
	}
	for i, s := range steps {
		got, err := f.q.Next(ctx, s.doctor, f.by)
		if s.want == 0 {
			if !errors.Is(err, ErrNobodyWaiting) {
				t.Errorf("step %d: %v, want nobody waiting", i, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got.ID != s.want || got.State != WithDoctor || got.DoctorID != s.doctor || got.Calls != 1 || got.CalledAt.IsZero() {
			t.Errorf("step %d: got %+v, want attendance %d with doctor %d", i, got, s.want, s.doctor)
		}
	}
	// Calling again (the patient did not hear) counts a second call; another doctor cannot.
	again, err := f.q.Call(ctx, p4.ID, d2, f.by)
	if err != nil || again.Calls != 2 {
		t.Errorf("call again: %v, calls %d", err, again.Calls)
	}
	var te *TransitionError
	if _, err := f.q.Call(ctx, p4.ID, d1, f.by); !errors.As(err, &te) {
		t.Errorf("a doctor took another doctor's patient: %v", err)
	}
	if _, err := f.q.Next(ctx, f.by.UserID, f.by); err == nil {
		t.Error("a clerk was given a patient")
	}
}

// TestTwoDoctorsPressNextTogether: many doctors pressing at once each get a different patient,
// and every patient goes to exactly one doctor.
func TestTwoDoctorsPressNextTogether(t *testing.T) {
	const doctors, patients = 4, 10
	f := newFixture(t, doctors, patients)
	ctx := context.Background()
	for i := range patients {
		f.checkIn(i, 0, false)
	}
	var mu sync.Mutex
	got := map[int64]int64{} // attendance -> doctor
	var wg sync.WaitGroup
	for _, d := range f.doctors {
		wg.Go(func() {
			for {
				a, err := f.q.Next(ctx, d, f.by)
				if errors.Is(err, ErrNobodyWaiting) {
					return
				}
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				if other, dup := got[a.ID]; dup {
					t.Errorf("attendance %d given to doctors %d and %d", a.ID, other, d)
				}
				got[a.ID] = d
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != patients {
		t.Errorf("%d patients called, want %d", len(got), patients)
	}
}

// TestConcurrentCheckIns: tickets are unique and without gaps when clerks check in at once.
func TestConcurrentCheckIns(t *testing.T) {
	const n = 12
	f := newFixture(t, 1, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f.checkIn(i, 0, false) })
	}
	wg.Wait()
	list, err := f.q.List(context.Background(), f.q.Today())
	if err != nil {
		t.Fatal(err)
	}
	var tickets []int
	for _, a := range list {
		tickets = append(tickets, a.Ticket)
	}
	slices.Sort(tickets)
	for i, tk := range tickets {
		if tk != i+1 {
			t.Fatalf("tickets %v, want 1..%d", tickets, n)
		}
	}
}

func TestReorderAssignUrgent(t *testing.T) {
	f := newFixture(t, 2, 4)
	ctx := context.Background()
	var ids []int64
	for i := range 4 {
		ids = append(ids, f.checkIn(i, 0, false).ID)
	}
	order := func() []int64 {
		list, _ := f.q.List(ctx, f.q.Today())
		var out []int64
		for _, a := range list {
			if a.State == Waiting {
				out = append(out, a.ID)
			}
		}
		return out
	}
	steps := []struct {
		name string
		do   func() error
		want []int64
	}{
		{"third up", func() error { _, err := f.q.Reorder(ctx, ids[2], Up, f.by); return err }, []int64{ids[0], ids[2], ids[1], ids[3]}},
		{"first down", func() error { _, err := f.q.Reorder(ctx, ids[0], Down, f.by); return err }, []int64{ids[2], ids[0], ids[1], ids[3]}},
		{"last to top", func() error { _, err := f.q.Reorder(ctx, ids[3], ToTop, f.by); return err }, []int64{ids[3], ids[2], ids[0], ids[1]}},
		{"top up stays", func() error { _, err := f.q.Reorder(ctx, ids[3], Up, f.by); return err }, []int64{ids[3], ids[2], ids[0], ids[1]}},
		{"urgent jumps the queue", func() error { _, err := f.q.SetUrgent(ctx, ids[1], true, f.by); return err }, []int64{ids[1], ids[3], ids[2], ids[0]}},
		{"no longer urgent", func() error { _, err := f.q.SetUrgent(ctx, ids[1], false, f.by); return err }, []int64{ids[3], ids[2], ids[0], ids[1]}},
		{"to the end", func() error { _, err := f.q.Reorder(ctx, ids[3], ToLast, f.by); return err }, []int64{ids[2], ids[0], ids[1], ids[3]}},
		{"skipped and back goes to the end", func() error {
			if _, err := f.q.Move(ctx, ids[2], Skipped, f.by); err != nil {
				return err
			}
			_, err := f.q.Move(ctx, ids[2], Waiting, f.by)
			return err
		}, []int64{ids[0], ids[1], ids[3], ids[2]}},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := order(); !slices.Equal(got, s.want) {
			t.Errorf("%s: order %v, want %v", s.name, got, s.want)
		}
	}
	// Reassigning: to doctor 2, who then gets them with next; doctor 1 does not.
	if _, err := f.q.Assign(ctx, ids[0], f.doctors[1], f.by); err != nil {
		t.Fatal(err)
	}
	a, err := f.q.Next(ctx, f.doctors[0], f.by)
	if err != nil || a.ID == ids[0] {
		t.Errorf("doctor 1 got %d (%v); attendance %d is doctor 2's", a.ID, err, ids[0])
	}
	b, err := f.q.Next(ctx, f.doctors[1], f.by)
	if err != nil || b.ID != ids[0] {
		t.Errorf("doctor 2 got %d (%v), want %d", b.ID, err, ids[0])
	}
	var ve *clinic.ValidationError
	if _, err := f.q.Assign(ctx, ids[0], f.doctors[0], f.by); !errors.As(err, &ve) {
		t.Errorf("reassigned a patient already with a doctor: %v", err)
	}
	if _, err := f.q.Reorder(ctx, ids[0], Up, f.by); !errors.As(err, &ve) {
		t.Errorf("reordered a patient already with a doctor: %v", err)
	}
}

// TestEveryChangeIsAudited: each change leaves an audit row naming the patient.
func TestEveryChangeIsAudited(t *testing.T) {
	f := newFixture(t, 1, 1)
	ctx := context.Background()
	a := f.checkIn(0, 0, false)
	doc := f.doctors[0]
	changes := []func() error{
		func() error { _, err := f.q.SetUrgent(ctx, a.ID, true, f.by); return err },
		func() error { _, err := f.q.Assign(ctx, a.ID, doc, f.by); return err },
		func() error { _, err := f.q.Next(ctx, doc, f.by); return err },
		func() error { _, err := f.q.Call(ctx, a.ID, doc, f.by); return err },
		func() error { _, err := f.q.Move(ctx, a.ID, AwaitingMedicinePayment, f.by); return err },
		func() error { _, err := f.q.Move(ctx, a.ID, Done, f.by); return err },
		func() error { _, err := f.q.Correct(ctx, a.ID, Waiting, "wrong button", f.by); return err },
	}
	for i, change := range changes {
		if err := change(); err != nil {
			t.Fatalf("change %d: %v", i, err)
		}
	}
	rows, err := audit.Search(ctx, f.db.R, audit.Filter{PatientID: f.patients[0], Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.Entity == "attendance" && r.EntityID == fmt.Sprint(a.ID) {
			n++
		}
	}
	if n != len(changes)+1 {
		t.Errorf("%d audit rows for the attendance, want %d (check-in and each change)", n, len(changes)+1)
	}
	if _, err := audit.Verify(ctx, f.db.R); err != nil {
		t.Error(err)
	}
}

func TestCloseDays(t *testing.T) {
	f := newFixture(t, 1, 4)
	ctx := context.Background()
	waiting := f.checkIn(0, 0, false)
	skipped := f.checkIn(1, 0, false)
	seen := f.checkIn(2, 0, false)
	f.force(skipped.ID, Skipped, 0)
	f.force(seen.ID, Done, f.doctors[0])
	f.clock.Add(24 * time.Hour)
	today := f.checkIn(3, 0, false)
	var n int
	err := f.db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = f.q.CloseDays(ctx, tx, f.q.Day(f.clock.Now().Add(-24*time.Hour)), audit.System)
		return err
	})
	if err != nil || n != 2 {
		t.Fatalf("closed %d (%v), want 2", n, err)
	}
	for id, want := range map[int64]string{waiting.ID: NoShow, skipped.ID: NoShow, seen.ID: Done, today.ID: Waiting} {
		if a, _ := f.q.Get(ctx, id); a.State != want {
			t.Errorf("attendance %d: %s, want %s", id, a.State, want)
		}
	}
}

func TestBoard(t *testing.T) {
	f := newFixture(t, 2, 3)
	ctx := context.Background()
	d1, d2 := f.doctors[0], f.doctors[1]
	if err := SetRoom(ctx, f.db, Doctor{ID: d1, RoomEN: "Room 1", RoomZH: "一號房"}, f.by); err != nil {
		t.Fatal(err)
	}
	b, err := f.q.Board(ctx)
	if err != nil || b.Signature != "" || len(b.Doctors) != 2 || b.Doctors[0].Now != nil {
		t.Fatalf("empty board: %+v %v", b, err)
	}
	f.checkIn(0, 0, false)
	f.checkIn(1, d2, false)
	f.checkIn(2, 0, false)
	a, _ := f.q.Next(ctx, d1, f.by)
	b, _ = f.q.Board(ctx)
	if now := b.Doctors[0].Now; now == nil || now.Ticket != a.TicketLabel || now.RoomZH != "一號房" || now.MaskedEN != "" {
		t.Errorf("doctor 1's column: %+v", b.Doctors[0].Now)
	}
	if b.Waiting != 1 || b.Doctors[1].Waiting != 1 {
		t.Errorf("waiting: any %d, doctor 2 %d", b.Waiting, b.Doctors[1].Waiting)
	}
	sig := b.Signature
	if _, err := f.q.Call(ctx, a.ID, d1, f.by); err != nil {
		t.Fatal(err)
	}
	f.clock.Add(time.Second)
	b, _ = f.q.Board(ctx)
	if b.Signature == sig || sig == "" {
		t.Errorf("calling again did not change the signature %q", sig)
	}
	if err := practice.SetSetting(ctx, f.db, SettingBoardNames, BoardNamesMasked, f.by); err != nil {
		t.Fatal(err)
	}
	b, _ = f.q.Board(ctx)
	if now := b.Doctors[0].Now; now.MaskedEN != "CHAN P****** A" || now.MaskedZH != "陳○文" {
		t.Errorf("masked names: %q %q", now.MaskedEN, now.MaskedZH)
	}
}

func TestMaskNames(t *testing.T) {
	en := []struct{ surname, given, want string }{
		{"Chan", "Tai Man", "CHAN T** M**"},
		{"chan", "tai-man", "CHAN T** M**"},
		{"", "Mary", "M***"},
		{"Ho", "", "HO"},
	}
	for _, tt := range en {
		if got := MaskNameEN(tt.surname, tt.given); got != tt.want {
			t.Errorf("MaskNameEN(%q, %q) = %q, want %q", tt.surname, tt.given, got, tt.want)
		}
	}
	zh := map[string]string{"陳大文": "陳○文", "陳文": "陳○", "歐陽大文": "歐○○文", "文": "○", "": ""}
	for in, want := range zh {
		if got := MaskNameZH(in); got != want {
			t.Errorf("MaskNameZH(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBoardToken(t *testing.T) {
	f := newFixture(t, 0, 0)
	ctx := context.Background()
	if ok, _ := BoardTokenOK(ctx, f.db.R, ""); ok {
		t.Error("empty token opens a board that has none")
	}
	tok, err := RotateBoardToken(ctx, f.db, f.by)
	if err != nil || len(tok) < 20 {
		t.Fatalf("token %q: %v", tok, err)
	}
	tok2, _ := RotateBoardToken(ctx, f.db, f.by)
	for _, tt := range []struct {
		token string
		want  bool
	}{{tok, false}, {tok2, true}, {tok2 + "x", false}, {"", false}} {
		if ok, err := BoardTokenOK(ctx, f.db.R, tt.token); ok != tt.want || err != nil {
			t.Errorf("token %q: %v %v, want %v", tt.token, ok, err, tt.want)
		}
	}
	var stored string
	_ = f.db.R.QueryRow(`SELECT value FROM settings WHERE key = ?`, SettingBoardToken).Scan(&stored)
	if stored == tok2 {
		t.Error("the token itself is stored, not its hash")
	}
	if err := RemoveBoardToken(ctx, f.db, f.by); err != nil {
		t.Fatal(err)
	}
	if ok, _ := BoardTokenOK(ctx, f.db.R, tok2); ok {
		t.Error("the board still opens after it was switched off")
	}
}
