package ui

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/store"
)

type backupsPage struct {
	Dir     string
	Backups []store.BackupInfo
	Error   string
}

func (s *Server) backupsList(c echo.Context) error {
	list, err := store.ListBackups(s.cfg.BackupDir)
	data := backupsPage{Dir: s.cfg.BackupDir, Backups: list}
	v := s.view(c, "backups.title", &data)
	if err != nil {
		s.log.Error("list backups", "dir", s.cfg.BackupDir, "err", err)
		data.Error = v.T("backups.unreadable")
	}
	return s.render(c, http.StatusOK, "backups", v)
}

// backupNow is the "back up now" button. The copy is online: everyone keeps working.
func (s *Server) backupNow(c echo.Context) error {
	if s.cfg.BackupNow == nil {
		return echo.NewHTTPError(http.StatusServiceUnavailable)
	}
	if _, err := s.cfg.BackupNow(c.Request().Context(), "manual by "+currentUser(c).Username); err != nil {
		s.log.Error("manual backup failed", "err", err)
		list, _ := store.ListBackups(s.cfg.BackupDir)
		data := backupsPage{Dir: s.cfg.BackupDir, Backups: list}
		v := s.view(c, "backups.title", &data)
		data.Error = v.T("backups.failed")
		return s.render(c, http.StatusInternalServerError, "backups", v)
	}
	return redirectDone(c, "/admin/backups", "backup")
}
