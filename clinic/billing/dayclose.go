package billing

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// MethodTotal is the takings of one payment method.
type MethodTotal struct {
	Method string
	Count  int
	Amount Cents
}

// DoctorTotal is the takings of one doctor's patients.
type DoctorTotal struct {
	DoctorID int64
	Doctor   string
	Count    int
	Amount   Cents
}

// Close is a closed day.
type Close struct {
	Day          string
	ExpectedCash Cents
	CountedCash  Cents
	Note         string
	ClosedAt     string
	ClosedBy     string
}

// Difference is the cash counted less the cash expected: negative when short.
func (c *Close) Difference() Cents { return c.CountedCash - c.ExpectedCash }

// Takings is a day at the counter.
type Takings struct {
	Day          string
	Bills        int
	Charged      Cents // the total of the day's bills (not void)
	Outstanding  Cents // still owed on them
	ByMethod     []MethodTotal
	ByDoctor     []DoctorTotal
	Received     Cents // every method, net of refunds
	ExpectedCash Cents // cash received less cash given back
	Closed       *Close
}

// DayTakings adds up a day: payments and refunds by method and by doctor, and the cash that
// should be in the drawer.
func DayTakings(ctx context.Context, q querier, day string) (Takings, error) {
	t := Takings{Day: day}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(total_cents),0), COALESCE(SUM(total_cents - paid_cents),0)
		FROM bills WHERE day = ? AND status <> 'void'`, day).Scan(&t.Bills, &t.Charged, &t.Outstanding); err != nil {
		return t, err
	}
	byMethod := map[string]*MethodTotal{}
	rows, err := q.QueryContext(ctx, `SELECT method, COUNT(*), SUM(amount_cents) FROM payments WHERE day = ? GROUP BY method`, day)
	if err != nil {
		return t, err
	}
	for rows.Next() {
		var m MethodTotal
		if err := rows.Scan(&m.Method, &m.Count, &m.Amount); err != nil {
			rows.Close()
			return t, err
		}
		byMethod[m.Method] = &m
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	for _, m := range Methods {
		if mt, ok := byMethod[m]; ok {
			t.ByMethod = append(t.ByMethod, *mt)
			t.Received += mt.Amount
			if m == MethodCash {
				t.ExpectedCash = mt.Amount
			}
		}
	}
	rows, err = q.QueryContext(ctx, `SELECT COALESCE(p.doctor_id,0), COALESCE(u.full_name,''), COUNT(*), SUM(p.amount_cents)
		FROM payments p LEFT JOIN users u ON u.id = p.doctor_id WHERE p.day = ?
		GROUP BY p.doctor_id ORDER BY u.full_name`, day)
	if err != nil {
		return t, err
	}
	for rows.Next() {
		var d DoctorTotal
		if err := rows.Scan(&d.DoctorID, &d.Doctor, &d.Count, &d.Amount); err != nil {
			rows.Close()
			return t, err
		}
		t.ByDoctor = append(t.ByDoctor, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	var c Close
	err = q.QueryRowContext(ctx, `SELECT day, expected_cash_cents, counted_cash_cents, note, closed_at, closed_by FROM day_closes WHERE day = ?`, day).
		Scan(&c.Day, &c.ExpectedCash, &c.CountedCash, &c.Note, &c.ClosedAt, &c.ClosedBy)
	switch {
	case err == nil:
		t.Closed = &c
	case !errors.Is(err, sql.ErrNoRows):
		return t, err
	}
	return t, nil
}

func validDay(day string) bool {
	_, err := time.Parse("2006-01-02", day)
	return err == nil
}

// CloseDay counts the cash against what is expected and closes the day: from then on its bills
// are locked and no payment counts to it; a correction goes into a later day with a reference
// to the bill it corrects. A day cannot be closed before it has begun.
func CloseDay(ctx context.Context, db *store.DB, day, today, counted, note string, actor audit.Actor) (Close, error) {
	var c Close
	var errs clinic.ValidationErrors
	if !validDay(day) || day > today {
		errs = append(errs, clinic.Invalid("day", "error.billing.day"))
	}
	cash, ok := ParseCents(counted)
	if !ok || cash < 0 {
		errs = append(errs, clinic.Invalid("counted", "error.billing.amount"))
	}
	note = strings.TrimSpace(note)
	if len(note) > 500 {
		errs = append(errs, clinic.Invalid("note", "error.billing.too_long"))
	}
	if err := errs.Err(); err != nil {
		return c, err
	}
	err := db.Write(ctx, func(tx *sql.Tx) error {
		t, err := DayTakings(ctx, tx, day)
		if err != nil {
			return err
		}
		if t.Closed != nil {
			return clinic.Invalid("day", "error.billing.day_closed", day)
		}
		// A difference must be explained: the note says why the drawer is short or over.
		if cash != t.ExpectedCash && note == "" {
			return clinic.Invalid("note", "error.billing.cash_difference", (cash - t.ExpectedCash).String())
		}
		c = Close{Day: day, ExpectedCash: t.ExpectedCash, CountedCash: cash, Note: note, ClosedAt: now(), ClosedBy: actor.Username}
		if _, err := tx.ExecContext(ctx, `INSERT INTO day_closes (day, expected_cash_cents, counted_cash_cents, note, closed_at, closed_by)
			VALUES (?,?,?,?,?,?)`, c.Day, c.ExpectedCash, c.CountedCash, c.Note, c.ClosedAt, c.ClosedBy); err != nil {
			return err
		}
		return audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "day_close", day, 0,
			fmt.Sprintf("closed: received %s, cash expected %s, counted %s", t.Received, t.ExpectedCash, cash)))
	})
	return c, err
}

// MonthDay is one day of the monthly summary.
type MonthDay struct {
	Day      string
	Bills    int
	Charged  Cents
	ByMethod map[string]Cents
	Received Cents
	Closed   bool
}

// Month is the monthly summary.
type Month struct {
	Month    string // YYYY-MM
	Days     []MonthDay
	Bills    int
	Charged  Cents
	ByMethod map[string]Cents
	Received Cents
}

// MonthSummary adds up a month ("2026-12") day by day; days with nothing are left out.
func MonthSummary(ctx context.Context, q querier, month string) (Month, error) {
	m := Month{Month: month, ByMethod: map[string]Cents{}}
	if _, err := time.Parse("2006-01", month); err != nil {
		return m, clinic.Invalid("month", "error.billing.month")
	}
	from, to := month+"-01", month+"-32"
	days := map[string]*MonthDay{}
	get := func(day string) *MonthDay {
		d, ok := days[day]
		if !ok {
			d = &MonthDay{Day: day, ByMethod: map[string]Cents{}}
			days[day] = d
		}
		return d
	}
	rows, err := q.QueryContext(ctx, `SELECT day, COUNT(*), SUM(total_cents) FROM bills
		WHERE day >= ? AND day < ? AND status <> 'void' GROUP BY day`, from, to)
	if err != nil {
		return m, err
	}
	for rows.Next() {
		var day string
		var n int
		var total Cents
		if err := rows.Scan(&day, &n, &total); err != nil {
			rows.Close()
			return m, err
		}
		d := get(day)
		d.Bills, d.Charged = n, total
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT day, method, SUM(amount_cents) FROM payments WHERE day >= ? AND day < ? GROUP BY day, method`, from, to)
	if err != nil {
		return m, err
	}
	for rows.Next() {
		var day, method string
		var amount Cents
		if err := rows.Scan(&day, &method, &amount); err != nil {
			rows.Close()
			return m, err
		}
		d := get(day)
		d.ByMethod[method] += amount
		d.Received += amount
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT day FROM day_closes WHERE day >= ? AND day < ?`, from, to)
	if err != nil {
		return m, err
	}
	for rows.Next() {
		var day string
		if err := rows.Scan(&day); err != nil {
			rows.Close()
			return m, err
		}
		get(day).Closed = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return m, err
	}
	for day := range days {
		m.Days = append(m.Days, *days[day])
	}
	sortDays(m.Days)
	for _, d := range m.Days {
		m.Bills += d.Bills
		m.Charged += d.Charged
		m.Received += d.Received
		for k, v := range d.ByMethod {
			m.ByMethod[k] += v
		}
	}
	return m, nil
}

func sortDays(d []MonthDay) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j].Day < d[j-1].Day; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}

// csvSafe keeps a cell from being read as a formula by a spreadsheet.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		if _, ok := ParseCents(s); !ok {
			return "'" + s
		}
	}
	return s
}

// WriteTakingsCSV writes a day's takings: one row per method, then per doctor, then the cash
// count.
func WriteTakingsCSV(w io.Writer, t Takings) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"day", "section", "name", "count", "amount"}}
	for _, m := range t.ByMethod {
		rows = append(rows, []string{t.Day, "method", m.Method, fmt.Sprint(m.Count), m.Amount.Plain()})
	}
	for _, d := range t.ByDoctor {
		name := d.Doctor
		if name == "" {
			name = "(none)"
		}
		rows = append(rows, []string{t.Day, "doctor", csvSafe(name), fmt.Sprint(d.Count), d.Amount.Plain()})
	}
	rows = append(rows,
		[]string{t.Day, "total", "received", "", t.Received.Plain()},
		[]string{t.Day, "total", "charged", fmt.Sprint(t.Bills), t.Charged.Plain()},
		[]string{t.Day, "total", "outstanding", "", t.Outstanding.Plain()},
		[]string{t.Day, "cash", "expected", "", t.ExpectedCash.Plain()})
	if t.Closed != nil {
		rows = append(rows, []string{t.Day, "cash", "counted", "", t.Closed.CountedCash.Plain()},
			[]string{t.Day, "cash", "difference", "", t.Closed.Difference().Plain()})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// WriteMonthCSV writes the monthly summary, one row per day and a total row.
func WriteMonthCSV(w io.Writer, m Month) error {
	cw := csv.NewWriter(w)
	head := append([]string{"day", "bills", "charged"}, Methods...)
	head = append(head, "received", "closed")
	rows := [][]string{head}
	row := func(day string, bills int, charged Cents, by map[string]Cents, received Cents, closed string) []string {
		r := []string{day, fmt.Sprint(bills), charged.Plain()}
		for _, k := range Methods {
			r = append(r, by[k].Plain())
		}
		return append(r, received.Plain(), closed)
	}
	for _, d := range m.Days {
		closed := "no"
		if d.Closed {
			closed = "yes"
		}
		rows = append(rows, row(d.Day, d.Bills, d.Charged, d.ByMethod, d.Received, closed))
	}
	rows = append(rows, row("total", m.Bills, m.Charged, m.ByMethod, m.Received, ""))
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}
