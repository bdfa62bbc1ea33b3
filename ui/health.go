package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// healthz tells a monitor (or a worried manager) that OnRamp runs and its database answers. It
// needs no login and so shows no patient data: only the version and the database's state.
func (s *Server) healthz(c echo.Context) error {
	ctx := c.Request().Context()
	out := map[string]any{"status": "ok", "version": s.cfg.Version, "database": "ok"}
	v, err := s.db.SchemaVersion(ctx)
	if err == nil {
		err = s.db.R.PingContext(ctx)
	}
	out["schema_version"] = v
	out["set_up"] = s.isSetUp(ctx)
	status := http.StatusOK
	if err != nil {
		s.log.Error("health check", "err", err)
		out["status"], out["database"] = "error", "unavailable"
		status = http.StatusServiceUnavailable
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(status, out)
}
