package prescribing

import (
	"context"
	"database/sql"
	"errors"
)

// What the dispensary does when the shelf holds less than a prescription asks for. Clinics differ:
// some would rather send the patient away with nothing than with half a course; others hand over
// what there is and ask the patient back for the rest.
const (
	// SettingShortStock is the settings key holding the practice's choice.
	SettingShortStock = "medication.short_stock"
	// ShortRefuse dispenses nothing of the visit and names the drug that is short (the default).
	ShortRefuse = "refuse"
	// ShortPartial dispenses what there is, leaves the rest owing and records the shortfall.
	ShortPartial = "partial"
)

// ActionDispenseShort is the audit action of an item dispensed short.
const ActionDispenseShort = "dispense_short"

// ShortPolicies lists the choices in the order the settings page offers them.
var ShortPolicies = []string{ShortRefuse, ShortPartial}

// ValidShortPolicy tells whether s is one of the choices.
func ValidShortPolicy(s string) bool { return s == ShortRefuse || s == ShortPartial }

// ShortPolicy reads the practice's choice; ShortRefuse when none was made.
func ShortPolicy(ctx context.Context, db *sql.DB) (string, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, SettingShortStock).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !ValidShortPolicy(v)) {
		return ShortRefuse, nil
	}
	return v, err
}

// Shortfall is an item that was dispensed short.
type Shortfall struct {
	ItemID        int64
	Drug          string
	Wanted, Given int64
}

// Owing is what the patient is still to receive.
func (s Shortfall) Owing() int64 { return s.Wanted - s.Given }

// Dispensed says what a dispensing did: how many items were handed over (in whole or in part)
// and which fell short.
type Dispensed struct {
	Items      int
	Shortfalls []Shortfall
	// TicketDone: this dispensing finished the patient's visit (the bill was already settled),
	// and moved their queue ticket to done; the live screens need telling.
	TicketDone bool
}
