package appointments

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/queue"
)

// Hours are the clinic's opening hours on one weekday, local "HH:MM".
type Hours struct {
	Weekday   time.Weekday
	Opens     string // "" closed all day
	Closes    string
	LunchFrom string // "" no lunch break
	LunchTo   string
}

// Closed reports whether the clinic is closed all day.
func (h Hours) Closed() bool { return h.Opens == "" }

// HasLunch reports whether the day has a lunch break.
func (h Hours) HasLunch() bool { return h.LunchFrom != "" }

var hhmmRe = regexp.MustCompile(`^([01]\d|2[0-3]):[0-5]\d$|^24:00$`)

// normalizeHHMM accepts "9:00", "09:00", "0900" and returns "09:00".
func normalizeHHMM(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", true
	}
	if len(s) == 4 && !strings.Contains(s, ":") {
		s = s[:2] + ":" + s[2:]
	}
	if len(s) == 4 && s[1] == ':' {
		s = "0" + s
	}
	return s, hhmmRe.MatchString(s)
}

// Validate tidies the hours and checks that they make sense; field names carry the weekday
// ("opens_1" for Monday).
func (h *Hours) Validate() clinic.ValidationErrors {
	var errs clinic.ValidationErrors
	w := int(h.Weekday)
	field := func(name string) string { return name + "_" + strconv.Itoa(w) }
	for _, f := range []struct {
		v    *string
		name string
	}{{&h.Opens, "opens"}, {&h.Closes, "closes"}, {&h.LunchFrom, "lunch_from"}, {&h.LunchTo, "lunch_to"}} {
		n, ok := normalizeHHMM(*f.v)
		if !ok {
			errs = append(errs, clinic.Invalid(field(f.name), "error.appointment.hhmm"))
		}
		*f.v = n
	}
	if len(errs) > 0 {
		return errs
	}
	if h.Opens == "" && h.Closes == "" {
		h.LunchFrom, h.LunchTo = "", ""
		return nil
	}
	if h.Opens == "" || h.Closes == "" || h.Opens >= h.Closes {
		errs = append(errs, clinic.Invalid(field("closes"), "error.appointment.hours_order"))
	}
	if (h.LunchFrom == "") != (h.LunchTo == "") || (h.LunchFrom != "" && (h.LunchFrom >= h.LunchTo ||
		h.LunchFrom <= h.Opens || h.LunchTo >= h.Closes)) {
		errs = append(errs, clinic.Invalid(field("lunch_to"), "error.appointment.lunch_order"))
	}
	return errs
}

func hoursOn(ctx context.Context, db querier, wd time.Weekday) (Hours, error) {
	h := Hours{Weekday: wd}
	err := db.QueryRowContext(ctx, `SELECT opens, closes, lunch_from, lunch_to FROM clinic_hours WHERE weekday = ?`, int(wd)).
		Scan(&h.Opens, &h.Closes, &h.LunchFrom, &h.LunchTo)
	if errors.Is(err, sql.ErrNoRows) {
		return h, nil // closed
	}
	return h, err
}

// Week returns the hours of every weekday, Sunday first (time.Weekday order).
func (d *Diary) Week(ctx context.Context) ([7]Hours, error) {
	var out [7]Hours
	for i := range out {
		h, err := hoursOn(ctx, d.DB.R, time.Weekday(i))
		if err != nil {
			return out, err
		}
		out[i] = h
	}
	return out, nil
}

// SetWeek replaces the opening hours. Existing bookings are kept even where the new hours no
// longer cover them: the day view lists them apart so the front desk can move them.
func (d *Diary) SetWeek(ctx context.Context, week [7]Hours, by audit.Actor) error {
	var errs clinic.ValidationErrors
	for i := range week {
		week[i].Weekday = time.Weekday(i)
		errs = append(errs, week[i].Validate()...)
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return d.DB.Write(ctx, func(tx *sql.Tx) error {
		var summary []string
		for _, h := range week {
			if _, err := tx.ExecContext(ctx, `INSERT INTO clinic_hours (weekday, opens, closes, lunch_from, lunch_to) VALUES (?,?,?,?,?)
				ON CONFLICT(weekday) DO UPDATE SET opens=excluded.opens, closes=excluded.closes, lunch_from=excluded.lunch_from,
				lunch_to=excluded.lunch_to`, int(h.Weekday), h.Opens, h.Closes, h.LunchFrom, h.LunchTo); err != nil {
				return err
			}
			summary = append(summary, fmt.Sprintf("%s %s-%s lunch %s-%s", h.Weekday.String()[:3], h.Opens, h.Closes, h.LunchFrom, h.LunchTo))
		}
		if err := queue.Touch(ctx, tx); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "clinic_hours", "", 0, strings.Join(summary, "; ")))
	})
}

// SlotMinutes is the length of one slot.
func (d *Diary) SlotMinutes(ctx context.Context) (int, error) { return slotMinutes(ctx, d.DB.R) }

