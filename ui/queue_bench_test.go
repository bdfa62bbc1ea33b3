package ui

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/queue"
)

// busyDay is a clinic at its busiest: 150 attendances today in every state, and 10 screens
// listening for changes (the front desk, the doctors, the dispensary, the board).
func busyDay(b *testing.B) (*testClinic, []queue.Attendance) {
	b.Helper()
	tc, _ := frontDeskClinic(b)
	ctx := context.Background()
	ids := addPatients(b, tc, 150)
	q := tc.srv.queueOf()
	doctor := userID(b, tc, "doctor")
	var list []queue.Attendance
	for i, p := range ids {
		a, err := q.CheckIn(ctx, queue.Arrival{PatientID: p, Urgent: i%17 == 0}, audit.System)
		if err != nil {
			b.Fatal(err)
		}
		switch {
		case i < 90:
			a, err = q.Call(ctx, a.ID, doctor, audit.System)
			if err == nil && i < 80 {
				a, err = q.Move(ctx, a.ID, queue.Done, audit.System)
			} else if err == nil && i < 88 {
				a, err = q.Move(ctx, a.ID, queue.AwaitingMedicinePayment, audit.System)
			}
		case i < 95:
			a, err = q.Move(ctx, a.ID, queue.Skipped, audit.System)
		}
		if err != nil {
			b.Fatal(err)
		}
		list = append(list, a)
	}
	return tc, list
}

// listener is one screen: it hears each version over server-sent events and then fetches the
// list again, as queue.js does.
type listener struct {
	results chan heard
	stop    func()
}

type heard struct {
	version            string
	arrived, refreshed time.Time
}

func listen(b *testing.B, tc *testClinic, refresh bool) *listener {
	br := tc.browser()
	br.sessionFor("nurse")
	ch, stop := events(b, br, "/queue/live")
	l := &listener{results: make(chan heard, 256), stop: stop}
	go func() {
		for v := range ch {
			h := heard{version: v, arrived: time.Now()}
			if refresh {
				if resp, err := br.client.Get(tc.http.URL + "/queue/list"); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
			h.refreshed = time.Now()
			l.results <- h
		}
		close(l.results)
	}()
	return l
}

// BenchmarkQueuePage measures the queue page with 150 attendances while 10 screens listen:
// pages per second, and the delay from a change (the request that makes it) to its arrival at
// every listener, and to every listener having fetched the new list.
//
//	go test ./ui -run '^$' -bench BenchmarkQueuePage -benchtime 3s
func BenchmarkQueuePage(b *testing.B) {
	tc, list := busyDay(b)
	const screens = 10
	var ls []*listener
	for range screens {
		l := listen(b, tc, true)
		defer l.stop()
		<-l.results // the version on connecting
		ls = append(ls, l)
	}
	clerk := tc.browser()
	clerk.sessionFor("clerk")
	if tc.srv.live().listeners() != screens {
		b.Fatalf("%d listeners", tc.srv.live().listeners())
	}

	b.Run("page", func(b *testing.B) {
		b.SetParallelism(2)
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				resp, err := clerk.client.Get(tc.http.URL + "/queue")
				if err != nil {
					b.Error(err)
					return
				}
				n, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || n < 100_000 {
					b.Errorf("queue page: %d, %d bytes", resp.StatusCode, n)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	})

	b.Run("change-to-listeners", func(b *testing.B) {
		waiting := list[len(list)-1]
		var toEvent, toList []time.Duration
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			prev := fmt.Sprint(tc.srv.live().Version())
			start := time.Now()
			resp, _ := clerk.post(fmt.Sprintf("/queue/%d/urgent", waiting.ID), url.Values{"urgent": {fmt.Sprint(i % 2)}})
			if resp.StatusCode != http.StatusSeeOther {
				b.Fatalf("change: %d", resp.StatusCode)
			}
			var lastEvent, lastList time.Time
			for _, l := range ls {
				for h := range l.results {
					if h.version != prev {
						lastEvent = later(lastEvent, h.arrived)
						lastList = later(lastList, h.refreshed)
						break
					}
				}
			}
			toEvent = append(toEvent, lastEvent.Sub(start))
			toList = append(toList, lastList.Sub(start))
		}
		b.StopTimer()
		slices.Sort(toEvent)
		slices.Sort(toList)
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		b.ReportMetric(ms(toEvent[len(toEvent)/2]), "ms-to-all-10-events(p50)")
		b.ReportMetric(ms(toEvent[len(toEvent)-1]), "ms-to-all-10-events(max)")
		b.ReportMetric(ms(toList[len(toList)/2]), "ms-to-all-10-lists(p50)")
		b.ReportMetric(ms(toList[len(toList)-1]), "ms-to-all-10-lists(max)")
	})
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
