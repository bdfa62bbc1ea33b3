// Package ui is OnRamp's web interface: the echo router with every route and the permission it
// needs in one table (routes.go), server-rendered pages from embedded templates, embedded static
// files, and the translations. Handlers parse forms, call into clinic, and map clinic's errors
// to a status and a message in the user's language.
package ui

import (
	"context"
	"log/slog"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/ui/i18n"
	"github.com/onramp-hk/onramp/ui/print"
)

// Config is what the web interface needs from the settings.
type Config struct {
	Version       string
	IdleTimeout   time.Duration // a session ends after this long without a request
	SecureCookies bool          // set when serving over TLS
	LANWithoutTLS bool          // listening beyond this PC without TLS: admins are warned
	MaxFormBytes  int64         // largest ordinary form
	MaxUploadMB   int64         // largest uploaded file (reports, CSV)
	BackupDir     string
	TimeZone      *time.Location
	PatientPrefix string       // prefix of new patient numbers ("P")
	Fonts         *print.Fonts // Chinese font for printed matter; nil prints English only
	// BackupNow takes a backup (the admin page's button); wired by the command that serves.
	BackupNow func(ctx context.Context, reason string) (store.BackupInfo, error)
}

// Server is the web interface of one practice.
type Server struct {
	cfg      Config
	db       *store.DB
	views    *audit.Batcher
	log      *slog.Logger
	cat      *i18n.Catalog
	pages    *pages
	echo     *echo.Echo
	setUp    atomic.Bool  // first-run setup done; once true it stays true
	front    frontDesk    // the queue, the diary and their live updates (live.go)
	sessions sessionCache // who a session cookie is, for a moment (session_cache.go)
}

// New builds the server and its routes.
func New(cfg Config, db *store.DB, views *audit.Batcher, log *slog.Logger) (*Server, error) {
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 30 * time.Minute
	}
	if cfg.MaxFormBytes == 0 {
		cfg.MaxFormBytes = 2 << 20
	}
	if cfg.MaxUploadMB == 0 {
		cfg.MaxUploadMB = 20
	}
	if cfg.PatientPrefix == "" {
		cfg.PatientPrefix = "P"
	}
	if cfg.Fonts == nil {
		cfg.Fonts = print.LoadFonts("", log)
	}
	if cfg.TimeZone == nil {
		cfg.TimeZone = hongKong()
	}
	cat, err := i18n.Load()
	if err != nil {
		return nil, err
	}
	pg, err := loadPages()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, db: db, views: views, log: log, cat: cat, pages: pg}
	s.echo = s.router()
	return s, nil
}

// Handler is the http.Handler to serve.
func (s *Server) Handler() http.Handler { return s.echo }

// isSetUp is checked on every request until setup is done, then cached.
func (s *Server) isSetUp(ctx context.Context) bool {
	if s.setUp.Load() {
		return true
	}
	ok, err := practice.IsSetUp(ctx, s.db.R)
	if err == nil && ok {
		s.setUp.Store(true)
	}
	return ok
}

func hongKong() *time.Location {
	loc, err := time.LoadLocation("Asia/Hong_Kong")
	if err != nil {
		// Hong Kong has kept UTC+8 without daylight saving since 1979.
		return time.FixedZone("HKT", 8*3600)
	}
	return loc
}
