package ui

import (
	"strings"

	"github.com/onramp-hk/onramp/clinic/vitals"
)

// noteParts are the four parts of the note, in the order the form shows them.
var noteParts = []string{"history", "examination", "assessment", "plan"}

// NoteParts lists the note's fields for the template.
func (v *View) NoteParts() []string { return noteParts }

// withdrawForm is what the "withdraw" partial needs: the page, the kind of entry and its id.
type withdrawForm struct {
	View   *View
	Action string // the path after /visits/ID/: "diagnoses/error"
	ID     int64
}

// Withdraw prepares the small "entered in error" form of a diagnosis, procedure or result.
func (v *View) Withdraw(entity string, id int64) withdrawForm {
	action := map[string]string{"diagnosis": "diagnoses/error", "procedure": "procedures/error", "result": "results/error"}[entity]
	return withdrawForm{View: v, Action: action, ID: id}
}

// VitalsMore is the rest of a set of vitals in one line, in the page's language.
func (v *View) VitalsMore(s vitals.Set) string {
	var parts []string
	for _, f := range []string{"resp_rate", "weight_kg", "height_cm", "glucose", "pain"} {
		if s.Has(f) {
			m, _ := vitals.MeasureOf(f)
			parts = append(parts, v.T("vitals."+f)+" "+s.Show(f)+" "+m.Unit)
		}
	}
	return strings.Join(parts, " · ")
}

// ResultFlags are the abnormal flags a result may carry ("" normal).
func (v *View) ResultFlags() []string { return []string{"", "H", "L", "A"} }

// VitalField is the form field of one vital sign, its unit as the hint.
func (v *View) VitalField(field string) FieldData {
	return v.Field(field, "vitals."+field, "text", "hint:vitals.unit."+field)
}

// Unit is a vital sign's unit as printed beside a value ("mmHg").
func (v *View) Unit(field string) string {
	m, _ := vitals.MeasureOf(field)
	return m.Unit
}

// ChartFilterKeys are the chart's filters, carried over when the whole timeline is asked for.
func (v *View) ChartFilterKeys() []string { return []string{"type", "doctor", "dx", "test"} }
