package billing

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
)

func fieldKey(err error) string {
	var ves clinic.ValidationErrors
	var ve *clinic.ValidationError
	switch {
	case errors.As(err, &ves):
		return ves[0].Key
	case errors.As(err, &ve):
		return ve.Key
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

// TestBillTotals builds bills from visits and checks totals, packages, discounts and rounding.
func TestBillTotals(t *testing.T) {
	tests := []struct {
		name      string
		typ       string
		fees      [][3]string // kind, code, amount
		drugs     [][]int64   // price, quantities...
		discounts []DiscountApply
		want      Cents
		wantLines int
	}{
		{name: "consultation only", typ: "consultation", fees: [][3]string{{KindConsultation, "consultation", "250"}}, want: 25000, wantLines: 1},
		{name: "consultation and medicine at selling price", typ: "consultation",
			fees: [][3]string{{KindConsultation, "consultation", "250"}}, drugs: [][]int64{{150, 21}, {1235, 2}}, want: 25000 + 3150 + 2470, wantLines: 3},
		{name: "returns are netted", typ: "consultation", fees: [][3]string{{KindConsultation, "consultation", "250"}},
			drugs: [][]int64{{100, 20, -5}}, want: 25000 + 1500, wantLines: 2},
		{name: "all returned leaves no drug line", typ: "consultation", fees: [][3]string{{KindConsultation, "consultation", "250"}},
			drugs: [][]int64{{100, 10, -10}}, want: 25000, wantLines: 1},
		{name: "a package includes the medicine", typ: "follow_up",
			fees: [][3]string{{KindConsultation, "follow_up", "200"}, {KindPackage, "follow_up", "280"}}, drugs: [][]int64{{150, 21}},
			want: 28000, wantLines: 2},
		{name: "no fee set shows at zero", typ: "vaccination", want: 0, wantLines: 1},
		{name: "10 percent, rounded half up to the cent", typ: "consultation",
			fees: [][3]string{{KindConsultation, "consultation", "333.35"}}, discounts: []DiscountApply{{Percent: "10", Reason: "senior"}},
			want: 33335 - 3334, wantLines: 2},
		{name: "fixed discount", typ: "consultation", fees: [][3]string{{KindConsultation, "consultation", "250"}},
			discounts: []DiscountApply{{Amount: "50", Reason: "staff family"}}, want: 20000, wantLines: 2},
		{name: "discount never below zero", typ: "consultation", fees: [][3]string{{KindConsultation, "consultation", "30"}},
			discounts: []DiscountApply{{Amount: "50", Reason: "waived"}}, want: 0, wantLines: 2},
		{name: "percent on a fixed discount's remainder", typ: "consultation",
			fees:      [][3]string{{KindConsultation, "consultation", "100"}},
			discounts: []DiscountApply{{Amount: "95", Reason: "a"}, {Percent: "50", Reason: "b"}}, want: 0, wantLines: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.patient("Chan", "Tai Man", "陳大文", "1980-05-17")
			for _, fee := range tt.fees {
				f.fee(fee[0], fee[1], "Fee "+fee[1], fee[2], 0)
			}
			v := f.visit(p, tt.typ)
			for i, d := range tt.drugs {
				f.dispense(v, p, "Drug"+string(rune('A'+i)), d[0], d[1:]...)
			}
			b := f.bill(v)
			for _, d := range tt.discounts {
				if err := ApplyDiscount(context.Background(), f.db, b.ID, 0, d, clerk); err != nil {
					t.Fatal(err)
				}
			}
			b = f.bill(v)
			if b.Total != tt.want {
				t.Errorf("total %s, want %s; lines %+v", b.Total, tt.want, b.Lines)
			}
			if n := len(b.Charged()); n != tt.wantLines {
				t.Errorf("%d lines, want %d: %+v", n, tt.wantLines, b.Lines)
			}
			var sum Cents
			for _, l := range b.Charged() {
				sum += l.Amount
			}
			if sum != b.Total {
				t.Errorf("lines add to %s, total says %s", sum, b.Total)
			}
		})
	}
}

func TestBillFollowsTheVisitAndKeepsTheClerksWord(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.patient("Chan", "Tai Man", "陳大文", "1980")
	f.fee(KindConsultation, "consultation", "Consultation", "250", 0)
	f.fee(KindConsultation, "consultation", "Consultation (Dr Wong)", "300", f.doctorID)
	f.fee(KindProcedure, "WD", "Wound dressing", "120", 0)
	f.fee(KindCertificate, "sick_leave", "Sick leave certificate", "50", 0)
	v := f.visit(p, "consultation")
	b := f.bill(v)
	if b.Total != 30000 {
		t.Fatalf("the doctor's own fee should win: %s", b.Total)
	}
	if again := f.bill(v); again.ID != b.ID || len(again.Lines) != 1 {
		t.Fatalf("opening again made another bill or line: %+v", again)
	}
	f.exec(`INSERT INTO visit_procedures (visit_id, patient_id, code, text_en, created_at) VALUES (?, ?, 'WD', 'Dressing', 'x')`, v, p)
	f.exec(`INSERT INTO documents (visit_id, patient_id, kind, number, language, pdf, pdf_copy, created_at) VALUES (?, ?, 'sick_leave', 'SL-1', 'both', x'00', x'00', 'x')`, v, p)
	f.exec(`INSERT INTO documents (visit_id, patient_id, kind, number, language, pdf, pdf_copy, created_at) VALUES (?, ?, 'visit_summary', 'VS-1', 'both', x'00', x'00', 'x')`, v, p)
	b = f.bill(v)
	if b.Total != 30000+12000+5000 || len(b.Charged()) != 3 {
		t.Fatalf("procedure and certificate not charged: %s %+v", b.Total, b.Lines)
	}
	// The clerk lowers the consultation; a later rebuild leaves it.
	cons := b.Lines[0]
	err := AdjustLine(ctx, f.db, b.ID, cons.ID, b.Version, LineInput{Quantity: "1", Unit: "200"}, false, clerk)
	if fieldKey(err) != "error.billing.reason" {
		t.Fatalf("an adjustment without a reason: %v", err)
	}
	if err := AdjustLine(ctx, f.db, b.ID, cons.ID, b.Version, LineInput{Quantity: "1", Unit: "200", Reason: "returning patient"}, false, clerk); err != nil {
		t.Fatal(err)
	}
	if err := AdjustLine(ctx, f.db, b.ID, cons.ID, b.Version, LineInput{Quantity: "1", Unit: "100", Reason: "stale"}, false, clerk); !errors.Is(err, clinic.ErrConflict) {
		t.Fatalf("a stale form was taken: %v", err)
	}
	b = f.bill(v)
	if b.Total != 20000+12000+5000 {
		t.Fatalf("adjusted total %s", b.Total)
	}
	entries, _ := audit.Search(ctx, f.db.R, audit.Filter{PatientID: p, Action: audit.ActionChange})
	if len(entries) == 0 || !strings.Contains(entries[0].Detail, "300.00 -> 1 x 200.00") || !strings.Contains(entries[0].Detail, "returning patient") {
		t.Fatalf("adjustment not audited with old and new: %+v", entries)
	}
	// The procedure entered in error leaves the bill, kept with a reason.
	f.exec(`UPDATE visit_procedures SET status = 'entered_in_error' WHERE visit_id = ?`, v)
	b = f.bill(v)
	if b.Total != 20000+5000 || len(b.Lines) != 3 {
		t.Fatalf("after the procedure went: %s, %+v", b.Total, b.Lines)
	}
	if !b.Lines[1].Removed || b.Lines[1].Reason == "" {
		t.Errorf("the procedure line should be kept, removed with a reason: %+v", b.Lines[1])
	}
}

func TestPayments(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		dob      string
		pays     []PaymentInput
		wantKey  string // error of the last payment
		wantPaid Cents
		status   string
		change   Cents
	}{
		{name: "cash with change", dob: "1980", pays: []PaymentInput{{Method: MethodCash, Tendered: "500"}}, wantPaid: 32000, status: StatusSettled, change: 18000},
		{name: "cash short of the amount", dob: "1980", pays: []PaymentInput{{Method: MethodCash, Amount: "320", Tendered: "300"}}, wantKey: "error.billing.tendered_short"},
		{name: "voucher half and cash half", dob: "1955-03-01", pays: []PaymentInput{
			{Method: MethodVoucher, Amount: "160", Reference: "EHV123"}, {Method: MethodCash, Amount: "160"}}, wantPaid: 32000, status: StatusSettled},
		{name: "voucher refused under 65", dob: "1990-01-01", pays: []PaymentInput{{Method: MethodVoucher, Amount: "100", Reference: "EHV1"}},
			wantKey: "error.billing.voucher_age"},
		{name: "voucher at 65 this year by year of birth only", dob: "1961", pays: []PaymentInput{{Method: MethodVoucher, Amount: "100", Reference: "EHV2"}},
			wantPaid: 10000, status: StatusOpen},
		{name: "voucher needs its reference", dob: "1940", pays: []PaymentInput{{Method: MethodVoucher, Amount: "100"}}, wantKey: "error.billing.voucher_reference"},
		{name: "partial then the rest by card", dob: "1980", pays: []PaymentInput{{Method: MethodEPS, Amount: "20"}, {Method: MethodCard}},
			wantPaid: 32000, status: StatusSettled},
		{name: "more than owed", dob: "1980", pays: []PaymentInput{{Method: MethodFPS, Amount: "400"}}, wantKey: "error.billing.more_than_owed"},
		{name: "nothing more owed", dob: "1980", pays: []PaymentInput{{Method: MethodOctopus}, {Method: MethodCash, Amount: "1"}},
			wantKey: "error.billing.nothing_owed", wantPaid: 32000},
		{name: "cheque needs its number", dob: "1980", pays: []PaymentInput{{Method: MethodCheque}}, wantKey: "error.billing.cheque_reference"},
		{name: "bill to company", dob: "1980", pays: []PaymentInput{{Method: MethodCompany, Company: "ACME Ltd"}}, wantPaid: 32000, status: StatusSettled},
		{name: "company needs a name", dob: "1980", pays: []PaymentInput{{Method: MethodCompany}}, wantKey: "error.billing.company"},
		{name: "unknown method", dob: "1980", pays: []PaymentInput{{Method: "bitcoin"}}, wantKey: "error.billing.method"},
		{name: "bad amount", dob: "1980", pays: []PaymentInput{{Method: MethodCash, Amount: "12.345"}}, wantKey: "error.billing.amount"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := f.patient("Lee", "Ah Po", "李亞婆", tt.dob)
			f.fee(KindConsultation, "consultation", "Consultation", "320", 0)
			b := f.bill(f.visit(p, "consultation"))
			var err error
			var last Payment
			for _, in := range tt.pays {
				last, err = f.pay(b.ID, in)
			}
			if got := fieldKey(err); got != tt.wantKey {
				t.Fatalf("error %q, want %q", got, tt.wantKey)
			}
			b = f.get(b.ID)
			if b.Paid != tt.wantPaid {
				t.Errorf("paid %s, want %s", b.Paid, tt.wantPaid)
			}
			if tt.status != "" && b.Status != tt.status {
				t.Errorf("status %s, want %s", b.Status, tt.status)
			}
			if err == nil && last.Change != tt.change {
				t.Errorf("change %s, want %s", last.Change, tt.change)
			}
		})
	}
	f := newFixture(t)
	p := f.patient("Lee", "Ah Po", "", "1980")
	f.fee(KindConsultation, "consultation", "Consultation", "320", 0)
	b := f.bill(f.visit(p, "consultation"))
	f.pay(b.ID, PaymentInput{Method: MethodCompany, Company: "ACME Ltd"})
	if err := SettleCompany(ctx, f.db, "ACME Ltd", "400", MethodCheque, "123", today, clerk); fieldKey(err) != "error.billing.more_than_owed" {
		t.Fatalf("overpaid company: %v", err)
	}
	if err := SettleCompany(ctx, f.db, "ACME Ltd", "120", MethodCheque, "123", today, clerk); err != nil {
		t.Fatal(err)
	}
	cb, _ := CompanyBalances(ctx, f.db.R)
	if len(cb) != 1 || cb[0].Outstanding != 20000 {
		t.Fatalf("company balance %+v", cb)
	}
}