func slotMinutes(ctx context.Context, db querier) (int, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key = ?`, SettingSlotMinutes).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) || v == "" {
		return DefaultSlotMinutes, nil
	}
	if err != nil {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 5 || n > 120 {
		return DefaultSlotMinutes, nil
	}
	return n, nil
}

// SetSlotMinutes changes the slot length (5 to 120 minutes, dividing an hour or a multiple of it).
func (d *Diary) SetSlotMinutes(ctx context.Context, minutes int, by audit.Actor) error {
	if minutes < 5 || minutes > 120 || (60%minutes != 0 && minutes%60 != 0 && minutes != 45 && minutes != 90) {
		return clinic.Invalid("slot_minutes", "error.appointment.slot_minutes")
	}
	return practice.SetSetting(ctx, d.DB, SettingSlotMinutes, strconv.Itoa(minutes), by)
}

// SlotType is a kind of appointment.
type SlotType struct {
	Code     string
	NameEN   string
	NameZH   string
	Slots    int  // length in slots
	Overbook bool // may share a slot with another booking
}

func slotType(ctx context.Context, db querier, code string) (SlotType, error) {
	var st SlotType
	q := `SELECT code, name_en, name_zh, slots, overbook FROM slot_types WHERE code = ?`
	args := []any{code}
	if code == "" {
		q, args = `SELECT code, name_en, name_zh, slots, overbook FROM slot_types ORDER BY sort, code LIMIT 1`, nil
	}
	err := db.QueryRowContext(ctx, q, args...).Scan(&st.Code, &st.NameEN, &st.NameZH, &st.Slots, &st.Overbook)
	if errors.Is(err, sql.ErrNoRows) {
		return st, clinic.ErrNotFound
	}
	return st, err
}

// SlotTypes lists the kinds of appointment.
func (d *Diary) SlotTypes(ctx context.Context) ([]SlotType, error) {
	rows, err := d.DB.R.QueryContext(ctx, `SELECT code, name_en, name_zh, slots, overbook FROM slot_types ORDER BY sort, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SlotType
	for rows.Next() {
		var st SlotType
		if err := rows.Scan(&st.Code, &st.NameEN, &st.NameZH, &st.Slots, &st.Overbook); err != nil {
			return nil, err
		}
		out = append(out, st)
	}
	return out, rows.Err()
}

// Holiday is a day the clinic is closed.
type Holiday struct {
	Day    string // YYYY-MM-DD
	NameEN string
	NameZH string
	Seeded bool // shipped with OnRamp: check it against the Gazette
}

func holiday(ctx context.Context, db querier, day string) (Holiday, error) {
	h := Holiday{Day: day}
	err := db.QueryRowContext(ctx, `SELECT name_en, name_zh, seeded FROM holidays WHERE day = ?`, day).Scan(&h.NameEN, &h.NameZH, &h.Seeded)
	if errors.Is(err, sql.ErrNoRows) {
		return h, clinic.ErrNotFound
	}
	return h, err
}

// Holidays lists a year's holidays in date order.
func (d *Diary) Holidays(ctx context.Context, year int) ([]Holiday, error) {
	return holidaysBetween(ctx, d.DB.R, fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year))
}

func holidaysBetween(ctx context.Context, db querier, from, to string) ([]Holiday, error) {
	rows, err := db.QueryContext(ctx, `SELECT day, name_en, name_zh, seeded FROM holidays WHERE day BETWEEN ? AND ? ORDER BY day`, from, to)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Holiday
	for rows.Next() {
		var h Holiday
		if err := rows.Scan(&h.Day, &h.NameEN, &h.NameZH, &h.Seeded); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// SaveHoliday adds a holiday or renames one; a holiday saved by the clinic is its own, no longer
// marked as shipped. When oldDay is set and differs, the holiday moves from oldDay.
func (d *Diary) SaveHoliday(ctx context.Context, oldDay string, h Holiday, by audit.Actor) error {
	h.Day, h.NameEN, h.NameZH = strings.TrimSpace(h.Day), strings.TrimSpace(h.NameEN), strings.TrimSpace(h.NameZH)
	var errs clinic.ValidationErrors
	if _, err := time.Parse(time.DateOnly, h.Day); err != nil {
		errs = append(errs, clinic.Invalid("day", "error.date"))
	}
	if h.NameEN == "" && h.NameZH == "" {
		errs = append(errs, clinic.Invalid("name_en", "error.required"))
	}
	if utf8.RuneCountInString(h.NameEN) > 100 || utf8.RuneCountInString(h.NameZH) > 50 {
		errs = append(errs, clinic.Invalid("name_en", "error.too_long", 100))
	}
	if err := errs.Err(); err != nil {
		return err
	}
	return d.DB.Write(ctx, func(tx *sql.Tx) error {
		if oldDay != "" && oldDay != h.Day {
			if _, err := tx.ExecContext(ctx, `DELETE FROM holidays WHERE day = ?`, oldDay); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO holidays (day, name_en, name_zh, seeded) VALUES (?,?,?,0)
			ON CONFLICT(day) DO UPDATE SET name_en=excluded.name_en, name_zh=excluded.name_zh, seeded=0`,
			h.Day, h.NameEN, h.NameZH); err != nil {
			return err
		}
		if err := queue.Touch(ctx, tx); err != nil {
			return err
		}
		detail := fmt.Sprintf("%s %s / %s", h.Day, h.NameEN, h.NameZH)
		if oldDay != "" && oldDay != h.Day {
			detail = "moved from " + oldDay + " to " + detail
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "holiday", h.Day, 0, detail))
	})
}

// DeleteHoliday removes a holiday: the clinic opens on that day after all.
func (d *Diary) DeleteHoliday(ctx context.Context, day string, by audit.Actor) error {
	return d.DB.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM holidays WHERE day = ?`, day)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		if err := queue.Touch(ctx, tx); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "holiday", day, 0, "holiday removed"))
	})
}

