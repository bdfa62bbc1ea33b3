package sharing

import (
	"testing"

	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/immunisations"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// The medication feature's loaders: allergies and ADRs in their own domains, an inactivated
// allergy loaded as a delete with its reason, vaccines coded by their registration number.
func TestMedicationLoaders(t *testing.T) {
	db := openDB(t)
	pid := addPatient(t, db, "Chan", "Tai Man")
	amoxil, err := formulary.Create(ctx, db, formulary.Input{LocalCode: "AMOX", Name: "Amoxil", DispensingUnit: "cap",
		Ingredients: "amoxicillin", RPPNo: "HK-11111"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	flu, _ := formulary.Create(ctx, db, formulary.Input{LocalCode: "FLU", Name: "Vaxigrip", DispensingUnit: "dose", IsVaccine: true, RPPNo: "HK-22222"}, audit.System)
	al, err := allergies.Add(ctx, db, pid, allergies.Input{DrugID: amoxil.ID, ReactionCode: "25", Reaction: "hives", Certainty: "C"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	adr, _ := allergies.Add(ctx, db, pid, allergies.Input{Kind: allergies.KindADR, Ingredient: "codeine", Severity: "M", Reaction: "vomiting"}, audit.System)
	m, err := immunisations.Add(ctx, db, pid, immunisations.Input{DrugID: flu.ID, GivenOn: "2026-01-02", Site: "LD", Route: "IM"}, "2026-03-02", audit.System)
	if err != nil {
		t.Fatal(err)
	}
	reg := Registered()
	for d, want := range map[ehrss.Domain]string{ehrss.DomainAllergy: al.Key(), ehrss.DomainADR: adr.Key(), ehrss.DomainImmunisation: m.Key()} {
		keys, err := reg[d].Keys(ctx, db, pid)
		if err != nil || len(keys) != 1 || keys[0] != want {
			t.Fatalf("%s keys %v %v, want %s", d, keys, err, want)
		}
	}
	got, _ := reg[ehrss.DomainAllergy].Load(ctx, db, []string{al.Key(), adr.Key()})
	a, ok := got[al.Key()].Item.(ehrss.Allergy)
	if !ok || len(got) != 1 || a.TermCode != "HK-11111" || a.AllergenType != "Drug" || a.Reactions[0].Code != "25" || got[al.Key()].Deleted {
		t.Fatalf("AL1 load: %+v", got)
	}
	if err := allergies.Inactivate(ctx, db, al.ID, "tolerated a full course", audit.System); err != nil {
		t.Fatal(err)
	}
	got, _ = reg[ehrss.DomainAllergy].Load(ctx, db, []string{al.Key()})
	if l := got[al.Key()]; !l.Deleted || l.DeleteReason != "tolerated a full course" {
		t.Fatalf("inactivated allergy: %+v", l)
	}
	got, _ = reg[ehrss.DomainImmunisation].Load(ctx, db, []string{m.Key()})
	im, ok := got[m.Key()].Item.(ehrss.Immunisation)
	if !ok || im.TermCode != "HK-22222" || im.Site != "LD" || im.Date != "2026-01-02" || im.GivenElsewhere {
		t.Fatalf("IMMU load: %+v", got)
	}
}
