// Package reports counts the practice's records over a date range: attendance, new and
// returning patients, no-shows, diagnoses, drug usage and stock movements, immunisations,
// takings and outstanding bills, and the figures of the dashboard.
//
// Every report streams its rows from a read-only connection (store.DB.R), so that a long report
// never holds the writer and never blocks the front desk; a report whose tables a practice does
// not have yet (a feature not installed) says so with Available.
package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic"
)

// Kind says how a column is shown and summed.
type Kind int

const (
	Text  Kind = iota
	Count      // a whole number, summed in the totals row
	Money      // integer cents, summed in the totals row
)

// Column is one column of a report; Key is its translation key.
type Column struct {
	Key  string
	Kind Kind
}

// Row is one row of a report: a string for Text columns, an int64 for Count and Money.
type Row []any

// Chart says how the UI draws a report: bars of Value per Label, one series per Series
// column (-1: one series).
type Chart struct {
	Label, Value, Series int
	Lines                bool
}

// Report is one report.
type Report struct {
	Name    string // in the URL and the translation keys: report.<name>.title
	Needs   []string
	Columns []Column
	Chart   *Chart
	query   func(r Range) (string, []any)
}

// Range is a span of days in the clinic's time zone, both ends included.
type Range struct {
	From, To string // YYYY-MM-DD
	Zone     *time.Location
}

// MaxDays is the longest range a report covers: ten years.
const MaxDays = 3660

// ParseRange checks a range typed into the report form; an empty end is today, an empty start
// the first of the end's month.
func ParseRange(from, to string, today time.Time) (Range, error) {
	zone := today.Location()
	r := Range{From: from, To: to, Zone: zone}
	var errs clinic.ValidationErrors
	if r.To == "" {
		r.To = today.Format(time.DateOnly)
	}
	end, err := time.ParseInLocation(time.DateOnly, r.To, zone)
	if err != nil {
		errs = append(errs, clinic.Invalid("to", "error.report.date"))
	}
	if r.From == "" && err == nil {
		r.From = end.Format("2006-01") + "-01"
	}
	start, err2 := time.ParseInLocation(time.DateOnly, r.From, zone)
	if err2 != nil {
		errs = append(errs, clinic.Invalid("from", "error.report.date"))
	}
	if err == nil && err2 == nil {
		switch {
		case start.After(end):
			errs = append(errs, clinic.Invalid("from", "error.report.order"))
		case end.Sub(start) > MaxDays*24*time.Hour:
			errs = append(errs, clinic.Invalid("from", "error.report.too_long", MaxDays/366))
		}
	}
	return r, errs.Err()
}

// instants are the range's ends as the UTC text that times are stored in, for columns that hold
// an instant rather than a clinic day: [from, to).
func (r Range) instants() (string, string) {
	zone := r.Zone
	if zone == nil {
		zone = time.UTC
	}
	a, _ := time.ParseInLocation(time.DateOnly, r.From, zone)
	b, _ := time.ParseInLocation(time.DateOnly, r.To, zone)
	return a.UTC().Format(time.RFC3339), b.AddDate(0, 0, 1).UTC().Format(time.RFC3339)
}

// Available reports whether the practice has the tables the report reads.
func (rep *Report) Available(ctx context.Context, db *sql.DB) bool {
	for _, t := range rep.Needs {
		if !hasTable(ctx, db, t) {
			return false
		}
	}
	return true
}

func hasTable(ctx context.Context, db querier, name string) bool {
	var n int
	_ = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n)
	return n == 1
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Stream runs the report and hands each row to fn as it is read; fn's error stops it.
func (rep *Report) Stream(ctx context.Context, db *sql.DB, r Range, fn func(Row) error) error {
	if !rep.Available(ctx, db) {
		return clinic.ErrNotFound
	}
	q, args := rep.query(r)
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return fmt.Errorf("report %s: %w", rep.Name, err)
	}
	defer rows.Close()
	vals := make([]any, len(rep.Columns))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		row := make(Row, len(vals))
		for i, c := range rep.Columns {
			switch c.Kind {
			case Text:
				row[i] = asText(vals[i])
			default:
				row[i] = asInt(vals[i])
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Totals sums the Count and Money columns of rows (nil for Text columns).
func (rep *Report) Totals(rows []Row) Row {
	t := make(Row, len(rep.Columns))
	for i, c := range rep.Columns {
		if c.Kind == Text {
			continue
		}
		var s int64
		for _, r := range rows {
			s += r[i].(int64)
		}
		t[i] = s
	}
	return t
}

func asText(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

func asInt(v any) int64 {
	switch v := v.(type) {
	case int64:
		return v
	case float64:
		return int64(v)
	}
	return 0
}

// All lists the reports in the order the reports page shows them.
func All() []*Report { return all }

// Get returns a report by name.
func Get(name string) (*Report, bool) {
	for _, r := range all {
		if r.Name == name {
			return r, true
		}
	}
	return nil, false
}
