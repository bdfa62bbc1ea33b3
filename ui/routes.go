package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/users"
)

// Every route of OnRamp is declared here with the permission it needs beside it, so that a
// reviewer sees at a glance who can reach what, and route_test.go walks the whole table with
// every role and with no session.

// Kind says how a refused request is answered: pages redirect to the login page, machine
// endpoints answer 401 with no body worth rendering.
type Kind int

const (
	Page Kind = iota
	API
)

// Perm is who may use a route.
type Perm struct {
	Name  string
	Roles []string // any one of them suffices; empty with Login means any signed-in user
	Login bool     // a session is needed
	Setup bool     // only before first-run setup is done
}

var (
	public    = Perm{Name: "public"}
	setupOnly = Perm{Name: "setup", Setup: true}
	signedIn  = Perm{Name: "signed-in", Login: true}
)

// pm is the permission of a route open to the listed roles.
func pm(name string, roles ...string) Perm { return Perm{Name: name, Roles: roles, Login: true} }

// The permissions, named for what they let a user do.
var (
	adminOnly      = pm("admin", users.RoleAdmin)
	auditRead      = pm("audit:read", users.RoleAdmin)
	backupsManage  = pm("backups", users.RoleAdmin)
	practiceManage = pm("practice:write", users.RoleAdmin)

	// The patient master index. The practice manager (admin) runs the practice, not its charts:
	// an administrator who also sees patients holds a clinical or clerical role as well.
	patientsRead   = pm("patients:read", users.RoleClerk, users.RoleDoctor, users.RoleNurse, users.RoleDispenser)
	patientsWrite  = pm("patients:write", users.RoleClerk, users.RoleDoctor, users.RoleNurse)
	patientsPrint  = pm("patients:print", users.RoleClerk, users.RoleDoctor, users.RoleNurse, users.RoleDispenser)
	patientsMerge  = pm("patients:merge", users.RoleAdmin, users.RoleClerk)
	patientsImport = pm("patients:import", users.RoleAdmin)
)

// The front desk: the day's queue, the diary and the waiting-room board (queue*.go,
// appointments*.go, board*.go).
var (
	queueRead      = pm("queue:read", users.RoleClerk, users.RoleNurse, users.RoleDoctor, users.RoleDispenser)
	queueWrite     = pm("queue:write", users.RoleClerk, users.RoleNurse, users.RoleDoctor, users.RoleDispenser)
	queueCall      = pm("queue:call", users.RoleDoctor) // "next patient" gives the caller a patient
	diaryRead      = pm("appointments:read", users.RoleClerk, users.RoleNurse, users.RoleDoctor)
	diaryWrite     = pm("appointments:write", users.RoleClerk, users.RoleNurse, users.RoleDoctor)
	diaryExport    = pm("appointments:export", users.RoleClerk)
	frontDeskSetup = pm("frontdesk:settings", users.RoleAdmin)
	// The board is public in the table: a TV has no login. Its handlers answer "not found"
	// unless the address carries the token the administrator made.
	boardByToken = Perm{Name: "board-token"}
)

// The consultation (visit*.go, chart*.go, terms*.go): clerks see that a visit happened, not its
// contents; nurses record vitals, procedures and results; only doctors write the note, diagnose,
// sign and issue certificates.
var (
	visitsOpen       = pm("visits:open", users.RoleDoctor, users.RoleNurse)
	visitsRead       = pm("visits:read", users.RoleDoctor, users.RoleNurse)
	visitsSeen       = pm("visits:seen", users.RoleClerk, users.RoleDoctor, users.RoleNurse, users.RoleDispenser)
	visitsNote       = pm("visits:note", users.RoleDoctor)
	visitsSign       = pm("visits:sign", users.RoleDoctor)
	visitsDiagnose   = pm("visits:diagnose", users.RoleDoctor)
	vitalsWrite      = pm("vitals:write", users.RoleDoctor, users.RoleNurse)
	proceduresWrite  = pm("procedures:write", users.RoleDoctor, users.RoleNurse)
	resultsWrite     = pm("results:write", users.RoleDoctor, users.RoleNurse)
	resultsRead      = pm("results:read", users.RoleDoctor, users.RoleNurse)
	problemsWrite    = pm("problems:write", users.RoleDoctor)
	documentsIssue   = pm("documents:issue", users.RoleDoctor)
	documentsReprint = pm("documents:reprint", users.RoleDoctor, users.RoleNurse)
	termsSearch      = pm("terms:search", users.RoleDoctor, users.RoleNurse)
	termsFavourite   = pm("terms:favourite", users.RoleDoctor)
	termsManage      = pm("terms:manage", users.RoleAdmin)
)

