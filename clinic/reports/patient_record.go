package reports

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// A patient's own copy of their record, in words: the records a patient reads (visits,
// diagnoses, problems, allergies, medicines, immunisations, vital signs) with the names of the
// doctors and drugs rather than their ids. Everything else on file (queue tickets, bills, change
// history) stays in the complete copy that sharing/bulk builds, which the page shows below.

// PatientRecordTables are the tables PatientRecord puts in words.
var PatientRecordTables = []string{"patients", "visits", "visit_diagnoses", "problems", "allergies",
	"prescription_items", "immunisations", "vitals"}

// Names is a person or thing in both scripts; ZH may be empty.
type Names struct{ EN, ZH string }

// RecordVisit is one consultation.
type RecordVisit struct {
	Date, Type, Status, EpisodeNo                   string
	Doctor                                          Names
	History, Examination, Assessment, Plan, ErrorAs string // ErrorAs: why it was entered in error
}

// RecordDiagnosis is a diagnosis made at a visit.
type RecordDiagnosis struct {
	Date, Code, ICD10 string
	Text              Names
	Principal         bool
	Status, ErrorAs   string
}

// RecordProblem is a lasting problem on the problem list.
type RecordProblem struct {
	Text                      Names
	Status, Since, ResolvedOn string
}

// RecordAllergy is an allergy or adverse drug reaction.
type RecordAllergy struct {
	Allergen, Kind, Reaction, Severity, Onset, Status, Remarks string
}

// RecordMedicine is one prescribed item.
type RecordMedicine struct {
	Date                 string
	Drug                 Names
	Strength             string
	Dose                 string // "1 tab", "2.5 ml"
	Frequency, Route     string
	Days, Quantity       int64
	Unit                 string // dispensing unit of Quantity
	Instructions         Names
	Status, PrescribedBy string
	CancelReason         string
}

// RecordImmunisation is a dose of a vaccine.
type RecordImmunisation struct {
	GivenOn, Vaccine, DoseNumber, BatchNo, Site, Route, GivenBy, Status string
	Historical                                                          bool
}

// RecordVitals is one set of vital signs; a measure not taken is empty.
type RecordVitals struct {
	TakenAt                                               string // clinic time
	BP, Pulse, Temperature, SpO2, Weight, Height, Glucose string
	Status                                                string
}

// PatientRecord is a patient's records in words, oldest first.
type PatientRecord struct {
	Visits        []RecordVisit
	Diagnoses     []RecordDiagnosis
	Problems      []RecordProblem
	Allergies     []RecordAllergy
	Medicines     []RecordMedicine
	Immunisations []RecordImmunisation
	Vitals        []RecordVitals
}

