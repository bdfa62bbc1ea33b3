package prescribing

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/stock"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
	"github.com/onramp-hk/onramp/clinic/visits"
)

var (
	ctx    = context.Background()
	doctor = audit.Actor{Username: "doctor", Roles: "doctor"}
)

func TestQuantity(t *testing.T) {
	tests := []struct {
		name string
		c    Course
		want int64
		err  bool
	}{
		{"1 tab TDS x 5 days", Course{DoseMilli: 1000, Frequency: "TDS", Days: 5, UnitsPerDispensing: 1000}, 15, false},
		{"half tab BD x 7 days rounds up", Course{DoseMilli: 500, Frequency: "BD", Days: 7, UnitsPerDispensing: 1000}, 7, false},
		{"half tab QD x 3 days rounds up", Course{DoseMilli: 500, Frequency: "QD", Days: 3, UnitsPerDispensing: 1000}, 2, false},
		{"2 tab Q4H x 2 days", Course{DoseMilli: 2000, Frequency: "Q4H", Days: 2, UnitsPerDispensing: 1000}, 24, false},
		{"nocte x 30 days", Course{DoseMilli: 1000, Frequency: "nocte", Days: 30, UnitsPerDispensing: 1000}, 30, false},
		{"every other day x 5 days", Course{DoseMilli: 1000, Frequency: "QOD", Days: 5, UnitsPerDispensing: 1000}, 3, false},
		{"PRN max 4 a day x 3 days", Course{DoseMilli: 1000, Frequency: "PRN", PRNMaxPerDay: 4, Days: 3, UnitsPerDispensing: 1000}, 12, false},
		{"PRN without a maximum", Course{DoseMilli: 1000, Frequency: "PRN", Days: 3, UnitsPerDispensing: 1000}, 0, true},
		{"5 ml TDS x 5 days from 100 ml bottles", Course{DoseMilli: 5000, Frequency: "TDS", Days: 5, UnitsPerDispensing: 100000}, 1, false},
		{"10 ml QID x 7 days from 100 ml bottles", Course{DoseMilli: 10000, Frequency: "QID", Days: 7, UnitsPerDispensing: 100000}, 3, false},
		{"liquid dispensed by the ml", Course{DoseMilli: 2500, Frequency: "TDS", Days: 4, UnitsPerDispensing: 1000}, 30, false},
		{"stat dose", Course{DoseMilli: 2000, Frequency: "STAT", UnitsPerDispensing: 1000}, 2, false},
		{"no days", Course{DoseMilli: 1000, Frequency: "TDS", UnitsPerDispensing: 1000}, 0, true},
		{"unknown frequency", Course{DoseMilli: 1000, Frequency: "XYZ", Days: 2, UnitsPerDispensing: 1000}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Quantity(tt.c)
			if (err != nil) != tt.err || got != tt.want {
				t.Fatalf("Quantity = %d, %v; want %d (error %v)", got, err, tt.want, tt.err)
			}
		})
	}
}

func TestDirections(t *testing.T) {
	tests := []struct {
		dose   int64
		unit   string
		freq   string
		prn    int64
		en, zh string
	}{
		{1000, "tab", "TDS", 0, "Take 1 tablet 3 times a day", "每日三次，每次一粒"},
		{2000, "tab", "BD", 0, "Take 2 tablets twice a day", "每日兩次，每次兩粒"},
		{500, "tab", "QD", 0, "Take 0.5 tablet once a day", "每日一次，每次半粒"},
		{5000, "ml", "QID", 0, "Take 5 ml 4 times a day", "每日四次，每次五毫升"},
		{1000, "tab", "PRN", 4, "Take 1 tablet when needed, at most 4 times a day", "有需要時，每次一粒，每日最多4次"},
	}
	for _, tt := range tests {
		en, zh := Directions(tt.dose, tt.unit, tt.freq, tt.prn)
		if en != tt.en || zh != tt.zh {
			t.Errorf("Directions(%d %s %s) = %q / %q; want %q / %q", tt.dose, tt.unit, tt.freq, en, zh, tt.en, tt.zh)
		}
	}
}

