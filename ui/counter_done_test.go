package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/billing"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/stock"
)

// TestCounterSendsThePatientHome: a patient waiting for medicine and payment leaves the queue
// (their ticket done) in the transaction that settles the bill or hands over the last medicine,
// whichever comes last, and the live screens are told; a step that leaves something at the
// counter leaves the ticket where it is and tells nobody.
func TestCounterSendsThePatientHome(t *testing.T) {
	type step struct {
		do   string // "pay" (the whole balance), "part" (part of it), "dispense"
		done bool   // the ticket is done after this step
	}
	for _, tt := range []struct {
		name  string
		steps []step
	}{
		{"paid, then the last medicine handed over", []step{{"pay", false}, {"dispense", true}}},
		{"medicine handed over, then paid", []step{{"dispense", false}, {"pay", true}}},
		{"medicine, part payment, then the rest", []step{{"dispense", false}, {"part", false}, {"pay", true}}},
		{"part payment, medicine, then the rest", []step{{"part", false}, {"dispense", false}, {"pay", true}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cs := newConsultation(t)
			ctx := context.Background()
			tc := cs.tc
			if _, err := billing.SetFee(ctx, tc.db, billing.FeeInput{Kind: billing.KindConsultation, Code: "consultation",
				NameEN: "Consultation", NameZH: "診金", Amount: "300"}, audit.System); err != nil {
				t.Fatal(err)
			}
			drug, err := formulary.Create(ctx, tc.db, formulary.Input{LocalCode: "PARA", Name: "Panadol", Strength: "500 mg",
				DispensingUnit: "tab", Ingredients: "paracetamol 500 mg"}, audit.System)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := stock.Receive(ctx, tc.db, stock.Receipt{DrugID: drug.ID, BatchNo: "B1", Expiry: "2030-12-31", Quantity: 100}, audit.System); err != nil {
				t.Fatal(err)
			}

			visitID := cs.openFromQueue(t)
			path := cs.visitPath(visitID)
			if resp, body := cs.doctor.post(path+"/medicines", url.Values{"drug_id": {fmt.Sprint(drug.ID)}, "dose": {"1"},
				"frequency": {"TDS"}, "days": {"3"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("prescribe: %d %s", resp.StatusCode, body)
			}
			v := cs.visit(t, visitID)
			if resp, body := cs.doctor.post(path+"/sign", note(v.Version, "Fever", "Paracetamol")); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("sign: %d %s", resp.StatusCode, body)
			}
			attendance := cs.visit(t, visitID).AttendanceID
			state := func() string {
				a, err := tc.srv.queueOf().Get(ctx, attendance)
				if err != nil {
					t.Fatal(err)
				}
				return a.State
			}
			if got := state(); got != queue.AwaitingMedicinePayment {
				t.Fatalf("after signing: %s, want %s", got, queue.AwaitingMedicinePayment)
			}
			// The counter opens the bill: it builds itself from the visit.
			if resp, _ := cs.clerk.get(path + "/bill"); resp.StatusCode != http.StatusOK {
				t.Fatalf("bill page: %d", resp.StatusCode)
			}
			billID, err := billing.IDForVisit(ctx, tc.db.R, visitID)
			if err != nil {
				t.Fatal(err)
			}
			dispenser := tc.browser()
			dispenser.sessionFor("dispenser")

			for _, st := range tt.steps {
				before := tc.srv.live().Version()
				var resp *http.Response
				var body string
				switch st.do {
				case "dispense":
					dispenser.get(path + "/medicines")
					resp, body = dispenser.post(path+"/medicines/dispense", nil)
				case "pay", "part":
					b, err := billing.Get(ctx, tc.db.R, billID)
					if err != nil {
						t.Fatal(err)
					}
					form := url.Values{"version": {strconv.FormatInt(b.Version, 10)}, "method": {"cash"}}
					if st.do == "part" {
						form.Set("amount", "100")
					}
					resp, body = cs.clerk.post(fmt.Sprintf("/bills/%d/payments", billID), form)
				}
				if resp.StatusCode != http.StatusSeeOther {
					t.Fatalf("%s: %d %s", st.do, resp.StatusCode, body)
				}
				want := queue.AwaitingMedicinePayment
				if st.done {
					want = queue.Done
				}
				if got := state(); got != want {
					t.Fatalf("after %s: ticket %s, want %s", st.do, got, want)
				}
				if told := tc.srv.live().Version() != before; told != st.done {
					t.Errorf("after %s: live screens told %v, want %v", st.do, told, st.done)
				}
			}
			// The move is audited against the patient like any other queue change.
			var n int
			if err := tc.db.R.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE entity = 'attendance' AND entity_id = ?
				AND detail LIKE '%awaiting_medicine_payment → done'`, fmt.Sprint(attendance)).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("%d audit entries of the move to done, want 1", n)
			}
		})
	}
}

// TestQueueLeadsToTheVisitsMedicinesAndBill: a ticket whose consultation is open links to that
// visit's medicines and bill for the roles that may open them, and each link opens; a ticket
// without a visit has neither.
func TestQueueLeadsToTheVisitsMedicinesAndBill(t *testing.T) {
	cs := newConsultation(t)
	visitID := cs.openFromQueue(t)
	// A second patient, checked in but not yet seen.
	other := addPatients(t, cs.tc, 2)[1]
	cs.clerk.get("/queue")
	if resp, body := cs.clerk.post("/queue", url.Values{"patient": {strconv.FormatInt(other, 10)}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("check-in: %d %s", resp.StatusCode, body)
	}
	medicines := fmt.Sprintf(`href="/visits/%d/medicines"`, visitID)
	bill := fmt.Sprintf(`href="/visits/%d/bill"`, visitID)
	for _, tt := range []struct {
		role            string
		medicines, bill bool
	}{
		{"clerk", false, true},
		{"dispenser", true, true},
		{"doctor", true, true},
		{"nurse", true, true},
	} {
		t.Run(tt.role, func(t *testing.T) {
			b := cs.tc.browser()
			b.sessionFor(tt.role)
			for _, page := range []string{"/queue", "/queue/list"} {
				resp, body := b.get(page)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: %d", page, resp.StatusCode)
				}
				if got := strings.Contains(body, medicines); got != tt.medicines {
					t.Errorf("%s: medicines link shown %v, want %v", page, got, tt.medicines)
				}
				if got := strings.Contains(body, bill); got != tt.bill {
					t.Errorf("%s: bill link shown %v, want %v", page, got, tt.bill)
				}
				// Only the ticket with a visit has the links.
				if n := strings.Count(body, `class="q-visit"`); n != 1 {
					t.Errorf("%s: %d rows with visit links, want 1", page, n)
				}
			}
			for link, shown := range map[string]bool{"/visits/" + strconv.FormatInt(visitID, 10) + "/medicines": tt.medicines,
				"/visits/" + strconv.FormatInt(visitID, 10) + "/bill": tt.bill} {
				if !shown {
					continue
				}
				if resp, _ := b.get(link); resp.StatusCode != http.StatusOK {
					t.Errorf("following %s: %d", link, resp.StatusCode)
				}
			}
		})
	}
}
