package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/ui"
	"github.com/onramp-hk/onramp/ui/print"
)

func serveCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "serve",
		Short: "Serve OnRamp to browsers on this PC or the clinic's network (the default command)",
		Long: `Serve OnRamp. On an empty data folder the first page is the practice's setup.
Stop with Ctrl+C: requests in progress finish, schedules stop and the database closes cleanly.`,
		Args: cobra.NoArgs,
		RunE: runServe,
	}
}

func runServe(cmd *cobra.Command, _ []string) error {
	c, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	log, logFile, err := newLogger(c, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer logFile.Close()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx, c, log, func(url string, firstRun bool) {
		cmd.Printf("OnRamp %s is serving at %s\n", version, url)
		if firstRun && c.OpenBrowser && !isCI() {
			openBrowser(url + "/setup")
		}
	})
}

// serve runs OnRamp until ctx ends. ready is called once it accepts connections.
func serve(ctx context.Context, c *Config, log *slog.Logger, ready func(url string, firstRun bool)) error {
	lock, err := lockData(c)
	if err != nil {
		return err
	}
	defer lock.Unlock()

	db, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	views := audit.NewBatcher(db, log)
	// Closing order matters: views flush into the database, then the database closes.
	defer func() {
		views.Close()
		if err := db.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()

	tlsConf, err := tlsConfig(c, log)
	if err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(c.Listen)
	onLAN := !isLoopback(host)

	var backupMu sync.Mutex // one backup at a time, scheduled or from the button
	backupNow := func(ctx context.Context, reason string) (store.BackupInfo, error) {
		backupMu.Lock()
		defer backupMu.Unlock()
		info, err := db.Backup(ctx, backupOptions(c, reason))
		if err != nil {
			return info, err
		}
		log.Info("backup taken", "file", info.Path, "bytes", info.Size, "reason", reason)
		views.Record(audit.System.Entry(audit.ActionBackup, "backup", info.Name, 0, reason))
		return info, nil
	}

	srv, err := ui.New(ui.Config{
		Version: version, IdleTimeout: c.IdleTimeout, SecureCookies: tlsConf != nil,
		LANWithoutTLS: onLAN && tlsConf == nil, MaxUploadMB: c.Uploads.MaxMB, BackupDir: c.Backup.Dir,
		TimeZone: c.location(), BackupNow: backupNow, PatientPrefix: c.Patients.NumberPrefix,
		Fonts: print.LoadFonts(c.Print.Font, log),
	}, db, views, log)
	if err != nil {
		return err
	}

	// Schedules run in the clinic's time zone.
	sched := cron.New(cron.WithLocation(c.location()), cron.WithChain(cron.Recover(cronLogger{log})))
	if c.Backup.Schedule != "" {
		if _, err := sched.AddFunc(c.Backup.Schedule, func() {
			if _, err := backupNow(context.Background(), "scheduled"); err != nil {
				log.Error("scheduled backup failed", "err", err)
			}
		}); err != nil {
			return fmt.Errorf("backup.schedule %q: %w", c.Backup.Schedule, err)
		}
	}
	if _, err := sched.AddFunc("@every 10m", func() { _ = users.PruneSessions(context.Background(), db, c.IdleTimeout) }); err != nil {
		return err
	}
	// The front desk's day ends late in the evening: bookings nobody came for become no-shows and
	// unseen tickets close. At start the days the server was off are caught up on (through
	// yesterday, so that a restart during clinic hours leaves today's queue alone).
	endDay := func(through string) {
		if res, err := srv.EndFrontDeskDay(context.Background(), through); err != nil {
			log.Error("ending the front-desk day failed", "through", through, "err", err)
		} else if res.NoShows+res.LeftQueue > 0 {
			log.Info("front-desk day ended", "through", through, "no_shows", res.NoShows, "left_queue", res.LeftQueue)
		}
	}
	go endDay(time.Now().In(c.location()).AddDate(0, 0, -1).Format(time.DateOnly))
	if _, err := sched.AddFunc("45 23 * * *", func() { endDay("") }); err != nil {
		return err
	}
	// eHealth sharing (share.go): uploads on share.schedule and the sharing page's "send now". A
	// run in progress at shutdown is cut short (ctx) and waited for before the database closes;
	// what it had in flight is sent again on the next start.
	shareSvc, err := startSharing(ctx, c, db, log, sched, srv)
	if err != nil {
		return err
	}
	defer shareSvc.Wait()
	sched.Start()
	defer func() { <-sched.Stop().Done() }() // let a running backup finish

	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another program using this port? set --listen)", c.Listen, err)
	}
	hs := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // large uploads over a slow LAN
		WriteTimeout:      5 * time.Minute, // long exports stream
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		TLSConfig:         tlsConf,
	}
	scheme := "http"
	if tlsConf != nil {
		scheme = "https"
		ln = tls.NewListener(ln, tlsConf)
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()

	setUp, _ := practice.IsSetUp(ctx, db.R)
	log.Info("serving", "url", displayURL(scheme, ln.Addr().String()), "data", c.Data, "version", version, "tls", tlsConf != nil)
	if onLAN && tlsConf == nil {
		log.Warn("serving the clinic network without TLS: patient data crosses it unencrypted; set tls.cert/tls.key or tls.self_signed")
	}
	if ready != nil {
		ready(displayURL(scheme, ln.Addr().String()), !setUp)
	}

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
		log.Info("shutting down: finishing requests")
	}
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil {
		log.Error("shutdown", "err", err)
	}
	return nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// displayURL is the address to type in a browser: a wildcard listen address becomes localhost.
func displayURL(scheme, addr string) string {
	host, port, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

type cronLogger struct{ log *slog.Logger }

func (l cronLogger) Info(msg string, kv ...any) { l.log.Debug("cron: "+msg, kv...) }
func (l cronLogger) Error(err error, msg string, kv ...any) {
	l.log.Error("cron: "+msg, append(kv, "err", err)...)
}
