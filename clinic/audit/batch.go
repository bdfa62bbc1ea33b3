package audit

import (
	"context"
	"database/sql"
	"log/slog"
	"sync"
	"time"

	"github.com/onramp-hk/onramp/clinic/store"
)

// Batcher records views in batches: a busy front desk opens a patient every few seconds on each
// PC, and one transaction per view would queue behind the clinical writes. Views wait at most
// FlushEvery in memory; Close writes what is left, so a clean shutdown loses none. Changes are
// never batched: they go through Append in the change's own transaction.
type Batcher struct {
	db      *store.DB
	log     *slog.Logger
	in      chan Entry
	done    chan struct{}
	flushed chan chan struct{}
	once    sync.Once
}

// FlushEvery is the longest a view waits before it is written.
const FlushEvery = 250 * time.Millisecond

const batchMax = 500

// NewBatcher starts the background writer.
func NewBatcher(db *store.DB, log *slog.Logger) *Batcher {
	b := &Batcher{db: db, log: log, in: make(chan Entry, 4096), done: make(chan struct{}), flushed: make(chan chan struct{})}
	go b.run()
	return b
}

// Record queues a view (or another read-only event). It blocks rather than drop an entry when
// the queue is full.
func (b *Batcher) Record(e Entry) {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	b.in <- e
}

// Flush writes everything queued so far and returns when it is on disk (tests use it).
func (b *Batcher) Flush() {
	ch := make(chan struct{})
	select {
	case b.flushed <- ch:
		<-ch
	case <-b.done: // already closed: everything was written then
	}
}

// Close writes what is queued and stops the writer.
func (b *Batcher) Close() {
	b.once.Do(func() {
		close(b.in)
		<-b.done
	})
}

func (b *Batcher) run() {
	defer close(b.done)
	tick := time.NewTicker(FlushEvery)
	defer tick.Stop()
	var pending []Entry
	write := func() {
		if len(pending) == 0 {
			return
		}
		err := b.db.Write(context.Background(), func(tx *sql.Tx) error {
			return Append(context.Background(), tx, pending...)
		})
		if err != nil {
			// Keep them and try again on the next tick rather than lose the trail.
			b.log.Error("audit: could not write views, will retry", "count", len(pending), "err", err)
			return
		}
		pending = pending[:0]
	}
	for {
		select {
		case e, ok := <-b.in:
			if !ok {
				write()
				if len(pending) > 0 {
					b.log.Error("audit: views not written at shutdown", "count", len(pending))
				}
				return
			}
			pending = append(pending, e)
			if len(pending) >= batchMax {
				write()
			}
		case <-tick.C:
			write()
		case ch := <-b.flushed:
			// Drain what is already queued, then write.
			for drained := false; !drained; {
				select {
				case e, ok := <-b.in:
					if !ok {
						drained = true
						break
					}
					pending = append(pending, e)
				default:
					drained = true
				}
			}
			write()
			close(ch)
		}
	}
}
