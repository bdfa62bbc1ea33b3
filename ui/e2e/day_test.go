package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// dayStrings are what the screens must say in each language at each step.
type dayStrings struct {
	lang       string // the first administrator's screen language
	home       string // greeting on the home page
	staffNav   string
	wrongLogin string
	staffAdded string
	roleClerk  string
	logout     string
}

var days = []dayStrings{
	{lang: "en", home: "Good day", staffNav: "Staff", wrongLogin: "Wrong user name or password", staffAdded: "Saved.",
		roleClerk: "Clerk", logout: "Log out"},
	{lang: "zh-HK", home: "你好", staffNav: "職員", wrongLogin: "用戶名稱或密碼錯誤", staffAdded: "已儲存。",
		roleClerk: "文員", logout: "登出"},
}

// hkidY654321 is Y654321 with its check digit, worked out by the rule in domain.md.
const hkidY654321 = "Y654321(7)"

// TestClinicDay walks the clinic's day through the real screens, once in English and once in
// Chinese. Each feature adds its steps here, in the order the day runs.
func TestClinicDay(t *testing.T) {
	for _, d := range days {
		t.Run(d.lang, func(t *testing.T) {
			c := startClinic(t)
			b := newBrowser(t)

			// First run: every page leads to setup.
			b.run("open OnRamp", chromedp.Navigate(c.URL+"/"), chromedp.WaitVisible(chromedp.CSS(`#f-name_en`)))
			b.shot("setup-empty")
			// A mistake first: the error shows beside the field and what was typed stays.
			b.run("fill setup with a bad provider id",
				chromedp.SendKeys(chromedp.CSS(`#f-name_en`), "Happy Valley Clinic"),
				chromedp.SendKeys(chromedp.CSS(`#f-name_zh`), "跑馬地診所"),
				chromedp.SendKeys(chromedp.CSS(`#f-phone`), "2576 1234"),
				chromedp.SendKeys(chromedp.CSS(`#f-hcp_id`), "123"),
				chromedp.SendKeys(chromedp.CSS(`#f-full_name`), "Dr Ho Ka Yan"),
				chromedp.SendKeys(chromedp.CSS(`#f-username`), "drho"),
				chromedp.SendKeys(chromedp.CSS(`#f-password`), "morning-clinic"),
				chromedp.SendKeys(chromedp.CSS(`#f-password2`), "morning-clinic"),
				chromedp.SetValue(chromedp.CSS(`#f-language`), d.lang),
				chromedp.Click(chromedp.CSS(`#f-is_doctor`)),
				chromedp.SendKeys(chromedp.CSS(`#f-mcr_no`), "M10234"),
				chromedp.Submit(chromedp.CSS(`#f-name_en`)),
				chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
			)
			kept := b.value(`#f-name_en`)
			if kept != "Happy Valley Clinic" {
				t.Errorf("typed practice name not kept: %q", kept)
			}
			b.wantText(`.error-summary`, "10")
			b.shot("setup-error")
			b.run("correct and finish setup",
				chromedp.SetValue(chromedp.CSS(`#f-hcp_id`), "1234567890"),
				chromedp.SendKeys(chromedp.CSS(`#f-password`), "morning-clinic"),
				chromedp.SendKeys(chromedp.CSS(`#f-password2`), "morning-clinic"),
				chromedp.Submit(chromedp.CSS(`#f-name_en`)),
				chromedp.WaitVisible(chromedp.CSS(`.tiles`)),
			)
			b.wantText(`main h1`, d.home)
			b.wantText(`header`, "跑馬地診所", d.staffNav)
			b.shot("home")

			// The administrator adds a clerk.
			b.run("add a clerk",
				chromedp.Navigate(c.URL+"/admin/users/new"),
				chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
				chromedp.SendKeys(chromedp.CSS(`#f-username`), "mary"),
				chromedp.SendKeys(chromedp.CSS(`#f-full_name`), "Mary Chan"),
				chromedp.SendKeys(chromedp.CSS(`#f-full_name_zh`), "陳美麗"),
				chromedp.Click(chromedp.CSS(`#role-clerk`)),
				chromedp.SendKeys(chromedp.CSS(`#f-password`), "front-desk-1"),
				chromedp.Submit(chromedp.CSS(`#f-username`)),
				chromedp.WaitVisible(chromedp.CSS(`.notice`)),
			)
			b.wantText(`.notice`, d.staffAdded)
			b.wantText(`table.list`, "mary", "陳美麗", d.roleClerk)
			b.shot("staff")

			// Log out; the clerk logs in (after one typo) and sees no administration.
			b.run("log out", chromedp.Click(chromedp.Search(`//button[normalize-space()="`+d.logout+`"]`)),
				chromedp.WaitVisible(chromedp.CSS(`#f-username`)))
			b.run("clerk mistypes",
				chromedp.SendKeys(chromedp.CSS(`#f-username`), "mary"),
				chromedp.SendKeys(chromedp.CSS(`#f-password`), "front-desk-2"),
				chromedp.Submit(chromedp.CSS(`#f-username`)),
				chromedp.WaitVisible(chromedp.CSS(`.error-summary`)))
			page := b.text(`main`)
			if !strings.Contains(page, "Wrong user name or password") && !strings.Contains(page, "用戶名稱或密碼錯誤") {
				t.Errorf("no clear message after a wrong password: %s", page)
			}
			b.run("clerk logs in",
				chromedp.SetValue(chromedp.CSS(`#f-password`), "front-desk-1"),
				chromedp.Submit(chromedp.CSS(`#f-username`)),
				chromedp.WaitVisible(chromedp.CSS(`.tiles`)))
			nav := b.text(`header`)
			if strings.Contains(nav, "Staff") || strings.Contains(nav, "職員") {
				t.Errorf("a clerk sees the staff administration: %s", nav)
			}

			// The clerk registers a patient from an identity card.
			b.run("register a patient",
				chromedp.Navigate(c.URL+"/patients/new"),
				chromedp.WaitVisible(chromedp.CSS(`#f-doc_number`)),
				chromedp.SendKeys(chromedp.CSS(`#f-doc_number`), "y 654321 (3)"),
				chromedp.SendKeys(chromedp.CSS(`#f-surname_en`), "Chan"),
				chromedp.SendKeys(chromedp.CSS(`#f-given_name_en`), "Tai Man"),
				chromedp.SendKeys(chromedp.CSS(`#f-name_zh`), "陳大文"),
				chromedp.Click(chromedp.CSS(`#sex-M`)),
				chromedp.SendKeys(chromedp.CSS(`#f-dob`), "17/05/1980"),
				chromedp.SendKeys(chromedp.CSS(`#f-mobile`), "9123 4567"),
				chromedp.Submit(chromedp.CSS(`#f-doc_number`)),
				chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
			)
			// A wrong check digit is explained with the right spelling; fix it and save.
			b.wantText(`.error-summary`, "Y654321(")
			b.run("fix the HKID and save",
				chromedp.SetValue(chromedp.CSS(`#f-doc_number`), hkidY654321),
				chromedp.Submit(chromedp.CSS(`#f-doc_number`)),
				chromedp.WaitVisible(chromedp.CSS(`.banner-patient`)),
			)
			b.wantText(`.banner-patient`, "CHAN Tai Man", "陳大文")
			b.shot("patient")

			// Later, the patient comes back: found by keyboard alone.
			b.run("find by HKID with the keyboard",
				chromedp.Navigate(c.URL+"/patients"),
				chromedp.WaitVisible(chromedp.CSS(`#q`)),
				chromedp.SendKeys(chromedp.CSS(`#q`), "chan tai"),
				chromedp.WaitVisible(chromedp.CSS(`#results tr.sel`)),
				chromedp.KeyEvent("\r"),
				chromedp.WaitVisible(chromedp.CSS(`.banner-patient`)),
			)
			b.wantText(`.banner-patient`, "陳大文")
		})
	}
}
