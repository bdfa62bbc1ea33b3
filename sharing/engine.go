package sharing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// Options tune the adapter; zero values take the defaults.
type Options struct {
	// RequireConsent asks for the patient's sharing consent as well as joining eHealth before
	// anything is deposited (share.require_consent).
	RequireConsent bool
	// MaxPatients is the most patients in one package (share.bundle_max_patients); default 50.
	MaxPatients int
	// Transport hands bundles over; nil writes them to Folder.
	Transport Transport
	// Folder is where bundles go when Transport is nil.
	Folder string
	// Backoff spaces the attempts at a bundle that may not have arrived.
	Backoff Backoff
	// RetryBudget is how long one run goes on retrying a bundle before leaving it in flight for
	// the next run; default 2 minutes.
	RetryBudget time.Duration
	// Now is the clock for the bundles' times; default time.Now.
	Now func() time.Time
	Log *slog.Logger
	// Domains replaces the registered domains (tests).
	Domains map[ehrss.Domain]Loader
}

// Trigger says what started a run.
const (
	TriggerSchedule = "schedule"
	TriggerButton   = "button"
	TriggerCommand  = "command"
	TriggerExport   = "export"
)

// ErrBusy is returned when a run is already under way in this process.
var ErrBusy = errors.New("sharing: a run is already under way")

// ErrNotSetUp is returned before the practice's first-run setup.
var ErrNotSetUp = errors.New("sharing: the practice is not set up yet")

// Engine runs the adapter over one practice database.
type Engine struct {
	db      *store.DB
	opt     Options
	domains map[ehrss.Domain]Loader
	mu      sync.Mutex // one run at a time
}

