package patients

import (
	"context"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

var (
	ctx   = context.Background()
	clerk = audit.Actor{UserID: 1, Username: "clerk", Roles: "clerk", RemoteAddr: "192.168.1.20"}
)

func openDB(t testing.TB) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	t.Cleanup(func() { db.Close() })
	return db
}

// fixToday makes "today" 2025-06-15 in Hong Kong for the test.
func fixToday(t testing.TB) {
	old := today
	today = func() time.Time { return time.Date(2025, 6, 15, 10, 0, 0, 0, clinicZone) }
	t.Cleanup(func() { today = old })
}

func mustCreate(t testing.TB, db *store.DB, in Input) Patient {
	t.Helper()
	p, err := Create(ctx, db, "P", in, clerk)
	if err != nil {
		t.Fatalf("create %s %s: %v", in.SurnameEN, in.NameZH, err)
	}
	return p
}

func chanTaiMan() Input {
	return Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文", Sex: "M", DOB: "1980-05-17",
		DocType: DocHKID, DocNumber: "A123456(3)", Mobile: "9123 4567", Language: "zh"}
}

func auditRows(t testing.TB, db *store.DB, patientID int64) []audit.Entry {
	t.Helper()
	rows, err := audit.Search(ctx, db.R, audit.Filter{PatientID: patientID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func auditVerify(db *store.DB) (int, error) { return audit.Verify(ctx, db.R) }
