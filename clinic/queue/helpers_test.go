package queue

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

var hk = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		return time.FixedZone("HKT", 8*3600)
	}
	return loc
}()

// clock is a settable clock for the queue.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// fixture is a practice with doctors and patients on a real SQLite file.
type fixture struct {
	t        *testing.T
	db       *store.DB
	q        *Queue
	clock    *clock
	doctors  []int64
	by       audit.Actor // the clerk
	patients []int64
}

func newFixture(t *testing.T, nDoctors, nPatients int) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	c := &clock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, hk)}
	f := &fixture{t: t, db: db, q: &Queue{DB: db, Zone: hk, Now: c.Now}, clock: c}
	ts := time.Now().UTC().Format(time.RFC3339Nano)
	add := func(username, name, nameZH, role string) int64 {
		res, err := db.W.Exec(`INSERT INTO users (username, full_name, full_name_zh, password_hash, created_at, updated_at)
			VALUES (?,?,?,?,?,?)`, username, name, nameZH, "x", ts, ts)
		if err != nil {
			t.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := db.W.Exec(`INSERT INTO user_roles (user_id, role) VALUES (?,?)`, id, role); err != nil {
			t.Fatal(err)
		}
		return id
	}
	for i := range nDoctors {
		f.doctors = append(f.doctors, add(fmt.Sprintf("doc%d", i+1), fmt.Sprintf("Dr Doctor %d", i+1), fmt.Sprintf("醫生%d", i+1), "doctor"))
	}
	f.by = audit.Actor{UserID: add("clerk", "Clerk", "", "clerk"), Username: "clerk", Roles: "clerk"}
	surnames := []string{"Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung", "Tsang", "Yip"}
	zh := []string{"陳", "黃", "李", "張", "劉", "何", "吳", "梁", "曾", "葉"}
	for i := range nPatients {
		p, err := patients.Create(ctx, db, "P", patients.Input{
			SurnameEN: surnames[i%len(surnames)], GivenNameEN: fmt.Sprintf("Patient %c", 'A'+i%26),
			NameZH: zh[i%len(zh)] + "大文", Sex: "F", DOB: fmt.Sprintf("%d-01-%02d", 1950+i%50, 1+i%28), Confirmed: true,
		}, f.by)
		if err != nil {
			t.Fatal(err)
		}
		f.patients = append(f.patients, p.ID)
	}
	return f
}

// checkIn checks patient i in and fails the test on error.
func (f *fixture) checkIn(i int, doctor int64, urgent bool) Attendance {
	f.t.Helper()
	a, err := f.q.CheckIn(context.Background(), Arrival{PatientID: f.patients[i], DoctorID: doctor, Urgent: urgent}, f.by)
	if err != nil {
		f.t.Fatal(err)
	}
	return a
}

// force puts an attendance straight into a state, for tests of what happens from there.
func (f *fixture) force(id int64, state string, doctor int64) {
	f.t.Helper()
	if _, err := f.db.W.Exec(`UPDATE attendances SET state = ?, doctor_id = ? WHERE id = ?`, state, nullID(doctor), id); err != nil {
		f.t.Fatal(err)
	}
}
