package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/demo"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

// demoMarker is the setting that says this folder's patients were made up by `onramp demo`, so
// that running it again adds to them without --force, while a real practice is never touched
// by mistake.
const demoMarker = "demo.practice"

// demoLogin is one made-up member of staff of a new demo practice.
type demoLogin struct {
	Username string
	Roles    []string
	Name     string
	NameZH   string
	MCRNo    string
}

// demoStaff: one login per role, so that whoever tries OnRamp sees each room's screens.
var demoStaff = []demoLogin{
	{"admin", []string{users.RoleAdmin}, "Practice Manager", "診所經理", ""},
	{"doctor", []string{users.RoleDoctor}, "Dr CHAN Tai Man", "陳大文醫生", "M12345"},
	{"nurse", []string{users.RoleNurse}, "LEUNG Mei Ling", "梁美玲", ""},
	{"dispenser", []string{users.RoleDispenser}, "WONG Siu Ming", "黃小明", ""},
	{"clerk", []string{users.RoleClerk}, "CHEUNG Ka Yan", "張嘉欣", ""},
}

func demoCommand() *cobra.Command {
	var o demo.Options
	var force bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Fill the data folder with a made-up practice to try OnRamp or load-test it",
		Long: `Make a demo practice of made-up Hong Kong patients (valid HKIDs, English and Chinese
names, phones, eHealth consent for some) and every kind of record the features of this
OnRamp know how to make up. On a new data folder it also sets up the practice and one
login per role (admin, doctor, nurse, dispenser, clerk) and prints their passwords
(set ONRAMP_PASSWORD to choose one password for all). It refuses a folder that already
holds real patients unless --force. Stop the server first.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if o.Patients < 1 {
				return errors.New("--patients must be at least 1")
			}
			if o.Visits < 0 {
				return errors.New("--visits cannot be negative")
			}
			return withStore(cmd, func(ctx context.Context, c *Config, db *store.DB) error {
				o.Prefix = c.Patients.NumberPrefix
				return runDemo(ctx, cmd, db, o, force)
			})
		},
	}
	cmd.Flags().IntVar(&o.Patients, "patients", 1000, "how many made-up patients to add")
	cmd.Flags().IntVar(&o.Visits, "visits", 0, "visits over all patients (0: each feature's own default)")
	cmd.Flags().Int64Var(&o.Seed, "seed", 1, "the same seed makes the same practice")
	cmd.Flags().BoolVar(&force, "force", false, "add made-up patients even to a practice that holds real ones")
	return cmd
}

// runDemo sets the practice up if needed, then runs every registered demo step with progress.
func runDemo(ctx context.Context, cmd *cobra.Command, db *store.DB, o demo.Options, force bool) error {
	out := cmd.OutOrStdout()
	setUp, err := practice.IsSetUp(ctx, db.R)
	if err != nil {
		return err
	}
	marked, err := practice.Setting(ctx, db.R, demoMarker)
	if err != nil {
		return err
	}
	if setUp && marked == "" && !force {
		var any int
		if err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM patients)`).Scan(&any); err != nil {
			return err
		}
		if any == 1 {
			return errors.New("this data folder holds a practice with real patients: made-up ones would mix with them. " +
				"Use a new --data folder for the demo, or --force if you really mean it")
		}
	}
	if !setUp {
		logins, err := setUpDemoPractice(ctx, db)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, "Set up the demo practice \"OnRamp Demo Clinic 安心示範診所\" with one login per role:")
		w := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "  USERNAME\tPASSWORD\tROLE")
		for _, l := range logins {
			fmt.Fprintf(w, "  %s\t%s\t%s\n", l.user, l.password, strings.Join(l.roles, ","))
		}
		if err := w.Flush(); err != nil {
			return err
		}
	}
	if marked == "" {
		if err := practice.SetSetting(ctx, db, demoMarker, "yes", demo.Actor); err != nil {
			return err
		}
	}

	start := time.Now()
	var mu sync.Mutex // the ticker below prints beside the steps
	stepStart, step := start, ""
	finish := func() {
		if step != "" {
			fmt.Fprintf(out, "  %-14s done in %.1f s\n", step, time.Since(stepStart).Seconds())
		}
	}
	o.Progress = func(name string) {
		mu.Lock()
		defer mu.Unlock()
		finish()
		step, stepStart = name, time.Now()
		fmt.Fprintf(out, "  %-14s ...\n", name)
	}
	// A million patients take a minute or more: say now and then that work goes on.
	tick := time.NewTicker(15 * time.Second)
	stopTick := make(chan struct{})
	defer func() { tick.Stop(); close(stopTick) }()
	go func() {
		for {
			select {
			case <-tick.C:
				mu.Lock()
				fmt.Fprintf(out, "  %-14s ... %.0f s\n", step, time.Since(stepStart).Seconds())
				mu.Unlock()
			case <-stopTick:
				return
			}
		}
	}()
	fmt.Fprintf(out, "Making %d patients (seed %d) and their records:\n", o.Patients, o.Seed)
	if err := demo.Build(ctx, db, o); err != nil {
		return err
	}
	mu.Lock()
	defer mu.Unlock()
	finish()
	fmt.Fprintf(out, "Demo practice ready in %.1f s. Start OnRamp with 'onramp' and sign in.\n", time.Since(start).Seconds())
	return nil
}

type madeLogin struct {
	user, password string
	roles          []string
}

// setUpDemoPractice creates the practice and the demo logins. The passwords are random (a demo
// folder copied to a LAN must not open with a well-known password) unless ONRAMP_PASSWORD
// chooses one, as scripts such as the load suite do.
func setUpDemoPractice(ctx context.Context, db *store.DB) ([]madeLogin, error) {
	var out []madeLogin
	newUser := func(l demoLogin) users.NewUser {
		pw := os.Getenv("ONRAMP_PASSWORD")
		if pw == "" {
			pw = randomPassword()
		}
		out = append(out, madeLogin{l.Username, pw, l.Roles})
		return users.NewUser{Username: l.Username, FullName: l.Name, FullNameZH: l.NameZH, Roles: l.Roles, MCRNo: l.MCRNo,
			Password: pw, Language: "en"}
	}
	p := practice.Practice{NameEN: "OnRamp Demo Clinic", NameZH: "安心示範診所",
		Address: "Flat A, 3/F, 1 Demo Street, Mong Kok, Kowloon", Phone: "2345 6789",
		// A made-up provider id, so that the demo's eHealth records can be packaged and shown
		// (they go to the folder transport unless an endpoint is configured).
		HCPID: "9938744799"}
	if _, err := practice.Setup(ctx, db, p, newUser(demoStaff[0]), "local"); err != nil {
		return nil, explain(err)
	}
	by := audit.Actor{Username: demo.Actor.Username, RemoteAddr: "local"}
	for _, l := range demoStaff[1:] {
		if _, err := users.Add(ctx, db, newUser(l), by); err != nil {
			return nil, fmt.Errorf("demo login %s: %w", l.Username, explain(err))
		}
	}
	return out, nil
}

// randomPassword is 12 characters a person can read aloud and type: no 0/O, 1/l.
func randomPassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
