package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/robfig/cron/v3"
	"github.com/spf13/cobra"

	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing"
	"github.com/onramp-hk/onramp/ui"
)

// ShareConfig is the eHealth sharing settings (share.* in the config file).
type ShareConfig struct {
	Schedule          string        `mapstructure:"schedule"`
	Endpoint          string        `mapstructure:"endpoint"`
	ClientCert        string        `mapstructure:"client_cert"`
	ClientKey         string        `mapstructure:"client_key"`
	CAFile            string        `mapstructure:"ca_file"`
	OAuthTokenURL     string        `mapstructure:"oauth_token_url"`
	OAuthClientID     string        `mapstructure:"oauth_client_id"`
	OAuthClientSecret string        `mapstructure:"oauth_client_secret"`
	Folder            string        `mapstructure:"folder"`
	RequireConsent    bool          `mapstructure:"require_consent"`
	BundleMaxPatients int           `mapstructure:"bundle_max_patients"`
	Timeout           time.Duration `mapstructure:"timeout"`
}

func (s *ShareConfig) finish(data string) error {
	if s.Folder == "" {
		s.Folder = filepath.Join(data, "outbox-bundles")
	}
	if s.Schedule != "" {
		if _, err := cron.ParseStandard(s.Schedule); err != nil {
			return fmt.Errorf("share.schedule %q: %w", s.Schedule, err)
		}
	}
	if s.BundleMaxPatients < 1 || s.BundleMaxPatients > 1000 {
		return fmt.Errorf("share.bundle_max_patients %d: use 1 to 1000", s.BundleMaxPatients)
	}
	if s.Timeout < time.Second {
		return fmt.Errorf("share.timeout %s is too short (at least 1s)", s.Timeout)
	}
	if (s.ClientCert == "") != (s.ClientKey == "") {
		return errors.New("share.client_cert and share.client_key go together: set both or neither")
	}
	if s.Endpoint != "" {
		u, err := url.Parse(s.Endpoint)
		if err != nil || u.Host == "" {
			return fmt.Errorf("share.endpoint %q is not a URL", s.Endpoint)
		}
		// Patient records cross the internet only encrypted; plain http is for a connector on
		// this PC.
		if u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(hostOnly(u.Host))) {
			return fmt.Errorf("share.endpoint %q must be https:// (http:// only to this PC)", s.Endpoint)
		}
	}
	return nil
}

func hostOnly(hostport string) string {
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		return h
	}
	return hostport
}

// shareEngine builds the adapter from the settings: HTTPS to share.endpoint, or files in
// share.folder while no endpoint is set.
func shareEngine(c *Config, db *store.DB, log *slog.Logger) (*sharing.Engine, error) {
	s := c.Share
	var tr sharing.Transport
	if s.Endpoint != "" {
		h, err := sharing.NewHTTPTransport(sharing.HTTPConfig{
			URL: s.Endpoint, CertFile: s.ClientCert, KeyFile: s.ClientKey, CAFile: s.CAFile,
			TokenURL: s.OAuthTokenURL, ClientID: s.OAuthClientID, ClientSecret: s.OAuthClientSecret, Timeout: s.Timeout,
		})
		if err != nil {
			return nil, err
		}
		tr = h
	} else {
		tr = sharing.FolderTransport{Dir: s.Folder}
	}
	return sharing.New(db, sharing.Options{
		RequireConsent: s.RequireConsent, MaxPatients: s.BundleMaxPatients, Transport: tr, Log: log,
	}), nil
}

// startSharing is serve's part of sharing: the upload schedule on the server's cron and the
// sharing page's "send now". Wait on the result before the database closes.
func startSharing(ctx context.Context, c *Config, db *store.DB, log *slog.Logger, sched *cron.Cron, srv *ui.Server) (*sharing.Service, error) {
	engine, err := shareEngine(c, db, log)
	if err != nil {
		return nil, err
	}
	svc, err := sharing.NewService(ctx, engine, c.Share.Schedule, log)
	if err != nil {
		return nil, err
	}
	if c.Share.Schedule != "" {
		if _, err := sched.AddFunc(c.Share.Schedule, svc.Scheduled); err != nil {
			return nil, fmt.Errorf("share.schedule %q: %w", c.Share.Schedule, err)
		}
	}
	srv.AttachSharing(svc)
	log.Info("eHealth sharing", "to", engine.Transport().Describe(), "schedule", c.Share.Schedule,
		"require_consent", c.Share.RequireConsent)
	return svc, nil
}

func shareCommand() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "share",
		Short: "eHealth sharing: upload now, show the state of sharing, export what would be sent",
		Long: `Upload the clinic's sharable records to eHealth (the server does this on share.schedule
by itself), show what is pending, held or rejected, or write the bundles that would be sent
now to a folder without sending anything.`,
	}
	cmd.AddCommand(shareRunCommand(), shareStatusCommand(), shareExportCommand())
	return cmd
}

