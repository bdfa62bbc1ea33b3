package outbox

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func TestKeys(t *testing.T) {
	k := Key("AL1", "allergies", 17)
	if k != "OR-AL1-allergies-17" {
		t.Fatalf("key %q", k)
	}
	for _, tt := range []struct {
		key           string
		domain, table string
		id            int64
		ok            bool
	}{
		{"OR-AL1-allergies-17", "AL1", "allergies", 17, true},
		{"OR-LABGEN-lab_results-9", "LABGEN", "lab_results", 9, true},
		{"OR-PID-patients-0", "", "", 0, false},
		{"AL1-allergies-1", "", "", 0, false},
		{"OR-AL1-17", "", "", 0, false},
	} {
		d, tb, id, ok := ParseKey(tt.key)
		if ok != tt.ok || (ok && (d != tt.domain || tb != tt.table || id != tt.id)) {
			t.Errorf("ParseKey(%q) = %q %q %d %v", tt.key, d, tb, id, ok)
		}
	}
}

// TestRecordCommitsWithTheChange: the row is written by the change's own transaction, so a
// change that rolls back leaves no row, and one that commits always has its row.
func TestRecordCommitsWithTheChange(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	boom := errors.New("the change failed")
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if err := Record(ctx, tx, Change{Key: Key("AL1", "allergies", 1), Domain: "AL1", Tx: Insert, PatientID: 1}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n, _ := Len(ctx, db.R); n != 0 {
		t.Fatalf("a rolled-back change left %d outbox rows", n)
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		for _, c := range []Change{
			{Key: Key("AL1", "allergies", 1), Domain: "AL1", Tx: Insert, PatientID: 1},
			{Key: Key("AL1", "allergies", 1), Domain: "AL1", Tx: Delete, PatientID: 1, Reason: "Entered in error"},
		} {
			if err := Record(ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	es, err := Next(ctx, db.R, 10)
	if err != nil || len(es) != 2 || es[0].Tx != Insert || es[1].Tx != Delete || es[1].Reason != "Entered in error" || es[0].At.IsZero() {
		t.Fatalf("rows: %v %+v", err, es)
	}
	err = db.Write(ctx, func(tx *sql.Tx) error { return Done(ctx, tx, es[0].ID) })
	if n, _ := Len(ctx, db.R); err != nil || n != 1 {
		t.Fatalf("after Done: %v, %d left", err, n)
	}

	for _, bad := range []Change{
		{Domain: "AL1", Tx: Insert, PatientID: 1},
		{Key: "OR-AL1-allergies-1", Tx: Insert, PatientID: 1},
		{Key: "OR-AL1-allergies-1", Domain: "AL1", Tx: "X", PatientID: 1},
		{Key: "OR-AL1-allergies-1", Domain: "AL1", Tx: Insert},
	} {
		err := db.Write(ctx, func(tx *sql.Tx) error { return Record(ctx, tx, bad) })
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%+v: %v", bad, err)
		}
	}
}