// Billing (billing.go, fees.go, takings.go): the bill of a visit is taken at the counter where
// the medicine is handed over, so clerks, dispensers and doctors take payment; voids and refunds
// need an administrator or a doctor; administrators set the fees; clerks close the day.
var (
	billsRead    = pm("bills:read", users.RoleClerk, users.RoleDispenser, users.RoleDoctor, users.RoleNurse, users.RoleAdmin)
	billsWrite   = pm("bills:write", users.RoleClerk, users.RoleDispenser, users.RoleDoctor)
	billsVoid    = pm("bills:void", users.RoleAdmin, users.RoleDoctor)
	feesRead     = pm("fees:read", users.RoleAdmin, users.RoleClerk, users.RoleDoctor, users.RoleDispenser)
	feesWrite    = pm("fees:write", users.RoleAdmin)
	takingsRead  = pm("takings:read", users.RoleAdmin, users.RoleClerk, users.RoleDoctor)
	takingsClose = pm("takings:close", users.RoleAdmin, users.RoleClerk)
)

// Medication (allergies.go, formulary.go, stock.go, medicines.go, immunisations.go): allergies
// on every clinical role's screen; the formulary and stock for the dispensary; prescribing for
// doctors; dispensing for the dispensary, nurses and doctors.
var (
	allergiesRead = pm("allergies:read", users.RoleDoctor, users.RoleNurse, users.RoleDispenser, users.RoleClerk)
	allergiesEdit = pm("allergies:write", users.RoleDoctor, users.RoleNurse)
	formularyRead = pm("formulary:read", users.RoleDoctor, users.RoleNurse, users.RoleDispenser)
	formularyEdit = pm("formulary:write", users.RoleAdmin, users.RoleDoctor, users.RoleDispenser)
	stockManage   = pm("stock", users.RoleAdmin, users.RoleDoctor, users.RoleDispenser)
	rxRead        = pm("medicines:read", users.RoleDoctor, users.RoleNurse, users.RoleDispenser)
	rxWrite       = pm("medicines:prescribe", users.RoleDoctor)
	rxDispense    = pm("medicines:dispense", users.RoleDoctor, users.RoleNurse, users.RoleDispenser)
	immuRead      = pm("immunisations:read", users.RoleDoctor, users.RoleNurse)
	immuWrite     = pm("immunisations:write", users.RoleDoctor, users.RoleNurse)
)

// The dispensary's settings (medication_settings.go): short stock, label size and calibration.
var medSettings = pm("medication:settings", users.RoleAdmin)

// Reports and the dashboard (dashboard.go, reports.go). Reports count records, and the
// outstanding bills name patients: the front desk, doctors and the practice manager.
var (
	dashboardView = signedIn
	reportsRead   = pm("reports:read", users.RoleAdmin, users.RoleDoctor, users.RoleClerk)
	patientCopy   = pm("patients:copy", users.RoleClerk, users.RoleDoctor, users.RoleNurse)
)

// Route is one entry of the table.
type Route struct {
	Method  string
	Path    string
	Perm    Perm
	Kind    Kind
	Handler echo.HandlerFunc
}

