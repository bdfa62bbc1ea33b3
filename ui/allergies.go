package ui

import (
	"context"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/allergies"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/patients"
)

// A patient's allergies and adverse drug reactions, and "no known drug allergy" as a recorded
// statement. The banner of every patient page shows the state (AllergyState below).

func init() {
	AllergyState = func(ctx context.Context, s *Server, patientID int64) (string, []string) {
		st, err := allergies.State(ctx, s.db.R, patientID)
		if err != nil {
			// The banner must never claim "no allergy" when it could not look.
			return allergies.StateUnknown, nil
		}
		return st.State, st.Allergens
	}
}

type allergyPage struct {
	Banner    *Banner
	Patient   patients.Patient
	Status    allergies.Status
	Allergies []allergies.Allergy
	Drugs     []formulary.Drug
	Reactions []string
}

func (s *Server) allergyData(c echo.Context) (*allergyPage, error) {
	ctx := c.Request().Context()
	p, err := s.patientFromPath(c)
	if err != nil {
		return nil, err
	}
	d := &allergyPage{Patient: p, Reactions: allergies.Reactions}
	if d.Status, err = allergies.State(ctx, s.db.R, p.ID); err != nil {
		return nil, err
	}
	if d.Allergies, err = allergies.List(ctx, s.db.R, p.ID); err != nil {
		return nil, err
	}
	if d.Drugs, err = formulary.List(ctx, s.db.R, formulary.Filter{ActiveOnly: true}); err != nil {
		return nil, err
	}
	d.Banner = s.banner(c, &p)
	return d, nil
}

// allergyList is the allergy page: the list, the add form and "no known drug allergy".
func (s *Server) allergyList(c echo.Context) error {
	d, err := s.allergyData(c)
	if err != nil {
		return err
	}
	s.views.Record(patients.ViewEntry(currentUser(c).Actor(c.RealIP()), d.Patient.ID))
	v := s.view(c, "med.allergies.title", d)
	v.Banner = d.Banner
	v.Form.Set("kind", allergies.KindAllergy)
	return s.render(c, http.StatusOK, "allergies", v)
}

func (s *Server) allergyAdd(c echo.Context) error {
	d, err := s.allergyData(c)
	if err != nil {
		return err
	}
	drugID, _ := strconv.ParseInt(c.FormValue("drug_id"), 10, 64)
	in := allergies.Input{Kind: c.FormValue("kind"), AllergenType: c.FormValue("allergen_type"), DrugID: drugID,
		Ingredient: c.FormValue("ingredient"), Allergen: c.FormValue("allergen"), ReactionCode: c.FormValue("reaction_code"),
		Reaction: c.FormValue("reaction"), Severity: c.FormValue("severity"), Certainty: c.FormValue("certainty"),
		Onset: c.FormValue("onset"), Remarks: c.FormValue("remarks")}
	if _, err := allergies.Add(c.Request().Context(), s.db, d.Patient.ID, in, currentUser(c).Actor(c.RealIP())); err != nil {
		v := s.view(c, "med.allergies.title", d)
		v.Banner = d.Banner
		return s.formError(c, "allergies", v, err)
	}
	return redirectDone(c, "/patients/"+strconv.FormatInt(d.Patient.ID, 10)+"/allergies", "saved")
}

func (s *Server) allergyNKDA(c echo.Context) error {
	d, err := s.allergyData(c)
	if err != nil {
		return err
	}
	if err := allergies.RecordNKDA(c.Request().Context(), s.db, d.Patient.ID, currentUser(c).Actor(c.RealIP())); err != nil {
		v := s.view(c, "med.allergies.title", d)
		v.Banner = d.Banner
		return s.formError(c, "allergies", v, err)
	}
	return redirectDone(c, "/patients/"+strconv.FormatInt(d.Patient.ID, 10)+"/allergies", "saved")
}

func (s *Server) allergyInactivate(c echo.Context) error {
	ctx := c.Request().Context()
	id, err := strconv.ParseInt(c.Param("aid"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	d, err := s.allergyData(c)
	if err != nil {
		return err
	}
	a, err := allergies.Get(ctx, s.db.R, id)
	if err != nil || a.PatientID != d.Patient.ID {
		return echo.ErrNotFound
	}
	if err := allergies.Inactivate(ctx, s.db, id, c.FormValue("reason"), currentUser(c).Actor(c.RealIP())); err != nil {
		v := s.view(c, "med.allergies.title", d)
		v.Banner = d.Banner
		return s.formError(c, "allergies", v, err)
	}
	return redirectDone(c, "/patients/"+strconv.FormatInt(d.Patient.ID, 10)+"/allergies", "saved")
}

// Choices of the allergy form.
func (v *View) AllergyKinds() []string { return []string{allergies.KindAllergy, allergies.KindADR} }
func (v *View) AllergenTypes() []string {
	return []string{allergies.TypeDrug, allergies.TypeNonDrug, allergies.TypeUnclassified}
}
func (v *View) AllergyCertainties() []string { return []string{"C", "S"} }
func (v *View) AllergySeverities() []string  { return []string{"M", "S"} }
