package ui

import (
	"context"
	"html/template"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/reports"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/sharing"
	"github.com/onramp-hk/onramp/ui/svg"
)

// The dashboard: each role's figures at a glance, drawn on the server (charts are inline SVG).

// dashboardWeeks is how far back the per-day charts go.
const dashboardWeeks = 4

type dashboardPage struct {
	Today string
	// Sections shown to this user's roles.
	ShowQueue, ShowVisits, ShowTakings, ShowStock, ShowSharing bool

	Waiting, WithDoctor, Finished, Total int
	AverageWait, LongestWait             int // minutes, of those waiting now
	VisitsChart                          template.HTML
	VisitsTotal                          int64
	TakingsChart                         template.HTML
	TakingsToday, TakingsMonth           string
	TakingsLastMonth                     string
	HasBilling                           bool
	LowStock, Expiring                   []reports.StockAlert
	HasStock                             bool
	Held, Rejected, Pending              int
}

// roleSections decides what a role sees: the front desk its queue and takings, doctors their
// queue, visits and sharing, the dispensary its stock, the practice manager everything but the
// queue's patients.
func roleSections(u *users.User, d *dashboardPage) {
	is := u.Has
	d.ShowQueue = is(users.RoleClerk) || is(users.RoleDoctor) || is(users.RoleNurse) || is(users.RoleDispenser)
	d.ShowVisits = is(users.RoleAdmin) || is(users.RoleDoctor) || is(users.RoleClerk)
	d.ShowTakings = is(users.RoleAdmin) || is(users.RoleClerk)
	d.ShowStock = is(users.RoleAdmin) || is(users.RoleDispenser) || is(users.RoleDoctor)
	d.ShowSharing = is(users.RoleAdmin) || is(users.RoleDoctor)
}

func (s *Server) dashboard(c echo.Context) error {
	ctx := c.Request().Context()
	v := s.view(c, "dashboard.title", nil)
	d, err := s.dashboardData(ctx, v, time.Now().In(s.cfg.TimeZone))
	if err != nil {
		return err
	}
	v.Data = d
	return s.render(c, http.StatusOK, "dashboard", v)
}

func (s *Server) dashboardData(ctx context.Context, v *View, now time.Time) (*dashboardPage, error) {
	today := now.Format(time.DateOnly)
	d := &dashboardPage{Today: today}
	roleSections(v.User, d)
	if d.ShowQueue {
		q := queue.New(s.db, s.cfg.TimeZone)
		list, err := q.List(ctx, today)
		if err != nil {
			return nil, err
		}
		var waitSum time.Duration
		for _, a := range list {
			switch a.State {
			case "waiting":
				d.Waiting++
				w := a.Waited(now)
				waitSum += w
				d.LongestWait = max(d.LongestWait, int(w.Minutes()))
			case "with_doctor":
				d.WithDoctor++
			case "done", "awaiting_medicine_payment":
				d.Finished++
			}
		}
		d.Total = len(list)
		if d.Waiting > 0 {
			d.AverageWait = int((waitSum / time.Duration(d.Waiting)).Minutes())
		}
	}
	from := now.AddDate(0, 0, -7*dashboardWeeks+1)
	if d.ShowVisits {
		days, err := reports.VisitsPerDay(ctx, s.db.R, from, now)
		if err != nil {
			return nil, err
		}
		ch := svg.Chart{Title: v.T("dashboard.visits_chart"), Series: []svg.Series{{Name: v.T("dashboard.visits")}}}
		for _, day := range days {
			ch.Labels = append(ch.Labels, day.Day[5:])
			ch.Series[0].Values = append(ch.Series[0].Values, float64(day.Value))
			d.VisitsTotal += day.Value
		}
		d.VisitsChart = template.HTML(svg.Bars(ch)) //nolint:gosec // svg escapes every text it draws
	}
	if d.ShowTakings {
		days, err := reports.TakingsPerDay(ctx, s.db.R, from, now)
		if err != nil {
			return nil, err
		}
		d.HasBilling = days != nil
		if d.HasBilling {
			ch := svg.Chart{Title: v.T("dashboard.takings_chart"), Format: func(f float64) string { return dollars(int64(f * 100)) },
				Series: []svg.Series{{Name: v.T("dashboard.takings")}}}
			for _, day := range days {
				ch.Labels = append(ch.Labels, day.Day[5:])
				ch.Series[0].Values = append(ch.Series[0].Values, float64(day.Value)/100)
			}
			d.TakingsChart = template.HTML(svg.Lines(ch)) //nolint:gosec // svg escapes every text it draws
			first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
			lastFirst := first.AddDate(0, -1, 0)
			// This month so far against the same days of last month.
			sameDay := lastFirst.AddDate(0, 0, now.Day()-1)
			if sameDay.Month() != lastFirst.Month() {
				sameDay = first.AddDate(0, 0, -1)
			}
			for _, t := range []struct {
				out      *string
				from, to time.Time
			}{{&d.TakingsToday, now, now}, {&d.TakingsMonth, first, now}, {&d.TakingsLastMonth, lastFirst, sameDay}} {
				n, err := reports.Takings(ctx, s.db.R, t.from.Format(time.DateOnly), t.to.Format(time.DateOnly))
				if err != nil {
					return nil, err
				}
				*t.out = dollars(n)
			}
		}
	}
	if d.ShowStock {
		var err error
		if d.LowStock, err = reports.LowStock(ctx, s.db.R, today, 10); err != nil {
			return nil, err
		}
		if d.Expiring, err = reports.Expiring(ctx, s.db.R, today, 60, 10); err != nil {
			return nil, err
		}
	}
	if d.ShowSharing {
		h, err := sharing.ReadHealth(ctx, s.db)
		if err != nil {
			return nil, err
		}
		d.Held, d.Rejected, d.Pending = h.Held, h.Rejected, h.Pending
	}
	return d, nil
}
