package ui

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/demo"
)

// withAttendances adds patients and, for each of the last 10 days, three attendances (one
// cancelled) to the test clinic.
func withAttendances(t *testing.T, tc *testClinic) {
	t.Helper()
	ctx := context.Background()
	if err := demo.Patients(ctx, tc.db, 20, 5, "P"); err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(hongKong())
	err := tc.db.Write(ctx, func(tx *sql.Tx) error {
		for d := 0; d < 10; d++ {
			day := now.AddDate(0, 0, -d).Format(time.DateOnly)
			for k, state := range []string{"done", "done", "cancelled"} {
				if _, err := tx.Exec(`INSERT INTO attendances (day, seq, ticket, ticket_label, patient_id, state, position, arrived_at, updated_at)
					VALUES (?,?,?,?,?,?,?,?,?)`, day, "clinic", k+1, fmt.Sprint(k+1), 1+(d*3+k)%20, state, k, day+"T01:00:00Z", day+"T01:00:00Z"); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReportPages(t *testing.T) {
	tc := newTestClinic(t, true)
	withAttendances(t, tc)
	today := time.Now().In(hongKong())
	from := today.AddDate(0, 0, -9).Format(time.DateOnly)
	to := today.Format(time.DateOnly)
	b := tc.browser()
	b.login("clerk")
	tests := []struct {
		name, path string
		status     int
		wants      []string
	}{
		{"list", "/reports", http.StatusOK, []string{"Attendance by day and doctor", "No-shows"}},
		{"attendance with total", "/reports/attendance?from=" + from + "&to=" + to, http.StatusOK,
			[]string{"<svg", `<tfoot><tr><th>Total</th><th></th><th>20</th>`}},
		{"bad date keeps what was typed", "/reports/attendance?from=yesterday&to=" + to, http.StatusUnprocessableEntity,
			[]string{"Enter a date as YYYY-MM-DD", `value="yesterday"`}},
		{"start after end", "/reports/attendance?from=" + to + "&to=" + from, http.StatusUnprocessableEntity,
			[]string{"The start must be on or before the end."}},
		{"unknown report", "/reports/nothing", http.StatusNotFound, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := b.get(tt.path)
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d\n%.2000s", resp.StatusCode, body)
			}
			contains(t, body, tt.wants...)
		})
	}
	// Chinese.
	b.post("/language", map[string][]string{"lang": {"zh-HK"}})
	_, body := b.get("/reports/attendance?from=" + from + "&to=" + to)
	contains(t, body, "每日及每位醫生應診人數", "合計")

	// The CSV streams every row, with translated headers, and is audited.
	resp, err := b.client.Get(tc.http.URL + "/reports/attendance/csv?from=" + from + "&to=" + to)
	if err != nil {
		t.Fatal(err)
	}
	csv := string(readAll(resp))
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("content type %q", ct)
	}
	if lines := strings.Count(csv, "\n"); lines != 11 || !strings.Contains(csv, "日期,醫生,人數") {
		t.Errorf("csv has %d lines:\n%s", lines, csv)
	}
	tc.views.Flush()
	var audited int
	_ = tc.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND entity = 'report'`).Scan(&audited)
	if audited != 1 {
		t.Errorf("csv audited %d times", audited)
	}
}

func TestDashboardPerRole(t *testing.T) {
	tc := newTestClinic(t, true)
	withAttendances(t, tc)
	tests := []struct {
		user       string
		wants, not []string
	}{
		{"clerk", []string{`id="dash-queue"`, `id="dash-visits"`, `id="dash-takings"`, "20 patients seen"}, []string{`id="dash-stock"`, `id="dash-sharing"`}},
		{"doctor", []string{`id="dash-queue"`, `id="dash-visits"`, `id="dash-sharing"`, "No record is held back", `id="dash-stock"`}, []string{`id="dash-takings"`}},
		{"dispenser", []string{`id="dash-queue"`, `id="dash-stock"`}, []string{`id="dash-visits"`, `id="dash-takings"`}},
		{"admin", []string{`id="dash-visits"`, `id="dash-takings"`, `id="dash-stock"`, `id="dash-sharing"`}, []string{`id="dash-queue"`}},
	}
	for _, tt := range tests {
		t.Run(tt.user, func(t *testing.T) {
			b := tc.browser()
			b.login(tt.user)
			resp, body := b.get("/dashboard")
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("status %d\n%.2000s", resp.StatusCode, body)
			}
			contains(t, body, tt.wants...)
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("%s sees %q", tt.user, n)
				}
			}
		})
	}
}

func TestPatientCopy(t *testing.T) {
	tc := newTestClinic(t, true)
	withAttendances(t, tc)
	b := tc.browser()
	b.login("clerk")
	resp, body := b.get("/patients/1/record")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%.1500s", resp.StatusCode, body)
	}
	contains(t, body, "Everything on file about this patient", "Patient · patients", "Encounter · attendances")
	resp, err := b.client.Get(tc.http.URL + "/patients/1/record.json")
	if err != nil {
		t.Fatal(err)
	}
	js := string(readAll(resp))
	if resp.StatusCode != http.StatusOK || !strings.Contains(js, `"resourceType": "Bundle"`) || !strings.Contains(js, `"Patient/patients-1"`) {
		t.Fatalf("json %d: %.500s", resp.StatusCode, js)
	}
	if resp, _ := b.get("/patients/99999/record"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown patient: %d", resp.StatusCode)
	}
	tc.views.Flush()
	var n int
	_ = tc.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE patient_id = 1 AND action IN ('print','export')`).Scan(&n)
	if n != 2 {
		t.Errorf("copy audited %d times, want 2", n)
	}
	// The practice manager does not see patients' records.
	a := tc.browser()
	a.login("admin")
	if resp, _ := a.get("/patients/1/record"); resp.StatusCode == http.StatusOK {
		t.Error("admin opened a patient's record copy")
	}
}
