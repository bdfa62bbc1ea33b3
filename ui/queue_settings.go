package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/queue"
)

// frontDeskSettingsData is the administrator's page for the front desk: ticket numbering, the
// board, the doctors' rooms, the diary's hours and slot length.
type frontDeskSettingsData struct {
	Doctors   []queue.Doctor
	Weekdays  []int // Monday first, as the clinic's week reads
	SlotTypes []appointments.SlotType
	HasBoard  bool
	// The hours table's columns and the slot lengths offered.
	HourFields  []hourField
	SlotChoices []string
	BoardURL    string // shown once, right after a new token was made
	Year        int
}

// hourField is a column of the hours table: the field name (with "_WEEKDAY" added), its label.
type hourField struct{ Name, Key, Example string }

var hourFields = []hourField{
	{"opens", "frontdesk.opens", "HH:MM"}, {"closes", "frontdesk.closes", "HH:MM"},
	{"lunch_from", "frontdesk.lunch_from", "HH:MM"}, {"lunch_to", "frontdesk.lunch_to", "HH:MM"},
}

func (s *Server) frontDeskSettingsView(c echo.Context) (*View, *frontDeskSettingsData, error) {
	ctx := c.Request().Context()
	d := &frontDeskSettingsData{Weekdays: []int{1, 2, 3, 4, 5, 6, 0}, Year: s.frontNow().In(s.cfg.TimeZone).Year(),
		HourFields: hourFields, SlotChoices: []string{"5", "10", "15", "20", "30", "45", "60"}}
	var err error
	if d.Doctors, err = queue.Doctors(ctx, s.db.R); err != nil {
		return nil, nil, err
	}
	if d.SlotTypes, err = s.diary().SlotTypes(ctx); err != nil {
		return nil, nil, err
	}
	if d.HasBoard, err = queue.HasBoardToken(ctx, s.db.R); err != nil {
		return nil, nil, err
	}
	return s.view(c, "frontdesk.title", d), d, nil
}

// fillFrontDeskForm puts the saved settings into the form.
func (s *Server) fillFrontDeskForm(ctx context.Context, v *View, d *frontDeskSettingsData) error {
	numbering, err := practice.Setting(ctx, s.db.R, queue.SettingNumbering)
	if err != nil {
		return err
	}
	if numbering == "" {
		numbering = queue.NumberingClinic
	}
	names, err := practice.Setting(ctx, s.db.R, queue.SettingBoardNames)
	if err != nil {
		return err
	}
	if names == "" {
		names = "none"
	}
	minutes, err := s.diary().SlotMinutes(ctx)
	if err != nil {
		return err
	}
	week, err := s.diary().Week(ctx)
	if err != nil {
		return err
	}
	v.Form.Set("numbering", numbering)
	v.Form.Set("board_names", names)
	v.Form.Set("slot_minutes", strconv.Itoa(minutes))
	for _, h := range week {
		w := strconv.Itoa(int(h.Weekday))
		v.Form.Set("opens_"+w, h.Opens)
		v.Form.Set("closes_"+w, h.Closes)
		v.Form.Set("lunch_from_"+w, h.LunchFrom)
		v.Form.Set("lunch_to_"+w, h.LunchTo)
	}
	for _, doc := range d.Doctors {
		id := strconv.FormatInt(doc.ID, 10)
		v.Form.Set("room_en_"+id, doc.RoomEN)
		v.Form.Set("room_zh_"+id, doc.RoomZH)
		if !doc.PrefixAuto {
			v.Form.Set("prefix_"+id, doc.Prefix)
		}
	}
	return nil
}

func (s *Server) frontDeskSettings(c echo.Context) error {
	v, d, err := s.frontDeskSettingsView(c)
	if err != nil {
		return err
	}
	if err := s.fillFrontDeskForm(c.Request().Context(), v, d); err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "queue_settings", v)
}

