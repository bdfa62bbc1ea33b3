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
	"github.com/onramp-hk/onramp/clinic/patients"
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
			[]string{"<svg", `<tfoot><tr><th>Total</th><th></th><th>20</th>`, `id="report-csv-progress"`, "/static/reports.js"}},
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

// withClinicalRecord gives patient 1 a signed visit by the test doctor with a diagnosis, a
// prescription and an allergy, as the chart would write them.
func withClinicalRecord(t *testing.T, tc *testClinic) {
	t.Helper()
	now := time.Now().UTC().Format(time.RFC3339)
	err := tc.db.Write(context.Background(), func(tx *sql.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE users SET full_name = 'Wong Siu Ming', full_name_zh = '王小明' WHERE username = 'doctor'`, nil},
			{`INSERT INTO visits (id, patient_id, doctor_id, episode_no, visit_date, type, status, history, assessment, note_version,
				signed_at, created_at, updated_at) VALUES (901, 1, (SELECT id FROM users WHERE username = 'doctor'), 'E-901', '2026-11-20',
				'consultation', 'signed', 'Cough for 3 days', 'Viral infection', 1, ?, ?, ?)`, []any{now, now, now}},
			{`INSERT INTO visit_diagnoses (visit_id, patient_id, code, icd10, text_en, text_zh, principal, created_at)
				VALUES (901, 1, 'URTI', 'J06.9', 'Upper respiratory tract infection', '上呼吸道感染', 1, ?)`, []any{now}},
			{`INSERT INTO drugs (id, local_code, name, name_zh, strength, dispensing_unit, dose_unit, created_at, updated_at)
				VALUES (901, 'AMOX500', 'Amoxicillin', '安莫西林', '500 mg', 'cap', 'cap', ?, ?)`, []any{now, now}},
			{`INSERT INTO prescription_items (visit_id, patient_id, drug_id, dose_milli, dose_unit, frequency, days, quantity,
				instructions_en, instructions_zh, prescribed_by_name, created_at, updated_at)
				VALUES (901, 1, 901, 1000, 'cap', 'TDS', 5, 15, 'Take 1 capsule 3 times a day', '每日三次，每次一粒', 'Wong Siu Ming', ?, ?)`,
				[]any{now, now}},
			{`INSERT INTO allergies (patient_id, kind, allergen_type, allergen, reaction, severity, created_at, updated_at)
				VALUES (1, 'allergy', 'drug', 'Penicillin', 'Rash', 'S', ?, ?)`, []any{now, now}},
		} {
			if _, err := tx.Exec(q.sql, q.args...); err != nil {
				return fmt.Errorf("%.60s: %w", q.sql, err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestPatientCopy(t *testing.T) {
	tc := newTestClinic(t, true)
	withAttendances(t, tc)
	withClinicalRecord(t, tc)
	p, err := patients.Get(context.Background(), tc.db.R, 1)
	if err != nil {
		t.Fatal(err)
	}
	b := tc.browser()
	b.login("clerk")

	// The page, in the user's words: headings, names of doctors and drugs, doses, diagnoses.
	resp, body := b.get("/patients/1/record")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status %d\n%.1500s", resp.StatusCode, body)
	}
	contains(t, body, "Everything on file about this patient", "Personal details", p.NameEN(),
		"Allergies and adverse drug reactions", "Penicillin", "Severe",
		"Upper respiratory tract infection 上呼吸道感染", "J06.9", "Wong Siu Ming 王小明", "Consultation",
		"Amoxicillin 安莫西林 500 mg", "1 cap TDS · 5 days", "15 cap", "Take 1 capsule 3 times a day",
		"Other records on file", "Attendances", "/patients/1/record.pdf?lang=zh-HK")
	for _, raw := range []string{"visit_diagnoses", "prescription_items", "<th>patient_id</th>", "Patient · patients"} {
		if strings.Contains(body, raw) {
			t.Errorf("the copy shows the stored name %q", raw)
		}
	}

	// The PDF, in each language, carries the patient's name, a diagnosis and an allergy.
	tests := []struct {
		lang  string
		wants []string
	}{
		{"en", []string{"Copy of personal data", p.NameEN(), "Upper respiratory tract infection", "Penicillin", "Diagnoses", "Amoxicillin"}},
		{"zh-HK", []string{"個人資料副本", "上呼吸道感染", "Penicillin", "過敏及藥物不良反應", "每日三次，每次一粒"}},
	}
	for _, tt := range tests {
		t.Run("pdf "+tt.lang, func(t *testing.T) {
			resp, err := b.client.Get(tc.http.URL + "/patients/1/record.pdf?lang=" + tt.lang)
			if err != nil {
				t.Fatal(err)
			}
			pdf := readAll(resp)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("pdf %d %s: %.300s", resp.StatusCode, resp.Header.Get("Content-Type"), pdf)
			}
			text := strings.Join(strings.Fields(medPDFText(t, pdf)), " ")
			for _, w := range tt.wants {
				if !strings.Contains(text, strings.Join(strings.Fields(w), " ")) {
					t.Errorf("pdf lacks %q:\n%.2000s", w, text)
				}
			}
		})
	}

	resp, err = b.client.Get(tc.http.URL + "/patients/1/record.json")
	if err != nil {
		t.Fatal(err)
	}
	js := string(readAll(resp))
	if resp.StatusCode != http.StatusOK || !strings.Contains(js, `"resourceType": "Bundle"`) || !strings.Contains(js, `"Patient/patients-1"`) {
		t.Fatalf("json %d: %.500s", resp.StatusCode, js)
	}
	for _, path := range []string{"/patients/99999/record", "/patients/99999/record.pdf", "/patients/x/record.pdf"} {
		if resp, _ := b.get(path); resp.StatusCode != http.StatusNotFound {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
	// Every opening is audited: the page (view), two PDFs (print) and the FHIR file (export).
	tc.views.Flush()
	for action, want := range map[string]int{"view": 1, "print": 2, "export": 1} {
		var n int
		_ = tc.db.R.QueryRow(`SELECT COUNT(*) FROM audit_log WHERE patient_id = 1 AND action = ? AND entity = 'patient'`, action).Scan(&n)
		if n != want {
			t.Errorf("%s audited %d times, want %d", action, n, want)
		}
	}
	// The practice manager does not see patients' records.
	a := tc.browser()
	a.login("admin")
	for _, path := range []string{"/patients/1/record", "/patients/1/record.pdf"} {
		if resp, _ := a.get(path); resp.StatusCode == http.StatusOK {
			t.Errorf("admin opened %s", path)
		}
	}
}
