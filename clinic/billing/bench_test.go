package billing

import (
	"context"
	"testing"
)

// BenchmarkForVisit opens the bill of a visit with a consultation and five dispensed items: what
// the counter does each time a patient comes to pay (the bill is built again each time).
func BenchmarkForVisit(b *testing.B) {
	f := newFixture(b)
	p := f.patient("Chan", "Tai Man", "陳大文", "1950")
	f.fee(KindConsultation, "consultation", "Consultation", "250", 0)
	v := f.visit(p, "consultation")
	for i := range 5 {
		f.dispense(v, p, "Drug"+string(rune('A'+i)), 150, 21)
	}
	f.bill(v)
	b.ResetTimer()
	for b.Loop() {
		if _, err := ForVisit(context.Background(), f.db, v, clerk); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPayAndReceipt takes a payment in full and issues its receipt.
func BenchmarkPayAndReceipt(b *testing.B) {
	f := newFixture(b)
	p := f.patient("Chan", "Tai Man", "陳大文", "1950")
	f.fee(KindConsultation, "consultation", "Consultation", "250", 0)
	ctx := context.Background()
	zone := nil2zone()
	for b.Loop() {
		b.StopTimer()
		bill := f.bill(f.visit(p, "consultation"))
		b.StartTimer()
		if _, err := Pay(ctx, f.db, bill.ID, bill.Version, PaymentInput{Method: MethodCash, Tendered: "500", Day: today}, clerk); err != nil {
			b.Fatal(err)
		}
		if _, _, err := IssueReceipt(ctx, f.db, bill.ID, zone, clerk); err != nil {
			b.Fatal(err)
		}
	}
}
