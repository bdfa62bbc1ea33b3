package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/billing"
	"github.com/onramp-hk/onramp/clinic/users"
)

// The fee schedule (fees.go): consultation fees by visit type and doctor, packages, procedure,
// certificate and drug fees, and the discounts the clinic offers. Administrators set them;
// clerks and doctors can look.

type feesPage struct {
	Fees      []billing.Fee
	Discounts []billing.Discount
	Kinds     []string
	Doctors   []users.User
	CanEdit   bool
	Failed    string
}

func (s *Server) feesView(c echo.Context, failed string) (*View, error) {
	ctx := c.Request().Context()
	data := &feesPage{Kinds: billing.FeeKinds, CanEdit: permits(feesWrite, currentUser(c)), Failed: failed}
	var err error
	if data.Fees, err = billing.Fees(ctx, s.db.R); err != nil {
		return nil, err
	}
	if data.Discounts, err = billing.Discounts(ctx, s.db.R); err != nil {
		return nil, err
	}
	if data.Doctors, err = users.WithRole(ctx, s.db.R, users.RoleDoctor); err != nil {
		return nil, err
	}
	return s.view(c, "billing.fees.title", data), nil
}

func (s *Server) feesPageGet(c echo.Context) error {
	v, err := s.feesView(c, "")
	if err != nil {
		return err
	}
	v.Form.Set("kind", billing.KindConsultation)
	return s.render(c, http.StatusOK, "fees", v)
}

func (s *Server) feeSave(c echo.Context) error {
	doctor, _ := strconv.ParseInt(c.FormValue("doctor_id"), 10, 64)
	_, err := billing.SetFee(c.Request().Context(), s.db, billing.FeeInput{Kind: c.FormValue("kind"), Code: c.FormValue("code"),
		DoctorID: doctor, NameEN: c.FormValue("name_en"), NameZH: c.FormValue("name_zh"), Amount: c.FormValue("amount"),
		Per: c.FormValue("per")}, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		v, verr := s.feesView(c, "fee")
		if verr != nil {
			return verr
		}
		return s.formError(c, "fees", v, err)
	}
	return redirectDone(c, "/fees", "fee_saved")
}

func (s *Server) feeRetire(c echo.Context) error {
	id, err := billParamID(c, "id")
	if err != nil {
		return err
	}
	if err := billing.RetireFee(c.Request().Context(), s.db, id, currentUser(c).Actor(c.RealIP())); err != nil {
		return err
	}
	return redirectDone(c, "/fees", "fee_retired")
}

func (s *Server) discountSave(c echo.Context) error {
	_, err := billing.AddDiscount(c.Request().Context(), s.db, billing.DiscountInput{NameEN: c.FormValue("discount_name_en"),
		NameZH: c.FormValue("discount_name_zh"), Percent: c.FormValue("percent"), Amount: c.FormValue("discount_amount")},
		currentUser(c).Actor(c.RealIP()))
	if err != nil {
		v, verr := s.feesView(c, "discount")
		if verr != nil {
			return verr
		}
		return s.formError(c, "fees", v, err)
	}
	return redirectDone(c, "/fees", "discount_saved")
}

func (s *Server) discountRetire(c echo.Context) error {
	id, err := billParamID(c, "id")
	if err != nil {
		return err
	}
	if err := billing.RetireDiscount(c.Request().Context(), s.db, id, currentUser(c).Actor(c.RealIP())); err != nil {
		return err
	}
	return redirectDone(c, "/fees", "fee_retired")
}
