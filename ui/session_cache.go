package ui

import (
	"sync"
	"time"

	"github.com/onramp-hk/onramp/clinic/users"
)

// sessionCache remembers, for a moment, who a session cookie belongs to. Search as you type
// sends a request per key press, and checking the session in the database was a quarter of
// such a request's cost. A change made elsewhere (a user disabled, a role taken away, a session
// ended by a password change) therefore takes effect within sessionCacheFor; logging out
// through this server takes effect at once.
type sessionCache struct {
	mu      sync.Mutex
	entries map[string]cachedSession
}

type cachedSession struct {
	user    users.User
	expires time.Time
}

const (
	sessionCacheFor = 2 * time.Second
	sessionCacheMax = 10000 // a clinic has tens of sessions; this only bounds a flood of cookies
)

func (sc *sessionCache) get(token string) (*users.User, bool) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	e, ok := sc.entries[token]
	if !ok || time.Now().After(e.expires) {
		return nil, false
	}
	u := e.user // each request gets its own copy
	return &u, true
}

func (sc *sessionCache) put(token string, u users.User) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	if sc.entries == nil || len(sc.entries) >= sessionCacheMax {
		sc.entries = map[string]cachedSession{}
	}
	sc.entries[token] = cachedSession{user: u, expires: time.Now().Add(sessionCacheFor)}
}

func (sc *sessionCache) drop(token string) {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	delete(sc.entries, token)
}

// clear forgets every session, after a change to staff accounts made through this server.
func (sc *sessionCache) clear() {
	sc.mu.Lock()
	defer sc.mu.Unlock()
	sc.entries = nil
}
