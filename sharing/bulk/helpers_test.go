package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
	"github.com/onramp-hk/onramp/clinic/users"
)

var ctx = context.Background()

// newPractice is a set-up practice with no patients: the state `onramp init` leaves.
func newPractice(t testing.TB) *store.DB {
	t.Helper()
	db := storetest.Open(t)
	if _, err := practice.Setup(ctx, db, practice.Practice{NameEN: "Families Clinic", NameZH: "家庭診所", HCPID: "9938744799"},
		users.NewUser{Username: "admin", FullName: "Admin", Roles: []string{users.RoleAdmin}, Password: "correct horse 1"}, "test"); err != nil {
		t.Fatal(err)
	}
	return db
}

// fullPractice is a practice with patients and, for the tables that exist, appointments,
// attendances, visits, diagnoses, problems, vitals, allergies, prescriptions, dispensings,
// immunisations and an issued document, written as rows (the features' own demo steps make
// realistic ones; these only need to be there and varied).
func fullPractice(t testing.TB, nPatients int) *store.DB {
	t.Helper()
	db := newPractice(t)
	if err := demo.Patients(ctx, db, nPatients, 7, "P"); err != nil {
		t.Fatal(err)
	}
	var doctorID int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		doctorID, err = users.Create(ctx, tx, users.NewUser{Username: "drwong", FullName: "Wong Siu Ming", FullNameZH: "王小明",
			MCRNo: "M12345", Roles: []string{users.RoleDoctor}, Password: "correct horse 2"}, audit.System)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// One patient with everything the master index keeps.
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: "Tai Man", NameZH: "陳大文", Sex: "M",
		DOB: "1980-05", DocType: patients.DocHKID, DocNumber: "A123456(3)", Mobile: "91234567", PhoneOther: "23456789",
		Address: "1 Queen's Road, Central", Email: "chan@example.com", EmergencyName: "Chan Siu Man", EmergencyPhone: "98765432",
		EmergencyRelation: "Son", Language: "zh", Remarks: "Prefers mornings"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if err := patients.SetEHealth(ctx, db, p.ID, patients.EHealthInput{Joined: true, EHRNo: "944272043043", Consent: patients.ConsentGiven,
		ConsentDate: "2026-01-05", Method: patients.MethodSmartID}, audit.System); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	ts := func(d time.Duration) string { return now.Add(d).Format(time.RFC3339Nano) }
	err = db.Write(ctx, func(tx *sql.Tx) error {
		exec := func(q string, args ...any) {
			if err != nil {
				return
			}
			if _, e := tx.ExecContext(ctx, q, args...); e != nil {
				err = fmt.Errorf("%s: %w", q, e)
			}
		}
		for i := int64(1); i <= int64(nPatients) && i <= 40; i++ {
			day := now.AddDate(0, 0, -int(i%14)).Format(time.DateOnly)
			status := []string{"booked", "arrived", "no_show", "cancelled"}[i%4]
			exec(`INSERT INTO appointments (patient_id, doctor_id, day, starts_at, ends_at, slot_type, status, reason, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?,?)`, i, doctorID, day, ts(time.Duration(i)*time.Hour), ts(time.Duration(i)*time.Hour+15*time.Minute),
				"standard", status, "Review", ts(-time.Hour), ts(-time.Hour))
			exec(`INSERT INTO attendances (day, seq, ticket, ticket_label, patient_id, doctor_id, state, position, arrived_at, finished_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?,?,?)`, day, "clinic", i, fmt.Sprint(i), i, doctorID, "done", i, ts(0), ts(time.Hour), ts(time.Hour))
			if !hasTable(tx, "visits") {
				continue
			}
			exec(`INSERT INTO visits (id, patient_id, doctor_id, attendance_id, episode_no, visit_date, type, status, history, assessment,
				note_version, signed_at, signed_by, created_at, created_by, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
				i, i, doctorID, i, fmt.Sprintf("2026-%06d", i), day, "consultation", "signed", "Cough for 3 days", "URTI", 1, ts(0), doctorID, ts(0), doctorID, ts(0))
			exec(`INSERT INTO visit_diagnoses (visit_id, patient_id, code, icd10, text_en, text_zh, principal, status, error_reason, created_at, created_by)
				VALUES (?,?,?,?,?,?,?,?,?,?,?)`, i, i, "URTI", "J06.9", "Upper respiratory tract infection", "上呼吸道感染", 1,
				map[bool]string{true: "entered_in_error", false: "ok"}[i == 3], map[bool]string{true: "wrong patient", false: ""}[i == 3], ts(0), doctorID)
			exec(`INSERT INTO visit_procedures (visit_id, patient_id, code, text_en, created_at, created_by) VALUES (?,?,?,?,?,?)`,
				i, i, "DRESS", "Wound dressing", ts(0), doctorID)
			exec(`INSERT INTO problems (patient_id, code, text_en, status, since, visit_id, created_at, created_by, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?)`, i, "HT", "Hypertension", []string{"active", "resolved"}[i%2], "2020-03-01", i, ts(0), doctorID, ts(0))
			exec(`INSERT INTO vitals (visit_id, patient_id, taken_at, systolic, diastolic, pulse, temperature, weight_kg, recorded_by)
				VALUES (?,?,?,?,?,?,?,?,?)`, i, i, ts(0), 120+i, 80, 72, 36.8, 61.5, doctorID)
			docCols, docVals := "", ""
			docArgs := []any{i, i, "sick_leave", fmt.Sprintf("SL-2026-%06d", i), "both", `{"days":2}`, []byte("%PDF-1.4 made up " + fmt.Sprint(i)), ts(0), doctorID}
			if hasColumn(tx, "documents", "pdf_copy") {
				docCols, docVals = ", pdf_copy", ",?"
				docArgs = append(docArgs, []byte("%PDF-1.4 COPY "+fmt.Sprint(i)))
			}
			exec(`INSERT INTO documents (visit_id, patient_id, kind, number, language, details, pdf, created_at, created_by`+docCols+`)
				VALUES (?,?,?,?,?,?,?,?,?`+docVals+`)`, docArgs...)
			if !hasTable(tx, "drugs") {
				continue
			}
			if i == 1 {
				exec(`INSERT INTO drugs (id, local_code, name, strength, form, dispensing_unit, dose_unit, selling_price_cents, is_vaccine, created_at, updated_at)
					VALUES (1, 'PCM500', 'Paracetamol', '500 mg', 'tablet', 'tab', 'tab', 50, 0, ?, ?)`, ts(0), ts(0))
				exec(`INSERT INTO drugs (id, local_code, name, form, dispensing_unit, dose_unit, selling_price_cents, is_vaccine, created_at, updated_at)
					VALUES (2, 'FLU', 'Influenza vaccine', 'injection', 'dose', 'dose', 20000, 1, ?, ?)`, ts(0), ts(0))
				exec(`INSERT INTO stock_batches (id, drug_id, batch_no, expiry, quantity, received_at) VALUES (1, 1, 'B1', '2027-06-30', 1000, ?)`, ts(0))
			}
			exec(`INSERT INTO prescription_items (id, visit_id, patient_id, drug_id, dose_milli, dose_unit, frequency, days, quantity,
				unit_price_cents, status, prescribed_by, created_at, updated_at) VALUES (?,?,?,1,1000,'tab','TDS',3,9,50,'dispensed',?,?,?)`,
				i, i, i, doctorID, ts(0), ts(0))
			exec(`INSERT INTO dispensings (prescription_item_id, visit_id, patient_id, drug_id, batch_id, kind, quantity, at, by_id)
				VALUES (?,?,?,1,1,'dispense',9,?,?)`, i, i, i, ts(0), doctorID)
			exec(`INSERT INTO stock_movements (drug_id, batch_id, kind, quantity, at, by_id) VALUES (1,1,'dispense',-9,?,?)`, ts(0), doctorID)
			exec(`INSERT INTO allergies (patient_id, kind, allergen_type, allergen, reaction, severity, certainty, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?)`, i, []string{"allergy", "adr"}[i%2], "drug", "Penicillin", "Rash", "M", "C", ts(0), ts(0))
			exec(`INSERT INTO immunisations (patient_id, visit_id, drug_id, vaccine, dose_number, given_on, batch_no, created_at, updated_at)
				VALUES (?,?,2,'Influenza','1',?,'FL123',?,?)`, i, i, day, ts(0), ts(0))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func hasTable(q querier, name string) bool {
	var n int
	_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n == 1
}

func hasColumn(q querier, tableName, col string) bool {
	var n int
	_ = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = ?`, tableName, col).Scan(&n)
	return n == 1
}