// TestTwoClerksPayTheSameBillAtOnce: many clerks press "pay in full" together; exactly one
// payment is taken.
func TestTwoClerksPayTheSameBillAtOnce(t *testing.T) {
	f := newFixture(t)
	p := f.patient("Chan", "Tai Man", "", "1950")
	f.fee(KindConsultation, "consultation", "Consultation", "320", 0)
	b := f.bill(f.visit(p, "consultation"))
	for _, version := range []int64{b.Version, 0} { // with the form's version, and without
		b = f.get(b.ID)
		if b.Paid != 0 {
			if _, err := Refund(context.Background(), f.db, b.ID, 0, RefundInput{Method: MethodCash, Amount: b.Paid.Plain(), Reason: "again", Day: today}, doctor); err != nil {
				t.Fatal(err)
			}
			version = f.get(b.ID).Version
		}
		const clerks = 8
		var wg sync.WaitGroup
		errs := make([]error, clerks)
		start := make(chan struct{})
		for i := range clerks {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				method := []string{MethodCash, MethodVoucher}[i%2]
				_, errs[i] = Pay(context.Background(), f.db, b.ID, version, PaymentInput{Method: method, Reference: "EHV", Day: today}, clerk)
			}()
		}
		close(start)
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if !errors.Is(err, clinic.ErrConflict) && fieldKey(err) != "error.billing.nothing_owed" {
				t.Errorf("unexpected error: %v", err)
			}
		}
		b = f.get(b.ID)
		if ok != 1 || b.Paid != 32000 {
			t.Fatalf("version %d: %d payments succeeded, paid %s", version, ok, b.Paid)
		}
	}
}

