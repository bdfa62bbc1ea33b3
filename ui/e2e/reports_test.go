package e2e

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/users"
)

// TestManagerDashboardAndReport: the practice manager opens the dashboard (charts drawn, the
// figures those of the records), runs the attendance report for a date range and downloads
// its CSV, watching the download's progress.
func TestManagerDashboardAndReport(t *testing.T) {
	c := startClinic(t)
	ctx := context.Background()
	if _, err := practice.Setup(ctx, c.DB, practice.Practice{NameEN: "Happy Valley Clinic", NameZH: "跑馬地診所", Phone: "2576 1234"},
		users.NewUser{Username: "manager", FullName: "Practice Manager", Roles: []string{users.RoleAdmin}, Password: frontDeskPassword}, "e2e"); err != nil {
		t.Fatal(err)
	}
	doctorID, err := users.Add(ctx, c.DB, users.NewUser{Username: "drho", FullName: "Dr Ho Ka Yan", FullNameZH: "何家欣醫生",
		Roles: []string{users.RoleDoctor}, MCRNo: "M10234", Password: frontDeskPassword}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, name := range []string{"Tai Man", "Siu Ming", "Ka Yan"} {
		p, err := patients.Create(ctx, c.DB, "P", patients.Input{SurnameEN: "Chan", GivenNameEN: name, Sex: "M", DOB: "1970", Confirmed: true}, audit.System)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		loc = time.FixedZone("HKT", 8*3600)
	}
	now := time.Now().In(loc)
	day := func(back int) string { return now.AddDate(0, 0, -back).Format(time.DateOnly) }
	// The fixture: attendances over the last weeks (one cancelled, one too old for the chart)
	// and two payments today.
	attendances := []struct {
		back  int
		state string
	}{{0, "done"}, {0, "done"}, {1, "done"}, {1, "done"}, {1, "done"}, {1, "cancelled"}, {10, "done"}, {40, "done"}}
	err = c.DB.Write(ctx, func(tx *sql.Tx) error {
		for i, a := range attendances {
			if _, err := tx.Exec(`INSERT INTO attendances (day, seq, ticket, ticket_label, patient_id, doctor_id, state, position, arrived_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?,?,?)`, day(a.back), "clinic", i+1, fmt.Sprint(i+1), ids[i%3], doctorID, a.state, i,
				day(a.back)+"T01:00:00Z", day(a.back)+"T01:00:00Z"); err != nil {
				return err
			}
		}
		for i, cents := range []int64{32000, 15050} {
			res, err := tx.Exec(`INSERT INTO bills (number, patient_id, day, status, total_cents, paid_cents, created_at, updated_at)
				VALUES (?,?,?,?,?,?,?,?)`, fmt.Sprintf("B%06d", i+1), ids[i], day(0), "settled", cents, cents, day(0)+"T02:00:00Z", day(0)+"T02:00:00Z")
			if err != nil {
				return err
			}
			bill, _ := res.LastInsertId()
			if _, err := tx.Exec(`INSERT INTO payments (bill_id, method, amount_cents, day, created_at) VALUES (?,?,?,?,?)`,
				bill, "cash", cents, day(0), day(0)+"T02:00:00Z"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t)
	b.run("log in as the practice manager",
		chromedp.Navigate(c.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
		chromedp.SendKeys(chromedp.CSS(`#f-username`), "manager"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), frontDeskPassword),
		chromedp.Submit(chromedp.CSS(`#f-username`)),
		// The signed-in header, not just any page: navigating on while the login's redirect is
		// still under way aborts it.
		chromedp.WaitVisible(chromedp.CSS(`header .who`)),
	)
	b.run("open the dashboard", chromedp.Navigate(c.URL+"/dashboard"), chromedp.WaitVisible(chromedp.CSS(`#dash-visits svg`)))
	b.wantText(`#dash-visits`, "6 patients seen in the last 4 weeks.")
	b.wantText(`#dash-takings`, "Today HK$470.50", "This month so far HK$470.50")
	b.wantText(`#dash-sharing`, "No record is held back")
	for _, sel := range []string{`#dash-visits svg rect`, `#dash-takings svg`} {
		ectx, cancel := context.WithTimeout(b.ctx, stepTimeout)
		n, err := chromedp.Run(ectx, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
		cancel()
		if err != nil || n == 0 {
			t.Errorf("%s: %d drawn (%v)", sel, n, err)
		}
	}
	b.shot("dashboard")

	from, to := day(1), day(0)
	b.run("run the attendance report for yesterday and today",
		chromedp.Navigate(c.URL+"/reports"),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/reports/attendance"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/reports/attendance"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-from`)),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector('#f-from').value = %q;
			document.querySelector('#f-to').value = %q;`, from, to)),
		chromedp.Submit(chromedp.CSS(`#f-from`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-table`)),
	)
	b.wantText(`#report-table tbody`, from, to, "Dr Ho Ka Yan")
	b.wantText(`#report-table tfoot`, "Total", "5")
	b.shot("report")

	b.run("download the CSV",
		chromedp.Click(chromedp.CSS(`#report-csv`)),
		chromedp.WaitVisible(chromedp.CSS(`#report-csv-progress[data-rows]`)),
	)
	b.wantText(`#report-csv-progress`, "CSV downloaded: 2 rows.")
	// The same file as the link gives it, read through the page's own session.
	ectx, cancel := context.WithTimeout(b.ctx, stepTimeout)
	defer cancel()
	csv, err := chromedp.Run(ectx, chromedp.Evaluate[string](`(async () => {
		const r = await fetch(document.querySelector('#report-csv').href);
		return r.headers.get('content-type') + '|' + await r.text();
	})()`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"text/csv", "Day,Doctor,Patients", from + ",Dr Ho Ka Yan,3", to + ",Dr Ho Ka Yan,2"}
	for _, w := range want {
		if !strings.Contains(csv, w) {
			t.Errorf("CSV lacks %q:\n%s", w, csv)
		}
	}
}
