package ui

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/appointments"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/clinic/store"
)

// frontDesk is the Server's part for the front desk: the queue and the diary on the server's
// clock, and the live updates of the screens that show them. Its zero value is ready: it is set
// up on first use, so server.go only declares it.
type frontDesk struct {
	once  sync.Once
	diary *appointments.Diary
	queue *queue.Queue
	hub   *liveHub
	// now is the clock of the queue and the diary; tests set it before the first request.
	now func() time.Time
}

func (s *Server) desk() *frontDesk {
	f := &s.front
	f.once.Do(func() {
		if f.now == nil {
			f.now = time.Now
		}
		f.diary = appointments.New(s.db, s.cfg.TimeZone)
		f.diary.Now = f.now
		f.diary.Queue.Now = f.now
		f.queue = f.diary.Queue
		f.hub = newLiveHub(s.db, s.log.Error)
	})
	return f
}

func (s *Server) queueOf() *queue.Queue                 { return s.desk().queue }
func (s *Server) diary() *appointments.Diary            { return s.desk().diary }
func (s *Server) live() *liveHub                        { return s.desk().hub }
func (s *Server) frontNow() time.Time                   { return s.desk().now() }
func (s *Server) frontChanged(ctx context.Context)      { s.live().changed(ctx) }
func (s *Server) localDay(t time.Time) string           { return t.In(s.cfg.TimeZone).Format(time.DateOnly) }
func (s *Server) frontToday() string                    { return s.localDay(s.frontNow()) }
func (s *Server) frontActor(c echo.Context) audit.Actor { return currentUser(c).Actor(c.RealIP()) }

// FrontDeskChanged tells the live screens (queue, board, diary) that something they show has
// changed. Features that change an attendance through clinic/queue in their own transaction
// call it after committing; without it the screens still notice within a second or so, through
// the front-desk stamp.
func (s *Server) FrontDeskChanged(ctx context.Context) { s.frontChanged(ctx) }

// EndFrontDeskDay closes the days up to and including through (YYYY-MM-DD; "" means today):
// open bookings become no-shows, counted on the patient, and tickets never seen are closed. The
// scheduler calls it late every evening, and at start-up for yesterday.
func (s *Server) EndFrontDeskDay(ctx context.Context, through string) (appointments.DayEnd, error) {
	if through == "" {
		through = s.frontToday()
	}
	res, err := s.diary().EndDays(ctx, through, audit.System)
	if err == nil {
		s.frontChanged(ctx)
	}
	return res, err
}

// liveHub is the in-process broadcaster of the live screens. Its version goes up by one on every
// change; a screen that holds an older version fetches its list again. Changes made through the
// web interface are published at once; changes made elsewhere (another feature's transaction,
// another process) are found by watching the front-desk stamp while anyone is listening.
type liveHub struct {
	db      *store.DB
	logErr  func(msg string, args ...any)
	poll    time.Duration
	mu      sync.Mutex
	version uint64
	stamp   int64
	subs    map[chan uint64]struct{}
	watcher bool
}

func newLiveHub(db *store.DB, logErr func(string, ...any)) *liveHub {
	h := &liveHub{db: db, logErr: logErr, poll: time.Second, subs: map[chan uint64]struct{}{},
		// Start from the clock, so that a screen that outlived a restart of the server sees a
		// different version and reloads. Milliseconds stay exact in a JavaScript number.
		version: uint64(time.Now().UnixMilli())}
	h.stamp, _ = queue.Stamp(context.Background(), db.R)
	return h
}

// Version is the current version.
func (h *liveHub) Version() uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.version
}

// changed is called after a change committed: it notes the stamp (so the watcher does not
// announce the same change again) and publishes.
func (h *liveHub) changed(ctx context.Context) {
	st, err := queue.Stamp(ctx, h.db.R)
	h.mu.Lock()
	if err == nil {
		h.stamp = st
	}
	h.publishLocked()
	h.mu.Unlock()
}

func (h *liveHub) publishLocked() {
	h.version++
	for ch := range h.subs {
		// Each listener holds at most one pending version: only the latest matters.
		select {
		case <-ch:
		default:
		}
		ch <- h.version
	}
}

// subscribe registers a listener; cancel unregisters it.
func (h *liveHub) subscribe() (<-chan uint64, func()) {
	ch := make(chan uint64, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if !h.watcher {
		h.watcher = true
		go h.watch()
	}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// listeners is how many screens listen now.
func (h *liveHub) listeners() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// watch reads the stamp every poll while anyone listens, and stops when nobody does.
func (h *liveHub) watch() {
	t := time.NewTicker(h.poll)
	defer t.Stop()
	for range t.C {
		st, err := queue.Stamp(context.Background(), h.db.R)
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.watcher = false
			h.mu.Unlock()
			return
		}
		if err == nil && st != h.stamp {
			h.stamp = st
			h.publishLocked()
		}
		h.mu.Unlock()
		if err != nil && h.logErr != nil {
			h.logErr("live: read the front-desk stamp", "err", err)
		}
	}
}

// streamFor is how long one event stream lasts: then the browser reconnects by itself, which
// checks the session (or board token) again and stays under the server's write timeout.
const streamFor = 4 * time.Minute

// liveStream answers a live screen. Asked for text/event-stream (EventSource does), it streams
// the version at every change; otherwise it answers the current version as JSON, for the
// polling fallback (and for anything that just looks).
func (s *Server) liveStream(c echo.Context) error { return s.stream(c, nil) }

// stream is liveStream with a check made again before each event (the board's token, which
// the administrator may change while the TV listens); when it fails the stream ends, and the
// page's next request gets "not found".
func (s *Server) stream(c echo.Context, stillAllowed func() bool) error {
	h := s.live()
	if !strings.Contains(c.Request().Header.Get(echo.HeaderAccept), "text/event-stream") {
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.JSON(http.StatusOK, map[string]string{"version": strconv.FormatUint(h.Version(), 10)})
	}
	ch, cancel := h.subscribe()
	defer cancel()
	w := c.Response()
	w.Header().Set(echo.HeaderContentType, "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	// The server's WriteTimeout would cut a long stream; this one ends itself instead.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Time{})
	send := func(v uint64) error {
		if _, err := fmt.Fprintf(w, "data: %d\n\n", v); err != nil {
			return err
		}
		w.Flush()
		return nil
	}
	if _, err := fmt.Fprint(w, "retry: 2000\n\n"); err != nil {
		return nil
	}
	if err := send(h.Version()); err != nil {
		return nil
	}
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	end := time.NewTimer(streamFor)
	defer end.Stop()
	ctx := c.Request().Context()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-end.C:
			return nil
		case v := <-ch:
			if stillAllowed != nil && !stillAllowed() {
				return nil
			}
			if send(v) != nil {
				return nil
			}
		case <-ping.C:
			if _, err := fmt.Fprint(w, ": ping\n\n"); err != nil {
				return nil
			}
			w.Flush()
		}
	}
}
