package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
	"github.com/onramp-hk/onramp/ui/i18n"
)

// withStore runs fn with the database open (and migrated) while holding the data folder's
// lock, so that these tools never run beside a server that could be writing.
func withStore(cmd *cobra.Command, fn func(ctx context.Context, c *Config, db *store.DB) error) error {
	c, err := loadConfig(cmd)
	if err != nil {
		return err
	}
	lock, err := lockData(c)
	if err != nil {
		return err
	}
	defer lock.Unlock()
	log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	db, err := openStore(ctx, c, log)
	if err != nil {
		return err
	}
	defer db.Close()
	return fn(ctx, c, db)
}

// cliActor is who a command-line change is audited as: the operating-system user at the PC.
func cliActor() audit.Actor {
	name := os.Getenv("USER")
	if name == "" {
		name = os.Getenv("USERNAME")
	}
	return audit.Actor{Username: "cli:" + name, RemoteAddr: "local"}
}

func migrateCommand() *cobra.Command {
	var apply bool
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Show the database schema version and pending changes; --apply applies them",
		Long: `Show which schema changes this OnRamp would apply to the database. With --apply,
take a backup and apply them (the server also does this by itself when it starts).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			lock, err := lockData(c)
			if err != nil {
				return err
			}
			defer lock.Unlock()
			ctx := context.Background()
			if !apply {
				db, err := store.Open(c.dbPath(), store.Options{})
				if err != nil {
					return err
				}
				defer db.Close()
				v, _ := db.SchemaVersion(ctx)
				cmd.Printf("Database %s is at schema %d; this OnRamp knows %d.\n", c.dbPath(), v, knownSchema())
				pending, err := db.Pending(ctx)
				if err != nil {
					return err
				}
				for _, m := range pending {
					cmd.Printf("  pending: %04d %s\n", m.Version, m.Name)
				}
				if len(pending) > 0 {
					cmd.Println("Run 'onramp migrate --apply' (a backup is taken first).")
				}
				return nil
			}
			log := slog.New(slog.NewTextHandler(cmd.ErrOrStderr(), nil))
			db, err := openStore(ctx, c, log)
			if err != nil {
				return err
			}
			defer db.Close()
			cmd.Printf("Database is at schema %d.\n", knownSchema())
			return nil
		},
	}
	cmd.Flags().BoolVar(&apply, "apply", false, "apply pending changes (after a backup)")
	return cmd
}

func backupCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "backup",
		Short: "Take a verified backup now (stop the server first, or use the admin page while it runs)",
		Long: `Copy the database and attachments into one zip file in the backup folder, check the
copy with SQLite's integrity check, and delete the oldest beyond backup.keep.
While the server runs, use Admin > Backups > "Back up now" instead.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(ctx context.Context, c *Config, db *store.DB) error {
				info, err := db.Backup(ctx, backupOptions(c, "command line"))
				if err != nil {
					return err
				}
				cmd.Printf("Backup written and verified: %s (%.1f MB)\n", info.Path, float64(info.Size)/(1<<20))
				return nil
			})
		},
	}
}

func restoreCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "restore FILE",
		Short: "Replace the practice's data with a backup (the server must be stopped)",
		Long: `Check the backup FILE in full, then put its database and attachments in place of the
current ones. The data it replaces is kept beside it (*.replaced-TIME), so nothing is lost.
Refuses while OnRamp is running on the same data folder.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			lock, err := lockData(c)
			if err != nil {
				return err
			}
			defer lock.Unlock()
			info, err := store.Restore(context.Background(), args[0], c.Data, c.filesDir(), knownSchema())
			if err != nil {
				return fmt.Errorf("restore refused, nothing changed: %w", err)
			}
			cmd.Printf("Restored the backup taken %s (schema %d, %d files).\n", info.TakenAt.In(c.location()).Format("2006-01-02 15:04"), info.SchemaVersion, info.Files)
			// Record the restore in the restored database's own trail.
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			db, err := openStore(context.Background(), c, log)
			if err != nil {
				return err
			}
			defer db.Close()
			return db.Write(context.Background(), func(tx *sql.Tx) error {
				return audit.Append(context.Background(), tx, cliActor().Entry(audit.ActionRestore, "backup", args[0], 0, ""))
			})
		},
	}
}

func auditCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "audit", Short: "Check the audit log"}
	cmd.AddCommand(&cobra.Command{
		Use:   "verify",
		Short: "Check that no audit row was edited or removed (the hash chain is whole)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(ctx context.Context, _ *Config, db *store.DB) error {
				n, err := audit.Verify(ctx, db.R)
				if err != nil {
					return err
				}
				cmd.Printf("Audit log intact: %d rows checked.\n", n)
				return nil
			})
		},
	})
	return cmd
}

func userCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "user", Short: "Add, list and manage staff accounts (also on the admin pages)"}
	var add users.NewUser
	var roles string
	addCmd := &cobra.Command{
		Use:   "add USERNAME",
		Short: "Add a staff account; the password is asked for (or read from ONRAMP_PASSWORD)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			add.Username = args[0]
			add.Roles = splitList(roles)
			pw, err := readPassword(cmd)
			if err != nil {
				return err
			}
			add.Password = pw
			return withStore(cmd, func(ctx context.Context, _ *Config, db *store.DB) error {
				id, err := users.Add(ctx, db, add, cliActor())
				if err != nil {
					return explain(err)
				}
				cmd.Printf("Added %s (id %d) with roles %s.\n", add.Username, id, strings.Join(add.Roles, ", "))
				return nil
			})
		},
	}
	addCmd.Flags().StringVar(&add.FullName, "name", "", "full name in English (required)")
	addCmd.Flags().StringVar(&add.FullNameZH, "name-zh", "", "full name in Chinese")
	addCmd.Flags().StringVar(&roles, "roles", "", "comma-separated: admin, doctor, nurse, dispenser, clerk")
	addCmd.Flags().StringVar(&add.MCRNo, "mcr", "", "Medical Council registration number (doctors)")
	addCmd.Flags().StringVar(&add.Language, "lang", "en", "screen language: en or zh-HK")

	passwd := &cobra.Command{
		Use:   "passwd USERNAME",
		Short: "Set a new password (also unlocks a locked account)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			pw, err := readPassword(cmd)
			if err != nil {
				return err
			}
			return withStore(cmd, func(ctx context.Context, _ *Config, db *store.DB) error {
				u, err := users.GetByUsername(ctx, db.R, args[0])
				if err != nil {
					return explain(err)
				}
				if err := users.SetPassword(ctx, db, u.ID, pw, cliActor()); err != nil {
					return explain(err)
				}
				cmd.Printf("Password set for %s.\n", u.Username)
				return nil
			})
		},
	}
	var enable bool
	disable := &cobra.Command{
		Use:   "disable USERNAME",
		Short: "Disable an account and end its sessions (--enable turns it back on)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return withStore(cmd, func(ctx context.Context, _ *Config, db *store.DB) error {
				u, err := users.GetByUsername(ctx, db.R, args[0])
				if err != nil {
					return explain(err)
				}
				if err := users.SetDisabled(ctx, db, u.ID, !enable, cliActor()); err != nil {
					return explain(err)
				}
				state := "disabled"
				if enable {
					state = "enabled"
				}
				cmd.Printf("%s is %s.\n", u.Username, state)
				return nil
			})
		},
	}
	disable.Flags().BoolVar(&enable, "enable", false, "enable the account instead")
	list := &cobra.Command{
		Use:   "list",
		Short: "List staff accounts",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withStore(cmd, func(ctx context.Context, _ *Config, db *store.DB) error {
				all, err := users.List(ctx, db.R)
				if err != nil {
					return err
				}
				w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
				fmt.Fprintln(w, "USERNAME\tNAME\tROLES\tMCR\tSTATE")
				for _, u := range all {
					state := "active"
					if u.Disabled {
						state = "disabled"
					}
					fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.FullName, strings.Join(u.Roles, ","), u.MCRNo, state)
				}
				return w.Flush()
			})
		},
	}
	cmd.AddCommand(addCmd, passwd, disable, list)
	return cmd
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(strings.ToLower(p)); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// readPassword asks twice at a terminal, or takes ONRAMP_PASSWORD for scripts.
func readPassword(cmd *cobra.Command) (string, error) {
	if pw := os.Getenv("ONRAMP_PASSWORD"); pw != "" {
		return pw, nil
	}
	fd := int(os.Stdin.Fd())
	if !term.IsTerminal(fd) {
		return "", errors.New("no terminal to ask for the password: set ONRAMP_PASSWORD")
	}
	cmd.Print("New password: ")
	a, err := term.ReadPassword(fd)
	cmd.Println()
	if err != nil {
		return "", err
	}
	cmd.Print("Again: ")
	b, err := term.ReadPassword(fd)
	cmd.Println()
	if err != nil {
		return "", err
	}
	if string(a) != string(b) {
		return "", errors.New("the two passwords are not the same")
	}
	return string(a), nil
}

// explain turns validation errors into plain English for the terminal.
func explain(err error) error {
	var ves clinic.ValidationErrors
	var ve *clinic.ValidationError
	switch {
	case errors.As(err, &ves):
		var parts []string
		for _, e := range ves {
			parts = append(parts, cliMessage(e))
		}
		return errors.New(strings.Join(parts, "; "))
	case errors.As(err, &ve):
		return errors.New(cliMessage(ve))
	case errors.Is(err, clinic.ErrNotFound):
		return errors.New("no such user")
	}
	return err
}

var cliCatalog, _ = i18n.Load()

// cliMessage words a validation error in English, from the same catalogue as the screens.
func cliMessage(e *clinic.ValidationError) string {
	return e.Field + ": " + cliCatalog.T("en", e.Key, e.Args...)
}