// Routes is the whole table.
func (s *Server) Routes() []Route {
	return []Route{
		// Open to all: health for monitoring, the login page, first-run setup while it is needed.
		{http.MethodGet, "/healthz", public, API, s.healthz},
		{http.MethodGet, "/static/*", public, API, s.static},
		{http.MethodGet, "/setup", setupOnly, Page, s.setupForm},
		{http.MethodPost, "/setup", setupOnly, Page, s.setupSubmit},
		{http.MethodGet, "/login", public, Page, s.loginForm},
		{http.MethodPost, "/login", public, Page, s.loginSubmit},

		// Any signed-in member of staff.
		{http.MethodGet, "/", signedIn, Page, s.home},
		{http.MethodPost, "/logout", signedIn, Page, s.logout},
		{http.MethodPost, "/language", signedIn, Page, s.setLanguage},
		{http.MethodGet, "/account/password", signedIn, Page, s.ownPasswordForm},
		{http.MethodPost, "/account/password", signedIn, Page, s.ownPasswordSubmit},

		// Patients: search, registration, the patient page, labels.
		{http.MethodGet, "/patients", patientsRead, Page, s.patientSearch},
		{http.MethodGet, "/patients/search", patientsRead, API, s.patientSearchAPI},
		{http.MethodGet, "/patients/new", patientsWrite, Page, s.patientNewForm},
		{http.MethodPost, "/patients", patientsWrite, Page, s.patientCreate},
		{http.MethodGet, "/patients/:id", patientsRead, Page, s.patientView},
		{http.MethodGet, "/patients/:id/edit", patientsWrite, Page, s.patientEditForm},
		{http.MethodPost, "/patients/:id", patientsWrite, Page, s.patientUpdate},
		{http.MethodPost, "/patients/:id/ehealth", patientsWrite, Page, s.patientEHealth},
		{http.MethodGet, "/patients/:id/labels.pdf", patientsPrint, Page, s.patientLabels},
		{http.MethodGet, "/patients/import", patientsImport, Page, s.patientsImportForm},
		{http.MethodPost, "/patients/import", patientsImport, Page, s.patientsImportUpload},
		{http.MethodPost, "/patients/import/run", patientsImport, Page, s.patientsImportRun},
		{http.MethodGet, "/patients/import/status", patientsImport, Page, s.patientsImportStatus},
		{http.MethodGet, "/patients/duplicates", patientsMerge, Page, s.duplicatesList},
		{http.MethodPost, "/patients/duplicates/different", patientsMerge, Page, s.notDuplicates},
		{http.MethodPost, "/patients/:id/merge", patientsMerge, Page, s.patientMerge},
		{http.MethodPost, "/patients/merges/:id/undo", patientsMerge, Page, s.patientUnmerge},

		// The front desk: the day's queue, arrivals, the diary, the waiting-room board. The live
		// endpoints stream server-sent events to EventSource and answer JSON to a plain GET.
		{http.MethodGet, "/queue", queueRead, Page, s.queuePage},
		{http.MethodGet, "/queue/list", queueRead, API, s.queueList},
		{http.MethodGet, "/queue/live", queueRead, API, s.liveStream},
		{http.MethodPost, "/queue", queueWrite, Page, s.queueCheckIn},
		{http.MethodPost, "/queue/next", queueCall, Page, s.queueNext},
		{http.MethodPost, "/queue/:id/call", queueCall, Page, s.queueCall},
		{http.MethodPost, "/queue/:id/state", queueWrite, Page, s.queueMove},
		{http.MethodPost, "/queue/:id/order", queueWrite, Page, s.queueReorder},
		{http.MethodPost, "/queue/:id/doctor", queueWrite, Page, s.queueAssign},
		{http.MethodPost, "/queue/:id/urgent", queueWrite, Page, s.queueUrgent},
		{http.MethodPost, "/queue/:id/correct", queueWrite, Page, s.queueCorrect},
		{http.MethodGet, "/appointments", diaryRead, Page, s.diaryPage},
		{http.MethodGet, "/appointments/list", diaryRead, API, s.diaryList},
		{http.MethodGet, "/appointments/new", diaryWrite, Page, s.bookingForm},
		{http.MethodPost, "/appointments", diaryWrite, Page, s.bookingSubmit},
		{http.MethodGet, "/appointments/reminders", diaryRead, Page, s.remindersPage},
		{http.MethodGet, "/appointments/reminders.csv", diaryExport, Page, s.remindersCSV},
		{http.MethodPost, "/appointments/end-day", diaryWrite, Page, s.endDay},
		{http.MethodGet, "/appointments/:id", diaryRead, Page, s.appointmentPage},
		{http.MethodGet, "/appointments/:id/slip.pdf", diaryRead, Page, s.appointmentSlip},
		{http.MethodPost, "/appointments/:id/move", diaryWrite, Page, s.appointmentMove},
		{http.MethodPost, "/appointments/:id/cancel", diaryWrite, Page, s.appointmentCancel},
		{http.MethodPost, "/appointments/:id/no-show", diaryWrite, Page, s.appointmentNoShow},
		{http.MethodPost, "/appointments/:id/arrive", diaryWrite, Page, s.appointmentArrive},
		{http.MethodGet, "/board/:token", boardByToken, Page, s.boardPage},
		{http.MethodGet, "/board/:token/list", boardByToken, API, s.boardList},
		{http.MethodGet, "/board/:token/live", boardByToken, API, s.boardLive},
		{http.MethodGet, "/admin/frontdesk", frontDeskSetup, Page, s.frontDeskSettings},
		{http.MethodPost, "/admin/frontdesk", frontDeskSetup, Page, s.frontDeskSave},
		{http.MethodPost, "/admin/frontdesk/board", frontDeskSetup, Page, s.boardTokenSubmit},
		{http.MethodGet, "/admin/holidays", frontDeskSetup, Page, s.holidaysPage},
		{http.MethodPost, "/admin/holidays", frontDeskSetup, Page, s.holidaySave},
		{http.MethodPost, "/admin/holidays/:day/delete", frontDeskSetup, Page, s.holidayDelete},

		// eHealth sharing (sharing.go): counts, runs, held and rejected records, "send now", a
		// patient's sharing history. Administrators and doctors (sharingView).
		{http.MethodGet, "/sharing", sharingView, Page, s.sharingStatus},
		{http.MethodPost, "/sharing/run", sharingView, Page, s.sharingRunNow},
		{http.MethodPost, "/sharing/records/:key/retry", sharingView, Page, s.sharingRetry},
		{http.MethodGet, "/sharing/patients/:id", sharingView, Page, s.sharingPatient},

		// Billing (billing.go, fees.go, takings.go): the bill builds itself from the visit.
		{http.MethodGet, "/visits/:id/bill", billsRead, Page, s.visitBill},
		{http.MethodGet, "/bills/:id", billsRead, Page, s.billPageGet},
		{http.MethodPost, "/bills/:id/lines", billsWrite, Page, s.billAddLine},
		{http.MethodPost, "/bills/:id/lines/:line", billsWrite, Page, s.billAdjustLine},
		{http.MethodPost, "/bills/:id/discounts", billsWrite, Page, s.billDiscount},
		{http.MethodPost, "/bills/:id/payments", billsWrite, Page, s.billPay},
		{http.MethodPost, "/bills/:id/receipt", billsWrite, Page, s.billReceipt},
		{http.MethodPost, "/bills/:id/correction", billsWrite, Page, s.billCorrection},
		{http.MethodPost, "/bills/:id/refunds", billsVoid, Page, s.billRefund},
		{http.MethodPost, "/bills/:id/void", billsVoid, Page, s.billVoid},
		{http.MethodGet, "/receipts/:id/copy.pdf", billsRead, Page, s.receiptCopy},
		{http.MethodPost, "/receipts/:id/void", billsVoid, Page, s.receiptVoid},
		{http.MethodGet, "/fees", feesRead, Page, s.feesPageGet},
		{http.MethodPost, "/fees", feesWrite, Page, s.feeSave},
		{http.MethodPost, "/fees/:id/retire", feesWrite, Page, s.feeRetire},
		{http.MethodPost, "/fees/discounts", feesWrite, Page, s.discountSave},
		{http.MethodPost, "/fees/discounts/:id/retire", feesWrite, Page, s.discountRetire},
		{http.MethodGet, "/takings", takingsRead, Page, s.takingsPageGet},
		{http.MethodGet, "/takings/day.csv", takingsRead, Page, s.takingsCSV},
		{http.MethodPost, "/takings/close", takingsClose, Page, s.takingsClose},
		{http.MethodPost, "/takings/companies", takingsClose, Page, s.companySettle},
		{http.MethodGet, "/takings/month", takingsRead, Page, s.takingsMonthGet},
		{http.MethodGet, "/takings/month.csv", takingsRead, Page, s.takingsMonthCSV},

		// Medication: allergies, the formulary and stock, the visit's medicines and labels,
		// immunisations.
		{http.MethodGet, "/patients/:id/allergies", allergiesRead, Page, s.allergyList},
		{http.MethodPost, "/patients/:id/allergies", allergiesEdit, Page, s.allergyAdd},
		{http.MethodPost, "/patients/:id/allergies/nkda", allergiesEdit, Page, s.allergyNKDA},
		{http.MethodPost, "/patients/:id/allergies/:aid/inactivate", allergiesEdit, Page, s.allergyInactivate},
		{http.MethodGet, "/formulary", formularyRead, Page, s.formularyList},
		{http.MethodGet, "/formulary.csv", formularyRead, Page, s.formularyCSV},
		{http.MethodPost, "/formulary/import", formularyEdit, Page, s.formularyImport},
		{http.MethodPost, "/formulary/cautions", formularyEdit, Page, s.cautionSave},
		{http.MethodGet, "/formulary/new", formularyEdit, Page, s.drugNewForm},
		{http.MethodPost, "/formulary", formularyEdit, Page, s.drugCreate},
		{http.MethodGet, "/formulary/:id", formularyEdit, Page, s.drugEditForm},
		{http.MethodPost, "/formulary/:id", formularyEdit, Page, s.drugUpdate},
		{http.MethodGet, "/stock", stockManage, Page, s.stockPage},
		{http.MethodPost, "/stock/receive", stockManage, Page, s.stockReceive},
		{http.MethodPost, "/stock/batches/:id", stockManage, Page, s.stockBatchChange},
		{http.MethodGet, "/visits/:id/medicines", rxRead, Page, s.medicinesPage},
		{http.MethodPost, "/visits/:id/medicines", rxWrite, Page, s.medicinesPrescribe},
		{http.MethodPost, "/visits/:id/medicines/repeat", rxWrite, Page, s.medicinesRepeat},
		{http.MethodPost, "/visits/:id/medicines/dispense", rxDispense, Page, s.medicinesDispense},
		{http.MethodPost, "/visits/:id/medicines/items/:item/return", rxDispense, Page, s.medicinesReturn},
		{http.MethodPost, "/visits/:id/medicines/items/:item/cancel", rxWrite, Page, s.medicinesCancel},
		{http.MethodGet, "/visits/:id/labels.pdf", rxRead, Page, s.medicinesLabels},
		{http.MethodGet, "/patients/:id/immunisations", immuRead, Page, s.immunisationList},
		{http.MethodPost, "/patients/:id/immunisations", immuWrite, Page, s.immunisationAdd},
		{http.MethodPost, "/patients/:id/immunisations/:mid/error", immuWrite, Page, s.immunisationError},
		{http.MethodGet, "/patients/:id/immunisations.pdf", immuRead, Page, s.immunisationRecord},
		{http.MethodGet, "/admin/medication", medSettings, Page, s.medSettingsForm},
		{http.MethodPost, "/admin/medication", medSettings, Page, s.medSettingsSave},
		{http.MethodGet, "/admin/medication/test-label.pdf", medSettings, Page, s.medTestLabel},

		// The consultation (visit*.go, chart*.go, terms*.go): the visit and its note, vitals,
		// diagnoses and procedures, results, documents; the chart; the terminology.
		{http.MethodGet, "/visits/new", visitsOpen, Page, s.visitNew},
		{http.MethodPost, "/visits", visitsOpen, Page, s.visitCreate},
		{http.MethodGet, "/visits/:id", visitsRead, Page, s.visitPage},
		{http.MethodPost, "/visits/:id/note", visitsNote, Page, s.visitSaveNote},
		{http.MethodPost, "/visits/:id/template", visitsNote, Page, s.visitTemplate},
		{http.MethodPost, "/visits/:id/favourite", visitsNote, Page, s.visitFavourite},
		{http.MethodPost, "/visits/:id/sign", visitsSign, Page, s.visitSign},
		{http.MethodPost, "/visits/:id/amend", visitsSign, Page, s.visitAmend},
		{http.MethodPost, "/visits/:id/error", visitsSign, Page, s.visitInError},
		{http.MethodPost, "/visits/:id/vitals", vitalsWrite, Page, s.visitVitals},
		{http.MethodPost, "/visits/:id/vitals/error", vitalsWrite, Page, s.visitVitalsError},
		{http.MethodPost, "/visits/:id/diagnoses", visitsDiagnose, Page, s.visitDiagnosis},
		{http.MethodPost, "/visits/:id/procedures", proceduresWrite, Page, s.visitProcedure},
		{http.MethodPost, "/visits/:id/diagnoses/error", visitsDiagnose, Page, s.visitDiagnosisError},
		{http.MethodPost, "/visits/:id/procedures/error", proceduresWrite, Page, s.visitProcedureError},
		{http.MethodPost, "/visits/:id/results/error", resultsWrite, Page, s.visitResultError},
		{http.MethodPost, "/visits/:id/results", resultsWrite, Page, s.visitResultAdd},
		{http.MethodGet, "/results/files/:id", resultsRead, Page, s.resultFile},
		{http.MethodPost, "/visits/:id/documents", documentsIssue, Page, s.visitDocument},
		{http.MethodGet, "/documents/:id/copy.pdf", documentsReprint, Page, s.documentCopy},
		{http.MethodGet, "/patients/:id/chart", visitsRead, Page, s.chartView},
		{http.MethodGet, "/patients/:id/visits", visitsSeen, Page, s.visitList},
		{http.MethodPost, "/patients/:id/problems", problemsWrite, Page, s.problemAdd},
		{http.MethodPost, "/patients/:id/problems/:problem", problemsWrite, Page, s.problemStatus},
		{http.MethodGet, "/terms/search", termsSearch, API, s.termSearch},
		{http.MethodPost, "/terms/:id/favourite", termsFavourite, Page, s.termFavourite},
		{http.MethodGet, "/visits/templates", visitsNote, Page, s.templatesList},
		{http.MethodPost, "/visits/templates", visitsNote, Page, s.templateAdd},
		{http.MethodPost, "/visits/templates/:id/retire", visitsNote, Page, s.templateRetire},
		{http.MethodGet, "/admin/terms", termsManage, Page, s.termsAdmin},
		{http.MethodPost, "/admin/terms/import", termsManage, Page, s.termsImport},

		// Administration.
		{http.MethodGet, "/admin/users", adminOnly, Page, s.usersList},
		{http.MethodGet, "/admin/users/new", adminOnly, Page, s.userNewForm},
		{http.MethodPost, "/admin/users", adminOnly, Page, s.userCreate},
		{http.MethodGet, "/admin/users/:id", adminOnly, Page, s.userEditForm},
		{http.MethodPost, "/admin/users/:id", adminOnly, Page, s.userUpdate},
		{http.MethodPost, "/admin/users/:id/password", adminOnly, Page, s.userSetPassword},
		{http.MethodPost, "/admin/users/:id/disable", adminOnly, Page, s.userDisable},
		{http.MethodPost, "/admin/users/:id/enable", adminOnly, Page, s.userEnable},
		{http.MethodGet, "/admin/practice", practiceManage, Page, s.practiceForm},
		{http.MethodPost, "/admin/practice", practiceManage, Page, s.practiceSubmit},
		{http.MethodGet, "/admin/backups", backupsManage, Page, s.backupsList},
		{http.MethodPost, "/admin/backups", backupsManage, Page, s.backupNow},
		{http.MethodGet, "/admin/audit", auditRead, Page, s.auditSearch},

		// The dashboard and reports (dashboard.go, reports.go); a patient's own copy of the record.
		{http.MethodGet, "/dashboard", dashboardView, Page, s.dashboard},
		{http.MethodGet, "/reports", reportsRead, Page, s.reportsList},
		{http.MethodGet, "/reports/:name", reportsRead, Page, s.reportView},
		{http.MethodGet, "/reports/:name/csv", reportsRead, Page, s.reportCSV},
		{http.MethodGet, "/patients/:id/record", patientCopy, Page, s.patientCopyPrint},
		{http.MethodGet, "/patients/:id/record.json", patientCopy, Page, s.patientCopyJSON},
		{http.MethodGet, "/patients/:id/record.pdf", patientCopy, Page, s.patientCopyPDF},
	}
}

