package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestReceiptFollowsThePatientsLanguage takes a cash payment for a patient of each preferred
// language and reads the receipt's text: its words in that language, the name, items, total and
// method always there; a reprint after the patient's language changed is still the same receipt.
func TestReceiptFollowsThePatientsLanguage(t *testing.T) {
	always := []string{"R000001", "LEE Ah Po", "李亞婆", "320.00"}
	english := []string{"Receipt", "Consultation", "Total", "Cash", "Tendered 500.00, change 180.00"}
	chinese := []string{"收據", "診金", "合計", "現金"}
	tests := []struct {
		lang          string
		want, wantNot []string
	}{
		{"both", append(append(always, english...), chinese...), nil},
		{"en", append(always, english...), chinese},
		{"zh", append(always, chinese...), english},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			tc := newTestClinic(t, true)
			visitID, patientID := billingVisit(t, tc, "1950-02-03", "320")
			if _, err := tc.db.W.Exec(`UPDATE patients SET language = ? WHERE id = ?`, tt.lang, patientID); err != nil {
				t.Fatal(err)
			}
			b := tc.browser()
			b.sessionFor("clerk")
			_, body := b.get(fmt.Sprintf("/visits/%d/bill", visitID))
			resp, _ := b.post("/bills/1/payments", url.Values{"version": {regexpValue(body, "version")}, "method": {"cash"}, "tendered": {"500"}})
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("cash payment: %d", resp.StatusCode)
			}
			for _, size := range []string{"a5", "80mm"} {
				resp, pdf := b.post("/bills/1/receipt", url.Values{"size": {size}})
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("receipt %s: %d", size, resp.StatusCode)
				}
				text := pdfToText(t, pdf)
				for _, w := range tt.want {
					if !strings.Contains(text, w) {
						t.Errorf("%s receipt lacks %q:\n%s", size, w, text)
					}
				}
				for _, w := range tt.wantNot {
					if strings.Contains(text, w) {
						t.Errorf("%s receipt for a %q reader carries %q", size, tt.lang, w)
					}
				}
			}
			// The patient now prefers the other script: the copy is still the receipt that was given.
			if _, err := tc.db.W.Exec(`UPDATE patients SET language = 'both' WHERE id = ?`, patientID); err != nil {
				t.Fatal(err)
			}
			_, pdf := b.get("/receipts/1/copy.pdf")
			text := pdfToText(t, pdf)
			if !strings.Contains(text, "COPY") && !strings.Contains(text, "副本") {
				t.Errorf("reprint not marked as a copy:\n%s", text)
			}
			for _, w := range tt.wantNot {
				if strings.Contains(text, w) {
					t.Errorf("the copy of a %q receipt carries %q", tt.lang, w)
				}
			}
		})
	}
}
