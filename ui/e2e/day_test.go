package e2e

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/billing"
	"github.com/onramp-hk/onramp/clinic/formulary"
	"github.com/onramp-hk/onramp/clinic/stock"
)

// dayStrings are what the screens must say in each language at each step.
type dayStrings struct {
	lang       string // every member of staff's screen language
	home       string // greeting on the home page
	staffNav   string
	wrongLogin string
	staffAdded string
	roleClerk  string
	logout     string
	saved      string // the patient's eHealth consent saved
	consent    string // the banner's word for it
	checkedIn  string
	vitalsSay  string
	allergies  string // the allergy page's title
	stop       string // the allergy stop naming the drug on file
	signed     string
	dispensed  string
	settled    string
	cash       string
	atCounter  string // the queue's state after the doctor signs
	done       string // the queue's state once the patient has gone home
	sharing    string // the sharing page's title
	accepted   string // the last run's counts
}

var days = []dayStrings{
	{lang: "en", home: "Good day", staffNav: "Staff", wrongLogin: "Wrong user name or password", staffAdded: "Saved.",
		roleClerk: "Clerk", logout: "Log out", saved: "Saved.", consent: "Consent given", checkedIn: "Checked in: ticket 1.", vitalsSay: "Vitals saved.",
		allergies: "Allergies and adverse drug reactions", stop: "ALLERGY on file: Amoxil (ingredient amoxicillin)",
		signed: "Signed", dispensed: "Dispensed", atCounter: "Medicine & payment", done: "Done", settled: "Settled", cash: "Cash", sharing: "eHealth sharing",
		accepted: "5 records accepted, 0 rejected, 0 held back"},
	{lang: "zh-HK", home: "你好", staffNav: "職員", wrongLogin: "用戶名稱或密碼錯誤", staffAdded: "已儲存。",
		roleClerk: "文員", logout: "登出", saved: "已儲存。", consent: "已給予同意", checkedIn: "已登記：籌號 1。", vitalsSay: "生命表徵已儲存。",
		allergies: "過敏及藥物不良反應", stop: "已有過敏紀錄：Amoxil（成分 amoxicillin）",
		signed: "已簽署", dispensed: "已配藥", atCounter: "取藥及付款", done: "已完成", settled: "已結清", cash: "現金", sharing: "醫健通互通",
		accepted: "已接收 5 項、被拒 0 項、暫緩 0 項"},
}

// hkidY654321 is Y654321 with its check digit, worked out by the rule in domain.md.
const hkidY654321 = "Y654321(7)"

// The day's staff: the first administrator is also the doctor; the others are added on the
// staff page, each with the run's screen language.
const (
	dayClerkPassword     = "front-desk-1"
	dayDispenserPassword = "dispensary-1"
	dayDoctorPassword    = "morning-clinic"
)

// TestClinicDay walks one whole clinic day through the real screens, once in English and once
// in Chinese: first-run setup and staff; the clerk registers a patient from an identity card,
// records their eHealth consent and queues them; the doctor takes the next patient, records
// vitals, an allergy and a diagnosis, prescribes the drug the patient is allergic to, meets the
// allergy stop, overrides it with a reason and signs; the dispenser dispenses and prints the
// labels; the clerk takes payment and prints the receipt; the doctor sends to eHealth and the
// bundles hold this visit's encounter, diagnosis and allergy.
func TestClinicDay(t *testing.T) {
	for _, d := range days {
		t.Run(d.lang, func(t *testing.T) {
			c := startDayClinic(t)
			b := newBrowser(t)
			daySetUp(t, b, c, d)
			patientID := dayRegisterAndQueue(t, b, c, d)
			visitID := dayConsult(t, b, c, d, patientID)
			dayDispense(t, b, c, d, patientID, visitID)
			dayPayment(t, b, c, d, patientID, visitID)
			dayShare(t, b, c, d, patientID, visitID)
		})
	}
}

