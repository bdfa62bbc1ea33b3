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
	}
}

// nav lists the sections in the order of a clinic's day; each feature adds its own.
func nav() []NavItem {
	return []NavItem{
		{Key: "nav.home", Href: "/", Perm: signedIn},
		{Key: "nav.patients", Href: "/patients", Perm: patientsRead},
		{Key: "nav.duplicates", Href: "/patients/duplicates", Perm: patientsMerge},
		{Key: "nav.import", Href: "/patients/import", Perm: patientsImport},
		// The front desk.
		{Key: "nav.queue", Href: "/queue", Perm: queueRead},
		{Key: "nav.appointments", Href: "/appointments", Perm: diaryRead},
		{Key: "nav.frontdesk", Href: "/admin/frontdesk", Perm: frontDeskSetup},
		{Key: "nav.users", Href: "/admin/users", Perm: adminOnly},
		{Key: "nav.sharing", Href: "/sharing", Perm: sharingView}, // eHealth sharing (sharing.go)
		{Key: "nav.practice", Href: "/admin/practice", Perm: practiceManage},
		{Key: "nav.backups", Href: "/admin/backups", Perm: backupsManage},
		{Key: "nav.audit", Href: "/admin/audit", Perm: auditRead},
	}
}