// frontDeskSave checks the whole form first and saves only when all of it is right, so that a
// mistake in Saturday's hours does not leave half the page saved.
func (s *Server) frontDeskSave(c echo.Context) error {
	ctx := c.Request().Context()
	v, d, err := s.frontDeskSettingsView(c)
	if err != nil {
		return err
	}
	by := s.frontActor(c)
	var errs clinic.ValidationErrors
	numbering := c.FormValue("numbering")
	if numbering != queue.NumberingClinic && numbering != queue.NumberingDoctor {
		errs = append(errs, clinic.Invalid("numbering", "error.choose"))
	}
	names := c.FormValue("board_names")
	if names != "none" && names != queue.BoardNamesMasked {
		errs = append(errs, clinic.Invalid("board_names", "error.choose"))
	}
	minutes, err := strconv.Atoi(strings.TrimSpace(c.FormValue("slot_minutes")))
	if err != nil {
		errs = append(errs, clinic.Invalid("slot_minutes", "error.appointment.slot_minutes"))
	}
	var week [7]appointments.Hours
	for i := range week {
		w := strconv.Itoa(i)
		week[i] = appointments.Hours{Weekday: time.Weekday(i), Opens: c.FormValue("opens_" + w), Closes: c.FormValue("closes_" + w),
			LunchFrom: c.FormValue("lunch_from_" + w), LunchTo: c.FormValue("lunch_to_" + w)}
		errs = append(errs, week[i].Validate()...)
	}
	rooms := make([]queue.Doctor, len(d.Doctors))
	for i, doc := range d.Doctors {
		id := strconv.FormatInt(doc.ID, 10)
		rooms[i] = queue.Doctor{ID: doc.ID, RoomEN: c.FormValue("room_en_" + id), RoomZH: c.FormValue("room_zh_" + id),
			Prefix: c.FormValue("prefix_" + id)}
		errs = append(errs, rooms[i].Validate()...)
	}
	if err := errs.Err(); err != nil {
		return s.formError(c, "queue_settings", v, err)
	}
	if err := s.diary().SetSlotMinutes(ctx, minutes, by); err != nil {
		return s.formError(c, "queue_settings", v, err)
	}
	// Settings are written only when they change, so the audit log says what was changed.
	for key, value := range map[string]string{queue.SettingNumbering: numbering, queue.SettingBoardNames: names} {
		old, err := practice.Setting(ctx, s.db.R, key)
		if err != nil {
			return err
		}
		if old != value {
			if err := practice.SetSetting(ctx, s.db, key, value, by); err != nil {
				return err
			}
		}
	}
	if err := s.diary().SetWeek(ctx, week, by); err != nil {
		return s.formError(c, "queue_settings", v, err)
	}
	for i, room := range rooms {
		old := d.Doctors[i]
		oldPrefix := old.Prefix
		if old.PrefixAuto {
			oldPrefix = ""
		}
		if room.RoomEN == old.RoomEN && room.RoomZH == old.RoomZH && room.Prefix == oldPrefix {
			continue
		}
		if err := queue.SetRoom(ctx, s.db, room, by); err != nil {
			return s.formError(c, "queue_settings", v, err)
		}
	}
	s.frontChanged(ctx)
	return redirectDone(c, "/admin/frontdesk", "saved")
}

// boardTokenSubmit makes a new board address (and shows it, once) or switches the board off.
func (s *Server) boardTokenSubmit(c echo.Context) error {
	ctx := c.Request().Context()
	by := s.frontActor(c)
	switch c.FormValue("board") {
	case "new":
		token, err := queue.RotateBoardToken(ctx, s.db, by)
		if err != nil {
			return err
		}
		v, d, err := s.frontDeskSettingsView(c)
		if err != nil {
			return err
		}
		if err := s.fillFrontDeskForm(ctx, v, d); err != nil {
			return err
		}
		d.BoardURL = fmt.Sprintf("%s://%s/board/%s", c.Scheme(), c.Request().Host, token)
		v.Notice = v.T("frontdesk.board.made")
		s.frontChanged(ctx)
		return s.render(c, http.StatusOK, "queue_settings", v)
	case "off":
		if err := queue.RemoveBoardToken(ctx, s.db, by); err != nil {
			return err
		}
		s.frontChanged(ctx)
		return redirectDone(c, "/admin/frontdesk", "queue_board_off")
	}
	v, d, err := s.frontDeskSettingsView(c)
	if err != nil {
		return err
	}
	if err := s.fillFrontDeskForm(ctx, v, d); err != nil {
		return err
	}
	v.Errors = clinic.ValidationErrors{clinic.Invalid("board", "error.choose")}
	return s.render(c, http.StatusUnprocessableEntity, "queue_settings", v)
}