// fixture is a practice with a patient, a visit and a small formulary.
type fixture struct {
	db                       *store.DB
	patient                  int64
	visit                    int64
	amoxil, moxypen, panadol formulary.Drug
	panadolExtra, syrup      formulary.Drug
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	db := storetest.Open(t)
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文",
		Sex: "M", DOB: "1980-05-17"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: p.ID, Date: "2026-03-02"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: db, patient: p.ID, visit: v.ID}
	mk := func(in formulary.Input) formulary.Drug {
		d, err := formulary.Create(ctx, db, in, doctor)
		if err != nil {
			t.Fatalf("drug %s: %v", in.Name, err)
		}
		return d
	}
	f.amoxil = mk(formulary.Input{LocalCode: "AMOX1", Name: "Amoxil", Strength: "250 mg", DispensingUnit: "cap",
		Ingredients: "amoxicillin 250 mg", Price: "2.50"})
	f.moxypen = mk(formulary.Input{LocalCode: "AMOX2", Name: "Moxypen", Strength: "500 mg", DispensingUnit: "cap",
		Ingredients: "Amoxicillin 500 mg", Price: "3"})
	f.panadol = mk(formulary.Input{LocalCode: "PARA1", Name: "Panadol", Strength: "500 mg", DispensingUnit: "tab",
		Ingredients: "paracetamol 500 mg", MaxDaily: "8", Price: "0.50"})
	f.panadolExtra = mk(formulary.Input{LocalCode: "PARA2", Name: "Panadol Extra", DispensingUnit: "tab",
		Ingredients: "paracetamol 500 mg; caffeine 65 mg"})
	f.syrup = mk(formulary.Input{LocalCode: "PIRI", Name: "Piriton syrup", Strength: "2 mg/5 ml", DispensingUnit: "bottle",
		DoseUnit: "ml", UnitsPerDispensing: "100", Ingredients: "chlorphenamine 2 mg/5 ml"})
	return f
}

