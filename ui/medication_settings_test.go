package ui

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/prescribing"
	"github.com/onramp-hk/onramp/clinic/stock"
)

// medSettingsForm is the settings form with every field filled as the page would send it.
func medSettingsForm(policy, layout string, offsets map[string]string) url.Values {
	f := url.Values{"short_stock": {policy}, "label_layout": {layout}}
	for _, l := range []string{"Drug62x29", "Drug80x50", "Drug4x2in"} {
		f.Set("offset_x_"+l, offsets["x_"+l])
		f.Set("offset_y_"+l, offsets["y_"+l])
	}
	return f
}

func TestMedicationSettingsForm(t *testing.T) {
	tc := newTestClinic(t, true)
	ctx := context.Background()
	admin := tc.browser()
	admin.login("admin")
	tests := []struct {
		name       string
		form       url.Values
		status     int
		wantBody   []string
		wantStored map[string]string
	}{
		{name: "offset beyond a centimetre is refused, what was typed is kept",
			form:     medSettingsForm("partial", "Drug62x29", map[string]string{"x_Drug62x29": "15", "y_Drug62x29": "abc"}),
			status:   http.StatusUnprocessableEntity,
			wantBody: []string{`value="15"`, `value="abc"`, "between -10 and 10"},
			wantStored: map[string]string{prescribing.SettingShortStock: "", settingDrugLabelLayout: "",
				"print.offset.Drug62x29.x": ""}},
		{name: "no rule chosen", form: medSettingsForm("", "Drug62x29", nil), status: http.StatusUnprocessableEntity,
			wantBody: []string{"Please choose one of the options."}, wantStored: map[string]string{prescribing.SettingShortStock: ""}},
		{name: "unknown label size", form: medSettingsForm("refuse", "A4", nil), status: http.StatusUnprocessableEntity,
			wantStored: map[string]string{settingDrugLabelLayout: ""}},
		{name: "saved, offsets rounded to a tenth, a comma read as a point",
			form:   medSettingsForm("partial", "Drug62x29", map[string]string{"x_Drug62x29": "1.54", "y_Drug62x29": "-0,5", "x_Drug80x50": "0"}),
			status: http.StatusSeeOther,
			wantStored: map[string]string{prescribing.SettingShortStock: "partial", settingDrugLabelLayout: "Drug62x29",
				"print.offset.Drug62x29.x": "1.5", "print.offset.Drug62x29.y": "-0.5", "print.offset.Drug80x50.x": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := admin.post("/admin/medication", tt.form)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tt.status)
			}
			for _, w := range tt.wantBody {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for k, want := range tt.wantStored {
				if got, _ := practice.Setting(ctx, tc.db.R, k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
		})
	}
	// The saved form comes back filled in.
	_, body := admin.get("/admin/medication")
	contains(t, body, `value="partial" checked`, `value="Drug62x29" checked`, `name="offset_x_Drug62x29" value="1.5"`)
	// Only administrators.
	for _, role := range []string{"dispenser", "doctor", "clerk"} {
		b := tc.browser()
		b.login(role)
		if resp, _ := b.get("/admin/medication"); resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s opens the dispensary settings: %d", role, resp.StatusCode)
		}
	}
}

func TestDispenseShortUnderEachRule(t *testing.T) {
	tests := []struct {
		policy     string
		status     int
		wantPage   string
		wantOnHand int64
		dispensed  int64
	}{
		{prescribing.ShortRefuse, http.StatusUnprocessableEntity, "Not enough Panadol 500 mg in stock: 112 needed, 100 on hand", 100, 0},
		{prescribing.ShortPartial, http.StatusSeeOther, "owing 12", 0, 100},
	}
	for _, tt := range tests {
		t.Run(tt.policy, func(t *testing.T) {
			f := newMedFixture(t)
			admin := f.tc.browser()
			admin.login("admin")
			if resp, _ := admin.post("/admin/medication", medSettingsForm(tt.policy, "Drug80x50", nil)); resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("save the rule: %d", resp.StatusCode)
			}
			doc := f.tc.browser()
			doc.login("doctor")
			base := fmt.Sprintf("/visits/%d/medicines", f.visit)
			if resp, _ := doc.post(base, url.Values{"drug_id": {fmt.Sprint(f.panadol.ID)}, "dose": {"2"}, "frequency": {"QID"}, "days": {"14"}}); resp.StatusCode != http.StatusSeeOther {
				t.Fatal("prescribe")
			}
			disp := f.tc.browser()
			disp.login("dispenser")
			resp, body := disp.post(base+"/dispense", nil)
			if resp.StatusCode != tt.status {
				t.Fatalf("dispense: %d, want %d", resp.StatusCode, tt.status)
			}
			if resp.StatusCode == http.StatusSeeOther {
				if loc := resp.Header.Get("Location"); !strings.Contains(loc, "done=dispensed_short") {
					t.Fatalf("redirected to %s, want the short-dispensing notice", loc)
				}
				_, body = disp.get(base + "?done=dispensed_short")
				contains(t, body, "The rest is owing")
			}
			if !strings.Contains(body, tt.wantPage) {
				t.Errorf("page lacks %q", tt.wantPage)
			}
			if n, _ := stock.OnHand(context.Background(), f.tc.db.R, f.panadol.ID); n != tt.wantOnHand {
				t.Errorf("on hand %d, want %d", n, tt.wantOnHand)
			}
			var out int64
			f.tc.db.R.QueryRow(`SELECT COALESCE(SUM(quantity), 0) FROM dispensings WHERE drug_id = ?`, f.panadol.ID).Scan(&out)
			if out != tt.dispensed {
				t.Errorf("dispensed %d, want %d", out, tt.dispensed)
			}
		})
	}
}

func TestTestLabelOnEachSize(t *testing.T) {
	if _, err := exec.LookPath("pdfinfo"); err != nil {
		t.Skip("pdfinfo not installed")
	}
	tc := newTestClinic(t, true)
	admin := tc.browser()
	admin.login("admin")
	if resp, _ := admin.post("/admin/medication", medSettingsForm("refuse", "Drug4x2in",
		map[string]string{"x_Drug62x29": "1.5", "y_Drug62x29": "-2"})); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	tests := []struct {
		query, size, offsets string
	}{
		{"?layout=Drug62x29", "175.75 x 82.2 pts", "x +1.5 mm, y -2.0 mm"},
		{"?layout=Drug80x50", "226.77 x 141.73 pts", "x +0.0 mm, y +0.0 mm"},
		{"", "288 x 144 pts", "x +0.0 mm"}, // the practice's own size when none is named
		{"?layout=nonsense", "288 x 144 pts", "x +0.0 mm"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			resp, pdf := admin.get("/admin/medication/test-label.pdf" + tt.query)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("test label: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
			}
			text := medPDFText(t, []byte(pdf))
			for _, want := range []string{"TEST LABEL", "測試標籤", tt.offsets, "Test Clinic"} {
				if !strings.Contains(text, want) {
					t.Errorf("test label lacks %q:\n%s", want, text)
				}
			}
			path := filepath.Join(t.TempDir(), "l.pdf")
			os.WriteFile(path, []byte(pdf), 0o600)
			info, err := exec.Command("pdfinfo", path).Output()
			if err != nil || !strings.Contains(strings.Join(strings.Fields(string(info)), " "), "Page size: "+tt.size) {
				t.Errorf("page size: want %s\n%s", tt.size, info)
			}
		})
	}
}
