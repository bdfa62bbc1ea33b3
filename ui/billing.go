package ui

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/billing"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/ui/print"
)

// The bill of a visit (billing.go): it builds itself from the visit each time it is opened;
// the clerk adjusts lines, gives discounts, takes payments in any mix of methods and prints the
// receipt. Voids and refunds are for administrators and doctors.

type billPage struct {
	Bill          billing.Bill
	Methods       []string
	Discounts     []billing.Discount
	CanVoid       bool
	Today         string
	Failed        string // which form was refused, so that it opens with what was typed
	VoucherOK     bool   // the patient may use the Elderly Health Care Voucher
	ReceiptSizes  []string
	RefundMethods []string
}

var receiptLayouts = map[string]print.LabelLayout{"a5": print.ReceiptA5, "80mm": print.Receipt80mm}

func (s *Server) todayString() string { return today(s).Format("2006-01-02") }

func billParamID(c echo.Context, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, clinic.ErrNotFound
	}
	return id, nil
}

// visitBill opens (and builds) the bill of a visit.
func (s *Server) visitBill(c echo.Context) error {
	visitID, err := billParamID(c, "id")
	if err != nil {
		return err
	}
	b, err := billing.ForVisit(c.Request().Context(), s.db, visitID, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return err
	}
	v, err := s.billView(c, b, "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "bill", v)
}

// billPageGet shows a bill by its own number (a correction has no visit).
func (s *Server) billPageGet(c echo.Context) error {
	id, err := billParamID(c, "id")
	if err != nil {
		return err
	}
	b, err := billing.Open(c.Request().Context(), s.db, id, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return err
	}
	v, err := s.billView(c, b, "")
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "bill", v)
}

func (s *Server) billView(c echo.Context, b billing.Bill, failed string) (*View, error) {
	ctx := c.Request().Context()
	p, err := patients.Get(ctx, s.db.R, b.PatientID)
	if err != nil {
		return nil, err
	}
	data := &billPage{Bill: b, Methods: billing.Methods, RefundMethods: billing.RefundMethods, Today: s.todayString(),
		Failed: failed, CanVoid: billing.MayVoid(currentUser(c).Actor("")), ReceiptSizes: []string{"a5", "80mm"}}
	if data.Discounts, err = billing.Discounts(ctx, s.db.R); err != nil {
		return nil, err
	}
	if len(b.Day) >= 4 && p.DOB.Year > 0 {
		y, _ := strconv.Atoi(b.Day[:4])
		data.VoucherOK = y-p.DOB.Year >= billing.VoucherAge
	}
	v := s.view(c, "billing.bill.title", data)
	v.Banner = s.banner(c, &p)
	v.Form.Set("amount", "")
	v.Form.Set("method", billing.MethodCash)
	return v, nil
}

// billAction runs a change to a bill and goes back to it, or shows the bill again with the
// errors beside the form that was refused and what was typed kept.
func (s *Server) billAction(c echo.Context, form, notice string, do func(b billing.Bill) error) error {
	id, err := billParamID(c, "id")
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	b, err := billing.Get(ctx, s.db.R, id)
	if err != nil {
		return err
	}
	err = do(b)
	if err == nil {
		if notice == "" {
			return nil // the caller answers
		}
		return redirectDone(c, fmt.Sprintf("/bills/%d", id), notice)
	}
	if errors.Is(err, clinic.ErrConflict) {
		err = clinic.Invalid("version", "error.billing.stale")
	}
	var ve *clinic.ValidationError
	var ves clinic.ValidationErrors
	if !errors.As(err, &ve) && !errors.As(err, &ves) {
		return err
	}
	b, gerr := billing.Get(ctx, s.db.R, id)
	if gerr != nil {
		return gerr
	}
	v, verr := s.billView(c, b, form)
	if verr != nil {
		return verr
	}
	return s.formError(c, "bill", v, err)
}

func formVersion(c echo.Context) int64 {
	v, _ := strconv.ParseInt(c.FormValue("version"), 10, 64)
	return v
}

func (s *Server) billPay(c echo.Context) error {
	return s.billAction(c, "pay", "bill_paid", func(b billing.Bill) error {
		p, err := billing.Pay(c.Request().Context(), s.db, b.ID, formVersion(c), billing.PaymentInput{
			Method: c.FormValue("method"), Amount: c.FormValue("amount"), Tendered: c.FormValue("tendered"),
			Reference: c.FormValue("reference"), Company: c.FormValue("company"), Day: s.todayString(),
		}, currentUser(c).Actor(c.RealIP()))
		if err == nil && p.TicketDone {
			s.FrontDeskChanged(c.Request().Context())
		}
		return err
	})
}

