package stock

import (
	"context"
	"database/sql"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
)

func TestReceiveAdjustStockTakeAndLists(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	d, err := formulary.Create(ctx, db, formulary.Input{LocalCode: "P", Name: "Panadol", DispensingUnit: "tab",
		Ingredients: "paracetamol", ReorderLevel: "100"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	var ves clinic.ValidationErrors
	if _, err := Receive(ctx, db, Receipt{DrugID: d.ID, Expiry: "31/12/2030", Quantity: -1}, audit.System); !errors.As(err, &ves) || len(ves) != 3 {
		t.Fatalf("bad receipt: %v", err)
	}
	b1, err := Receive(ctx, db, Receipt{DrugID: d.ID, BatchNo: "A", Expiry: "2026-04-30", Quantity: 30}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := Receive(ctx, db, Receipt{DrugID: d.ID, BatchNo: "A", Expiry: "2026-04-30", Quantity: 20}, audit.System)
	if again != b1 {
		t.Fatal("the same batch and expiry made a second batch")
	}
	if _, err := Receive(ctx, db, Receipt{DrugID: d.ID, BatchNo: "B", Expiry: "2028-01-31", Quantity: 40}, audit.System); err != nil {
		t.Fatal(err)
	}
	var ve *clinic.ValidationError
	if err := Adjust(ctx, db, b1, -51, "damaged", audit.System); !errors.As(err, &ve) || ve.Key != "error.stock.below_zero" {
		t.Fatalf("adjust below zero: %v", err)
	}
	if err := Adjust(ctx, db, b1, -1, "", audit.System); !errors.As(err, &ve) {
		t.Fatalf("adjust without a reason: %v", err)
	}
	if err := Adjust(ctx, db, b1, -5, "damaged", audit.System); err != nil {
		t.Fatal(err)
	}
	if err := StockTake(ctx, db, b1, 43, "", audit.System); err != nil {
		t.Fatal(err)
	}
	if n, _ := OnHand(ctx, db.R, d.ID); n != 83 {
		t.Fatalf("on hand %d, want 83", n)
	}
	var moves int64
	db.R.QueryRow(`SELECT SUM(quantity) FROM stock_movements WHERE drug_id = ?`, d.ID).Scan(&moves)
	if moves != 83 {
		t.Fatalf("movements add up to %d, want 83", moves)
	}
	low, _ := Low(ctx, db.R)
	exp, _ := Expiring(ctx, db.R, "2026-06-30")
	if len(low) != 1 || low[0].OnHand != 83 || len(exp) != 1 || exp[0].BatchNo != "A" {
		t.Fatalf("low %+v expiring %+v", low, exp)
	}
	// Take skips the expired batch A on 2026-05-01 and refuses more than batch B holds.
	err = db.Write(ctx, func(tx *sql.Tx) error {
		_, err := Take(ctx, tx, d.ID, 41, "2026-05-01")
		return err
	})
	var short *ShortError
	if !errors.As(err, &short) || short.OnHand != 40 {
		t.Fatalf("take past an expired batch: %v", err)
	}
}