func TestAllergyCheckByIngredientWhenTheBrandDiffers(t *testing.T) {
	f := newFixture(t)
	// Allergic to Amoxil (a brand); Moxypen is another brand of the same ingredient.
	if _, err := allergies.Add(ctx, f.db, f.patient, allergies.Input{DrugID: f.amoxil.ID, ReactionCode: "21", Certainty: "C"}, doctor); err != nil {
		t.Fatal(err)
	}
	in := Input{DrugID: f.moxypen.ID, Dose: "1", Frequency: "TDS", Days: "5"}
	_, err := Prescribe(ctx, f.db, f.visit, in, doctor)
	var ce *CheckError
	if !errors.As(err, &ce) || !ce.Stops() || ce.Findings[0].Kind != "allergy" {
		t.Fatalf("prescribing Moxypen to a patient allergic to Amoxil: err %v, want an allergy stop", err)
	}
	if items, _ := Items(ctx, f.db.R, f.visit); len(items) != 0 {
		t.Fatalf("a stopped prescription was saved: %+v", items)
	}
	// Confirming is not enough for a stop; a reason is.
	in.Confirmed = true
	if _, err := Prescribe(ctx, f.db, f.visit, in, doctor); !errors.As(err, &ce) {
		t.Fatalf("a stop passed with a mere confirmation: %v", err)
	}
	in.OverrideReason = "tolerated amoxicillin last year under observation"
	it, err := Prescribe(ctx, f.db, f.visit, in, doctor)
	if err != nil {
		t.Fatal(err)
	}
	if it.OverrideReason == "" || it.Quantity != 15 || it.Warnings == "" {
		t.Fatalf("item %+v: want the reason, quantity 15 and the finding kept", it)
	}
	var n int
	if err := f.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'override' AND detail LIKE '%tolerated%'`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("override audit rows = %d, %v; want 1", n, err)
	}
	// A free-text allergy matches an ingredient of that name; a non-drug allergy never does.
	if _, err := allergies.Add(ctx, f.db, f.patient, allergies.Input{Allergen: "Paracetamol", AllergenType: "unclassified"}, doctor); err != nil {
		t.Fatal(err)
	}
	if _, _, err := Preview(ctx, f.db.R, f.visit, Input{DrugID: f.panadolExtra.ID, Dose: "1", Frequency: "QD", Days: "1"}); err != nil {
		t.Fatal(err)
	}
	_, findings, _ := Preview(ctx, f.db.R, f.visit, Input{DrugID: f.panadolExtra.ID, Dose: "1", Frequency: "QD", Days: "1"})
	if len(findings) == 0 || findings[0].Kind != "allergy" {
		t.Fatalf("free-text paracetamol allergy not caught in Panadol Extra: %+v", findings)
	}
}

func TestDuplicateIngredientWarning(t *testing.T) {
	f := newFixture(t)
	if _, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "1", Frequency: "QID", Days: "3"}, doctor); err != nil {
		t.Fatal(err)
	}
	in := Input{DrugID: f.panadolExtra.ID, Dose: "1", Frequency: "PRN", PRNMax: "2", Days: "3"}
	_, err := Prescribe(ctx, f.db, f.visit, in, doctor)
	var ce *CheckError
	if !errors.As(err, &ce) || ce.Stops() || len(ce.Findings) != 1 || ce.Findings[0].Kind != "duplicate" {
		t.Fatalf("second paracetamol: err %v, want a duplicate-ingredient warning only", err)
	}
	in.Confirmed = true
	it, err := Prescribe(ctx, f.db, f.visit, in, doctor)
	if err != nil || it.Quantity != 6 || it.OverrideReason != "" {
		t.Fatalf("confirmed duplicate: %+v, %v", it, err)
	}
}

func TestMaximumDailyDose(t *testing.T) {
	f := newFixture(t)
	_, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "3", Frequency: "QID", Days: "2"}, doctor)
	var ce *CheckError
	if !errors.As(err, &ce) || !ce.Stops() || ce.Findings[0].Kind != "max_dose" {
		t.Fatalf("12 tablets a day of a max 8: %v", err)
	}
	if _, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "2", Frequency: "QID", Days: "2"}, doctor); err != nil {
		t.Fatalf("8 a day is the maximum, allowed: %v", err)
	}
}

func TestQuantityEditableAndLiquid(t *testing.T) {
	f := newFixture(t)
	it, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.syrup.ID, Dose: "5", Frequency: "TDS", Days: "5"}, doctor)
	if err != nil || it.Quantity != 1 || it.DoseUnit != "ml" {
		t.Fatalf("syrup: %+v %v", it, err)
	}
	it, err = Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "1", Frequency: "TDS", Days: "5", Quantity: "20"}, doctor)
	if err != nil || it.Quantity != 20 || it.QuantityWorked != 15 {
		t.Fatalf("edited quantity: %+v %v", it, err)
	}
	_, err = Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "1", Frequency: "PRN", Days: "5"}, doctor)
	if err == nil {
		t.Fatal("PRN with no maximum and no quantity was accepted")
	}
}

func TestRepeatLast(t *testing.T) {
	f := newFixture(t)
	if _, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "1", Frequency: "TDS", Days: "5"}, doctor); err != nil {
		t.Fatal(err)
	}
	if _, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.amoxil.ID, Dose: "1", Frequency: "TDS", Days: "5"}, doctor); err != nil {
		t.Fatal(err)
	}
	// An allergy to amoxicillin recorded since: the repeat must not copy it silently.
	if _, err := allergies.Add(ctx, f.db, f.patient, allergies.Input{Ingredient: "amoxicillin"}, doctor); err != nil {
		t.Fatal(err)
	}
	v2, err := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, Date: "2026-03-09"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	res, err := RepeatLast(ctx, f.db, v2.ID, doctor)
	if err != nil || res.Added != 1 || len(res.Held) != 1 || res.Held[0].Drug.ID != f.amoxil.ID {
		t.Fatalf("repeat: %+v %v", res, err)
	}
}

func TestTwoDispensersTakeTheLastTenTablets(t *testing.T) {
	f := newFixture(t)
	if _, err := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.panadol.ID, BatchNo: "B1", Expiry: "2030-01-31", Quantity: 10}, doctor); err != nil {
		t.Fatal(err)
	}
	v2, err := visits.Open(ctx, f.db, visits.OpenInput{PatientID: f.patient, Date: "2026-03-02", Type: "follow_up"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []int64{f.visit, v2.ID} {
		if _, err := Prescribe(ctx, f.db, v, Input{DrugID: f.panadol.ID, Dose: "2", Frequency: "QD", Days: "5"}, doctor); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	start := make(chan struct{})
	for i, v := range []int64{f.visit, v2.ID} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, errs[i] = Dispense(ctx, f.db, v, nil, "2026-03-02", audit.Actor{Username: "dispenser"})
		}()
	}
	close(start)
	wg.Wait()
	ok, short := 0, 0
	for _, err := range errs {
		var se *ShortError
		switch {
		case err == nil:
			ok++
		case errors.As(err, &se):
			short++
			if se.Drug != "Panadol 500 mg" || se.Wanted != 10 || se.OnHand != 0 {
				t.Errorf("the second dispenser was told %+v", se)
			}
		default:
			t.Fatalf("dispense: %v", err)
		}
	}
	if ok != 1 || short != 1 {
		t.Fatalf("%d dispensed, %d told short; want 1 and 1", ok, short)
	}
	if n, _ := stock.OnHand(ctx, f.db.R, f.panadol.ID); n != 0 {
		t.Fatalf("on hand %d, want 0", n)
	}
}

func TestDispenseEarliestExpiryFirstAndReturn(t *testing.T) {
	f := newFixture(t)
	late, _ := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.panadol.ID, BatchNo: "LATE", Expiry: "2031-01-31", Quantity: 100}, doctor)
	early, _ := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.panadol.ID, BatchNo: "EARLY", Expiry: "2027-01-31", Quantity: 10}, doctor)
	if _, err := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.panadol.ID, BatchNo: "GONE", Expiry: "2025-01-31", Quantity: 50}, doctor); err != nil {
		t.Fatal(err)
	}
	it, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "1", Frequency: "TDS", Days: "5"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Dispense(ctx, f.db, f.visit, nil, "2026-03-02", doctor); err != nil {
		t.Fatal(err)
	}
	qty := func(id int64) int64 {
		var n int64
		f.db.R.QueryRow(`SELECT quantity FROM stock_batches WHERE id = ?`, id).Scan(&n)
		return n
	}
	if qty(early) != 0 || qty(late) != 95 {
		t.Fatalf("after dispensing 15: early %d late %d; want 0 and 95 (expired batch untouched)", qty(early), qty(late))
	}
	if err := Return(ctx, f.db, it.ID, 20, "unused", doctor); err == nil {
		t.Fatal("returned more than was dispensed")
	}
	if err := Return(ctx, f.db, it.ID, 7, "stopped after 2 days", doctor); err != nil {
		t.Fatal(err)
	}
	if qty(late) != 100 || qty(early) != 2 {
		t.Fatalf("after returning 7: early %d late %d; want 2 and 100", qty(early), qty(late))
	}
	it, _ = GetItem(ctx, f.db.R, it.ID)
	if it.Dispensed != 8 {
		t.Fatalf("net dispensed %d, want 8", it.Dispensed)
	}
}
