package demo

import (
	"context"
	"database/sql"
	"testing"

	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/prescribing"
)

func TestMedicationStep(t *testing.T) {
	ctx := context.Background()
	db := openDB(t)
	if err := Patients(ctx, db, 300, 7, "M"); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO visits (patient_id, episode_no, visit_date, type, status, created_at, updated_at)
			SELECT id, 'E' || id, '2026-01-05', CASE id % 10 WHEN 0 THEN 'vaccination' ELSE 'consultation' END,
				CASE WHEN id % 50 = 1 THEN 'entered_in_error' ELSE 'signed' END, 'x', 'x' FROM patients`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	for range 2 { // a second run adds nothing
		if err := Medication(ctx, db, Options{}); err != nil {
			t.Fatal(err)
		}
	}
	var drugs, items, undispensed, immu, rxVisits int
	q := func(query string, dest *int) {
		if err := db.R.QueryRow(query).Scan(dest); err != nil {
			t.Fatal(err)
		}
	}
	q(`SELECT COUNT(*) FROM drugs`, &drugs)
	q(`SELECT COUNT(*) FROM prescription_items`, &items)
	q(`SELECT COUNT(DISTINCT visit_id) FROM prescription_items`, &rxVisits)
	q(`SELECT COUNT(*) FROM prescription_items i WHERE quantity <> (SELECT SUM(quantity) FROM dispensings d WHERE d.prescription_item_id = i.id)`, &undispensed)
	q(`SELECT COUNT(*) FROM immunisations`, &immu)
	if drugs != len(demoDrugs) || rxVisits != 264 || items < rxVisits || undispensed != 0 || immu != 30 {
		t.Fatalf("%d drugs, %d items over %d visits, %d not dispensed in full, %d immunisations", drugs, items, rxVisits, undispensed, immu)
	}
	// The records read back through their packages: allergy states of all three kinds, and an
	// item with its drug and directions.
	states := map[string]int{}
	for id := int64(1); id <= 300; id++ {
		st, err := allergies.State(ctx, db.R, id)
		if err != nil {
			t.Fatal(err)
		}
		states[st.State]++
	}
	if states[allergies.StateAllergic] == 0 || states[allergies.StateNKDA] == 0 || states[allergies.StateUnknown] == 0 {
		t.Fatalf("allergy states %v", states)
	}
	its, err := prescribing.Items(ctx, db.R, 2)
	if err != nil || len(its) == 0 || its[0].Drug.Name == "" || its[0].Dispensed != its[0].Quantity {
		t.Fatalf("items of visit 2: %+v %v", its, err)
	}
}
