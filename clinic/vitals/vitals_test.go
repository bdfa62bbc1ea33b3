package vitals_test

import (
	"context"
	"errors"
	"testing"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store/storetest"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/clinic/vitals"
)

func TestRangesAreChecked(t *testing.T) {
	for _, tc := range []struct {
		name  string
		form  map[string]string
		field string // the field at fault, "" when valid
		key   string
	}{
		{"typical", map[string]string{"systolic": "120", "diastolic": "80", "pulse": "72", "temperature": "37,2"}, "", ""},
		{"pulse typo", map[string]string{"pulse": "1200"}, "pulse", "error.vitals.range"},
		{"temperature in Fahrenheit", map[string]string{"temperature": "98.6"}, "temperature", "error.vitals.range"},
		{"spo2 over 100", map[string]string{"spo2": "101"}, "spo2", "error.vitals.range"},
		{"pain 11", map[string]string{"pain": "11"}, "pain", "error.vitals.range"},
		{"half a beat", map[string]string{"pulse": "72.5"}, "pulse", "error.vitals.whole"},
		{"words", map[string]string{"weight_kg": "seventy"}, "weight_kg", "error.vitals.number"},
		{"NaN", map[string]string{"glucose": "NaN"}, "glucose", "error.vitals.number"},
		{"systolic alone", map[string]string{"systolic": "120"}, "diastolic", "error.vitals.bp_pair"},
		{"reversed pressure", map[string]string{"systolic": "80", "diastolic": "120"}, "diastolic", "error.vitals.bp_order"},
		{"nothing", map[string]string{}, "systolic", "error.vitals.none"},
		{"height in metres", map[string]string{"height_cm": "1.7"}, "height_cm", "error.vitals.range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := vitals.Parse(tc.form)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var errs clinic.ValidationErrors
			if !errors.As(err, &errs) || errs.Field(tc.field) == nil || errs.Field(tc.field).Key != tc.key {
				t.Fatalf("got %v, want %s on %s", err, tc.key, tc.field)
			}
		})
	}
}

func TestBMI(t *testing.T) {
	for _, tc := range []struct{ w, h, want float64 }{{70, 175, 22.9}, {100, 160, 39.1}, {70, 0, 0}, {0, 170, 0}} {
		if got := vitals.BMI(tc.w, tc.h); got != tc.want {
			t.Errorf("BMI(%v, %v) = %v, want %v", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestRecordAndWithdraw(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	p, err := patients.Create(ctx, db, "P", patients.Input{SurnameEN: "Lee", Sex: "F", DOB: "1990", Language: "en"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	v, err := visits.Open(ctx, db, visits.OpenInput{PatientID: p.ID, Date: "2026-11-23"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	s, err := vitals.Record(ctx, db, v.ID, map[string]string{"weight_kg": "70", "height_cm": "175", "systolic": "135",
		"diastolic": "85"}, audit.System, "Nurse Ho")
	if err != nil {
		t.Fatal(err)
	}
	if s.ShowBMI() != "22.9" || s.BP() != "135/85" || s.Has("pulse") || s.RecordedName != "Nurse Ho" {
		t.Errorf("recorded: %+v", s)
	}
	if _, err := vitals.Record(ctx, db, 999999, map[string]string{"pulse": "70"}, audit.System, ""); !errors.Is(err, clinic.ErrNotFound) {
		t.Errorf("vitals for a missing visit: %v", err)
	}
	if err := vitals.MarkInError(ctx, db, s.ID, "wrong patient", audit.System); err != nil {
		t.Fatal(err)
	}
	if recent, _ := vitals.Recent(ctx, db.R, p.ID, 5); len(recent) != 0 {
		t.Errorf("withdrawn vitals still in the chart: %v", recent)
	}
	all, _ := vitals.ForVisit(ctx, db.R, v.ID)
	if len(all) != 1 || all[0].Status != "entered_in_error" || all[0].ErrorReason != "wrong patient" {
		t.Errorf("withdrawn vitals not kept: %+v", all)
	}
}