func TestRefundAndVoid(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.patient("Chan", "Tai Man", "", "1980")
	f.fee(KindConsultation, "consultation", "Consultation", "300", 0)
	b := f.bill(f.visit(p, "consultation"))
	if _, err := f.pay(b.ID, PaymentInput{Method: MethodCash}); err != nil {
		t.Fatal(err)
	}
	refund := RefundInput{Method: MethodCash, Amount: "100", Reason: "charged twice for the dressing", Day: today}
	if _, err := Refund(ctx, f.db, b.ID, 0, refund, clerk); fieldKey(err) != "error.billing.void_role" {
		t.Fatalf("a clerk refunded: %v", err)
	}
	if _, err := Refund(ctx, f.db, b.ID, 0, RefundInput{Method: MethodCash, Amount: "100", Day: today}, doctor); fieldKey(err) != "error.billing.reason" {
		t.Fatalf("a refund without a reason: %v", err)
	}
	if _, err := Refund(ctx, f.db, b.ID, 0, RefundInput{Method: MethodCash, Amount: "400", Reason: "x", Day: today}, doctor); fieldKey(err) != "error.billing.refund_too_much" {
		t.Fatalf("refunded more than paid: %v", err)
	}
	if _, err := Refund(ctx, f.db, b.ID, 0, refund, doctor); err != nil {
		t.Fatal(err)
	}
	b = f.get(b.ID)
	if b.Paid != 20000 || len(b.Payments) != 2 || b.Payments[1].Amount != -10000 || b.Status != StatusOpen {
		t.Fatalf("after refund: %+v", b)
	}
	if err := VoidBill(ctx, f.db, b.ID, 0, "wrong patient", doctor); fieldKey(err) != "error.billing.void_paid" {
		t.Fatalf("voided a paid bill: %v", err)
	}
	if _, err := Refund(ctx, f.db, b.ID, 0, RefundInput{Method: MethodCash, Amount: "200", Reason: "wrong patient", Day: today}, doctor); err != nil {
		t.Fatal(err)
	}
	if err := VoidBill(ctx, f.db, b.ID, 0, "wrong patient", clerk); fieldKey(err) != "error.billing.void_role" {
		t.Fatalf("a clerk voided: %v", err)
	}
	if err := VoidBill(ctx, f.db, b.ID, 0, "", doctor); fieldKey(err) != "error.billing.reason" {
		t.Fatalf("voided without a reason: %v", err)
	}
	if err := VoidBill(ctx, f.db, b.ID, 0, "wrong patient", doctor); err != nil {
		t.Fatal(err)
	}
	b = f.get(b.ID)
	if b.Status != StatusVoid || len(b.Lines) != 1 || len(b.Payments) != 3 {
		t.Fatalf("a void bill must keep everything: %+v", b)
	}
	if _, err := f.pay(b.ID, PaymentInput{Method: MethodCash}); fieldKey(err) != "error.billing.bill_void" {
		t.Fatalf("paid a void bill: %v", err)
	}
	tk, _ := DayTakings(ctx, f.db.R, today)
	if tk.Received != 0 || tk.ExpectedCash != 0 || tk.Charged != 0 {
		t.Fatalf("takings after refunds and a void: %+v", tk)
	}
}