// New makes an engine.
func New(db *store.DB, opt Options) *Engine {
	if opt.MaxPatients <= 0 {
		opt.MaxPatients = 50
	}
	if opt.Backoff.Base <= 0 {
		opt.Backoff.Base = 2 * time.Second
	}
	if opt.Backoff.Cap <= 0 {
		opt.Backoff.Cap = 10 * time.Minute
	}
	if opt.RetryBudget <= 0 {
		opt.RetryBudget = 2 * time.Minute
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Log == nil {
		opt.Log = slog.New(slog.DiscardHandler)
	}
	if opt.Transport == nil {
		opt.Transport = FolderTransport{Dir: opt.Folder}
	}
	domains := opt.Domains
	if domains == nil {
		domains = Registered()
	}
	return &Engine{db: db, opt: opt, domains: domains}
}

// Transport is where bundles go.
func (e *Engine) Transport() Transport { return e.opt.Transport }

// RunReport says what a run did.
type RunReport struct {
	RunID             int64
	Trigger           string
	Started, Finished time.Time
	Taken             int // outbox rows taken over
	NotShared         int // of them, changes of patients who are not shared
	Bundles           int // bundles answered (accepted or rejected)
	Accepted          int // records eHealth accepted
	Rejected          int // records eHealth rejected
	Held              int // records held back by the checks
	Retries           int // attempts that will be (or were) tried again
	InFlight          int // bundles left in flight for a later run
	Files             []string
}

func (r RunReport) String() string {
	return fmt.Sprintf("taken %d outbox rows (%d of patients not shared), %d bundles answered: %d records accepted, %d rejected, %d held; %d retries, %d bundles left in flight",
		r.Taken, r.NotShared, r.Bundles, r.Accepted, r.Rejected, r.Held, r.Retries, r.InFlight)
}

// Run takes the outbox over and sends what is due.
func (e *Engine) Run(ctx context.Context, trigger string) (RunReport, error) {
	if !e.mu.TryLock() {
		return RunReport{Trigger: trigger}, ErrBusy
	}
	defer e.mu.Unlock()
	return e.run(ctx, trigger, dbTx{e.db}, e.opt.Transport)
}

// txRunner runs the adapter's own reads and writes: each step in its own transaction in a
// real run, everything in one transaction that is rolled back in an export.
type txRunner interface {
	write(ctx context.Context, fn func(tx *sql.Tx) error) error
	read(ctx context.Context, fn func(tx *sql.Tx) error) error
}

type dbTx struct{ db *store.DB }

func (d dbTx) write(ctx context.Context, fn func(tx *sql.Tx) error) error { return d.db.Write(ctx, fn) }
func (d dbTx) read(ctx context.Context, fn func(tx *sql.Tx) error) error  { return d.db.Read(ctx, fn) }

type oneTx struct{ tx *sql.Tx }

func (o oneTx) write(_ context.Context, fn func(tx *sql.Tx) error) error { return fn(o.tx) }
func (o oneTx) read(_ context.Context, fn func(tx *sql.Tx) error) error  { return fn(o.tx) }

// runState is one run's working set.
type runState struct {
	ctx         context.Context
	e           *Engine
	tx          txRunner
	transport   Transport
	trigger     string
	started     time.Time
	report      RunReport
	inst        ehrss.Institution
	rng         *rand.Rand
	centralDown bool // a bundle is waiting to be tried again: send nothing new
	patients    map[int64]*patients.Patient
}

func (e *Engine) run(ctx context.Context, trigger string, txr txRunner, tr Transport) (RunReport, error) {
	st := &runState{
		ctx: ctx, e: e, tx: txr, transport: tr, trigger: trigger, started: time.Now(),
		rng:      rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x5eed)),
		patients: map[int64]*patients.Patient{},
	}
	st.report.Trigger = trigger
	st.report.Started = e.opt.Now()
	p, err := practice.Get(ctx, e.db.R)
	if errors.Is(err, clinic.ErrNotFound) {
		return st.report, ErrNotSetUp
	}
	if err != nil {
		return st.report, err
	}
	st.inst = ehrss.Institution{ID: p.HCPID, NameEN: p.NameEN, NameZH: p.NameZH}

	if err := txr.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO sharing_runs (trigger, started_at) VALUES (?,?)`, trigger, ts(st.report.Started))
		if err != nil {
			return err
		}
		st.report.RunID, err = res.LastInsertId()
		return err
	}); err != nil {
		return st.report, fmt.Errorf("sharing: start run: %w", err)
	}

	err = st.steps()
	st.report.Finished = e.opt.Now()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	ferr := txr.write(context.WithoutCancel(ctx), func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM sharing_bundles WHERE state = 'inflight'`).Scan(&st.report.InFlight); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE sharing_runs SET finished_at=?, taken=?, bundles=?, accepted=?, rejected=?, held=?, retries=?, error=?
			WHERE id=?`, ts(st.report.Finished), st.report.Taken, st.report.Bundles, st.report.Accepted, st.report.Rejected,
			st.report.Held, st.report.Retries, msg, st.report.RunID)
		if err != nil {
			return err
		}
		// Keep a year of runs for support; the per-patient history is in sharing_events.
		_, err = tx.ExecContext(ctx, `DELETE FROM sharing_runs WHERE started_at < ?`, ts(st.report.Finished.AddDate(-1, 0, 0)))
		return err
	})
	e.opt.Log.Info("sharing run", "trigger", trigger, "report", st.report.String(), "err", err)
	return st.report, errors.Join(err, ferr)
}

func (st *runState) steps() error {
	if err := st.consentRule(); err != nil {
		return fmt.Errorf("sharing: consent rule: %w", err)
	}
	if err := st.ingest(); err != nil {
		return fmt.Errorf("sharing: take the outbox over: %w", err)
	}
	if err := st.resendInFlight(); err != nil {
		return fmt.Errorf("sharing: send again what was in flight: %w", err)
	}
	if st.centralDown {
		return nil
	}
	if err := st.sendPending(); err != nil {
		return fmt.Errorf("sharing: send: %w", err)
	}
	return nil
}

func (st *runState) now() time.Time { return st.e.opt.Now() }

// patient returns a patient (cached for the run), or nil when there is none.
func (st *runState) patient(id int64) (*patients.Patient, error) {
	if p, ok := st.patients[id]; ok {
		return p, nil
	}
	p, err := patients.Get(st.ctx, st.e.db.R, id)
	if errors.Is(err, clinic.ErrNotFound) {
		st.patients[id] = nil
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st.patients[id] = &p
	return &p, nil
}

// survivor follows merges to the living record.
func (st *runState) survivor(id int64) (int64, error) {
	for range 16 {
		p, err := st.patient(id)
		if err != nil {
			return 0, err
		}
		if p == nil || p.MergedInto == 0 {
			return id, nil
		}
		id = p.MergedInto
	}
	return id, nil
}

func ts(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTS(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

// Backoff is exponential backoff with jitter up to a cap.
type Backoff struct {
	Base time.Duration // the first wait
	Cap  time.Duration // the longest wait
}

// Delay is the wait before the next attempt after attempt failures: at random between half and
// all of min(Cap, Base·2^(attempt-1)), so that many clinics do not retry in step.
func (b Backoff) Delay(attempt int, rng *rand.Rand) time.Duration {
	d := b.Base
	for i := 1; i < attempt && d < b.Cap; i++ {
		d *= 2
	}
	d = min(d, b.Cap)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + time.Duration(rng.Int64N(int64(half)+1))
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
