package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Login checks a user name and password. Five wrong passwords in a row lock the account for 15
// minutes; every attempt, right or wrong, is audited. The password is checked outside the write
// transaction so that a slow hash never holds up other writers.
func Login(ctx context.Context, db *store.DB, username, password, remoteAddr string) (User, error) {
	u, err := GetByUsername(ctx, db.R, username)
	failed := func(userID int64, detail string) {
		e := audit.Entry{UserID: userID, Username: username, Action: audit.ActionLoginFailed, Entity: "user",
			Detail: detail, RemoteAddr: remoteAddr}
		if userID != 0 {
			e.EntityID = fmt.Sprint(userID)
		}
		_ = db.Write(ctx, func(tx *sql.Tx) error { return audit.Append(ctx, tx, e) })
	}
	if errors.Is(err, clinic.ErrNotFound) {
		checkPassword(dummyHash, password) // same time as a real check
		failed(0, "unknown user name")
		return User{}, ErrBadCredentials
	}
	if err != nil {
		return User{}, err
	}
	if time.Now().Before(u.LockedUntil) {
		failed(u.ID, "account locked")
		return User{}, &LockedError{Until: u.LockedUntil}
	}
	if u.Disabled {
		failed(u.ID, "account disabled")
		return User{}, ErrDisabled
	}
	var hash string
	if err := db.R.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id=?`, u.ID).Scan(&hash); err != nil {
		return User{}, err
	}
	if !checkPassword(hash, password) {
		var lockedUntil time.Time
		err := db.Write(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id=? RETURNING failed_logins`, u.ID).Scan(&n); err != nil {
				return err
			}
			detail := fmt.Sprintf("wrong password (%d of %d)", n, MaxFailedLogins)
			if n >= MaxFailedLogins {
				lockedUntil = time.Now().Add(LockoutFor).UTC()
				if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins=0, locked_until=? WHERE id=?`,
					lockedUntil.Format(time.RFC3339Nano), u.ID); err != nil {
					return err
				}
				detail += "; locked for 15 minutes"
			}
			return audit.Append(ctx, tx, audit.Entry{UserID: u.ID, Username: u.Username, Roles: u.RoleList(),
				Action: audit.ActionLoginFailed, Entity: "user", EntityID: fmt.Sprint(u.ID), Detail: detail, RemoteAddr: remoteAddr})
		})
		if err != nil {
			return User{}, err
		}
		if !lockedUntil.IsZero() {
			return User{}, &LockedError{Until: lockedUntil}
		}
		return User{}, ErrBadCredentials
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins=0, locked_until='' WHERE id=?`, u.ID); err != nil {
			return err
		}
		return audit.Append(ctx, tx, u.Actor(remoteAddr).Entry(audit.ActionLogin, "user", fmt.Sprint(u.ID), 0, ""))
	})
	return u, err
}

// Session is a logged-in browser.
type Session struct {
	UserID    int64
	CreatedAt time.Time
	LastSeen  time.Time
}

// ErrNoSession means the token is unknown or the session has ended (idle too long, logged out,
// password changed, account disabled).
var ErrNoSession = errors.New("no session")

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// StartSession creates a new session and returns the token for the cookie. A fresh token at
// every login defeats session fixation.
func StartSession(ctx context.Context, db *store.DB, userID int64, remoteAddr, userAgent string) (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	ts := now()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	err := db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, created_at, last_seen, remote_addr, user_agent)
			VALUES (?,?,?,?,?,?)`, tokenHash(token), userID, ts, ts, remoteAddr, userAgent)
		return err
	})
	return token, err
}

// touchEvery limits how often a session's last-seen time is written: a page load must not
// cost a write, and idle timeouts of minutes do not need second precision.
const touchEvery = 30 * time.Second

// CheckSession returns the session and its user, ending the session when it has been idle
// longer than idle. The user must still be enabled.
func CheckSession(ctx context.Context, db *store.DB, token string, idle time.Duration) (Session, User, error) {
	var s Session
	if token == "" || len(token) > 100 {
		return s, User{}, ErrNoSession
	}
	th := tokenHash(token)
	var created, seen string
	row := db.R.QueryRowContext(ctx, `SELECT s.user_id, s.created_at, s.last_seen, `+userCols+`
		FROM sessions s JOIN users ON users.id = s.user_id WHERE s.token_hash = ?`, th)
	u, err := scanUser(row, &s.UserID, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return s, u, ErrNoSession
	}
	if err != nil {
		return s, u, err
	}
	s.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	s.LastSeen, _ = time.Parse(time.RFC3339Nano, seen)
	nowT := time.Now()
	if u.Disabled || nowT.Sub(s.LastSeen) > idle {
		_ = EndSession(ctx, db, token)
		return s, u, ErrNoSession
	}
	if nowT.Sub(s.LastSeen) > touchEvery {
		_ = db.Write(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen=? WHERE token_hash=?`, now(), th)
			return err
		})
	}
	return s, u, nil
}

// EndSession logs a session out.
func EndSession(ctx context.Context, db *store.DB, token string) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE token_hash=?`, tokenHash(token))
		return err
	})
}

// PruneSessions removes sessions idle longer than idle (run from the scheduler).
func PruneSessions(ctx context.Context, db *store.DB, idle time.Duration) error {
	cutoff := time.Now().Add(-idle).UTC().Format(time.RFC3339Nano)
	return db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE last_seen < ?`, cutoff)
		return err
	})
}

// CheckPassword confirms a signed-in user's current password (before they change it).
func CheckPassword(ctx context.Context, db *store.DB, id int64, password string) (bool, error) {
	var hash string
	if err := db.R.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id=?`, id).Scan(&hash); err != nil {
		return false, err
	}
	if !checkPassword(hash, password) {
		return false, ErrBadCredentials
	}
	return true, nil
}
