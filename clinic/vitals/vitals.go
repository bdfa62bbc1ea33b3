// Package vitals records a patient's vital signs at a visit: blood pressure, pulse,
// temperature, respiratory rate, SpO2, weight and height (with the BMI worked out), glucose and
// pain score. Each value is checked against a range a living patient can have, so that a slip of
// the keyboard (1200 for a pulse of 120) is refused rather than charted.
package vitals

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Measure describes one vital sign: its form field, unit and plausible range.
type Measure struct {
	Field    string
	Unit     string
	Min, Max float64
	Decimals int // 0 for whole numbers
}

// Measures in the order the form shows them.
var Measures = []Measure{
	{"systolic", "mmHg", 50, 260, 0},
	{"diastolic", "mmHg", 30, 160, 0},
	{"pulse", "/min", 20, 250, 0},
	{"temperature", "°C", 30, 44, 1},
	{"resp_rate", "/min", 4, 80, 0},
	{"spo2", "%", 50, 100, 0},
	{"weight_kg", "kg", 0.3, 350, 1},
	{"height_cm", "cm", 30, 250, 1},
	{"glucose", "mmol/L", 0.5, 50, 1},
	{"pain", "0-10", 0, 10, 0},
}

// MeasureOf returns a measure by field name.
func MeasureOf(field string) (Measure, bool) {
	for _, m := range Measures {
		if m.Field == field {
			return m, true
		}
	}
	return Measure{}, false
}

// Set is one recording; a nil value was not taken.
type Set struct {
	ID           int64
	VisitID      int64
	PatientID    int64
	TakenAt      time.Time
	Values       map[string]float64 // by Measure.Field
	BMI          float64            // 0 when weight or height is missing
	Status       string             // ok, entered_in_error
	ErrorReason  string
	RecordedBy   int64
	RecordedName string
}

// Has reports whether a value was taken.
func (s *Set) Has(field string) bool { _, ok := s.Values[field]; return ok }

// Show is a value as the chart writes it: "120", "37.2", "" when not taken.
func (s *Set) Show(field string) string {
	v, ok := s.Values[field]
	if !ok {
		return ""
	}
	m, _ := MeasureOf(field)
	return strconv.FormatFloat(v, 'f', m.Decimals, 64)
}

// BP is "120/80", or "" when not taken.
func (s *Set) BP() string {
	if !s.Has("systolic") || !s.Has("diastolic") {
		return ""
	}
	return s.Show("systolic") + "/" + s.Show("diastolic")
}

// ShowBMI is the BMI to one decimal, or "".
func (s *Set) ShowBMI() string {
	if s.BMI == 0 {
		return ""
	}
	return strconv.FormatFloat(s.BMI, 'f', 1, 64)
}

// BMI from weight in kilograms and height in centimetres, to one decimal.
func BMI(weightKg, heightCm float64) float64 {
	if weightKg <= 0 || heightCm <= 0 {
		return 0
	}
	h := heightCm / 100
	return math.Round(weightKg/(h*h)*10) / 10
}

// Parse reads the form's values (as typed) into a Set, with every fault at once.
func Parse(form map[string]string) (map[string]float64, error) {
	var errs clinic.ValidationErrors
	vals := map[string]float64{}
	for _, m := range Measures {
		raw := strings.TrimSpace(strings.ReplaceAll(form[m.Field], ",", "."))
		if raw == "" {
			continue
		}
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			errs = append(errs, clinic.Invalid(m.Field, "error.vitals.number"))
			continue
		}
		if m.Decimals == 0 && v != math.Trunc(v) {
			errs = append(errs, clinic.Invalid(m.Field, "error.vitals.whole"))
			continue
		}
		if v < m.Min || v > m.Max {
			errs = append(errs, clinic.Invalid(m.Field, "error.vitals.range",
				strconv.FormatFloat(m.Min, 'f', -1, 64), strconv.FormatFloat(m.Max, 'f', -1, 64), m.Unit))
			continue
		}
		vals[m.Field] = v
	}
	sys, okS := vals["systolic"]
	dia, okD := vals["diastolic"]
	switch {
	case okS != okD && errs.Field("systolic") == nil && errs.Field("diastolic") == nil:
		errs = append(errs, clinic.Invalid("diastolic", "error.vitals.bp_pair"))
	case okS && okD && dia >= sys:
		errs = append(errs, clinic.Invalid("diastolic", "error.vitals.bp_order"))
	}
	if len(vals) == 0 && len(errs) == 0 {
		errs = append(errs, clinic.Invalid("systolic", "error.vitals.none"))
	}
	return vals, errs.Err()
}

