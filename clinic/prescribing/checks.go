package prescribing

import (
	"context"
	"fmt"
	"strings"

	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/formulary"
)

// Finding is what a check found. A stop (an allergy, a dose above the configured maximum) is
// not prescribed without an override reason, which is kept with the item and audited; a warning
// (the same ingredient twice) needs the prescriber to confirm.
type Finding struct {
	Kind string // allergy, duplicate, max_dose
	Stop bool
	Key  string // translation key of the message
	Args []any
	Text string // the message in English, kept with the item
}

// CheckError is returned when a prescription has stops without an override reason, or warnings
// not yet confirmed. The form shows the findings and asks for the reason or the confirmation.
type CheckError struct {
	Findings []Finding
}

func (e *CheckError) Error() string {
	parts := make([]string, len(e.Findings))
	for i, f := range e.Findings {
		parts[i] = f.Text
	}
	return "prescribing: " + strings.Join(parts, "; ")
}

// Stops reports whether any finding is a hard stop.
func (e *CheckError) Stops() bool {
	for _, f := range e.Findings {
		if f.Stop {
			return true
		}
	}
	return false
}

// check runs the offline checks of one drug for a patient, against the visit's other items.
func check(ctx context.Context, q allergies.Querier, patientID int64, d formulary.Drug, daily int64, others []Item) ([]Finding, error) {
	var out []Finding
	matches, err := allergies.Check(ctx, q, patientID, d.IngredientNames())
	if err != nil {
		return nil, err
	}
	for _, m := range matches {
		kind := "allergy"
		if m.Allergy.Kind == allergies.KindADR {
			kind = "adr"
		}
		out = append(out, Finding{Kind: "allergy", Stop: true, Key: "error.rx." + kind, Args: []any{m.Allergy.Allergen, m.Ingredient},
			Text: fmt.Sprintf("%s recorded: %s (%s)", kind, m.Allergy.Allergen, m.Ingredient)})
	}
	mine := map[string]bool{}
	for _, n := range d.IngredientNames() {
		mine[n] = true
	}
	for _, o := range others {
		if o.Status == StatusCancelled {
			continue
		}
		for _, n := range o.Drug.IngredientNames() {
			if mine[n] {
				out = append(out, Finding{Kind: "duplicate", Key: "error.rx.duplicate", Args: []any{n, o.Drug.Label()},
					Text: fmt.Sprintf("duplicate ingredient %s (also in %s)", n, o.Drug.Label())})
				break
			}
		}
	}
	if d.MaxDailyMilli > 0 && daily > d.MaxDailyMilli {
		out = append(out, Finding{Kind: "max_dose", Stop: true, Key: "error.rx.max_dose",
			Args: []any{formulary.FormatMilli(daily), formulary.FormatMilli(d.MaxDailyMilli), d.DoseUnit},
			Text: fmt.Sprintf("daily dose %s %s above the maximum %s", formulary.FormatMilli(daily), d.DoseUnit,
				formulary.FormatMilli(d.MaxDailyMilli))})
	}
	return out, nil
}