// daySetUp: first run, the staff, and the clinic's standing lists.
func daySetUp(t *testing.T, b *browser, c *dayClinic, d dayStrings) {
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
		chromedp.SendKeys(chromedp.CSS(`#f-password`), dayDoctorPassword),
		chromedp.SendKeys(chromedp.CSS(`#f-password2`), dayDoctorPassword),
		chromedp.SetValue(chromedp.CSS(`#f-language`), d.lang),
		chromedp.Click(chromedp.CSS(`#f-is_doctor`)),
		chromedp.SendKeys(chromedp.CSS(`#f-mcr_no`), "M10234"),
		chromedp.Submit(chromedp.CSS(`#f-name_en`)),
		chromedp.WaitVisible(chromedp.CSS(`.error-summary`)),
	)
	if kept := b.value(`#f-name_en`); kept != "Happy Valley Clinic" {
		t.Errorf("typed practice name not kept: %q", kept)
	}
	b.wantText(`.error-summary`, "10")
	b.shot("setup-error")
	b.run("correct and finish setup",
		chromedp.SetValue(chromedp.CSS(`#f-hcp_id`), "1234567890"),
		chromedp.SendKeys(chromedp.CSS(`#f-password`), dayDoctorPassword),
		chromedp.SendKeys(chromedp.CSS(`#f-password2`), dayDoctorPassword),
		chromedp.Submit(chromedp.CSS(`#f-name_en`)),
		chromedp.WaitVisible(chromedp.CSS(`.tiles`)),
	)
	b.daySpeaks(d)
	b.wantText(`header`, "跑馬地診所", d.staffNav)
	b.shot("home")

	// The administrator adds a clerk and a dispenser, in the run's language.
	for _, u := range []struct{ username, name, nameZH, role, password string }{
		{"mary", "Mary Chan", "陳美麗", "clerk", dayClerkPassword},
		{"kit", "Kit Lau", "劉傑", "dispenser", dayDispenserPassword},
	} {
		b.run("add "+u.username,
			chromedp.Navigate(c.URL+"/admin/users/new"),
			chromedp.WaitVisible(chromedp.CSS(`#f-username`)),
			chromedp.SendKeys(chromedp.CSS(`#f-username`), u.username),
			chromedp.SendKeys(chromedp.CSS(`#f-full_name`), u.name),
			chromedp.SendKeys(chromedp.CSS(`#f-full_name_zh`), u.nameZH),
			chromedp.Click(chromedp.CSS(`#role-`+u.role)),
			chromedp.SetValue(chromedp.CSS(`#f-language`), d.lang),
			chromedp.SendKeys(chromedp.CSS(`#f-password`), u.password),
			chromedp.Submit(chromedp.CSS(`#f-username`)),
			chromedp.WaitVisible(chromedp.CSS(`.notice`)),
		)
		b.wantText(`.notice`, d.staffAdded)
	}
	b.wantText(`table.list`, "mary", "陳美麗", d.roleClerk, "kit", "劉傑")
	b.shot("staff")

	// The clinic's standing lists, as the administrator keeps them on their own screens (each
	// with its own browser test): two brands of amoxicillin, stock of one, the consultation fee.
	ctx := context.Background()
	amoxil, err := formulary.Create(ctx, c.DB, formulary.Input{LocalCode: "AMOX1", Name: "Amoxil", Strength: "250 mg",
		DispensingUnit: "cap", Ingredients: "amoxicillin 250 mg"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	moxypen, err := formulary.Create(ctx, c.DB, formulary.Input{LocalCode: "AMOX2", Name: "Moxypen", Strength: "500 mg",
		DispensingUnit: "cap", Ingredients: "amoxicillin 500 mg", Price: "3"}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := stock.Receive(ctx, c.DB, stock.Receipt{DrugID: moxypen.ID, BatchNo: "M1", Expiry: "2030-01-31", Quantity: 30}, audit.System); err != nil {
		t.Fatal(err)
	}
	if _, err := billing.SetFee(ctx, c.DB, billing.FeeInput{Kind: billing.KindConsultation, Code: "consultation",
		NameEN: "Consultation", NameZH: "診金", Amount: "320"}, audit.System); err != nil {
		t.Fatal(err)
	}
	c.drugs = map[string]int64{"Amoxil": amoxil.ID, "Moxypen": moxypen.ID}
	b.dayLogout(d.logout)
}

// dayRegisterAndQueue: the clerk logs in (after one typo), registers the patient from an identity
// card, finds them again by keyboard, records that they joined eHealth and gave consent, and
// checks them in.
func dayRegisterAndQueue(t *testing.T, b *browser, c *dayClinic, d dayStrings) int64 {
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
		chromedp.SetValue(chromedp.CSS(`#f-password`), dayClerkPassword),
		chromedp.Submit(chromedp.CSS(`#f-username`)),
		chromedp.WaitVisible(chromedp.CSS(`.tiles`)))
	b.daySpeaks(d)
	if nav := b.text(`header`); strings.Contains(nav, "Staff") || strings.Contains(nav, "職員") {
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
	b.run("find by name with the keyboard",
		chromedp.Navigate(c.URL+"/patients"),
		chromedp.WaitVisible(chromedp.CSS(`#q`)),
		chromedp.SendKeys(chromedp.CSS(`#q`), "chan tai"),
		chromedp.WaitVisible(chromedp.CSS(`#results tr.sel`)),
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(chromedp.CSS(`#ehealth`)),
	)
	b.wantText(`.banner-patient`, "陳大文")
	loc := b.dayLocation()
	_, rest, _ := strings.Cut(loc, "/patients/")
	patientID := dayIDFrom(t, "patient", rest)

	// The patient has joined eHealth and signs the sharing consent form at the desk.
	today := time.Now().In(hk()).Format(time.DateOnly)
	b.run("record eHealth consent",
		chromedp.SendKeys(chromedp.CSS(`#f-ehr_no`), "944272043043"),
		chromedp.Click(chromedp.CSS(`#f-joined`)),
		chromedp.SetValue(chromedp.CSS(`#f-consent`), "given"),
		chromedp.SetValue(chromedp.CSS(`#f-consent_date`), today),
		chromedp.SetValue(chromedp.CSS(`#f-consent_method`), "signed_form"),
		chromedp.Submit(chromedp.CSS(`#f-ehr_no`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)),
	)
	b.wantText(`.notice`, d.saved)
	b.wantText(`#ehealth table`, "944272043043", d.consent) // the consent history
	b.wantText(`.banner-patient`, d.consent)
	b.shot("patient-ehealth")

	// The clerk checks the patient in.
	b.run("check in",
		chromedp.Navigate(c.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(`#f-q`)),
		chromedp.SendKeys(chromedp.CSS(`#f-q`), "Y654321"),
		chromedp.Submit(chromedp.CSS(`#f-q`)),
		chromedp.WaitVisible(chromedp.CSS(`.q-candidates button.primary`)),
		chromedp.Click(chromedp.CSS(`.q-candidates button.primary`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	b.wantText(`.notice`, d.checkedIn)
	b.wantText(`#q-list`, "陳大文")
	b.shot("queue")
	b.dayLogout(d.logout)
	return patientID
}

// dayConsult: the doctor takes the next patient, records vitals, an allergy and a diagnosis,
// prescribes, meets the allergy stop, overrides it with a reason, and signs.
func dayConsult(t *testing.T, b *browser, c *dayClinic, d dayStrings, patientID int64) int64 {
	b.dayLogin(c.URL, d, "drho", dayDoctorPassword)
	b.run("next patient from the queue",
		chromedp.Navigate(c.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(`#q-next`)),
		chromedp.Click(chromedp.CSS(`#q-next`)),
		chromedp.WaitVisible(chromedp.CSS(`#note-form`)))
	b.wantText(`.banner-patient`, "陳大文")
	_, rest, _ := strings.Cut(b.dayLocation(), "/visits/")
	visitID := dayIDFrom(t, "visit", rest)
	c.episode = dayEpisodeRe.FindString(b.text(`.v-head`))
	if c.episode == "" {
		t.Errorf("the visit shows no episode number: %q", b.text(`.v-head`))
	}

	b.run("vitals",
		chromedp.SendKeys(chromedp.CSS(`#f-systolic`), "128"),
		chromedp.SendKeys(chromedp.CSS(`#f-diastolic`), "82"),
		chromedp.SendKeys(chromedp.CSS(`#f-pulse`), "88"),
		chromedp.SendKeys(chromedp.CSS(`#f-temperature`), "38.2"),
		chromedp.Click(chromedp.CSS(`#save-vitals`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	b.wantText(`.notice`, d.vitalsSay)
	b.wantText(`#vitals table`, "128/82", "38.2")

	// The patient mentions a rash with Amoxil years ago: the doctor records the allergy from
	// the visit's medicines, which link to the patient's allergies.
	b.run("open the allergies",
		chromedp.Click(chromedp.CSS(`a[href="/visits/`+dayID(visitID)+`/medicines"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-drug_id`)),
		chromedp.Click(chromedp.CSS(`a[href="/patients/`+dayID(patientID)+`/allergies"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#allergy-save`)))
	b.wantText(`main h1`, d.allergies)
	b.run("record the allergy",
		chromedp.SetValue(chromedp.CSS(`#f-drug_id`), dayID(c.drugs["Amoxil"])),
		chromedp.SetValue(chromedp.CSS(`#f-reaction_code`), "21"),
		chromedp.SetValue(chromedp.CSS(`#f-certainty`), "C"),
		chromedp.SendKeys(chromedp.CSS(`#f-remarks`), "rash 2019"),
		chromedp.Click(chromedp.CSS(`#allergy-save`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	b.wantText(`#state`, "Amoxil")
	b.wantText(`table.list`, "Amoxil", "rash 2019")
	b.wantText(`.banner-patient`, "Amoxil")
	b.shot("allergy")

	b.run("back to the visit", chromedp.Navigate(c.URL+"/visits/"+dayID(visitID)), chromedp.WaitVisible(chromedp.CSS(`#f-term`)))
	b.run("diagnosis by typing three letters",
		chromedp.SendKeys(chromedp.CSS(`#f-term`), "pha"),
		chromedp.WaitVisible(chromedp.CSS(`#term-list li`)))
	b.wantText(`#term-list`, "Acute pharyngitis", "急性咽喉炎")
	b.run("choose and add",
		chromedp.Click(chromedp.CSS(`#term-list li`)),
		chromedp.Click(chromedp.CSS(`#add-diagnosis`)),
		chromedp.WaitVisible(chromedp.CSS(`#diagnoses table`)))
	b.wantText(`#diagnoses table`, "Acute pharyngitis", "J02.9")

	// Prescribe the other brand of the same drug: the allergy check stops it, keeps what was
	// typed, and lets the doctor go on only with a reason.
	b.run("prescribe Moxypen",
		chromedp.Click(chromedp.CSS(`a[href="/visits/`+dayID(visitID)+`/medicines"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-drug_id`)),
		chromedp.SetValue(chromedp.CSS(`#f-drug_id`), dayID(c.drugs["Moxypen"])),
		chromedp.SendKeys(chromedp.CSS(`#f-dose`), "1"),
		chromedp.SetValue(chromedp.CSS(`#f-frequency`), "TDS"),
		chromedp.SendKeys(chromedp.CSS(`#f-days`), "5"),
		chromedp.Click(chromedp.CSS(`#prescribe-save`)),
		chromedp.WaitVisible(chromedp.CSS(`#findings`)))
	b.wantText(`#findings`, d.stop)
	b.shot("allergy-stop")
	if got := b.value(`#f-days`); got != "5" {
		t.Errorf("typed days not kept after the stop: %q", got)
	}
	if n := dayCount(t, c, `SELECT COUNT(*) FROM prescription_items`); n != 0 {
		t.Errorf("the stop saved %d items before the override", n)
	}
	b.run("override with a reason",
		chromedp.SendKeys(chromedp.CSS(`#f-override_reason`), "skin test negative, observed 30 min"),
		chromedp.Click(chromedp.CSS(`#prescribe-save`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	b.wantText(`#items`, "Moxypen 500 mg", "15 cap", "skin test negative")
	if n := dayCount(t, c, `SELECT COUNT(*) FROM audit_log WHERE action = 'override' AND detail LIKE '%skin test negative%'`); n != 1 {
		t.Errorf("override audit rows: %d", n)
	}

	b.run("write and sign the note",
		chromedp.Click(chromedp.CSS(`a[href="/visits/`+dayID(visitID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#f-history`)),
		chromedp.SendKeys(chromedp.CSS(`#f-history`), "Sore throat for 3 days."),
		chromedp.SendKeys(chromedp.CSS(`#f-examination`), "Pharynx red."),
		chromedp.SendKeys(chromedp.CSS(`#f-assessment`), "Acute pharyngitis."),
		chromedp.SendKeys(chromedp.CSS(`#f-plan`), "Moxypen 5 days; rest and fluids."),
		chromedp.Click(chromedp.CSS(`#sign-note`)),
		chromedp.WaitVisible(chromedp.CSS(`.v-amend`)))
	b.wantText(`#v-status`, d.signed)
	b.wantText(`#note`, "Sore throat for 3 days.")
	b.shot("signed")
	b.dayLogout(d.logout)
	return visitID
}

// dayDispense: the dispenser hands the medicine over and prints the visit's labels.
func dayDispense(t *testing.T, b *browser, c *dayClinic, d dayStrings, patientID, visitID int64) {
	b.dayLogin(c.URL, d, "kit", dayDispenserPassword)
	// Signing moved the patient on to the counter: medicine to hand over and a bill to pay.
	b.run("the queue shows the patient at the counter",
		chromedp.Navigate(c.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(`#q-list tr.st-row-awaiting_medicine_payment`)))
	b.wantText(`#q-list tr.st-row-awaiting_medicine_payment`, "陳大文", d.atCounter)
	b.dayFromQueueToVisit("medicines", patientID, visitID)
	b.run("the visit's medicines", chromedp.WaitVisible(chromedp.CSS(`#dispense`)))
	b.wantText(`#items`, "Moxypen 500 mg", "15 cap")
	b.wantText(`.banner-patient`, "Amoxil")
	b.run("dispense", chromedp.Click(chromedp.CSS(`#dispense`)), chromedp.WaitVisible(chromedp.CSS(`input[name="return_qty"]`)))
	b.wantText(`#items`, d.dispensed)
	b.shot("dispensed")
	if left, _ := stock.OnHand(context.Background(), c.DB.R, c.drugs["Moxypen"]); left != 15 {
		t.Errorf("stock left %d, want 15", left)
	}
	// The labels, as the print button opens them: the form's own address and choices.
	pdf := b.dayFetchPDF("print the labels", `const f = document.querySelector('form[action$="/labels.pdf"]');
		return fetch(f.action + '?' + new URLSearchParams(new FormData(f)));`)
	dayWantAll(t, "the labels", dayPDFText(t, "labels", pdf), "Happy Valley Clinic", "CHAN Tai Man", "陳大文",
		"Moxypen 500 mg", "15 cap", "Take 1 capsule 3 times a day", "每日三次，每次一粒", "for 5 days", "Dr Ho Ka Yan")
	b.dayLogout(d.logout)
}

// dayPayment: the clerk takes the bill in cash and prints the receipt.
func dayPayment(t *testing.T, b *browser, c *dayClinic, d dayStrings, patientID, visitID int64) {
	b.dayLogin(c.URL, d, "mary", dayClerkPassword)
	b.run("the queue", chromedp.Navigate(c.URL+"/queue"), chromedp.WaitVisible(chromedp.CSS(`#q-list`)))
	b.dayFromQueueToVisit("bill", patientID, visitID)
	b.run("the visit's bill", chromedp.WaitVisible(chromedp.CSS(`#pay-form`)))
	b.wantText(`#bill-lines`, "Consultation", "診金", "320.00", "Moxypen", "45.00")
	b.wantText(`#bill-balance`, "365.00")
	b.shot("bill")
	b.run("pay in cash, with change",
		chromedp.Click(chromedp.CSS(`#m-cash`)),
		chromedp.SendKeys(chromedp.CSS(`#f-tendered`), "400"),
		chromedp.Click(chromedp.CSS(`#pay-submit`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	b.wantText(`#bill-balance`, "0.00")
	b.wantText(`#bill-status`, d.settled)
	b.wantText(`#payments`, d.cash, "35.00")
	b.shot("bill-paid")
	pdf := b.dayFetchPDF("print the receipt", `const f = document.querySelector('#receipt-form');
		return fetch(f.action, {method: 'POST', body: new URLSearchParams(new FormData(f))});`)
	dayWantAll(t, "the receipt", dayPDFText(t, "receipt", pdf), "R000001", "CHAN Tai Man", "陳大文", "Consultation",
		"Moxypen 500 mg 15 x 3.00", "320.00", "45.00", "365.00", "Cash 現金", "change 35.00")
	// The bill is paid and the medicine handed over: the payment itself sent the patient home,
	// with nothing for the clerk to press.
	b.run("the patient has left the queue",
		chromedp.Navigate(c.URL+"/queue"),
		chromedp.WaitVisible(chromedp.CSS(`#q-list tr.st-row-done`)))
	b.wantText(`#q-list tr.st-row-done`, "陳大文", d.done)
	if n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](`document.querySelectorAll("#q-list tr.st-row-awaiting_medicine_payment").length`)); err != nil || n != 0 {
		t.Errorf("still waiting for medicine and payment after paying: %d rows (%v)", n, err)
	}
	b.dayLogout(d.logout)
}

// dayShare: the doctor presses "send now" on the sharing page; the folder transport then
// holds bundles with this visit's encounter, diagnosis, allergy and prescription for this patient.
func dayShare(t *testing.T, b *browser, c *dayClinic, d dayStrings, patientID, visitID int64) {
	b.dayLogin(c.URL, d, "drho", dayDoctorPassword)
	b.run("open eHealth sharing",
		chromedp.Click(chromedp.CSS(`header a[href="/sharing"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/sharing/run"] button`)))
	b.wantText(`main h1`, d.sharing)
	b.run("send now",
		chromedp.Click(chromedp.CSS(`form[action="/sharing/run"] button`)),
		chromedp.WaitVisible(chromedp.CSS(`.notice`)))
	files := dayBundles(t, c.Bundles, "PID", "ENC", "PROB", "AL1", "MED")
	// Every bundle names the patient by identity card; the encounter and its diagnosis carry
	// the visit's episode number, the allergy the drug it was recorded against.
	for _, x := range []struct {
		domain string
		wants  []string
	}{
		{"PID", []string{"OR-PID-patients-" + dayID(patientID), "944272043043", "CHAN, TAI MAN"}},
		{"ENC", []string{"OR-ENC-visits-" + dayID(visitID), c.episode}},
		{"PROB", []string{"Acute pharyngitis", "J02.9", c.episode}},
		{"AL1", []string{"OR-AL1-allergies-", `"code":"AMOX1","display":"Amoxil"`, "rash 2019"}},
		// The prescription, dispensed in full by then (provisional domain).
		{"MED", []string{"OR-MED-prescription_items-", "Moxypen", "completed", c.episode}},
	} {
		dayWantAll(t, "the eHealth "+x.domain+" bundle", dayBundleOf(files, x.domain), append(x.wants, "Y6543217")...)
	}
	// The page then reports the run in the reader's language, with nothing held or rejected.
	// The run goes on in the background: reload until it is recorded.
	for deadline := time.Now().Add(10 * time.Second); ; {
		b.run("the run is reported", chromedp.Navigate(c.URL+"/sharing"), chromedp.WaitVisible(chromedp.CSS(`#sharing-runs`)))
		if strings.Contains(b.text(`main`), d.accepted) || time.Now().After(deadline) {
			break
		}
		b.run("wait for the run", chromedp.Sleep(200*time.Millisecond))
	}
	b.wantText(`main`, d.accepted)
	b.shot("sharing")
}

// dayEpisodeRe is a visit's episode number as the visit page shows it.
var dayEpisodeRe = regexp.MustCompile(`V\d{4}-\d+`)

// dayFromQueueToVisit goes from the patient's row at the counter in the queue to their page,
// their visits, and today's visit's medicines or bill, as the counter does: by links.
func (b *browser) dayFromQueueToVisit(page string, patientID, visitID int64) {
	b.t.Helper()
	b.run("from the queue to the visit's "+page,
		chromedp.Click(chromedp.CSS(`#q-list tr.st-row-awaiting_medicine_payment a[href="/patients/`+dayID(patientID)+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/patients/`+dayID(patientID)+`/visits"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/patients/`+dayID(patientID)+`/visits"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/visits/`+dayID(visitID)+`/`+page+`"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/visits/`+dayID(visitID)+`/`+page+`"]`)))
}

func dayCount(t *testing.T, c *dayClinic, query string) int {
	t.Helper()
	var n int
	if err := c.DB.R.QueryRow(query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func dayID(id int64) string { return strconv.FormatInt(id, 10) }
