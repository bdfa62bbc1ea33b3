package print

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

func receiptForChan() Receipt {
	return Receipt{
		ClinicName: "Harbour Family Clinic", ClinicNameZH: "海港家庭診所", ClinicAddress: "88 Nathan Road", ClinicPhone: "2345 6789",
		Number: "R000123", BillNumber: "B000456", Date: "2026-12-01 10:32",
		PatientNameEN: "CHAN Tai Man", PatientNameZH: "陳大文", PatientNo: "P000123",
		DoctorEN: "Dr WONG Siu Ming", DoctorZH: "黃小明醫生",
		Lines: []ReceiptLine{
			{DescriptionEN: "Consultation", DescriptionZH: "診金", Amount: "250.00"},
			{DescriptionEN: "Amoxicillin 500 mg", DescriptionZH: "安莫西林", Quantity: "21 x 1.50", Amount: "31.50"},
			{DescriptionEN: "Senior discount", DescriptionZH: "長者折扣", Amount: "-28.15"},
		},
		Total: "253.35",
		Payments: []ReceiptPayment{
			{MethodEN: "Elderly Health Care Voucher", MethodZH: "長者醫療券", Detail: "EHV-778812", Amount: "126.00"},
			{MethodEN: "Cash", MethodZH: "現金", Detail: "Tendered 200.00, change 72.65", Amount: "127.35"},
		},
		Paid: "253.35", IssuedBy: "clerk",
	}
}

func TestWriteReceipt(t *testing.T) {
	zh := chineseFonts(t)
	long := receiptForChan()
	for i := range 60 {
		long.Lines = append(long.Lines, ReceiptLine{DescriptionEN: fmt.Sprintf("Item %d with a long name that wraps", i), Amount: "1.00"})
	}
	owing := receiptForChan()
	owing.Paid, owing.Balance = "126.00", "127.35"
	copyR := receiptForChan()
	copyR.Copy = true
	voided := receiptForChan()
	voided.VoidReason = "wrong patient"
	tests := []struct {
		name    string
		fonts   *Fonts
		r       Receipt
		layout  LabelLayout
		pages   int
		want    []string
		wantNot []string
	}{
		{name: "A5", fonts: zh, r: receiptForChan(), layout: ReceiptA5, pages: 1,
			want: []string{"Harbour Family Clinic", "海港家庭診所", "R000123", "CHAN Tai Man", "陳大文", "Consultation", "診金",
				"Amoxicillin 500 mg", "21 x 1.50", "31.50", "Total", "合計", "253.35", "Elderly Health Care Voucher", "長者醫療券",
				"EHV-778812", "Cash", "現金", "Tendered 200.00, change 72.65"},
			wantNot: []string{"COPY", "Balance due"}},
		{name: "80 mm", fonts: zh, r: receiptForChan(), layout: Receipt80mm, pages: 1,
			want: []string{"R000123", "CHAN Tai Man", "陳大文", "Amoxicillin", "253.35", "Elderly Health Care Voucher", "Cash"}},
		{name: "long bill runs onto a second A5 page, total still there", fonts: zh, r: long, layout: ReceiptA5, pages: 2,
			want: []string{"Item 59", "Total", "253.35", "CHAN Tai Man"}},
		{name: "long bill on one long thermal page", fonts: zh, r: long, layout: Receipt80mm, pages: 1, want: []string{"Item 59", "253.35"}},
		{name: "balance owed", fonts: zh, r: owing, layout: ReceiptA5, pages: 1, want: []string{"Balance due", "尚欠", "127.35"}},
		{name: "reprint is marked COPY", fonts: zh, r: copyR, layout: ReceiptA5, pages: 1, want: []string{"COPY", "副本", "253.35"}},
		{name: "void", fonts: zh, r: voided, layout: Receipt80mm, pages: 1, want: []string{"VOID", "作廢", "wrong patient"}},
		{name: "no Chinese font", fonts: englishOnly(), r: receiptForChan(), layout: ReceiptA5, pages: 1,
			want: []string{"CHAN Tai Man", "253.35", "Cash"}, wantNot: []string{"陳大文"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteReceipt(&buf, tt.fonts, tt.r, tt.layout); err != nil {
				t.Fatal(err)
			}
			keepSample(t, "receipt-"+strings.ReplaceAll(tt.name, " ", "-"), buf.Bytes())
			text := pdfText(t, buf.Bytes())
			if n := pageCount(text); n != tt.pages {
				t.Errorf("%d pages, want %d", n, tt.pages)
			}
			flat := strings.Join(strings.Fields(text), " ")
			for _, s := range tt.want {
				if !strings.Contains(text, s) && !strings.Contains(flat, s) {
					t.Errorf("%q missing from:\n%s", s, text)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(text, s) {
					t.Errorf("%q should not print", s)
				}
			}
		})
	}
	if err := WriteReceipt(&bytes.Buffer{}, zh, Receipt{}, ReceiptA5); err == nil {
		t.Error("an empty receipt printed")
	}
}
