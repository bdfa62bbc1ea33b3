// Package billing charges for a visit: the fee schedule, the bill that builds itself from what
// was done in the visit, payments (the Elderly Health Care Voucher among them), numbered
// receipts, and the end of the day. Money is integer cents everywhere: an amount typed by a
// clerk is parsed digit by digit, never through a float.
package billing

import (
	"strconv"
	"strings"
)

// Cents is an amount of Hong Kong dollars in cents.
type Cents int64

// String formats an amount as the counter shows it: "1,234.50", "-12.00".
func (c Cents) String() string {
	neg := c < 0
	if neg {
		c = -c
	}
	dollars := strconv.FormatInt(int64(c/100), 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range dollars {
		if i > 0 && (len(dollars)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	cents := int64(c % 100)
	b.WriteByte('.')
	b.WriteByte(byte('0' + cents/10))
	b.WriteByte(byte('0' + cents%10))
	return b.String()
}

// Plain formats an amount for a form field or a CSV cell: "1234.50".
func (c Cents) Plain() string {
	return strings.ReplaceAll(c.String(), ",", "")
}

// maxAmount keeps sums far from int64's edge: no clinic bill reaches ten million dollars.
const maxAmount Cents = 1_000_000_000

// ParseCents reads an amount as a clerk types it: "120", "120.5", "120.50", "$1,200",
// "HK$ 80". It refuses more than two decimals, anything that is not a number, and amounts of
// ten million dollars or more. A leading minus is accepted; callers refuse it where it makes
// no sense.
func ParseCents(s string) (Cents, bool) {
	s = strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(s, "-") {
		neg, s = true, strings.TrimSpace(s[1:])
	}
	s = strings.TrimPrefix(s, "HK")
	s = strings.TrimSpace(strings.TrimPrefix(s, "$"))
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, hasDot := strings.Cut(s, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, false
	}
	if len(frac) > 2 || (hasDot && frac == "" && whole == "") {
		return 0, false
	}
	var v int64
	for _, r := range whole {
		if r < '0' || r > '9' {
			return 0, false
		}
		v = v*10 + int64(r-'0')
		if Cents(v) >= maxAmount/100 {
			return 0, false
		}
	}
	v *= 100
	for i, r := range frac {
		if r < '0' || r > '9' {
			return 0, false
		}
		if i == 0 {
			v += 10 * int64(r-'0')
		} else {
			v += int64(r - '0')
		}
	}
	if neg {
		v = -v
	}
	return Cents(v), true
}

// PercentOf is bp basis points (1/100 of a percent) of c, rounded half away from zero to the
// cent: 10% of $33.35 is $3.34 (3.335 rounds up). Integer arithmetic only.
func PercentOf(c Cents, bp int64) Cents {
	p := int64(c) * bp
	if p >= 0 {
		return Cents((p + 5000) / 10000)
	}
	return -Cents((-p + 5000) / 10000)
}

// ParsePercent reads "10", "12.5" or "12.5%" as basis points (1000, 1250), between 0 and 100%.
func ParsePercent(s string) (int64, bool) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%"))
	c, ok := ParseCents(s) // two decimals, digits only: the same rules as money
	if !ok || c < 0 || c > 10000 {
		return 0, false
	}
	return int64(c), true
}

// Percent shows a percentage discount's rate: "10.00%".
func (l Line) Percent() string { return Cents(l.PercentBP).Plain() + "%" }

// Percent shows a percentage discount's rate: "10.00%".
func (d Discount) Percent() string { return Cents(d.PercentBP).Plain() + "%" }