// nav lists the sections in the order of a clinic's day; each feature adds its own.
func nav() []NavItem {
	return []NavItem{
		{Key: "nav.home", Href: "/", Perm: signedIn},
		{Key: "nav.dashboard", Href: "/dashboard", Perm: dashboardView},
		{Key: "nav.reports", Href: "/reports", Perm: reportsRead},
		{Key: "nav.patients", Href: "/patients", Perm: patientsRead},
		{Key: "nav.duplicates", Href: "/patients/duplicates", Perm: patientsMerge},
		{Key: "nav.import", Href: "/patients/import", Perm: patientsImport},
		// The front desk.
		{Key: "nav.queue", Href: "/queue", Perm: queueRead},
		{Key: "nav.appointments", Href: "/appointments", Perm: diaryRead},
		{Key: "nav.formulary", Href: "/formulary", Perm: formularyRead}, // medication (formulary.go)
		{Key: "nav.stock", Href: "/stock", Perm: stockManage},
		{Key: "nav.frontdesk", Href: "/admin/frontdesk", Perm: frontDeskSetup},
		{Key: "nav.medication_settings", Href: "/admin/medication", Perm: medSettings},
		{Key: "nav.takings", Href: "/takings", Perm: takingsRead}, // billing (takings.go)
		{Key: "nav.fees", Href: "/fees", Perm: feesRead},
		{Key: "nav.users", Href: "/admin/users", Perm: adminOnly},
		{Key: "nav.sharing", Href: "/sharing", Perm: sharingView},   // eHealth sharing (sharing.go)
		{Key: "nav.terms", Href: "/admin/terms", Perm: termsManage}, // the consultation (terms.go)
		{Key: "nav.practice", Href: "/admin/practice", Perm: practiceManage},
		{Key: "nav.backups", Href: "/admin/backups", Perm: backupsManage},
		{Key: "nav.audit", Href: "/admin/audit", Perm: auditRead},
	}
}