// Slot is one slot of a doctor's day.
type Slot struct {
	Start, End   time.Time
	Appointments []Appointment // starting in this slot
	Free         bool          // no booking that cannot share covers it
}

// DayPlan is one doctor's day: closed (and why), or its slots with their bookings.
type DayPlan struct {
	Day     string
	Date    time.Time // midnight, local
	Hours   Hours
	Holiday *Holiday
	Slots   []Slot
	Lunch   int           // index in Slots before which the lunch break falls; -1 none
	Outside []Appointment // bookings outside the slots (hours changed since they were made)
	Past    bool          // the whole day is over
}

// Closed reports whether the clinic is closed that day.
func (p *DayPlan) Closed() bool { return p.Holiday != nil || p.Hours.Closed() }

// Plan lays out a doctor's days from `from` for n days.
func (d *Diary) Plan(ctx context.Context, doctorID int64, from string, n int) ([]DayPlan, error) {
	first, err := d.ParseDay(from)
	if err != nil {
		return nil, err
	}
	last := first.AddDate(0, 0, n-1).Format(time.DateOnly)
	appts, err := d.ForDoctor(ctx, doctorID, from, last)
	if err != nil {
		return nil, err
	}
	hols, err := holidaysBetween(ctx, d.DB.R, from, last)
	if err != nil {
		return nil, err
	}
	week, err := d.Week(ctx)
	if err != nil {
		return nil, err
	}
	minutes, err := d.SlotMinutes(ctx)
	if err != nil {
		return nil, err
	}
	today := d.Today()
	var out []DayPlan
	for i := range n {
		date := first.AddDate(0, 0, i)
		p := DayPlan{Day: date.Format(time.DateOnly), Date: date, Hours: week[date.Weekday()], Lunch: -1}
		p.Past = p.Day < today
		for _, h := range hols {
			if h.Day == p.Day {
				p.Holiday = &h
			}
		}
		var mine []Appointment
		for _, a := range appts {
			if a.Day == p.Day {
				mine = append(mine, a)
			}
		}
		if !p.Hours.Closed() {
			p.Slots, p.Lunch = d.slots(p.Day, p.Hours, minutes)
		}
		placed := make([]bool, len(mine))
		for si := range p.Slots {
			s := &p.Slots[si]
			s.Free = true
			for ai, a := range mine {
				if !a.Start.Before(s.Start) && a.Start.Before(s.End) {
					s.Appointments = append(s.Appointments, a)
					placed[ai] = true
				}
				if !a.Overbook && (a.Status == Booked || a.Status == Arrived) && a.Start.Before(s.End) && a.End.After(s.Start) {
					s.Free = false
				}
			}
		}
		for ai, a := range mine {
			if !placed[ai] {
				p.Outside = append(p.Outside, a)
			}
		}
		out = append(out, p)
	}
	return out, nil
}

// slots cuts a day's hours into slots, leaving out the lunch break.
func (d *Diary) slots(day string, h Hours, minutes int) ([]Slot, int) {
	opens, err1 := d.At(day, h.Opens)
	closes, err2 := d.At(day, h.Closes)
	if h.Closes == "24:00" {
		closes, err2 = d.At(day, "00:00")
		closes = closes.AddDate(0, 0, 1)
	}
	if err1 != nil || err2 != nil {
		return nil, -1
	}
	var lunchFrom, lunchTo time.Time
	if h.HasLunch() {
		lunchFrom, _ = d.At(day, h.LunchFrom)
		lunchTo, _ = d.At(day, h.LunchTo)
	}
	step := time.Duration(minutes) * time.Minute
	var out []Slot
	lunch := -1
	for t := opens; !t.Add(step).After(closes); {
		if h.HasLunch() && t.Before(lunchTo) && t.Add(step).After(lunchFrom) {
			if lunch < 0 {
				lunch = len(out)
			}
			t = lunchTo
			continue
		}
		out = append(out, Slot{Start: t, End: t.Add(step)})
		t = t.Add(step)
	}
	return out, lunch
}