// ReadPatientRecord reads one patient's records in words, in one snapshot; times come out in
// the clinic's zone. Each query reads by patient_id through that table's patient index.
func ReadPatientRecord(ctx context.Context, db *sql.DB, patientID int64, loc *time.Location) (PatientRecord, error) {
	var r PatientRecord
	tx, err := db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return r, err
	}
	defer tx.Rollback() //nolint:errcheck // read only
	each := func(q string, scan func(*sql.Rows) error) error {
		rows, err := tx.QueryContext(ctx, q, patientID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	steps := []struct {
		q    string
		scan func(*sql.Rows) error
	}{
		{`SELECT v.visit_date, v.type, v.status, v.episode_no, COALESCE(u.full_name, ''), COALESCE(u.full_name_zh, ''),
			v.history, v.examination, v.assessment, v.plan, v.error_reason
			FROM visits v LEFT JOIN users u ON u.id = v.doctor_id WHERE v.patient_id = ? ORDER BY v.visit_date, v.id`,
			func(rows *sql.Rows) error {
				var v RecordVisit
				err := rows.Scan(&v.Date, &v.Type, &v.Status, &v.EpisodeNo, &v.Doctor.EN, &v.Doctor.ZH,
					&v.History, &v.Examination, &v.Assessment, &v.Plan, &v.ErrorAs)
				r.Visits = append(r.Visits, v)
				return err
			}},
		{`SELECT COALESCE(v.visit_date, ''), d.code, d.icd10, d.text_en, d.text_zh, d.principal, d.status, d.error_reason
			FROM visit_diagnoses d LEFT JOIN visits v ON v.id = d.visit_id WHERE d.patient_id = ? ORDER BY v.visit_date, d.id`,
			func(rows *sql.Rows) error {
				var d RecordDiagnosis
				err := rows.Scan(&d.Date, &d.Code, &d.ICD10, &d.Text.EN, &d.Text.ZH, &d.Principal, &d.Status, &d.ErrorAs)
				r.Diagnoses = append(r.Diagnoses, d)
				return err
			}},
		{`SELECT text_en, text_zh, status, since, resolved_on FROM problems WHERE patient_id = ? ORDER BY id`,
			func(rows *sql.Rows) error {
				var p RecordProblem
				err := rows.Scan(&p.Text.EN, &p.Text.ZH, &p.Status, &p.Since, &p.ResolvedOn)
				r.Problems = append(r.Problems, p)
				return err
			}},
		{`SELECT allergen, kind, reaction, severity, onset, status, remarks FROM allergies WHERE patient_id = ? ORDER BY id`,
			func(rows *sql.Rows) error {
				var a RecordAllergy
				err := rows.Scan(&a.Allergen, &a.Kind, &a.Reaction, &a.Severity, &a.Onset, &a.Status, &a.Remarks)
				r.Allergies = append(r.Allergies, a)
				return err
			}},
		{`SELECT COALESCE(v.visit_date, ''), g.name, g.name_zh, g.strength, p.dose_milli, p.dose_unit, p.frequency, p.route,
			p.days, p.quantity, g.dispensing_unit, p.instructions_en, p.instructions_zh, p.status, p.prescribed_by_name, p.cancel_reason
			FROM prescription_items p JOIN drugs g ON g.id = p.drug_id LEFT JOIN visits v ON v.id = p.visit_id
			WHERE p.patient_id = ? ORDER BY v.visit_date, p.id`,
			func(rows *sql.Rows) error {
				var m RecordMedicine
				var milli int64
				var unit string
				err := rows.Scan(&m.Date, &m.Drug.EN, &m.Drug.ZH, &m.Strength, &milli, &unit, &m.Frequency, &m.Route,
					&m.Days, &m.Quantity, &m.Unit, &m.Instructions.EN, &m.Instructions.ZH, &m.Status, &m.PrescribedBy, &m.CancelReason)
				m.Dose = strings.TrimSpace(thousandths(milli) + " " + unit)
				r.Medicines = append(r.Medicines, m)
				return err
			}},
		{`SELECT given_on, vaccine, dose_number, batch_no, site, route, given_by, historical, status
			FROM immunisations WHERE patient_id = ? ORDER BY given_on, id`,
			func(rows *sql.Rows) error {
				var im RecordImmunisation
				err := rows.Scan(&im.GivenOn, &im.Vaccine, &im.DoseNumber, &im.BatchNo, &im.Site, &im.Route, &im.GivenBy,
					&im.Historical, &im.Status)
				r.Immunisations = append(r.Immunisations, im)
				return err
			}},
		{`SELECT taken_at, systolic, diastolic, pulse, temperature, spo2, weight_kg, height_cm, glucose, status
			FROM vitals WHERE patient_id = ? ORDER BY taken_at, id`,
			func(rows *sql.Rows) error {
				var v RecordVitals
				var at string
				var sys, dia, pulse, spo2 sql.NullInt64
				var temp, weight, height, glucose sql.NullFloat64
				if err := rows.Scan(&at, &sys, &dia, &pulse, &temp, &spo2, &weight, &height, &glucose, &v.Status); err != nil {
					return err
				}
				v.TakenAt = at
				if t, err := time.Parse(time.RFC3339Nano, at); err == nil {
					v.TakenAt = t.In(loc).Format("2006-01-02 15:04")
				}
				if sys.Valid && dia.Valid {
					v.BP = strconv.FormatInt(sys.Int64, 10) + "/" + strconv.FormatInt(dia.Int64, 10) + " mmHg"
				}
				v.Pulse = withUnit(pulse, "/min")
				v.SpO2 = withUnit(spo2, "%")
				v.Temperature = withUnitF(temp, " °C")
				v.Weight = withUnitF(weight, " kg")
				v.Height = withUnitF(height, " cm")
				v.Glucose = withUnitF(glucose, " mmol/L")
				r.Vitals = append(r.Vitals, v)
				return nil
			}},
	}
	for _, s := range steps {
		if err := each(s.q, s.scan); err != nil {
			return r, err
		}
	}
	return r, nil
}

// thousandths writes a dose kept in thousandths as a person writes it: 1000 is "1", 2500 "2.5".
func thousandths(n int64) string {
	s := strconv.FormatFloat(float64(n)/1000, 'f', 3, 64)
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func withUnit(n sql.NullInt64, unit string) string {
	if !n.Valid {
		return ""
	}
	return strconv.FormatInt(n.Int64, 10) + unit
}

func withUnitF(f sql.NullFloat64, unit string) string {
	if !f.Valid {
		return ""
	}
	return strconv.FormatFloat(f.Float64, 'f', -1, 64) + unit
}