func (s *Server) billAddLine(c echo.Context) error {
	return s.billAction(c, "line", "bill_changed", func(b billing.Bill) error {
		return billing.AddLine(c.Request().Context(), s.db, b.ID, formVersion(c), billing.LineInput{
			DescriptionEN: c.FormValue("description_en"), DescriptionZH: c.FormValue("description_zh"),
			Quantity: c.FormValue("quantity"), Unit: c.FormValue("unit"), Reason: c.FormValue("line_reason"),
		}, currentUser(c).Actor(c.RealIP()))
	})
}

func (s *Server) billAdjustLine(c echo.Context) error {
	return s.billAction(c, "adjust-"+c.Param("line"), "bill_changed", func(b billing.Bill) error {
		lineID, err := billParamID(c, "line")
		if err != nil {
			return err
		}
		return billing.AdjustLine(c.Request().Context(), s.db, b.ID, lineID, formVersion(c), billing.LineInput{
			Quantity: c.FormValue("adj_quantity"), Unit: c.FormValue("adj_unit"), Reason: c.FormValue("adj_reason"),
		}, c.FormValue("remove") == "yes", currentUser(c).Actor(c.RealIP()))
	})
}

func (s *Server) billDiscount(c echo.Context) error {
	return s.billAction(c, "discount", "bill_changed", func(b billing.Bill) error {
		did, _ := strconv.ParseInt(c.FormValue("discount_id"), 10, 64)
		return billing.ApplyDiscount(c.Request().Context(), s.db, b.ID, formVersion(c), billing.DiscountApply{
			DiscountID: did, Percent: c.FormValue("percent"), Amount: c.FormValue("discount_amount"), Reason: c.FormValue("discount_reason"),
		}, currentUser(c).Actor(c.RealIP()))
	})
}

func (s *Server) billRefund(c echo.Context) error {
	return s.billAction(c, "refund", "refunded", func(b billing.Bill) error {
		_, err := billing.Refund(c.Request().Context(), s.db, b.ID, formVersion(c), billing.RefundInput{
			Method: c.FormValue("refund_method"), Amount: c.FormValue("refund_amount"), Reference: c.FormValue("refund_reference"),
			Reason: c.FormValue("refund_reason"), Day: s.todayString(),
		}, currentUser(c).Actor(c.RealIP()))
		return err
	})
}

func (s *Server) billVoid(c echo.Context) error {
	return s.billAction(c, "void", "bill_voided", func(b billing.Bill) error {
		return billing.VoidBill(c.Request().Context(), s.db, b.ID, formVersion(c), c.FormValue("void_reason"), currentUser(c).Actor(c.RealIP()))
	})
}

// billCorrection starts today's correction of a bill of a closed day and opens it.
func (s *Server) billCorrection(c echo.Context) error {
	var newID int64
	err := s.billAction(c, "correction", "", func(b billing.Bill) error {
		var err error
		newID, err = billing.Correction(c.Request().Context(), s.db, b.ID, s.todayString(), currentUser(c).Actor(c.RealIP()))
		return err
	})
	if err != nil || newID == 0 {
		return err
	}
	return redirectDone(c, fmt.Sprintf("/bills/%d", newID), "correction_started")
}

// billReceipt numbers a receipt for the bill as it stands and opens it as a PDF; when nothing
// changed since the last one, the same receipt comes again, marked COPY.
func (s *Server) billReceipt(c echo.Context) error {
	var pdf []byte
	var number string
	err := s.billAction(c, "receipt", "", func(b billing.Bill) error {
		r, isCopy, err := billing.IssueReceipt(c.Request().Context(), s.db, b.ID, s.cfg.TimeZone, currentUser(c).Actor(c.RealIP()))
		if err != nil {
			return err
		}
		number = r.Number
		pdf, err = s.receiptPDF(r, isCopy, c.FormValue("size"))
		return err
	})
	if err != nil || pdf == nil {
		return err
	}
	return sendPDF(c, "receipt-"+number+".pdf", pdf)
}

