package ui

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/ui/print"
)

// patientLayouts are the sticker sheets a clinic can print patient labels on.
var patientLayouts = map[string]print.LabelLayout{
	print.Roll62x29.Name: print.Roll62x29,
	print.A4_3x8.Name:    print.A4_3x8,
}

func labelLayoutNames() []string { return []string{print.Roll62x29.Name, print.A4_3x8.Name} }

// calibrated applies the clinic's offsets for a layout (settings print.offset.NAME.x / .y, in
// millimetres), so a printer whose feed is off by a little still prints inside the label.
func (s *Server) calibrated(ctx context.Context, l print.LabelLayout) print.LabelLayout {
	for _, axis := range []struct {
		key string
		dst *float64
	}{{"x", &l.OffsetX}, {"y", &l.OffsetY}} {
		if v, err := practice.Setting(ctx, s.db.R, "print.offset."+l.Name+"."+axis.key); err == nil && v != "" {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				*axis.dst = f
			}
		}
	}
	return l
}

// patientLabels prints N stickers for one patient as one PDF, opened in the browser's viewer.
func (s *Server) patientLabels(c echo.Context) error {
	ctx := c.Request().Context()
	p, err := s.patientFromPath(c)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(c.QueryParam("n"))
	if err != nil || n < 1 || n > 240 {
		return echo.NewHTTPError(http.StatusBadRequest, "labels")
	}
	layout, ok := patientLayouts[c.QueryParam("layout")]
	if !ok {
		layout = print.A4_3x8
	}
	layout = s.calibrated(ctx, layout)
	b := s.banner(c, &p)
	label := print.PatientLabel{NameEN: b.NameEN, NameZH: b.NameZH, Sex: b.Sex, Age: b.Age, DOB: b.DOB,
		PatientNo: p.Number, MaskedID: b.DocLabel}
	var buf bytes.Buffer
	if err := print.WritePatientLabels(&buf, s.cfg.Fonts, label, n, layout); err != nil {
		return fmt.Errorf("patient labels: %w", err)
	}
	s.views.Record(currentUser(c).Actor(c.RealIP()).Entry(audit.ActionPrint, "patient_labels", p.Number, p.ID,
		fmt.Sprintf("%d labels, %s", n, layout.Name)))
	return sendPDF(c, fmt.Sprintf("labels-%s.pdf", p.Number), buf.Bytes())
}

// sendPDF opens a PDF in the browser's own viewer (inline), never cached.
func sendPDF(c echo.Context, name string, pdf []byte) error {
	h := c.Response().Header()
	h.Set("Content-Disposition", fmt.Sprintf(`inline; filename="%s"`, name))
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", pdf)
}
