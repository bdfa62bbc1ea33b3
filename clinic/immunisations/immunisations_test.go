package immunisations

import (
	"context"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func TestDosesGivenHereAndElsewhere(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	p, _ := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Ho", GivenNameEN: "Mei", Sex: "F", DOB: "2020-02-02"}, audit.System)
	flu, _ := formulary.Create(ctx, db, formulary.Input{LocalCode: "FLU", Name: "Vaxigrip", DispensingUnit: "dose", IsVaccine: true, RPPNo: "HK-12345"}, audit.System)
	tab, _ := formulary.Create(ctx, db, formulary.Input{LocalCode: "P", Name: "Panadol", DispensingUnit: "tab", Ingredients: "paracetamol"}, audit.System)
	tests := []struct {
		name string
		in   Input
		bad  []string
	}{
		{"given here", Input{DrugID: flu.ID, GivenOn: "2026-03-01", DoseNumber: "1", Site: "LD", Route: "IM"}, nil},
		{"historical, by name", Input{Historical: true, Vaccine: "BCG", GivenOn: "2020-02-03", Provider: "DH"}, nil},
		{"not a vaccine", Input{DrugID: tab.ID, GivenOn: "2026-03-01"}, []string{"drug_id"}},
		{"given here needs the formulary", Input{Vaccine: "BCG", GivenOn: "2026-03-01"}, []string{"drug_id"}},
		{"future, bad site and route", Input{DrugID: flu.ID, GivenOn: "2026-03-03", Site: "XX", Route: "YY"}, []string{"given_on", "site", "route"}},
	}
	for _, tt := range tests {
		_, err := Add(ctx, db, p.ID, tt.in, "2026-03-02", audit.System)
		var ves clinic.ValidationErrors
		if len(tt.bad) == 0 && err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
		if len(tt.bad) > 0 {
			if !errors.As(err, &ves) {
				t.Errorf("%s: %v, want errors on %v", tt.name, err, tt.bad)
				continue
			}
			for _, f := range tt.bad {
				if ves.Field(f) == nil {
					t.Errorf("%s: no error on %s", tt.name, f)
				}
			}
		}
	}
	list, _ := List(ctx, db.R, p.ID)
	if len(list) != 2 || !list[0].Historical || list[1].RPPNo != "HK-12345" || list[1].GivenBy != "system" {
		t.Fatalf("%+v", list)
	}
	if err := MarkInError(ctx, db, list[1].ID, "wrong patient", audit.System); err != nil {
		t.Fatal(err)
	}
	var n int
	db.R.QueryRow(`SELECT COUNT(*) FROM outbox WHERE domain = 'IMMU' AND tx_type = 'D' AND reason = 'wrong patient'`).Scan(&n)
	if n != 1 {
		t.Fatalf("outbox deletes %d", n)
	}
}
