package ehrss

import (
	"fmt"
	"strconv"
	"time"
)

// hkt is Hong Kong time. A fixed zone: Hong Kong keeps no daylight saving,
// and a fixed zone needs no time zone database on the clinic's PC.
var hkt = time.FixedZone("HKT", 8*60*60)

// partialDate is a date known to the year, month or day.
type partialDate struct {
	Year, Month, Day int
	Precision        string // "Y", "M" or "D"
}

// parsePartialDate reads "YYYY", "YYYY-MM" or "YYYY-MM-DD". A precision
// coarser than what is written wins, so ("1980-05-17", "Y") is 1980: the
// clinic said only the year is known, and we do not invent the rest.
func parsePartialDate(s, precision string) (partialDate, error) {
	var d partialDate
	written := map[int]string{4: "Y", 7: "M", 10: "D"}[len(s)]
	if written == "" {
		return d, fmt.Errorf("date %q is not YYYY, YYYY-MM or YYYY-MM-DD", s)
	}
	if precision == "" {
		precision = written
	}
	rank := map[string]int{"Y": 1, "M": 2, "D": 3}
	if rank[precision] == 0 {
		return d, fmt.Errorf("date precision %q is not Y, M or D", precision)
	}
	if rank[precision] > rank[written] {
		return d, fmt.Errorf("date %q is less precise than %q", s, precision)
	}
	num := func(from, to int) (int, error) {
		if s[from:to] == "" {
			return 0, fmt.Errorf("bad date %q", s)
		}
		for _, c := range s[from:to] {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("date %q has a non-digit", s)
			}
		}
		return strconv.Atoi(s[from:to])
	}
	var err error
	if d.Year, err = num(0, 4); err != nil {
		return d, err
	}
	d.Month, d.Day, d.Precision = 1, 1, precision
	if len(s) >= 7 {
		if s[4] != '-' {
			return d, fmt.Errorf("bad date %q", s)
		}
		if d.Month, err = num(5, 7); err != nil {
			return d, err
		}
	}
	if len(s) == 10 {
		if s[7] != '-' {
			return d, fmt.Errorf("bad date %q", s)
		}
		if d.Day, err = num(8, 10); err != nil {
			return d, err
		}
	}
	t := time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, time.UTC)
	if d.Year < 1 || t.Month() != time.Month(d.Month) || t.Day() != d.Day {
		return d, fmt.Errorf("date %q does not exist", s)
	}
	if precision != "D" {
		d.Day = 1
	}
	if precision == "Y" {
		d.Month = 1
	}
	return d, nil
}

// FHIR returns the date at its own precision: "1980", "1980-05", "1980-05-17".
func (d partialDate) FHIR() string {
	switch d.Precision {
	case "Y":
		return fmt.Sprintf("%04d", d.Year)
	case "M":
		return fmt.Sprintf("%04d-%02d", d.Year, d.Month)
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Filled returns YYYY-MM-DD with an unknown month and day filled with 01,
// which is what every guide asks for Patient.birthDate ("If date is exact to
// 'Year' (e.g. 2010), the unknown month and day should be filled with
// '01-01'").
func (d partialDate) Filled() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// first returns the earliest day the date can mean.
func (d partialDate) first() time.Time {
	return time.Date(d.Year, time.Month(d.Month), d.Day, 0, 0, 0, 0, hkt)
}
