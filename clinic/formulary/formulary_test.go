package formulary

import (
	"context"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func TestAmounts(t *testing.T) {
	tests := []struct {
		in          string
		milli, cent int64
		bad         bool
	}{
		{"1", 1000, 100, false},
		{"0.5", 500, 50, false},
		{"2.5", 2500, 250, false},
		{"12.50", 12500, 1250, false},
		{".25", 250, 25, false},
		{"1,000", 1000000, 100000, false},
		{"0.125", 125, 0, true}, // three places: a dose, never a price
		{"-1", 0, 0, true},
		{"abc", 0, 0, true},
		{"", 0, 0, true},
	}
	for _, tt := range tests {
		m, err := ParseMilli(tt.in)
		if tt.in == "0.125" {
			if err != nil || m != 125 {
				t.Errorf("ParseMilli(%q) = %d, %v", tt.in, m, err)
			}
			if _, err := ParseCents(tt.in); err == nil {
				t.Errorf("ParseCents(%q) accepted a fraction of a cent", tt.in)
			}
			continue
		}
		c, cerr := ParseCents(tt.in)
		if tt.bad {
			if err == nil || cerr == nil {
				t.Errorf("%q accepted: %d %d", tt.in, m, c)
			}
			continue
		}
		if err != nil || cerr != nil || m != tt.milli || c != tt.cent {
			t.Errorf("%q: milli %d (%v) cents %d (%v); want %d and %d", tt.in, m, err, c, cerr, tt.milli, tt.cent)
		}
	}
	for v, want := range map[int64]string{1500: "1.5", 1000: "1", 125: "0.125", 100000: "100"} {
		if got := FormatMilli(v); got != want {
			t.Errorf("FormatMilli(%d) = %q, want %q", v, got, want)
		}
	}
	for v, want := range map[int64]string{1250: "12.50", 5: "0.05", -5: "-0.05", 0: "0.00"} {
		if got := FormatCents(v); got != want {
			t.Errorf("FormatCents(%d) = %q, want %q", v, got, want)
		}
	}
}

func TestParseIngredients(t *testing.T) {
	got, err := ParseIngredients("Paracetamol 500 mg;  CAFFEINE  65 mg + paracetamol")
	if err != nil || len(got) != 2 || got[0] != (Ingredient{"paracetamol", "500 mg"}) || got[1] != (Ingredient{"caffeine", "65 mg"}) {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestCreateValidatesAndKeepsCodesUnique(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	_, err := Create(ctx, db, Input{LocalCode: "bad code!", RPPNo: "12345", Price: "abc"}, audit.System)
	var ves clinic.ValidationErrors
	if !errors.As(err, &ves) {
		t.Fatalf("err %v", err)
	}
	for _, f := range []string{"local_code", "name", "dispensing_unit", "rpp_no", "price", "ingredients"} {
		if ves.Field(f) == nil {
			t.Errorf("no error for %s", f)
		}
	}
	in := Input{LocalCode: "P1", Name: "Panadol", DispensingUnit: "tab", Ingredients: "paracetamol", DefaultFrequency: "tds"}
	d, err := Create(ctx, db, in, audit.System)
	if err != nil || d.DefaultFrequency != "TDS" || d.UnitsPerDispensing != 1000 {
		t.Fatalf("%+v %v", d, err)
	}
	if _, err := Create(ctx, db, in, audit.System); !errors.As(err, &ves) && err == nil {
		t.Fatal("a second drug with the same code was accepted")
	}
	in.Version = d.Version
	in.Name = "Panadol Actifast"
	if _, err := Update(ctx, db, d.ID, in, audit.System); err != nil {
		t.Fatal(err)
	}
	if _, err := Update(ctx, db, d.ID, in, audit.System); !errors.Is(err, clinic.ErrConflict) {
		t.Fatalf("a stale form was saved: %v", err)
	}
}
