package ui

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/billing"
	"github.com/onramp-hk/onramp/clinic/users"
)

// billingVisit records a visit of a patient born in dob with Dr "doctor", and the clinic's
// consultation fee, as the consultation screens would leave them.
func billingVisit(t *testing.T, tc *testClinic, dob, fee string) (visitID, patientID int64) {
	t.Helper()
	ctx := context.Background()
	doc, err := users.GetByUsername(ctx, tc.db.R, "doctor")
	if err != nil {
		t.Fatal(err)
	}
	day := tc.srv.todayString()
	err = tc.db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO patients (number, surname_en, given_name_en, name_zh, sex, dob, dob_precision, created_at, updated_at)
			VALUES (?, 'Lee', 'Ah Po', '李亞婆', 'F', ?, 'D', 'x', 'x')`, "P9"+dob, dob)
		if err != nil {
			return err
		}
		patientID, _ = res.LastInsertId()
		res, err = tx.Exec(`INSERT INTO visits (patient_id, doctor_id, episode_no, visit_date, type, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, 'consultation', 'signed', 'x', 'x')`, patientID, doc.ID, "E"+dob, day)
		if err != nil {
			return err
		}
		visitID, _ = res.LastInsertId()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if fee != "" {
		if _, err := billing.SetFee(ctx, tc.db, billing.FeeInput{Kind: billing.KindConsultation, Code: "consultation",
			NameEN: "Consultation", NameZH: "診金", Amount: fee}, audit.System); err != nil && !strings.Contains(err.Error(), "UNIQUE") {
			t.Fatal(err)
		}
	}
	return visitID, patientID
}

func TestBillAtTheCounter(t *testing.T) {
	tc := newTestClinic(t, true)
	visitID, _ := billingVisit(t, tc, "1950-02-03", "320")
	young, _ := billingVisit(t, tc, "1990-02-03", "")
	b := tc.browser()
	b.sessionFor("clerk")

	resp, body := b.get(fmt.Sprintf("/visits/%d/bill", visitID))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bill page: %d", resp.StatusCode)
	}
	contains(t, body, "B000001", "Consultation", `id="bill-total">320.00`, "Elderly Health Care Voucher", "LEE Ah Po")
	billPath := "/bills/1"
	version := regexpValue(body, "version")

	// Bad input keeps what was typed and says what is wrong.
	resp, body = b.post(billPath+"/payments", url.Values{"version": {version}, "method": {"voucher"}, "amount": {"12.345"}, "reference": {"EHV1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad amount: %d %v %q", resp.StatusCode, resp.Header, body)
	}
	contains(t, body, "Type an amount in dollars and cents", `value="12.345"`, `value="EHV1"`)

	// Half by voucher, half by cash with change.
	resp, _ = b.post(billPath+"/payments", url.Values{"version": {version}, "method": {"voucher"}, "amount": {"160"}, "reference": {"EHV-7788"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("voucher payment: %d", resp.StatusCode)
	}
	// The old form's version is now stale.
	resp, body = b.post(billPath+"/payments", url.Values{"version": {version}, "method": {"cash"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Someone changed this bill") {
		t.Fatalf("stale form: %d", resp.StatusCode)
	}
	_, body = b.get(billPath)
	resp, _ = b.post(billPath+"/payments", url.Values{"version": {regexpValue(body, "version")}, "method": {"cash"}, "tendered": {"200"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cash payment: %d", resp.StatusCode)
	}
	_, body = b.get(billPath + "?done=bill_paid")
	contains(t, body, "Payment taken.", `id="bill-balance">0.00`, "Tendered 200.00, change 40.00.", "EHV-7788")

	// The receipt: numbered, with the items, the total, the methods and the patient's name.
	resp, pdf := b.post(billPath+"/receipt", url.Values{"size": {"a5"}})
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("receipt: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	text := pdfToText(t, pdf)
	for _, want := range []string{"R000001", "Consultation", "320.00", "Elderly Health Care Voucher", "長者醫療券", "Cash", "LEE Ah Po", "李亞婆", "Total"} {
		if !strings.Contains(text, want) {
			t.Errorf("receipt lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "COPY") {
		t.Error("the first print is marked COPY")
	}
	_, pdf = b.get("/receipts/1/copy.pdf?size=80mm")
	if copyText := pdfToText(t, pdf); !strings.Contains(copyText, "COPY") || !strings.Contains(copyText, "R000001") {
		t.Errorf("reprint not marked COPY:\n%s", copyText)
	}

	// A clerk may not refund; a doctor may, with a reason.
	resp, _ = b.post(billPath+"/refunds", url.Values{"refund_method": {"cash"}, "refund_amount": {"10"}, "refund_reason": {"x"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("clerk refund: %d", resp.StatusCode)
	}
	d := tc.browser()
	d.sessionFor("doctor")
	resp, body = d.post(billPath+"/refunds", url.Values{"refund_method": {"cash"}, "refund_amount": {"10"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "Give a reason.") {
		t.Fatalf("refund without reason: %d", resp.StatusCode)
	}

	// The voucher is refused for a patient under 65, in words.
	_, body = b.get(fmt.Sprintf("/visits/%d/bill", young))
	contains(t, body, `id="bill-total">320.00`)
	youngBill := "/bills/2"
	resp, body = b.post(youngBill+"/lines", url.Values{"version": {regexpValue(body, "version")}, "description_en": {"Dressing"}, "unit": {"80"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("add line: %d %s", resp.StatusCode, body)
	}
	resp, body = b.post(youngBill+"/payments", url.Values{"method": {"voucher"}, "amount": {"50"}, "reference": {"EHV1"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "only for patients aged 65 or over") {
		t.Fatalf("voucher under 65: %d", resp.StatusCode)
	}

	// The day's takings, closed with the cash counted.
	_, body = b.get("/takings")
	contains(t, body, `id="takings-received">320.00`, `id="cash-expected">160.00`, "Test doctor")
	resp, _ = b.post("/takings/close", url.Values{"day": {tc.srv.todayString()}, "counted": {"160"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", resp.StatusCode)
	}
	_, body = b.get("/takings")
	contains(t, body, `id="day-closed"`, `id="cash-difference" class="ok">0.00`)
	resp, csv := b.get("/takings/day.csv")
	if resp.StatusCode != http.StatusOK || !strings.Contains(csv, ",method,voucher,1,160.00") {
		t.Fatalf("CSV: %d\n%s", resp.StatusCode, csv)
	}
	_, body = b.get(fmt.Sprintf("/visits/%d/bill", young))
	contains(t, body, "is closed: this bill can no longer change")
	_, csv = b.get("/takings/month.csv")
	if !strings.Contains(csv, "total,2,720.00,160.00") {
		t.Errorf("month CSV:\n%s", csv)
	}
}

func TestFeeSchedulePage(t *testing.T) {
	tc := newTestClinic(t, true)
	a := tc.browser()
	a.sessionFor("admin")
	resp, body := a.post("/fees", url.Values{"kind": {"consultation"}, "code": {"follow_up"}, "name_en": {""}, "amount": {"abc"}})
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("bad fee: %d", resp.StatusCode)
	}
	contains(t, body, "Give the name printed on the bill.", "Type an amount in dollars and cents", `value="follow_up"`)
	resp, _ = a.post("/fees", url.Values{"kind": {"consultation"}, "code": {"follow_up"}, "name_en": {"Follow-up"}, "name_zh": {"覆診"}, "amount": {"180"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("fee: %d", resp.StatusCode)
	}
	resp, _ = a.post("/fees/discounts", url.Values{"discount_name_en": {"Senior"}, "percent": {"10"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("discount: %d", resp.StatusCode)
	}
	c := tc.browser()
	c.sessionFor("clerk")
	_, body = c.get("/fees")
	contains(t, body, "Follow-up", "覆診", "180.00", "Senior", "10.00% off")
	if strings.Contains(body, `action="/fees"`) {
		t.Error("a clerk is offered the fee form")
	}
}

func pdfToText(t *testing.T, pdf string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, []byte(pdf), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
