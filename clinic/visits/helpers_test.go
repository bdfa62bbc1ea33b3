package visits_test

import (
	"context"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

// fixture is a practice with one doctor and one patient on a real SQLite file.
type fixture struct {
	db      *store.DB
	doctor  audit.Actor
	patient int64
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	ts := time.Now().UTC().Format(time.RFC3339Nano)
	res, err := db.W.Exec(`INSERT INTO users (username, full_name, password_hash, mcr_no, created_at, updated_at)
		VALUES ('doc', 'Dr Chan', 'x', 'M01234', ?, ?)`, ts, ts)
	if err != nil {
		t.Fatal(err)
	}
	docID, _ := res.LastInsertId()
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文",
		Sex: "M", DOB: "1980-05-17", Language: "both"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, doctor: audit.Actor{UserID: docID, Username: "doc", Roles: "doctor"}, patient: p.ID}
}