// receiptCopy reprints a receipt exactly as it was, marked COPY.
func (s *Server) receiptCopy(c echo.Context) error {
	id, err := billParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := billing.Reprint(c.Request().Context(), s.db, id, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		return err
	}
	pdf, err := s.receiptPDF(r, true, c.QueryParam("size"))
	if err != nil {
		return err
	}
	return sendPDF(c, "receipt-"+r.Number+"-copy.pdf", pdf)
}

func (s *Server) receiptVoid(c echo.Context) error {
	id, err := billParamID(c, "id")
	if err != nil {
		return err
	}
	r, err := billing.GetReceipt(c.Request().Context(), s.db.R, id)
	if err != nil {
		return err
	}
	c.SetParamNames("id")
	c.SetParamValues(strconv.FormatInt(r.BillID, 10))
	return s.billAction(c, "receipt-void-"+strconv.FormatInt(id, 10), "receipt_voided", func(billing.Bill) error {
		return billing.VoidReceipt(c.Request().Context(), s.db, id, c.FormValue("receipt_void_reason"), currentUser(c).Actor(c.RealIP()))
	})
}

// receiptPDF prints a receipt in the patient's preferred language as it was when the receipt
// was issued (both when none was kept): the words come from both catalogues, the print picks.
func (s *Server) receiptPDF(r billing.Receipt, isCopy bool, size string) ([]byte, error) {
	layout, ok := receiptLayouts[size]
	if !ok {
		layout = print.ReceiptA5
	}
	c := r.Content
	en := func(key string, args ...any) string { return s.cat.T("en", key, args...) }
	zh := func(key string, args ...any) string { return s.cat.T("zh-HK", key, args...) }
	out := print.Receipt{ClinicName: c.ClinicEN, ClinicNameZH: c.ClinicZH, ClinicAddress: c.Address, ClinicPhone: c.Phone,
		Number: c.Number, BillNumber: c.BillNumber, Corrects: c.CorrectsBill, Date: c.IssuedAt,
		PatientNameEN: c.PatientEN, PatientNameZH: c.PatientZH, PatientNo: c.PatientNo, DoctorEN: c.DoctorEN, DoctorZH: c.DoctorZH,
		Total: c.Total.String(), Paid: c.Paid.String(), IssuedBy: c.IssuedBy, Copy: isCopy, VoidReason: r.VoidReason,
		Language: c.Language}
	if c.Balance != 0 {
		out.Balance = c.Balance.String()
	}
	for _, l := range c.Lines {
		rl := print.ReceiptLine{DescriptionEN: l.DescriptionEN, DescriptionZH: l.DescriptionZH, Amount: l.Amount.String()}
		if l.Quantity > 1 {
			rl.Quantity = fmt.Sprintf("%d x %s", l.Quantity, l.Unit)
		}
		if l.Included {
			switch c.Language {
			case patients.LangEnglish:
				rl.Amount = en("billing.receipt.included")
			case patients.LangChinese:
				rl.Amount = zh("billing.receipt.included")
			default:
				rl.Amount = en("billing.receipt.included") + " " + zh("billing.receipt.included")
			}
		}
		out.Lines = append(out.Lines, rl)
	}
	for _, p := range c.Payments {
		rp := print.ReceiptPayment{MethodEN: en("billing.method." + p.Method), MethodZH: zh("billing.method." + p.Method), Amount: p.Amount.String()}
		details := func(t func(string, ...any) string) string {
			var detail []string
			if p.Amount < 0 {
				detail = append(detail, t("billing.receipt.refund"))
			}
			if p.Method == billing.MethodCash && p.Change > 0 {
				detail = append(detail, t("billing.receipt.tendered", p.Tendered.String(), p.Change.String()))
			}
			if p.Reference != "" {
				detail = append(detail, t("billing.receipt.reference", p.Reference))
			}
			if p.Company != "" {
				detail = append(detail, t("billing.receipt.company", p.Company))
			}
			return strings.Join(detail, "; ")
		}
		rp.Detail, rp.DetailZH = details(en), details(zh)
		out.Payments = append(out.Payments, rp)
	}
	var buf bytes.Buffer
	if err := print.WriteReceipt(&buf, s.cfg.Fonts, out, layout); err != nil {
		return nil, fmt.Errorf("receipt %s: %w", r.Number, err)
	}
	return buf.Bytes(), nil
}
