package ui

import (
	"context"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/patients"
)

// Banner is the strip at the top of every patient page: who this is, at a glance, with the
// allergy state and the eHealth consent never out of sight.
type Banner struct {
	ID       int64
	Number   string
	NameEN   string
	NameZH   string
	Sex      string // M, F, U
	Age      string // "45", "3m" for babies, "~45" when the date of birth is known only in part
	DOB      string
	DocLabel string // masked identity document
	Consent  string // none, given, revoked
	Joined   bool
	Merged   bool
	// Allergy is "unknown" (not recorded), "nkda" (no known drug allergy) or "allergic";
	// Allergies lists them when allergic. Filled by AllergyState when the medication feature
	// is there.
	Allergy   string
	Allergies []string
}

// AllergyState is set by the medication feature: it tells the banner a patient's allergy state.
var AllergyState func(ctx context.Context, s *Server, patientID int64) (state string, allergens []string)

func (s *Server) banner(c echo.Context, p *patients.Patient) *Banner {
	b := &Banner{ID: p.ID, Number: p.Number, NameEN: p.NameEN(), NameZH: p.NameZH, Sex: p.Sex, DOB: p.DOB.Display(),
		DocLabel: p.Doc.Masked(), Consent: p.EHealth.Consent, Joined: p.EHealth.Joined, Merged: p.Merged(), Allergy: "unknown"}
	years, exact := p.Age()
	b.Age = ageText(p.DOB, years, exact)
	if AllergyState != nil {
		b.Allergy, b.Allergies = AllergyState(c.Request().Context(), s, p.ID)
	}
	return b
}

// today is the date at the clinic.
func today(s *Server) time.Time { return time.Now().In(s.cfg.TimeZone) }
