// Package prescribing is medication in a visit: the frequency codes with their English and
// Chinese wording, the quantity worked out from dose, frequency and days, the checks that need no
// network (allergy by ingredient as a hard stop, duplicate ingredient, maximum daily dose),
// prescription items, "repeat last prescription", dispensing from the earliest-expiring batch,
// and returns.
package prescribing

import (
	"fmt"
	"strings"

	"github.com/onramp-hk/onramp/clinic/formulary"
)

// Frequency is how often a dose is taken. Times doses are taken every Every days: TDS is 3 in
// 1, Q4H is 6 in 1, alternate days is 1 in 2. PRN has no fixed count: the prescriber gives a
// maximum per day, and the quantity is worked out from that.
type Frequency struct {
	Code   string
	Times  int64
	Every  int64
	PRN    bool
	Once   bool // a single dose (STAT): the quantity is one dose whatever the days
	EN, ZH string
}

// Frequencies in the order the form lists them.
var Frequencies = []Frequency{
	{Code: "QD", Times: 1, Every: 1, EN: "once a day", ZH: "每日一次"},
	{Code: "BD", Times: 2, Every: 1, EN: "twice a day", ZH: "每日兩次"},
	{Code: "TDS", Times: 3, Every: 1, EN: "3 times a day", ZH: "每日三次"},
	{Code: "QID", Times: 4, Every: 1, EN: "4 times a day", ZH: "每日四次"},
	{Code: "Q4H", Times: 6, Every: 1, EN: "every 4 hours", ZH: "每四小時一次"},
	{Code: "Q6H", Times: 4, Every: 1, EN: "every 6 hours", ZH: "每六小時一次"},
	{Code: "Q8H", Times: 3, Every: 1, EN: "every 8 hours", ZH: "每八小時一次"},
	{Code: "Q12H", Times: 2, Every: 1, EN: "every 12 hours", ZH: "每十二小時一次"},
	{Code: "QAM", Times: 1, Every: 1, EN: "every morning", ZH: "每朝一次"},
	{Code: "NOCTE", Times: 1, Every: 1, EN: "at bedtime", ZH: "每晚睡前一次"},
	{Code: "QOD", Times: 1, Every: 2, EN: "every other day", ZH: "隔日一次"},
	{Code: "WEEKLY", Times: 1, Every: 7, EN: "once a week", ZH: "每星期一次"},
	{Code: "PRN", PRN: true, EN: "when needed", ZH: "有需要時"},
	{Code: "STAT", Once: true, Times: 1, Every: 1, EN: "at once", ZH: "即時"},
}

// FrequencyByCode finds a frequency; "Nocte", "tds" and " TDS " all work.
func FrequencyByCode(code string) (Frequency, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, f := range Frequencies {
		if f.Code == code {
			return f, true
		}
	}
	return Frequency{}, false
}

func init() {
	formulary.IsFrequency = func(code string) bool { _, ok := FrequencyByCode(code); return ok }
}

// Course is what the quantity is worked out from.
type Course struct {
	DoseMilli          int64 // one dose in dose units, thousandths (half a tablet is 500)
	Frequency          string
	PRNMaxPerDay       int64 // for PRN: at most this many doses a day
	Days               int64
	UnitsPerDispensing int64 // dose units in one dispensing unit, thousandths (a 100 ml bottle dosed in ml: 100000)
}

// ErrNoQuantityRule means the quantity cannot be worked out (PRN without a maximum, no days):
// the prescriber types it.
var ErrNoQuantityRule = fmt.Errorf("prescribing: the quantity cannot be worked out; enter it")

// Quantity works out how many dispensing units a course needs, rounded up to whole units:
// 1 tablet TDS for 5 days is 15 tablets; 5 ml TDS for 5 days from 100 ml bottles is 1 bottle.
func Quantity(c Course) (int64, error) {
	f, ok := FrequencyByCode(c.Frequency)
	if !ok || c.DoseMilli <= 0 || c.UnitsPerDispensing <= 0 {
		return 0, ErrNoQuantityRule
	}
	var doses int64
	switch {
	case f.Once:
		doses = 1
	case f.PRN:
		if c.PRNMaxPerDay <= 0 || c.Days <= 0 {
			return 0, ErrNoQuantityRule
		}
		doses = c.PRNMaxPerDay * c.Days
	default:
		if c.Days <= 0 {
			return 0, ErrNoQuantityRule
		}
		// Doses over the days, rounded up: every other day for 5 days is 3 doses.
		doses = (c.Days*f.Times + f.Every - 1) / f.Every
	}
	total := doses * c.DoseMilli
	return (total + c.UnitsPerDispensing - 1) / c.UnitsPerDispensing, nil
}

// DailyMilli is the most a course gives in one day, in thousandths of a dose unit, for the
// maximum-dose check. A dose every few days still counts whole on the day it is taken.
func DailyMilli(doseMilli int64, freq string, prnMax int64) int64 {
	f, ok := FrequencyByCode(freq)
	if !ok {
		return 0
	}
	switch {
	case f.PRN:
		return doseMilli * prnMax
	case f.Once:
		return doseMilli
	case f.Every > 1:
		return doseMilli
	}
	return doseMilli * f.Times
}

// zhNumbers are the Chinese numerals a label uses for a dose: 「每次一粒」, 「每次半粒」.
var zhNumbers = map[string]string{"0.5": "半", "1": "一", "1.5": "一粒半", "2": "兩", "3": "三", "4": "四", "5": "五",
	"6": "六", "7": "七", "8": "八", "9": "九", "10": "十"}

// zhUnits are dose units in Chinese; an unknown unit is printed as written.
var zhUnits = map[string]string{"tab": "粒", "cap": "粒", "ml": "毫升", "puff": "下", "drop": "滴", "sachet": "包",
	"mg": "毫克", "g": "克", "patch": "塊", "supp": "粒", "dose": "劑", "application": "次", "unit": "單位"}

// enUnits are dose units in words for the label; plural adds "s".
var enUnits = map[string]string{"tab": "tablet", "cap": "capsule", "supp": "suppository"}

// Directions are the dose and frequency in words, in English and Chinese, as a label prints
// them: "Take 1 tablet 3 times a day" / 「每日三次，每次一粒」.
func Directions(doseMilli int64, unit, freq string, prnMax int64) (en, zh string) {
	f, ok := FrequencyByCode(freq)
	dose := formulary.FormatMilli(doseMilli)
	u := strings.ToLower(strings.TrimSpace(unit))
	word := u
	if w, ok := enUnits[u]; ok {
		word = w
		if doseMilli > 1000 {
			word += "s"
		}
	}
	fen, fzh := freq, freq
	if ok {
		fen, fzh = f.EN, f.ZH
	}
	en = fmt.Sprintf("Take %s %s %s", dose, word, fen)
	zhUnit := u
	if z, ok := zhUnits[u]; ok {
		zhUnit = z
	}
	zhDose := dose + zhUnit
	if n, ok := zhNumbers[dose]; ok {
		zhDose = n + zhUnit
		if dose == "1.5" {
			zhDose = strings.Replace(n, "粒", zhUnit, 1)
		}
	}
	zh = fmt.Sprintf("%s，每次%s", fzh, zhDose)
	if ok && f.PRN && prnMax > 0 {
		en += fmt.Sprintf(", at most %d times a day", prnMax)
		zh += fmt.Sprintf("，每日最多%d次", prnMax)
	}
	return en, zh
}
