package demo

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/immunisations"
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
	// Every demo allergy and immunisation is in the eHealth outbox once, under the key its own
	// package gives it, as when a user records one.
	for _, tt := range []struct {
		table string
		key   func(id int64) (string, error)
	}{
		{"allergies", func(id int64) (string, error) {
			a, err := allergies.Get(ctx, db.R, id)
			return a.Key(), err
		}},
		{"immunisations", func(id int64) (string, error) {
			m, err := immunisations.Get(ctx, db.R, id)
			return m.Key(), err
		}},
	} {
		rows, err := db.R.Query(`SELECT id, patient_id FROM ` + tt.table + ` ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		type rec struct{ id, patient int64 }
		var recs []rec
		for rows.Next() {
			var r rec
			rows.Scan(&r.id, &r.patient)
			recs = append(recs, r)
		}
		rows.Close()
		if len(recs) == 0 {
			t.Fatalf("no demo %s", tt.table)
		}
		for _, r := range recs {
			key, err := tt.key(r.id)
			if err != nil {
				t.Fatal(err)
			}
			var n int
			var patient int64
			var dom, txType string
			db.R.QueryRow(`SELECT COUNT(*), MAX(patient_id), MAX(domain), MAX(tx_type) FROM outbox WHERE record_key = ?`, key).
				Scan(&n, &patient, &dom, &txType)
			if n != 1 || patient != r.patient || txType != "I" || !strings.Contains(key, "-"+dom+"-") {
				t.Fatalf("%s %d: %d outbox rows for %s (patient %d, domain %s, %s)", tt.table, r.id, n, key, patient, dom, txType)
			}
		}
	}
	its, err := prescribing.Items(ctx, db.R, 2)
	if err != nil || len(its) == 0 || its[0].Drug.Name == "" || its[0].Dispensed != its[0].Quantity {
		t.Fatalf("items of visit 2: %+v %v", its, err)
	}
}
