package allergies

import (
	"context"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func TestStatesAndInactivation(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Lee", GivenNameEN: "Ka Yan", Sex: "F", DOB: "1990"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	state := func() string {
		st, err := State(ctx, db.R, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		return st.State
	}
	steps := []struct {
		name string
		do   func() error
		want string
	}{
		{"nothing recorded", func() error { return nil }, StateUnknown},
		{"NKDA recorded", func() error { return RecordNKDA(ctx, db, p.ID, audit.System) }, StateNKDA},
		{"a non-drug allergy is shown", func() error {
			_, err := Add(ctx, db, p.ID, Input{Allergen: "Peanut", AllergenType: TypeNonDrug, Certainty: "S"}, audit.System)
			return err
		}, StateAllergic},
		{"NKDA beside a non-drug allergy is allowed", func() error { return RecordNKDA(ctx, db, p.ID, audit.System) }, StateAllergic},
		{"a drug allergy", func() error {
			_, err := Add(ctx, db, p.ID, Input{Ingredient: "Aspirin", Kind: KindADR, Severity: "S", ReactionCode: "6"}, audit.System)
			return err
		}, StateAllergic},
	}
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if got := state(); got != s.want {
			t.Fatalf("%s: state %s, want %s", s.name, got, s.want)
		}
	}
	var ve *clinic.ValidationError
	if err := RecordNKDA(ctx, db, p.ID, audit.System); !errors.As(err, &ve) {
		t.Fatalf("NKDA beside a drug ADR: %v", err)
	}
	m, err := Check(ctx, db.R, p.ID, []string{"aspirin", "caffeine"})
	if err != nil || len(m) != 1 || m[0].Allergy.Kind != KindADR {
		t.Fatalf("check: %+v %v", m, err)
	}
	if m, _ := Check(ctx, db.R, p.ID, []string{"peanut"}); len(m) != 0 {
		t.Fatal("a non-drug allergy stopped a drug")
	}
	list, _ := List(ctx, db.R, p.ID)
	if err := Inactivate(ctx, db, list[0].ID, " ", audit.System); !errors.As(err, &ve) {
		t.Fatalf("inactivation without a reason: %v", err)
	}
	for _, a := range list {
		if err := Inactivate(ctx, db, a.ID, "entered in error", audit.System); err != nil {
			t.Fatal(err)
		}
	}
	if err := Inactivate(ctx, db, list[0].ID, "again", audit.System); !errors.Is(err, clinic.ErrConflict) {
		t.Fatalf("inactivated twice: %v", err)
	}
	// The drug reaction withdrew "no known drug allergy": with everything inactivated, nothing
	// is known, which is not the same as "no known drug allergy".
	if got := state(); got != StateUnknown {
		t.Fatalf("after inactivating all: %s", got)
	}
	var n int
	db.R.QueryRow(`SELECT COUNT(*) FROM outbox WHERE domain IN ('AL1','ADR')`).Scan(&n)
	if n != 4 { // two inserts, two deletes
		t.Fatalf("outbox rows %d, want 4", n)
	}
}
