package audit

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func openDB(t *testing.T) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	t.Cleanup(func() { db.Close() })
	return db
}

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	actor := Actor{UserID: 1, Username: "drchan", Roles: "doctor", RemoteAddr: "192.168.1.20"}
	for i := 0; i < n; i++ {
		if err := db.Write(context.Background(), func(tx *sql.Tx) error {
			return Append(context.Background(), tx, actor.Entry(ActionView, "patient", "7", 7, "opened chart"))
		}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyPassesOnACleanLogAndFailsOnAnEditedRow(t *testing.T) {
	tests := []struct {
		name   string
		tamper string // SQL run with the triggers dropped, as someone with the file would
		wantAt int64
	}{
		{"clean", "", 0},
		{"edited detail", `UPDATE audit_log SET detail = 'nothing to see' WHERE id = 5`, 5},
		{"edited user", `UPDATE audit_log SET username = 'nobody' WHERE id = 3`, 3},
		{"deleted row", `DELETE FROM audit_log WHERE id = 4`, 5},
		{"row replaced with recomputed own hash", `UPDATE audit_log SET detail='x', hash='abc' WHERE id = 2`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			appendN(t, db, 10)
			if tt.tamper != "" {
				if _, err := db.W.Exec(`DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;` + tt.tamper); err != nil {
					t.Fatal(err)
				}
			}
			n, err := Verify(context.Background(), db.R)
			var ve *VerifyError
			switch {
			case tt.wantAt == 0 && err != nil:
				t.Errorf("clean log failed: %v", err)
			case tt.wantAt != 0 && !errors.As(err, &ve):
				t.Errorf("tampering not found (checked %d): %v", n, err)
			case tt.wantAt != 0 && ve.RowID != tt.wantAt:
				t.Errorf("found at row %d, want %d: %v", ve.RowID, tt.wantAt, err)
			}
		})
	}
}

func TestTheLogRefusesUpdateAndDelete(t *testing.T) {
	db := openDB(t)
	appendN(t, db, 2)
	for _, q := range []string{`UPDATE audit_log SET detail='x'`, `DELETE FROM audit_log`} {
		if _, err := db.W.Exec(q); err == nil {
			t.Errorf("%s was allowed", q)
		}
	}
}

func TestBatcherLosesNoViewOnCleanShutdown(t *testing.T) {
	db := openDB(t)
	b := NewBatcher(db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const n = 1234
	for i := 0; i < n; i++ {
		b.Record(Actor{UserID: 2, Username: "clerk"}.Entry(ActionView, "patient", "1", 1, ""))
	}
	b.Close()
	var got int
	db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action='view'`).Scan(&got)
	if got != n {
		t.Errorf("%d views written, want %d", got, n)
	}
	if _, err := Verify(context.Background(), db.R); err != nil {
		t.Error(err)
	}
}

func TestSearchByPatientUserAndDates(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	day := func(d int) time.Time { return time.Date(2026, 11, d, 10, 0, 0, 0, time.UTC) }
	entries := []Entry{
		{At: day(1), UserID: 1, Username: "drchan", Action: ActionView, Entity: "patient", PatientID: 10},
		{At: day(2), UserID: 2, Username: "clerk", Action: ActionChange, Entity: "patient", PatientID: 10},
		{At: day(3), UserID: 1, Username: "drchan", Action: ActionView, Entity: "patient", PatientID: 11},
	}
	if err := db.Write(ctx, func(tx *sql.Tx) error { return Append(ctx, tx, entries...) }); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		f    Filter
		want int
	}{
		{"patient", Filter{PatientID: 10}, 2},
		{"user", Filter{Username: "DRCHAN"}, 2},
		{"from", Filter{From: day(2)}, 2},
		{"range", Filter{From: day(2), To: day(3)}, 1},
		{"patient and user", Filter{PatientID: 10, UserID: 1}, 1},
	}
	for _, tt := range tests {
		got, err := Search(ctx, db.R, tt.f)
		if err != nil || len(got) != tt.want {
			t.Errorf("%s: %d rows (%v), want %d", tt.name, len(got), err, tt.want)
		}
	}
}
