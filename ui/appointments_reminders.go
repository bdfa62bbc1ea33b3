package ui

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
)

// reminder is one booking of the coming days with its message, in the patient's language.
type reminder struct {
	appointments.Appointment
	Date    string // in the user's language, for the list
	Message string // in the patient's language (both when they read both)
}

type remindersData struct {
	From, To  string
	Days      int
	Reminders []reminder
	CanExport bool
}

// remindersRange reads ?from= (default tomorrow) and ?days= (1 to 14, default 1).
func (s *Server) remindersRange(c echo.Context) (from, to string, days int) {
	dy := s.diary()
	start, err := dy.ParseDay(c.QueryParam("from"))
	if err != nil {
		start, _ = dy.ParseDay(dy.Today())
		start = start.AddDate(0, 0, 1)
	}
	days, err = strconv.Atoi(c.QueryParam("days"))
	if err != nil || days < 1 {
		days = 1
	}
	days = min(days, 14)
	return start.Format(time.DateOnly), start.AddDate(0, 0, days-1).Format(time.DateOnly), days
}

func (s *Server) reminders(ctx context.Context, lang, from, to string) ([]reminder, error) {
	list, err := s.diary().Between(ctx, from, to)
	if err != nil {
		return nil, err
	}
	p, err := practice.Get(ctx, s.db.R)
	if err != nil {
		return nil, err
	}
	out := make([]reminder, 0, len(list))
	for _, a := range list {
		out = append(out, reminder{Appointment: a, Date: s.longDate(lang, a.Start), Message: s.reminderText(p, a)})
	}
	return out, nil
}

// reminderText is the message a patient receives, in the language they read: English, Chinese,
// or Chinese then English.
func (s *Server) reminderText(p practice.Practice, a appointments.Appointment) string {
	hhmm := a.Start.In(s.cfg.TimeZone).Format("15:04")
	en := s.cat.T("en", "appointments.reminder.text", p.NameEN, s.longDate("en", a.Start), hhmm, a.DoctorName, p.Phone)
	zh := s.cat.T("zh-HK", "appointments.reminder.text", or(p.NameZH, p.NameEN), s.longDate("zh-HK", a.Start), hhmm,
		or(a.DoctorNameZH, a.DoctorName), p.Phone)
	if p.Phone == "" {
		en = s.cat.T("en", "appointments.reminder.text_no_phone", p.NameEN, s.longDate("en", a.Start), hhmm, a.DoctorName)
		zh = s.cat.T("zh-HK", "appointments.reminder.text_no_phone", or(p.NameZH, p.NameEN), s.longDate("zh-HK", a.Start), hhmm,
			or(a.DoctorNameZH, a.DoctorName))
	}
	switch a.Language {
	case patients.LangEnglish:
		return en
	case patients.LangChinese:
		return zh
	}
	return zh + "\n" + en
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// remindersPage lists the coming days' bookings, each with its message ready to copy.
func (s *Server) remindersPage(c echo.Context) error {
	from, to, days := s.remindersRange(c)
	list, err := s.reminders(c.Request().Context(), s.lang(c), from, to)
	if err != nil {
		return err
	}
	v := s.view(c, "appointments.reminders", &remindersData{From: from, To: to, Days: days, Reminders: list,
		CanExport: permits(diaryExport, currentUser(c))})
	v.Form.Set("from", from)
	v.Form.Set("days", strconv.Itoa(days))
	return s.render(c, http.StatusOK, "appointments_reminders", v)
}

// remindersCSV is the same list for an SMS service: one row per booking, UTF-8 with a byte
// order mark so that Excel opens the Chinese correctly. Each patient's export is audited.
func (s *Server) remindersCSV(c echo.Context) error {
	ctx := c.Request().Context()
	from, to, _ := s.remindersRange(c)
	list, err := s.reminders(ctx, "en", from, to)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	buf.WriteString("\ufeff")
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"mobile", "patient_number", "name_en", "name_zh", "language", "date", "time", "doctor", "message"})
	for _, r := range list {
		_ = w.Write([]string{r.Mobile, r.PatientNumber, r.NameEN(), r.NameZH, r.Language, r.Day,
			r.Start.In(s.cfg.TimeZone).Format("15:04"), r.DoctorName, r.Message})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	if len(list) > 0 {
		by := s.frontActor(c)
		err := s.db.Write(ctx, func(tx *sql.Tx) error {
			entries := make([]audit.Entry, 0, len(list))
			for _, r := range list {
				entries = append(entries, by.Entry(audit.ActionExport, "appointment", strconv.FormatInt(r.ID, 10), r.PatientID,
					"reminder list for SMS, "+from+" to "+to))
			}
			return audit.Append(ctx, tx, entries...)
		})
		if err != nil {
			return err
		}
	}
	name := fmt.Sprintf("reminders-%s", from)
	if to != from {
		name += "-to-" + to
	}
	c.Response().Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`.csv"`)
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Blob(http.StatusOK, "text/csv; charset=utf-8", buf.Bytes())
}