func TestDayCloseLocksItsBills(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.patient("Chan", "Tai Man", "", "1950")
	f.fee(KindConsultation, "consultation", "Consultation", "300", 0)
	v := f.visit(p, "consultation")
	b := f.bill(v)
	f.pay(b.ID, PaymentInput{Method: MethodVoucher, Amount: "100", Reference: "EHV9"})
	f.pay(b.ID, PaymentInput{Method: MethodCash, Amount: "150", Tendered: "200"})
	tk, err := DayTakings(ctx, f.db.R, today)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Received != 25000 || tk.ExpectedCash != 15000 || tk.Outstanding != 5000 || len(tk.ByMethod) != 2 || len(tk.ByDoctor) != 1 || tk.ByDoctor[0].Amount != 25000 {
		t.Fatalf("takings %+v", tk)
	}
	if _, err := CloseDay(ctx, f.db, "2026-12-02", today, "150", "", clerk); fieldKey(err) != "error.billing.day" {
		t.Fatalf("closed a day not begun: %v", err)
	}
	if _, err := CloseDay(ctx, f.db, today, today, "140", "", clerk); fieldKey(err) != "error.billing.cash_difference" {
		t.Fatalf("a short drawer closed without a note: %v", err)
	}
	c, err := CloseDay(ctx, f.db, today, today, "140", "a $10 coin given as change twice", clerk)
	if err != nil || c.Difference() != -1000 {
		t.Fatalf("close: %+v %v", c, err)
	}
	if _, err := CloseDay(ctx, f.db, today, today, "150", "", clerk); fieldKey(err) != "error.billing.day_closed" {
		t.Fatalf("closed twice: %v", err)
	}
	// The day's bill is locked: no new lines, no rebuild, no payment into the closed day.
	f.dispense(v, p, "Late", 100, 10)
	b = f.bill(v)
	if len(b.Lines) != 1 || !b.Locked {
		t.Fatalf("a closed day's bill changed: %+v", b)
	}
	if err := AddLine(ctx, f.db, b.ID, 0, LineInput{DescriptionEN: "x", Unit: "10"}, clerk); fieldKey(err) != "error.billing.bill_locked" {
		t.Fatalf("line added to a locked bill: %v", err)
	}
	if _, err := f.pay(b.ID, PaymentInput{Method: MethodCash}); fieldKey(err) != "error.billing.day_closed" {
		t.Fatalf("paid into a closed day: %v", err)
	}
	// The rest is paid the next day and counts there; a correction goes into the next day with a reference.
	next := "2026-12-02"
	if _, err := f.pay(b.ID, PaymentInput{Method: MethodCash, Day: next}); err != nil {
		t.Fatal(err)
	}
	cid, err := Correction(ctx, f.db, b.ID, next, clerk)
	if err != nil {
		t.Fatal(err)
	}
	if err := AddLine(ctx, f.db, cid, 0, LineInput{DescriptionEN: "Overcharge on " + b.Number, Unit: "-30"}, clerk); err != nil {
		t.Fatal(err)
	}
	if _, err := Refund(ctx, f.db, cid, 0, RefundInput{Method: MethodCash, Amount: "30", Reason: "overcharged", Day: next}, doctor); err != nil {
		t.Fatal(err)
	}
	corr := f.get(cid)
	if corr.CorrectsNumber != b.Number || corr.Day != next || corr.Balance() != 0 || corr.Status != StatusSettled {
		t.Fatalf("correction %+v", corr)
	}
	tk1, _ := DayTakings(ctx, f.db.R, today)
	tk2, _ := DayTakings(ctx, f.db.R, next)
	if tk1.Received != 25000 || tk2.Received != 5000-3000 || tk2.ExpectedCash != 2000 {
		t.Fatalf("closed day %s, next day %s", tk1.Received, tk2.Received)
	}
	m, err := MonthSummary(ctx, f.db.R, "2026-12")
	if err != nil || len(m.Days) != 2 || m.Received != 27000 || !m.Days[0].Closed || m.ByMethod[MethodVoucher] != 10000 {
		t.Fatalf("month %+v %v", m, err)
	}
	var csv1, csv2 strings.Builder
	WriteTakingsCSV(&csv1, tk1)
	WriteMonthCSV(&csv2, m)
	for _, want := range []string{"2026-12-01,method,voucher,1,100.00", "2026-12-01,cash,difference,,-10.00", "Dr WONG Siu Ming"} {
		if !strings.Contains(csv1.String(), want) {
			t.Errorf("day CSV lacks %q:\n%s", want, csv1.String())
		}
	}
	if !strings.Contains(csv2.String(), "total,2,270.00,170.00,0.00,0.00,0.00,0.00,0.00,100.00,0.00,270.00") {
		t.Errorf("month CSV:\n%s", csv2.String())
	}
}

