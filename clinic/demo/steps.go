package demo

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/onramp-hk/onramp/clinic/store"
)

// Options sizes a demo practice. Steps after the patients scale their records from these.
type Options struct {
	Patients int    // patients to create
	Visits   int    // visits to create over all patients (0: each step's own default)
	Seed     int64  // the same seed makes the same practice
	Prefix   string // patient number prefix
	// Progress, when set, is told each step's name as it starts.
	Progress func(step string)
}

// Step adds one kind of record to a demo practice. Each feature registers its own from an init
// function in this package (visits_demo.go, medication_demo.go, ...), so that `onramp demo`
// grows with every feature; Order puts a step after the ones whose records it needs.
type Step struct {
	Name  string
	Order int // patients are 0; visits 10; medication 20; billing 30; others after
	Run   func(ctx context.Context, db *store.DB, o Options) error
}

var (
	stepsMu sync.Mutex
	steps   = []Step{{Name: "patients", Order: 0, Run: func(ctx context.Context, db *store.DB, o Options) error {
		return Patients(ctx, db, o.Patients, o.Seed, o.Prefix)
	}}}
)

// Register adds a step. It panics on a duplicate name: two features claiming one step is a bug.
func Register(s Step) {
	stepsMu.Lock()
	defer stepsMu.Unlock()
	for _, have := range steps {
		if have.Name == s.Name {
			panic("demo: step registered twice: " + s.Name)
		}
	}
	steps = append(steps, s)
}

// Steps lists the registered steps in the order they run.
func Steps() []Step {
	stepsMu.Lock()
	defer stepsMu.Unlock()
	out := append([]Step(nil), steps...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// Build makes a whole demo practice: every registered step in order.
func Build(ctx context.Context, db *store.DB, o Options) error {
	for _, s := range Steps() {
		if o.Progress != nil {
			o.Progress(s.Name)
		}
		if err := s.Run(ctx, db, o); err != nil {
			return fmt.Errorf("demo %s: %w", s.Name, err)
		}
	}
	return nil
}
