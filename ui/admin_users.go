package ui

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/users"
)

func (s *Server) usersList(c echo.Context) error {
	list, err := users.List(c.Request().Context(), s.db.R)
	if err != nil {
		return err
	}
	return s.render(c, http.StatusOK, "users", s.view(c, "users.title", list))
}

// userForm is the data of the new and edit forms.
type userForm struct {
	User  *users.User // nil for a new account
	Roles []string
}

func (s *Server) userNewForm(c echo.Context) error {
	v := s.view(c, "users.new", userForm{Roles: users.AllRoles})
	v.Form.Set("language", "zh-HK")
	return s.render(c, http.StatusOK, "user_form", v)
}

func (s *Server) userCreate(c echo.Context) error {
	form, _ := c.FormParams()
	n := users.NewUser{
		Username: c.FormValue("username"), FullName: c.FormValue("full_name"), FullNameZH: c.FormValue("full_name_zh"),
		Language: c.FormValue("language"), MCRNo: c.FormValue("mcr_no"), Roles: form["roles"], Password: c.FormValue("password"),
	}
	v := s.view(c, "users.new", userForm{Roles: users.AllRoles})
	if _, err := users.Add(c.Request().Context(), s.db, n, currentUser(c).Actor(c.RealIP())); err != nil {
		return s.formError(c, "user_form", v, err)
	}
	return redirectDone(c, "/admin/users", "saved")
}

func (s *Server) userFromPath(c echo.Context) (users.User, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		return users.User{}, clinic.ErrNotFound
	}
	return users.Get(c.Request().Context(), s.db.R, id)
}

func (s *Server) userEditForm(c echo.Context) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	v := s.view(c, "users.edit", userForm{User: &u, Roles: users.AllRoles})
	v.Form.Set("full_name", u.FullName)
	v.Form.Set("full_name_zh", u.FullNameZH)
	v.Form.Set("language", u.Language)
	v.Form.Set("mcr_no", u.MCRNo)
	v.Form["roles"] = u.Roles
	return s.render(c, http.StatusOK, "user_form", v)
}

func (s *Server) userUpdate(c echo.Context) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	form, _ := c.FormParams()
	up := users.Update{FullName: c.FormValue("full_name"), FullNameZH: c.FormValue("full_name_zh"),
		Language: c.FormValue("language"), MCRNo: c.FormValue("mcr_no"), Roles: form["roles"]}
	v := s.view(c, "users.edit", userForm{User: &u, Roles: users.AllRoles})
	if err := users.Change(c.Request().Context(), s.db, u.ID, up, currentUser(c).Actor(c.RealIP())); err != nil {
		return s.formError(c, "user_form", v, err)
	}
	s.sessions.clear() // the cached sessions may name the old state
	return redirectDone(c, "/admin/users", "saved")
}

func (s *Server) userSetPassword(c echo.Context) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	v := s.view(c, "users.edit", userForm{User: &u, Roles: users.AllRoles})
	v.Form["roles"] = u.Roles
	if err := users.SetPassword(c.Request().Context(), s.db, u.ID, c.FormValue("password"), currentUser(c).Actor(c.RealIP())); err != nil {
		return s.formError(c, "user_form", v, err)
	}
	s.sessions.clear() // the cached sessions may name the old state
	return redirectDone(c, "/admin/users", "password")
}

func (s *Server) userDisable(c echo.Context) error { return s.userSetDisabled(c, true) }
func (s *Server) userEnable(c echo.Context) error  { return s.userSetDisabled(c, false) }

func (s *Server) userSetDisabled(c echo.Context, disabled bool) error {
	u, err := s.userFromPath(c)
	if err != nil {
		return err
	}
	if err := users.SetDisabled(c.Request().Context(), s.db, u.ID, disabled, currentUser(c).Actor(c.RealIP())); err != nil {
		list, lerr := users.List(c.Request().Context(), s.db.R)
		if lerr != nil {
			return lerr
		}
		return s.formError(c, "users", s.view(c, "users.title", list), err)
	}
	s.sessions.clear() // the cached sessions may name the old state
	return redirectDone(c, "/admin/users", "saved")
}
