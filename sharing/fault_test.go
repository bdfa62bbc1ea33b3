package sharing

import (
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// TestFaultyCentral: eHealth answers 500s, times out, drops connections, answers slowly, asks
// to slow down, is down for a while, and refuses some records with 4xx. After it recovers every
// record is accepted exactly once (counted at the central by record key and transaction type),
// the refused ones are held with its reason, and a refused record fixed goes on the next run.
func TestFaultyCentral(t *testing.T) {
	if testing.Short() {
		t.Skip("fault test")
	}
	db := openDB(t)
	c := newCentral(t)
	var downUntil, up atomic.Int64
	c.fault = func(int) fault {
		if time.Now().UnixNano() < downUntil.Load() {
			return fault500
		}
		n := int(up.Add(1)) // requests since the central came back
		switch {
		case n <= 2:
			return fault500
		case n == 3:
			return faultHijack
		case n == 4:
			return faultTakeThenTimeout
		case n == 5:
			return faultTakeThenHijack
		case n == 6:
			return faultSlow
		case n == 7:
			return faultTakeThen500
		case n == 8:
			return fault429
		case n < 80 && n%5 == 0:
			return faultSlow
		case n < 80 && n%7 == 0:
			return fault500
		case n < 80 && n%11 == 0:
			return faultTakeThenHijack
		case n < 80 && n%13 == 0:
			return faultTakeThenTimeout
		}
		return faultNone
	}
	c.reject = func(g got) string {
		switch g.Allergen {
		case "REJECT-ME":
			return "Allergen description not acceptable"
		case "REJECT-ALL":
			return "whole:Patient identity does not match eHR registration"
		}
		return ""
	}
	e := newEngine(db, c.transport(300*time.Millisecond), func(o *Options) {
		o.MaxPatients = 3
		o.RetryBudget = 1500 * time.Millisecond
		o.Backoff = Backoff{Base: 5 * time.Millisecond, Cap: 80 * time.Millisecond}
	})

	var ps []int64
	var allergies []int64
	for i := 0; i < 12; i++ {
		p := addPatient(t, db, "Fault", string(rune('A'+i))+" Test")
		join(t, db, p)
		ps = append(ps, p)
		for j := 0; j < 3; j++ {
			allergies = append(allergies, addAllergy(t, db, p, "Allergen "+string(rune('a'+j))))
		}
	}
	refused := addAllergy(t, db, ps[4], "REJECT-ME")
	refusedWhole := addAllergy(t, db, ps[7], "REJECT-ALL")

	// A first run against a central that is down: bundles are left in flight.
	downUntil.Store(time.Now().Add(2 * time.Second).UnixNano())
	rep, err := e.Run(ctx, TriggerSchedule)
	if err != nil {
		t.Fatal(err)
	}
	if rep.InFlight == 0 || rep.Retries == 0 {
		t.Fatalf("first run against a down central: %s", rep)
	}
	// A change to a record in flight goes after the answer, as an update.
	var inflight int64
	if err := db.R.QueryRow(`SELECT patient_id FROM sharing_records WHERE state = 'inflight' AND domain = 'PID' LIMIT 1`).Scan(&inflight); err != nil {
		t.Fatalf("no identification record in flight: %v", err)
	}
	renamePatient(t, db, inflight, "Changed While In Flight")

	for i := 0; ; i++ {
		if i > 60 {
			t.Fatal("sharing did not settle")
		}
		rep, err := e.Run(ctx, TriggerCommand)
		if err != nil {
			t.Fatal(err)
		}
		st, err := ReadStatus(ctx, db, 0)
		if err != nil {
			t.Fatal(err)
		}
		if st.Total.Pending == 0 && st.Outbox == 0 {
			t.Logf("settled after %d runs; last: %s", i+2, rep)
			break
		}
		time.Sleep(20 * time.Millisecond)
	}

	c.checkOnce(t)
	for _, p := range ps {
		if c.count(PersonalKey(p), "I") != 1 {
			t.Errorf("patient %d identification not accepted once", p)
		}
	}
	for i, a := range allergies {
		if i/3 == 7 {
			continue // in the bundle refused whole
		}
		if c.count(allergyKey(a), "I") != 1 {
			t.Errorf("allergy %d (%d) not inserted once", a, i)
		}
	}
	if c.count(PersonalKey(inflight), "U") != 1 {
		t.Error("the change made while in flight did not follow as an update")
	}

	st, _ := ReadStatus(ctx, db, 0)
	byKey := map[string]Problem{}
	for _, p := range st.Problems {
		byKey[p.Key] = p
	}
	if p := byKey[allergyKey(refused)]; p.State != "rejected" || !strings.Contains(p.ReasonEN, "Allergen description not acceptable") || p.ReasonZH == "" {
		t.Errorf("refused record: %+v", p)
	}
	if p := byKey[allergyKey(refusedWhole)]; p.State != "rejected" || !strings.Contains(p.ReasonEN, "does not match") {
		t.Errorf("record of a bundle refused whole: %+v", p)
	}
	if c.count(allergyKey(refused), "I") != 0 {
		t.Error("a refused record was counted")
	}
	if len(st.InFlight) != 0 {
		t.Errorf("bundles still in flight: %+v", st.InFlight)
	}

	// Fixed, they go on the next run: the refused record by a change to it, the bundle refused
	// for the patient's identity by a change to the patient (which tries their refused records
	// again).
	changeAllergy(t, db, refused, "Tree nuts")
	changeAllergy(t, db, refusedWhole, "Soy")
	renamePatient(t, db, ps[7], "Identity Fixed")
	mustRun(t, e)
	if c.count(allergyKey(refused), "I") != 1 || c.count(allergyKey(refusedWhole), "I") != 1 {
		t.Errorf("fixed records not sent: %v", summary(c.snapshot()))
	}
	for _, a := range allergies[21:24] {
		if c.count(allergyKey(a), "I") != 1 {
			t.Errorf("allergy %d of the patient fixed not sent", a)
		}
	}
	if st, _ := ReadStatus(ctx, db, 0); len(st.Problems) != 0 || st.Total.Pending != 0 {
		t.Errorf("left: %+v, %+v", st.Total, st.Problems)
	}
	c.checkOnce(t)
	c.mu.Lock()
	defer c.mu.Unlock()
	t.Logf("central answered %d requests for %d records; faults met: %v", c.requests, len(c.accepted), c.met)
	for f := fault500; f <= fault429; f++ {
		if c.met[f] == 0 {
			t.Errorf("fault %d never met", f)
		}
	}
}
