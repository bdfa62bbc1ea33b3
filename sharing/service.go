package sharing

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/robfig/cron/v3"
)

// Service runs the engine inside the server: on the schedule (the server's cron calls
// Scheduled) and when a person presses "send now". Runs never overlap; a run in progress when
// the server stops is cut short, and what it had in flight is sent again on the next start.
type Service struct {
	engine   *Engine
	spec     string
	schedule cron.Schedule // nil: no schedule
	ctx      context.Context
	log      *slog.Logger
	wg       sync.WaitGroup

	mu      sync.Mutex
	running bool
	last    RunReport
	lastErr error
}

// NewService wraps an engine. spec is the cron schedule ("*/15 8-20 * * 1-6"), empty for
// none; ctx ends with the server.
func NewService(ctx context.Context, engine *Engine, spec string, log *slog.Logger) (*Service, error) {
	s := &Service{engine: engine, spec: spec, ctx: ctx, log: log}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if spec != "" {
		sch, err := cron.ParseStandard(spec)
		if err != nil {
			return nil, fmt.Errorf("share.schedule %q: %w", spec, err)
		}
		s.schedule = sch
	}
	return s, nil
}

// Scheduled is the cron job: one run, now.
func (s *Service) Scheduled() { s.runOnce(TriggerSchedule) }

// SendNow starts a run in the background for the "send now" button. It reports false when a
// run is already under way (that run will send what is due).
func (s *Service) SendNow() bool {
	s.mu.Lock()
	busy := s.running
	s.mu.Unlock()
	if busy {
		return false
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		s.runOnce(TriggerButton)
	}()
	return true
}

func (s *Service) runOnce(trigger string) {
	s.mu.Lock()
	if s.running {
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
	rep, err := s.engine.Run(s.ctx, trigger)
	switch {
	case err == nil, errors.Is(err, context.Canceled):
	case errors.Is(err, ErrNotSetUp):
		s.log.Debug("sharing: nothing to do before the practice is set up")
	default:
		s.log.Error("sharing run failed", "trigger", trigger, "err", err)
	}
	s.mu.Lock()
	s.running, s.last, s.lastErr = false, rep, err
	s.mu.Unlock()
}

// Wait returns when a "send now" run started in the background has finished (shutdown).
func (s *Service) Wait() { s.wg.Wait() }

// Running reports whether a run is under way.
func (s *Service) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.running
}

// Next is when the schedule runs next after t; zero without a schedule.
func (s *Service) Next(t time.Time) time.Time {
	if s.schedule == nil {
		return time.Time{}
	}
	return s.schedule.Next(t)
}

// Schedule is the cron spec.
func (s *Service) Schedule() string { return s.spec }

// Destination says where bundles go.
func (s *Service) Destination() string { return s.engine.Transport().Describe() }

// Where says where bundles go, in parts that a screen can put in its reader's language.
func (s *Service) Where() Destination { return DestinationOf(s.engine.Transport()) }

// Last is the report and error of this process's latest run.
func (s *Service) Last() (RunReport, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.lastErr
}