func shareRunCommand() *cobra.Command {
	var once bool
	cmd := &cobra.Command{
		Use:   "run [--once]",
		Short: "Upload what is due (--once: one run, then exit; otherwise on share.schedule until stopped)",
		Long: `Take the outbox over and upload what is due to eHealth (or share.folder). With --once,
run once and exit; without it, run on share.schedule until Ctrl+C. It refuses while the server
runs (the server uploads on its own schedule; use the sharing page's "send now").`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(ctx context.Context, c *Config, db *store.DB) error {
				log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
				engine, err := shareEngine(c, db, log)
				if err != nil {
					return err
				}
				runOnce := func(ctx context.Context) error {
					rep, err := engine.Run(ctx, sharing.TriggerCommand)
					cmd.Printf("%s  %s\n", time.Now().Format("2006-01-02 15:04:05"), rep)
					return err
				}
				if once {
					return runOnce(ctx)
				}
				if c.Share.Schedule == "" {
					return errors.New("share.schedule is empty: use --once")
				}
				sch, _ := cron.ParseStandard(c.Share.Schedule)
				ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
				defer stop()
				for {
					next := sch.Next(time.Now())
					cmd.Printf("next run at %s (Ctrl+C stops)\n", next.In(c.location()).Format("2006-01-02 15:04"))
					select {
					case <-ctx.Done():
						return nil
					case <-time.After(time.Until(next)):
					}
					if err := runOnce(ctx); err != nil && !errors.Is(err, context.Canceled) {
						cmd.PrintErrln("run failed:", err)
					}
				}
			})
		},
	}
	cmd.Flags().BoolVar(&once, "once", false, "run once and exit")
	return cmd
}

func shareStatusCommand() *cobra.Command {
	var limit int
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show pending, sent, held and rejected records by domain, the last and next run, and what is held",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := context.Background()
			db, err := openStore(ctx, c, slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn})))
			if err != nil {
				return err
			}
			defer db.Close()
			st, err := sharing.ReadStatus(ctx, db, limit)
			if err != nil {
				return err
			}
			printShareStatus(cmd.OutOrStdout(), c, st)
			return nil
		},
	}
	cmd.Flags().IntVar(&limit, "limit", 50, "most held or rejected records to list")
	return cmd
}

func printShareStatus(out io.Writer, c *Config, st sharing.Status) {
	loc := c.location()
	when := func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.In(loc).Format("2006-01-02 15:04:05")
	}
	dest := "folder " + c.Share.Folder
	if c.Share.Endpoint != "" {
		dest = c.Share.Endpoint
	}
	fmt.Fprintf(out, "Uploads go to: %s\n", dest)
	if st.LastRun != nil {
		r := st.LastRun
		fmt.Fprintf(out, "Last run:      %s (%s): %d records accepted, %d rejected, %d held, %d retries", when(r.Started), r.Trigger,
			r.Accepted, r.Rejected, r.Held, r.Retries)
		if r.Error != "" {
			fmt.Fprintf(out, "; error: %s", r.Error)
		}
		fmt.Fprintln(out)
	} else {
		fmt.Fprintln(out, "Last run:      never")
	}
	if sch, err := cron.ParseStandard(c.Share.Schedule); err == nil && c.Share.Schedule != "" {
		fmt.Fprintf(out, "Next run:      %s (%s)\n", when(sch.Next(time.Now())), c.Share.Schedule)
	} else {
		fmt.Fprintln(out, "Next run:      no schedule (share.schedule is empty)")
	}
	fmt.Fprintf(out, "Outbox:        %d changes not yet taken over\n\n", st.Outbox)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DOMAIN\tPENDING\tIN FLIGHT\tSENT\tHELD\tREJECTED\tWAITING")
	for _, d := range append(st.Domains, st.Total) {
		name := string(d.Domain)
		if name == "" {
			name = "total"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", name, d.Pending, d.InFlight, d.Sent, d.Held, d.Rejected, d.Waiting)
	}
	tw.Flush()
	if len(st.InFlight) > 0 {
		fmt.Fprintf(out, "\nIn flight (%d bundles):\n", len(st.InFlight))
		for _, b := range st.InFlight {
			fmt.Fprintf(out, "  %s %s %s: %d records, %d attempts, next %s; %s\n", b.ID, b.Domain, b.Mode, b.Records, b.Attempts,
				when(b.NextAttempt), b.LastError)
		}
	}
	if len(st.Problems) > 0 {
		fmt.Fprintf(out, "\nHeld or rejected:\n")
		for _, p := range st.Problems {
			fmt.Fprintf(out, "  %s  %s  %s %s  %s\n      %s\n      fix: %s\n", p.State, p.Key, p.PatientNumber, p.PatientName,
				when(p.Since), strings.TrimSpace(p.ReasonEN), p.FixURL)
		}
	}
}

func shareExportCommand() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export --out DIR",
		Short: "Write the bundles that would be sent now, one JSON file each; sends nothing, changes nothing",
		Long: `Write to DIR every bundle a run would send now (bundles left in flight first), one JSON file
each, for checking or for a validator. Nothing is sent and the database is left as it was
(the run happens in a transaction that is rolled back; it holds the database's write lock for
the few seconds it takes).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if out == "" {
				return errors.New("--out DIR is required")
			}
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			ctx := context.Background()
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
			db, err := openStore(ctx, c, log)
			if err != nil {
				return err
			}
			defer db.Close()
			engine, err := shareEngine(c, db, log)
			if err != nil {
				return err
			}
			rep, err := engine.Export(ctx, out)
			if err != nil {
				return err
			}
			cmd.Printf("Wrote %d bundles (%d records; %d held back by the checks) to %s\n", len(rep.Files), rep.Accepted, rep.Held, out)
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "folder to write the bundles to")
	return cmd
}