var columns = []string{"systolic", "diastolic", "pulse", "temperature", "resp_rate", "spo2", "weight_kg", "height_cm", "glucose", "pain"}

// Record saves a set of vitals taken at a visit, in the visit's transaction rules: the visit
// must exist and not be withdrawn.
func Record(ctx context.Context, db *store.DB, visitID int64, form map[string]string, by audit.Actor, byName string) (Set, error) {
	vals, err := Parse(form)
	if err != nil {
		return Set{}, err
	}
	var out Set
	err = db.Write(ctx, func(tx *sql.Tx) error {
		var patientID int64
		var status string
		err := tx.QueryRowContext(ctx, `SELECT patient_id, status FROM visits WHERE id = ?`, visitID).Scan(&patientID, &status)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		if status == "entered_in_error" {
			return clinic.Invalid("systolic", "error.visit.withdrawn")
		}
		args := []any{visitID, patientID, time.Now().UTC().Format(time.RFC3339Nano)}
		for _, c := range columns {
			if v, ok := vals[c]; ok {
				args = append(args, v)
			} else {
				args = append(args, nil)
			}
		}
		var bmi any
		if b := BMI(vals["weight_kg"], vals["height_cm"]); b > 0 {
			bmi = b
		}
		args = append(args, bmi, by.UserID, byName)
		res, err := tx.ExecContext(ctx, `INSERT INTO vitals (visit_id, patient_id, taken_at, `+strings.Join(columns, ", ")+`,
			bmi, recorded_by, recorded_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULLIF(?,0), ?)`, args...)
		if err != nil {
			return err
		}
		id, _ := res.LastInsertId()
		if err := audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "vitals", fmt.Sprint(id), patientID,
			fmt.Sprintf("vitals recorded at visit %d", visitID))); err != nil {
			return err
		}
		out, err = get(ctx, tx, id)
		return err
	})
	return out, err
}

// MarkInError withdraws a recording made by mistake; it stays, marked, with the reason.
func MarkInError(ctx context.Context, db *store.DB, id int64, reason string, by audit.Actor) error {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return clinic.Invalid("reason", "error.visit.reason_required")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		s, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if s.Status != "ok" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE vitals SET status = 'entered_in_error', error_reason = ? WHERE id = ?`, reason, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "vitals", fmt.Sprint(id), s.PatientID, "entered in error: "+reason))
	})
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

const selectSet = `SELECT id, COALESCE(visit_id,0), patient_id, taken_at, systolic, diastolic, pulse, temperature,
	resp_rate, spo2, weight_kg, height_cm, glucose, pain, COALESCE(bmi,0), status, error_reason, COALESCE(recorded_by,0),
	recorded_name FROM vitals`

func scan(row interface{ Scan(...any) error }) (Set, error) {
	var s Set
	var at string
	vals := make([]sql.NullFloat64, len(columns))
	dest := []any{&s.ID, &s.VisitID, &s.PatientID, &at}
	for i := range vals {
		dest = append(dest, &vals[i])
	}
	dest = append(dest, &s.BMI, &s.Status, &s.ErrorReason, &s.RecordedBy, &s.RecordedName)
	if err := row.Scan(dest...); err != nil {
		return s, err
	}
	s.TakenAt, _ = time.Parse(time.RFC3339Nano, at)
	s.Values = map[string]float64{}
	for i, c := range columns {
		if vals[i].Valid {
			s.Values[c] = vals[i].Float64
		}
	}
	return s, nil
}

func get(ctx context.Context, q querier, id int64) (Set, error) {
	s, err := scan(q.QueryRowContext(ctx, selectSet+` WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, clinic.ErrNotFound
	}
	return s, err
}

func list(ctx context.Context, q querier, where string, args ...any) ([]Set, error) {
	rows, err := q.QueryContext(ctx, selectSet+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Set
	for rows.Next() {
		s, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ForVisit lists the recordings of a visit, withdrawn ones included, the first first.
func ForVisit(ctx context.Context, q querier, visitID int64) ([]Set, error) {
	return list(ctx, q, `visit_id = ? ORDER BY taken_at, id`, visitID)
}

// Recent lists a patient's latest recordings in force, newest first: the chart's latest vitals
// and the trend.
func Recent(ctx context.Context, q querier, patientID int64, limit int) ([]Set, error) {
	return list(ctx, q, `patient_id = ? AND status = 'ok' ORDER BY taken_at DESC LIMIT ?`, patientID, limit)
}