func TestReceipts(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t)
	p := f.patient("Chan", "Tai Man", "陳大文", "1950")
	f.fee(KindConsultation, "consultation", "Consultation", "300", 0)
	b := f.bill(f.visit(p, "consultation"))
	f.pay(b.ID, PaymentInput{Method: MethodVoucher, Amount: "150", Reference: "EHV9"})
	r1, copy1, err := IssueReceipt(ctx, f.db, b.ID, nil2zone(), clerk)
	if err != nil || copy1 || r1.Number != "R000001" {
		t.Fatalf("first receipt %+v %v %v", r1, copy1, err)
	}
	r2, copy2, err := IssueReceipt(ctx, f.db, b.ID, nil2zone(), clerk)
	if err != nil || !copy2 || r2.ID != r1.ID || !sameReceipt(r1.Content, r2.Content) {
		t.Fatalf("nothing changed, so the same receipt again: %+v %v", r2, copy2)
	}
	f.pay(b.ID, PaymentInput{Method: MethodCash})
	r3, copy3, _ := IssueReceipt(ctx, f.db, b.ID, nil2zone(), clerk)
	if copy3 || r3.Number != "R000002" || r3.Content.Balance != 0 || len(r3.Content.Payments) != 2 {
		t.Fatalf("a payment since: a new receipt: %+v", r3)
	}
	again, err := Reprint(ctx, f.db, r1.ID, clerk)
	if err != nil || !sameReceipt(again.Content, r1.Content) || again.Prints != 3 {
		t.Fatalf("reprint %+v %v", again, err)
	}
	if err := VoidReceipt(ctx, f.db, r3.ID, "printed on the wrong paper", clerk); fieldKey(err) != "error.billing.void_role" {
		t.Fatalf("clerk voided a receipt: %v", err)
	}
	if err := VoidReceipt(ctx, f.db, r3.ID, "printed on the wrong paper", doctor); err != nil {
		t.Fatal(err)
	}
	r4, copy4, _ := IssueReceipt(ctx, f.db, b.ID, nil2zone(), clerk)
	if copy4 || r4.Number != "R000003" {
		t.Fatalf("after a void a new number: %+v", r4)
	}
	if got, _ := GetReceipt(ctx, f.db.R, r3.ID); !got.Voided() || got.VoidReason == "" {
		t.Fatalf("the voided receipt is kept with its reason: %+v", got)
	}
}
