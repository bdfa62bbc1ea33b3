package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/stock"
)

// Stock: receiving, a drug's batches with adjustments and stock-take, and the low-stock and
// expiring-soon lists that open the page.

// expiringDays is how far ahead "expiring soon" looks.
const expiringDays = 90

type stockPage struct {
	Drugs    []formulary.Drug
	Drug     *formulary.Drug
	Batches  []stock.Batch
	OnHand   int64
	Low      []stock.Level
	Expiring []stock.Batch
	Until    string
	Today    string
	Reasons  []string
}

func (s *Server) stockData(c echo.Context) (*stockPage, error) {
	ctx := c.Request().Context()
	t := today(s)
	d := &stockPage{Today: t.Format("2006-01-02"), Until: t.AddDate(0, 0, expiringDays).Format("2006-01-02"),
		Reasons: stock.AdjustReasons}
	var err error
	if d.Drugs, err = formulary.List(ctx, s.db.R, formulary.Filter{ActiveOnly: true}); err != nil {
		return nil, err
	}
	if d.Low, err = stock.Low(ctx, s.db.R); err != nil {
		return nil, err
	}
	if d.Expiring, err = stock.Expiring(ctx, s.db.R, d.Until); err != nil {
		return nil, err
	}
	drugID, _ := strconv.ParseInt(c.QueryParam("drug"), 10, 64)
	if drugID == 0 {
		drugID, _ = strconv.ParseInt(c.FormValue("drug_id"), 10, 64)
	}
	if drugID != 0 {
		dr, err := formulary.Get(ctx, s.db.R, drugID)
		if err == nil {
			d.Drug = &dr
			if d.Batches, err = stock.Batches(ctx, s.db.R, drugID); err != nil {
				return nil, err
			}
			if d.OnHand, err = stock.OnHand(ctx, s.db.R, drugID); err != nil {
				return nil, err
			}
		}
	}
	return d, nil
}

func (s *Server) stockPage(c echo.Context) error {
	d, err := s.stockData(c)
	if err != nil {
		return err
	}
	v := s.view(c, "med.stock.title", d)
	if d.Drug != nil {
		v.Form.Set("drug_id", strconv.FormatInt(d.Drug.ID, 10))
	}
	return s.render(c, http.StatusOK, "stock", v)
}

func (s *Server) stockError(c echo.Context, err error) error {
	d, derr := s.stockData(c)
	if derr != nil {
		return derr
	}
	return s.formError(c, "stock", s.view(c, "med.stock.title", d), err)
}

func wholeNumber(c echo.Context, field string) (int64, error) {
	n, err := strconv.ParseInt(c.FormValue(field), 10, 64)
	if err != nil {
		return 0, clinic.Invalid(field, "error.stock.quantity")
	}
	return n, nil
}

func (s *Server) stockReceive(c echo.Context) error {
	drugID, _ := strconv.ParseInt(c.FormValue("drug_id"), 10, 64)
	qty, err := wholeNumber(c, "quantity")
	if err != nil {
		return s.stockError(c, err)
	}
	var cost int64
	if v := c.FormValue("cost"); v != "" {
		if cost, err = formulary.ParseCents(v); err != nil {
			return s.stockError(c, clinic.Invalid("cost", "error.drug.amount", v))
		}
	}
	_, err = stock.Receive(c.Request().Context(), s.db, stock.Receipt{DrugID: drugID, BatchNo: c.FormValue("batch_no"),
		Expiry: c.FormValue("expiry"), Quantity: qty, Cost: cost, Supplier: c.FormValue("supplier")}, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return s.stockError(c, err)
	}
	return redirectDone(c, "/stock?drug="+strconv.FormatInt(drugID, 10), "saved")
}

// stockBatchChange is an adjustment (delta with a reason) or a stock-take (the count).
func (s *Server) stockBatchChange(c echo.Context) error {
	ctx := c.Request().Context()
	batchID, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return echo.ErrNotFound
	}
	reason := c.FormValue("reason")
	if reason == "other" || reason == "" {
		reason = c.FormValue("reason_text")
	}
	by := currentUser(c).Actor(c.RealIP())
	if c.FormValue("counted") != "" {
		n, err := wholeNumber(c, "counted")
		if err == nil {
			err = stock.StockTake(ctx, s.db, batchID, n, reason, by)
		}
		if err != nil {
			return s.stockError(c, err)
		}
	} else {
		n, err := wholeNumber(c, "delta")
		if err == nil {
			err = stock.Adjust(ctx, s.db, batchID, n, reason, by)
		}
		if err != nil {
			return s.stockError(c, err)
		}
	}
	return redirectDone(c, "/stock?drug="+c.FormValue("drug_id"), "saved")
}
