package ui

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/ui/print"
)

// slipLayouts are the slip sizes a clinic can pick with ?size=.
var slipLayouts = map[string]print.LabelLayout{
	print.SlipA6.Name:     print.SlipA6,
	print.Slip80x120.Name: print.Slip80x120,
}

// appointmentSlip is the bilingual appointment slip, a PDF opened in the browser's viewer.
func (s *Server) appointmentSlip(c echo.Context) error {
	id, err := pathID(c)
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	a, err := s.diary().Get(ctx, id)
	if err != nil {
		return err
	}
	p, err := practice.Get(ctx, s.db.R)
	if err != nil {
		return err
	}
	slip := print.AppointmentSlip{
		ClinicName: p.NameEN, ClinicNameZH: p.NameZH, ClinicAddress: p.Address, ClinicPhone: p.Phone,
		PatientNameEN: a.NameEN(), PatientNameZH: a.NameZH, PatientNo: a.PatientNumber,
		DateEN: s.longDate("en", a.Start), DateZH: s.longDate("zh-HK", a.Start), Time: a.Start.In(s.cfg.TimeZone).Format("15:04"),
		DoctorEN: a.DoctorName, DoctorZH: a.DoctorNameZH,
	}
	if docs, err := queue.Doctors(ctx, s.db.R); err == nil {
		for _, d := range docs {
			if d.ID == a.DoctorID {
				slip.RoomEN, slip.RoomZH = d.RoomEN, d.RoomZH
			}
		}
	}
	for _, key := range []string{"appointments.slip.note_early", "appointments.slip.note_change"} {
		slip.NotesEN = append(slip.NotesEN, s.cat.T("en", key, p.Phone))
		slip.NotesZH = append(slip.NotesZH, s.cat.T("zh-HK", key, p.Phone))
	}
	if p.Phone == "" {
		slip.NotesEN, slip.NotesZH = slip.NotesEN[:1], slip.NotesZH[:1]
	}
	layout, ok := slipLayouts[c.QueryParam("size")]
	if !ok {
		layout = print.SlipA6
	}
	var buf bytes.Buffer
	if err := print.WriteAppointmentSlip(&buf, s.cfg.Fonts, slip, layout); err != nil {
		return err
	}
	s.views.Record(s.frontActor(c).Entry(audit.ActionPrint, "appointment", strconv.FormatInt(a.ID, 10), a.PatientID, "appointment slip"))
	h := c.Response().Header()
	h.Set("Content-Disposition", `inline; filename="appointment-`+strconv.FormatInt(a.ID, 10)+`.pdf"`)
	h.Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "application/pdf", buf.Bytes())
}
