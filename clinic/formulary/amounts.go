package formulary

import (
	"errors"
	"strconv"
	"strings"
)

// Doses and prices are exact decimals held as integers: doses in thousandths of a dose unit
// (half a tablet is 500, 2.5 ml is 2500), money in cents. No float ever touches them, so 0.1 +
// 0.2 tablets is 0.3 tablets and a bill adds up.

var errAmount = errors.New("not an amount")

// parseFixed reads a non-negative decimal with at most `places` decimals into an integer scaled
// by 10^places: parseFixed("2.5", 3) = 2500.
func parseFixed(s string, places int) (int64, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, ",", ""))
	if s == "" {
		return 0, errAmount
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" {
		whole = "0"
	}
	if len(frac) > places || strings.ContainsAny(whole+frac, "+- ") {
		return 0, errAmount
	}
	frac += strings.Repeat("0", places-len(frac))
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > 1_000_000_000 {
		return 0, errAmount
	}
	f := int64(0)
	if places > 0 {
		if f, err = strconv.ParseInt(frac, 10, 64); err != nil {
			return 0, errAmount
		}
	}
	scale := int64(1)
	for range places {
		scale *= 10
	}
	return w*scale + f, nil
}

func formatFixed(v int64, places int) string {
	scale := int64(1)
	for range places {
		scale *= 10
	}
	neg := v < 0
	if neg {
		v = -v
	}
	s := strconv.FormatInt(v/scale, 10)
	if frac := v % scale; frac != 0 {
		fs := strconv.FormatInt(frac+scale, 10)[1:]
		s += "." + strings.TrimRight(fs, "0")
	}
	if neg {
		s = "-" + s
	}
	return s
}

// ParseMilli reads a dose such as "1", "0.5" or "2.5" into thousandths.
func ParseMilli(s string) (int64, error) { return parseFixed(s, 3) }

// FormatMilli writes thousandths back as the shortest decimal: 1500 -> "1.5".
func FormatMilli(v int64) string { return formatFixed(v, 3) }

// ParseCents reads a price in dollars ("12.50", "$12.5") into cents.
func ParseCents(s string) (int64, error) {
	return parseFixed(strings.TrimPrefix(strings.TrimSpace(s), "$"), 2)
}

// FormatCents writes cents as dollars with two decimals: 1250 -> "12.50".
func FormatCents(v int64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return sign + strconv.FormatInt(v/100, 10) + "." + strconv.FormatInt(v%100+100, 10)[1:]
}
