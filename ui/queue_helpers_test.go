package ui

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/users"
)

var hkZone = hongKong()

// frontClock is the front desk's clock in tests.
type frontClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *frontClock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *frontClock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// frontDeskClinic is a test clinic whose front desk runs on a fixed clock: Monday 23 November
// 2026, 09:30 in Hong Kong, unless the test moves it.
func frontDeskClinic(t testing.TB) (*testClinic, *frontClock) {
	t.Helper()
	tc := newTestClinic(t, true)
	clk := &frontClock{t: time.Date(2026, 11, 23, 9, 30, 0, 0, hkZone)}
	tc.srv.front.now = clk.Now
	return tc, clk
}

// addPatients registers n patients and returns their ids.
func addPatients(t testing.TB, tc *testClinic, n int) []int64 {
	t.Helper()
	surnames := []string{"Chan", "Wong", "Lee", "Cheung", "Lau", "Ho", "Ng", "Leung", "Tsang", "Yip", "Kwok", "Mak"}
	zh := []string{"陳", "黃", "李", "張", "劉", "何", "吳", "梁", "曾", "葉", "郭", "麥"}
	given := []string{"Tai Man", "Siu Ming", "Ka Yan", "Wai Kit", "Mei Ling", "Chi Keung", "Suk Fan", "Kwok Wing", "Yuk Lan", "Hoi Yan", "Man Kit"}
	givenZH := []string{"大文", "小明", "家欣", "偉傑", "美玲", "志強", "淑芬", "國榮", "玉蘭", "凱欣", "文傑"}
	var ids []int64
	for i := range n {
		p, err := patients.Create(context.Background(), tc.db, "P", patients.Input{
			SurnameEN: surnames[i%len(surnames)], GivenNameEN: given[i%len(given)], NameZH: zh[i%len(zh)] + givenZH[i%len(givenZH)],
			Sex: "M", DOB: fmt.Sprintf("%d-03-%02d", 1940+i%60, 1+i%28), Mobile: fmt.Sprintf("9%07d", 1000000+i),
			Language: []string{"both", "en", "zh"}[i%3], Confirmed: true,
		}, audit.System)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	return ids
}

// addDoctor adds another doctor's account.
func addDoctor(t testing.TB, tc *testClinic, username, name, nameZH string) int64 {
	t.Helper()
	id, err := users.Add(context.Background(), tc.db, users.NewUser{Username: username, FullName: name, FullNameZH: nameZH,
		Roles: []string{users.RoleDoctor}, MCRNo: "M23456", Password: testPassword}, audit.System)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func userID(t testing.TB, tc *testClinic, username string) int64 {
	t.Helper()
	u, err := users.GetByUsername(context.Background(), tc.db.R, username)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// events reads a server-sent event stream and sends each event's data.
func events(t testing.TB, b *browser, path string) (<-chan string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, b.tc.http.URL+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	resp, err := b.client.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("event stream %s: %d %s %s", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	out := make(chan string, 64)
	go func() {
		defer close(out)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			if data, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
				select {
				case out <- data:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	return out, cancel
}

// next waits for the next event, at most d.
func next(t testing.TB, ch <-chan string, d time.Duration) string {
	t.Helper()
	select {
	case v, ok := <-ch:
		if !ok {
			t.Fatal("event stream closed")
		}
		return v
	case <-time.After(d):
		t.Fatalf("no event within %s", d)
	}
	return ""
}
