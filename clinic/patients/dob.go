package patients

import (
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// Precision of a date of birth. Many older patients, and some from the Mainland, know only the
// year or the month; eHealth fills the unknown parts with 01 on upload, but we keep what is known
// and never invent a day.
const (
	PrecisionYear  = "Y"
	PrecisionMonth = "M"
	PrecisionDay   = "D"
)

// DOB is a date of birth known to the year, the month or the day. Month and Day are 0 when
// unknown.
type DOB struct {
	Year, Month, Day int
}

// Precision is Y, M or D (empty for the zero DOB).
func (d DOB) Precision() string {
	switch {
	case d.Year == 0:
		return ""
	case d.Month == 0:
		return PrecisionYear
	case d.Day == 0:
		return PrecisionMonth
	}
	return PrecisionDay
}

// IsZero reports whether no date is known at all.
func (d DOB) IsZero() bool { return d.Year == 0 }

// String is the stored form: "1980", "1980-05" or "1980-05-17".
func (d DOB) String() string {
	switch d.Precision() {
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	case PrecisionDay:
		return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	return ""
}

// Display is the Hong Kong written form: "17/05/1980", "05/1980" or "1980".
func (d DOB) Display() string {
	switch d.Precision() {
	case PrecisionYear:
		return fmt.Sprintf("%04d", d.Year)
	case PrecisionMonth:
		return fmt.Sprintf("%02d/%04d", d.Month, d.Year)
	case PrecisionDay:
		return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year)
	}
	return ""
}

// EHealth is the date as eHealth wants it, with the unknown parts filled with 01, and the
// precision to send beside it.
func (d DOB) EHealth() (date, precision string) {
	m, day := max(d.Month, 1), max(d.Day, 1)
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, m, day), d.Precision()
}

// range returns the first and last day the person can have been born on.
func (d DOB) span() (first, last time.Time) {
	switch d.Precision() {
	case PrecisionYear:
		return date(d.Year, 1, 1), date(d.Year, 12, 31)
	case PrecisionMonth:
		first = date(d.Year, d.Month, 1)
		return first, first.AddDate(0, 1, -1)
	}
	first = date(d.Year, d.Month, d.Day)
	return first, first
}

func date(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }

// completedYears is the age in whole years on day `on` of someone born on `born`. A person born
// on 29 February comes of age on 1 March in a common year, as in Hong Kong law.
func completedYears(born, on time.Time) int {
	y := on.Year() - born.Year()
	if on.Month() < born.Month() || (on.Month() == born.Month() && on.Day() < born.Day()) {
		y--
	}
	return y
}

// Age is the age in completed years on the given day (in the clinic's time zone). When only the
// year or month of birth is known the age may be one of two values; Age returns the lower one and
// exact=false, so that "about 44" is shown rather than a wrong "45". On the days where every
// possible birthday gives the same answer, exact is true even for a partial date.
func (d DOB) Age(on time.Time) (years int, exact bool) {
	if d.IsZero() {
		return 0, false
	}
	today := date(on.Year(), int(on.Month()), on.Day())
	first, last := d.span()
	lo, hi := max(completedYears(last, today), 0), max(completedYears(first, today), 0)
	return lo, lo == hi
}

// AgeMonths is the age in completed months, for babies (vaccination schedules, doses); it is the
// lower bound when the day is unknown, and 0 when only the year is known.
func (d DOB) AgeMonths(on time.Time) int {
	if d.Precision() == PrecisionYear || d.IsZero() {
		return 0
	}
	_, last := d.span()
	m := (on.Year()-last.Year())*12 + int(on.Month()) - int(last.Month())
	if on.Day() < last.Day() {
		m--
	}
	return max(m, 0)
}

var (
	dobISO   = regexp.MustCompile(`^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$`)
	dobHK    = regexp.MustCompile(`^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$`)
	dobMonth = regexp.MustCompile(`^(\d{1,2})[/.-](\d{4})$`)
)

// ParseDOB reads a date of birth as stored (1980, 1980-05, 1980-05-17) or as written in Hong
// Kong (17/05/1980, 17-05-1980, 05/1980): day before month, never the American order. It
// checks that the date exists but not that it is in the past (see Validate).
func ParseDOB(s string) (DOB, error) {
	var y, m, d string
	if g := dobISO.FindStringSubmatch(s); g != nil {
		y, m, d = g[1], g[2], g[3]
	} else if g := dobHK.FindStringSubmatch(s); g != nil {
		d, m, y = g[1], g[2], g[3]
	} else if g := dobMonth.FindStringSubmatch(s); g != nil {
		m, y = g[1], g[2]
	} else {
		return DOB{}, errBadDate
	}
	var out DOB
	out.Year, _ = strconv.Atoi(y)
	if m != "" {
		out.Month, _ = strconv.Atoi(m)
		if out.Month < 1 || out.Month > 12 {
			return DOB{}, errBadDate
		}
	}
	if d != "" {
		out.Day, _ = strconv.Atoi(d)
		if out.Day < 1 || date(out.Year, out.Month, out.Day).Day() != out.Day {
			return DOB{}, errBadDate
		}
	}
	if out.Year < 1 {
		return DOB{}, errBadDate
	}
	return out, nil
}

var errBadDate = fmt.Errorf("not a date")

// clinicZone is where "today" is decided for ages. Hong Kong has kept UTC+8 without daylight
// saving since 1979, so a fixed zone is right when the time zone database is missing (Windows).
var clinicZone = func() *time.Location {
	if loc, err := time.LoadLocation("Asia/Hong_Kong"); err == nil {
		return loc
	}
	return time.FixedZone("HKT", 8*3600)
}()

// today is the current day in the clinic's zone; a variable so that tests can fix it.
var today = func() time.Time { return time.Now().In(clinicZone) }
