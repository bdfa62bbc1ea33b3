package prescribing

import (
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic/stock"
)

// TestDispenseWhenStockIsShort prescribes 15 Panadol and 1 bottle of syrup with 6 Panadol on the
// shelf, under each rule for short stock.
func TestDispenseWhenStockIsShort(t *testing.T) {
	tests := []struct {
		name         string
		policy       string
		panadolShelf int64
		wantErr      bool
		wantItems    int
		wantShort    []Shortfall // Drug, Wanted, Given
		wantPanadol  int64       // dispensed of the item
		wantSyrup    int64
		wantStatus   string // the Panadol item's status afterwards
		wantOnHand   int64  // Panadol left on the shelf
		wantAudit    int    // dispense_short rows
	}{
		{name: "refuse: nothing dispensed, nobody's stock touched", policy: ShortRefuse, panadolShelf: 6, wantErr: true,
			wantStatus: StatusPrescribed, wantOnHand: 6},
		{name: "unknown rule counts as refuse", policy: "whatever", panadolShelf: 6, wantErr: true,
			wantStatus: StatusPrescribed, wantOnHand: 6},
		{name: "partial: what there is, the rest owing", policy: ShortPartial, panadolShelf: 6, wantItems: 2,
			wantShort: []Shortfall{{Drug: "Panadol 500 mg", Wanted: 15, Given: 6}}, wantPanadol: 6, wantSyrup: 1,
			wantStatus: StatusPrescribed, wantOnHand: 0, wantAudit: 1},
		{name: "partial with an empty shelf gives none of it, the rest still goes", policy: ShortPartial, panadolShelf: 0,
			wantItems: 1, wantShort: []Shortfall{{Drug: "Panadol 500 mg", Wanted: 15, Given: 0}}, wantSyrup: 1,
			wantStatus: StatusPrescribed, wantOnHand: 0, wantAudit: 1},
		{name: "partial with enough is a plain dispensing", policy: ShortPartial, panadolShelf: 20, wantItems: 2,
			wantPanadol: 15, wantSyrup: 1, wantStatus: StatusDispensed, wantOnHand: 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			if tt.panadolShelf > 0 {
				if _, err := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.panadol.ID, BatchNo: "P1", Expiry: "2030-01-31", Quantity: tt.panadolShelf}, doctor); err != nil {
					t.Fatal(err)
				}
			}
			if _, err := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.syrup.ID, BatchNo: "S1", Expiry: "2030-01-31", Quantity: 3}, doctor); err != nil {
				t.Fatal(err)
			}
			para, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "1", Frequency: "TDS", Days: "5"}, doctor)
			if err != nil {
				t.Fatal(err)
			}
			syr, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.syrup.ID, Dose: "5", Frequency: "TDS", Days: "3"}, doctor)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DispenseWith(ctx, f.db, f.visit, nil, "2026-03-02", tt.policy, doctor)
			var se *ShortError
			if tt.wantErr {
				if !errors.As(err, &se) || se.Drug != "Panadol 500 mg" || se.Wanted != 15 || se.OnHand != tt.panadolShelf {
					t.Fatalf("err %v, want a ShortError naming Panadol", err)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if got.Items != tt.wantItems || len(got.Shortfalls) != len(tt.wantShort) {
				t.Fatalf("dispensed %+v; want %d items, shortfalls %+v", got, tt.wantItems, tt.wantShort)
			}
			for i, w := range tt.wantShort {
				s := got.Shortfalls[i]
				if s.Drug != w.Drug || s.Wanted != w.Wanted || s.Given != w.Given || s.ItemID != para.ID || s.Owing() != w.Wanted-w.Given {
					t.Errorf("shortfall %+v, want %+v", s, w)
				}
			}
			p, _ := GetItem(ctx, f.db.R, para.ID)
			s, _ := GetItem(ctx, f.db.R, syr.ID)
			if p.Dispensed != tt.wantPanadol || s.Dispensed != tt.wantSyrup || p.Status != tt.wantStatus {
				t.Errorf("Panadol %d (%s), syrup %d; want %d (%s) and %d", p.Dispensed, p.Status, s.Dispensed, tt.wantPanadol, tt.wantStatus, tt.wantSyrup)
			}
			if n, _ := stock.OnHand(ctx, f.db.R, f.panadol.ID); n != tt.wantOnHand {
				t.Errorf("Panadol on hand %d, want %d", n, tt.wantOnHand)
			}
			var neg, audits int
			f.db.R.QueryRow(`SELECT COUNT(*) FROM stock_batches WHERE quantity < 0`).Scan(&neg)
			f.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = ?`, ActionDispenseShort).Scan(&audits)
			if neg != 0 || audits != tt.wantAudit {
				t.Errorf("%d negative batches, %d shortfall audit rows; want 0 and %d", neg, audits, tt.wantAudit)
			}
		})
	}
}

// TestOwingIsDispensedWhenStockComesIn: the rest of a short item goes out with the next dispensing.
func TestOwingIsDispensedWhenStockComesIn(t *testing.T) {
	f := newFixture(t)
	if _, err := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.panadol.ID, BatchNo: "P1", Expiry: "2030-01-31", Quantity: 10}, doctor); err != nil {
		t.Fatal(err)
	}
	it, err := Prescribe(ctx, f.db, f.visit, Input{DrugID: f.panadol.ID, Dose: "1", Frequency: "TDS", Days: "5"}, doctor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DispenseWith(ctx, f.db, f.visit, nil, "2026-03-02", ShortPartial, doctor); err != nil {
		t.Fatal(err)
	}
	if _, err := stock.Receive(ctx, f.db, stock.Receipt{DrugID: f.panadol.ID, BatchNo: "P2", Expiry: "2030-06-30", Quantity: 100}, doctor); err != nil {
		t.Fatal(err)
	}
	got, err := DispenseWith(ctx, f.db, f.visit, nil, "2026-03-03", ShortPartial, doctor)
	if err != nil || got.Items != 1 || len(got.Shortfalls) != 0 {
		t.Fatalf("second dispensing %+v, %v", got, err)
	}
	it, _ = GetItem(ctx, f.db.R, it.ID)
	if it.Dispensed != 15 || it.Status != StatusDispensed || it.ToDispense() != 0 {
		t.Fatalf("after stock came in: %d dispensed, %s, %d to go; want 15, dispensed, 0", it.Dispensed, it.Status, it.ToDispense())
	}
}

func TestShortPolicySetting(t *testing.T) {
	f := newFixture(t)
	for _, tt := range []struct{ stored, want string }{{"", ShortRefuse}, {ShortPartial, ShortPartial}, {"nonsense", ShortRefuse}} {
		if tt.stored != "" {
			if _, err := f.db.W.Exec(`INSERT INTO settings (key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`,
				SettingShortStock, tt.stored); err != nil {
				t.Fatal(err)
			}
		}
		if got, err := ShortPolicy(ctx, f.db.R); err != nil || got != tt.want {
			t.Errorf("stored %q: policy %q, %v; want %q", tt.stored, got, err, tt.want)
		}
	}
}
