package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// home is each role's starting page: the sections the user may open, in the order of the day.
func (s *Server) home(c echo.Context) error {
	return s.render(c, http.StatusOK, "home", s.view(c, "home.title", nil))
}
