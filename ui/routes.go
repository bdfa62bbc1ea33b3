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
		{Key: "nav.users", Href: "/admin/users", Perm: adminOnly},
		{Key: "nav.practice", Href: "/admin/practice", Perm: practiceManage},
		{Key: "nav.backups", Href: "/admin/backups", Perm: backupsManage},
		{Key: "nav.audit", Href: "/admin/audit", Perm: auditRead},
	}
}
