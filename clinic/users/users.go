// Package users keeps the practice's staff accounts, their roles, logins and sessions.
package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Roles a user may hold; a user may hold several (a solo doctor is often admin and doctor).
const (
	RoleAdmin     = "admin"
	RoleDoctor    = "doctor"
	RoleNurse     = "nurse"
	RoleDispenser = "dispenser"
	RoleClerk     = "clerk"
)

// AllRoles in the order screens list them.
var AllRoles = []string{RoleAdmin, RoleDoctor, RoleNurse, RoleDispenser, RoleClerk}

// Lockout: after MaxFailedLogins wrong passwords in a row the user waits LockoutFor.
const (
	MaxFailedLogins = 5
	LockoutFor      = 15 * time.Minute
	MinPassword     = 8
)

// User is a member of staff.
type User struct {
	ID          int64
	Username    string
	FullName    string
	FullNameZH  string
	Language    string // "en" or "zh-HK"
	MCRNo       string // Medical Council registration number, for doctors
	Roles       []string
	Disabled    bool
	LockedUntil time.Time
	CreatedAt   time.Time
}

// Has reports whether the user holds the role.
func (u *User) Has(role string) bool { return slices.Contains(u.Roles, role) }

// RoleList is the roles as one comma-separated string, for the audit log.
func (u *User) RoleList() string { return strings.Join(u.Roles, ",") }

// Actor is the user as the audit log records them.
func (u *User) Actor(remoteAddr string) audit.Actor {
	return audit.Actor{UserID: u.ID, Username: u.Username, Roles: u.RoleList(), RemoteAddr: remoteAddr}
}

// Errors of login.
var (
	ErrBadCredentials = errors.New("wrong user name or password")
	ErrDisabled       = errors.New("account disabled")
)

// LockedError says until when an account is locked.
type LockedError struct{ Until time.Time }

func (e *LockedError) Error() string { return "account locked until " + e.Until.Format(time.RFC3339) }

var usernameRe = regexp.MustCompile(`^[A-Za-z0-9._-]{2,32}$`)

// Languages the screens come in.
var Languages = []string{"en", "zh-HK"}

// NewUser is what is needed to create an account.
type NewUser struct {
	Username   string
	FullName   string
	FullNameZH string
	Language   string
	MCRNo      string
	Roles      []string
	Password   string
}

// Validate checks a new account and returns every fault at once.
func (n *NewUser) Validate() error {
	var errs clinic.ValidationErrors
	n.Username = strings.TrimSpace(n.Username)
	n.FullName = strings.TrimSpace(n.FullName)
	n.FullNameZH = strings.TrimSpace(n.FullNameZH)
	n.MCRNo = strings.ToUpper(strings.TrimSpace(n.MCRNo))
	if !usernameRe.MatchString(n.Username) {
		errs = append(errs, clinic.Invalid("username", "error.username.format"))
	}
	if n.FullName == "" || utf8.RuneCountInString(n.FullName) > 100 {
		errs = append(errs, clinic.Invalid("full_name", "error.required"))
	}
	if utf8.RuneCountInString(n.FullNameZH) > 50 {
		errs = append(errs, clinic.Invalid("full_name_zh", "error.too_long", 50))
	}
	if n.Language == "" {
		n.Language = "en"
	}
	if !slices.Contains(Languages, n.Language) {
		errs = append(errs, clinic.Invalid("language", "error.choose"))
	}
	if len(n.Roles) == 0 {
		errs = append(errs, clinic.Invalid("roles", "error.roles.none"))
	}
	for _, r := range n.Roles {
		if !slices.Contains(AllRoles, r) {
			errs = append(errs, clinic.Invalid("roles", "error.roles.unknown", r))
		}
	}
	if slices.Contains(n.Roles, RoleDoctor) && !mcrRe.MatchString(n.MCRNo) {
		errs = append(errs, clinic.Invalid("mcr_no", "error.mcr_no"))
	}
	if err := checkNewPassword(n.Password); err != nil {
		errs = append(errs, err)
	}
	return errs.Err()
}

// Medical Council of Hong Kong registration numbers look like M12345 (or plain digits on older
// certificates); accept a letter prefix and 3-6 digits.
var mcrRe = regexp.MustCompile(`^[A-Z]{0,2}\d{3,6}$`)

func checkNewPassword(p string) *clinic.ValidationError {
	if utf8.RuneCountInString(p) < MinPassword {
		return clinic.Invalid("password", "error.password.short", MinPassword)
	}
	if len(p) > 200 {
		return clinic.Invalid("password", "error.too_long", 200)
	}
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }

// Create adds an account in the caller's transaction (first-run setup creates the practice and
// the first administrator in one transaction).
func Create(ctx context.Context, tx *sql.Tx, n NewUser, by audit.Actor) (int64, error) {
	if err := n.Validate(); err != nil {
		return 0, err
	}
	hash, err := hashPassword(n.Password)
	if err != nil {
		return 0, err
	}
	var exists int
	_ = tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE username = ?`, n.Username).Scan(&exists)
	if exists == 1 {
		return 0, clinic.Invalid("username", "error.username.taken")
	}
	ts := now()
	res, err := tx.ExecContext(ctx, `INSERT INTO users (username, full_name, full_name_zh, password_hash, language, mcr_no, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?)`, n.Username, n.FullName, n.FullNameZH, hash, n.Language, n.MCRNo, ts, ts)
	if err != nil {
		return 0, fmt.Errorf("create user: %w", err)
	}
	id, _ := res.LastInsertId()
	if err := setRoles(ctx, tx, id, n.Roles); err != nil {
		return 0, err
	}
	return id, audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "user", fmt.Sprint(id), 0,
		fmt.Sprintf("user %s with roles %s", n.Username, strings.Join(n.Roles, ","))))
}

func setRoles(ctx context.Context, tx *sql.Tx, id int64, roles []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM user_roles WHERE user_id = ?`, id); err != nil {
		return err
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO user_roles (user_id, role) VALUES (?,?)`, id, r); err != nil {
			return err
		}
	}
	return nil
}

// Add creates an account in its own transaction.
func Add(ctx context.Context, db *store.DB, n NewUser, by audit.Actor) (id int64, err error) {
	err = db.Write(ctx, func(tx *sql.Tx) error {
		id, err = Create(ctx, tx, n, by)
		return err
	})
	return id, err
}

// Update changes an account's details and roles (not its password).
type Update struct {
	FullName, FullNameZH, Language, MCRNo string
	Roles                                 []string
}

// Change applies an Update.
func Change(ctx context.Context, db *store.DB, id int64, u Update, by audit.Actor) error {
	check := NewUser{Username: "placeholder", FullName: u.FullName, FullNameZH: u.FullNameZH, Language: u.Language,
		MCRNo: u.MCRNo, Roles: u.Roles, Password: strings.Repeat("x", MinPassword)}
	if err := check.Validate(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET full_name=?, full_name_zh=?, language=?, mcr_no=?, updated_at=? WHERE id=?`,
			check.FullName, check.FullNameZH, check.Language, check.MCRNo, now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		if err := setRoles(ctx, tx, id, check.Roles); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "user", fmt.Sprint(id), 0, "roles "+strings.Join(check.Roles, ",")))
	})
}

// SetLanguage changes only the user's screen language (the switch in the page header).
func SetLanguage(ctx context.Context, db *store.DB, id int64, lang string) error {
	if !slices.Contains(Languages, lang) {
		return clinic.Invalid("language", "error.choose")
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET language=?, updated_at=? WHERE id=?`, lang, now(), id)
		return err
	})
}

// SetPassword replaces a password, clears any lockout and ends the user's other sessions.
func SetPassword(ctx context.Context, db *store.DB, id int64, password string, by audit.Actor) error {
	if err := checkNewPassword(password); err != nil {
		return err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return err
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash=?, failed_logins=0, locked_until='', updated_at=? WHERE id=?`, hash, now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id=?`, id); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "user", fmt.Sprint(id), 0, "password changed"))
	})
}

// SetDisabled disables (and logs out) or re-enables an account. Accounts are never deleted: the
// audit log and signed notes refer to them.
func SetDisabled(ctx context.Context, db *store.DB, id int64, disabled bool, by audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		if disabled {
			// Never lock the practice out of its own system.
			var others int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id=u.id
				WHERE r.role='admin' AND u.disabled=0 AND u.id<>?`, id).Scan(&others); err != nil {
				return err
			}
			var isAdmin int
			_ = tx.QueryRowContext(ctx, `SELECT 1 FROM user_roles WHERE user_id=? AND role='admin'`, id).Scan(&isAdmin)
			if isAdmin == 1 && others == 0 {
				return clinic.Invalid("disabled", "error.user.last_admin")
			}
		}
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled=?, updated_at=? WHERE id=?`, disabled, now(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		if disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id=?`, id); err != nil {
				return err
			}
		}
		what := "enabled"
		if disabled {
			what = "disabled"
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "user", fmt.Sprint(id), 0, what))
	})
}

const userCols = `users.id, users.username, users.full_name, users.full_name_zh, users.language, users.mcr_no,
	users.disabled, users.locked_until, users.created_at,
	COALESCE((SELECT group_concat(role, ',') FROM (SELECT role FROM user_roles WHERE user_id = users.id ORDER BY role)), '')`

type scanner interface{ Scan(...any) error }

// scanUser reads userCols; extra destinations, for columns selected before them, come first.
func scanUser(s scanner, extra ...any) (User, error) {
	var u User
	var locked, created, roles string
	dest := append(extra, &u.ID, &u.Username, &u.FullName, &u.FullNameZH, &u.Language, &u.MCRNo, &u.Disabled, &locked, &created, &roles)
	if err := s.Scan(dest...); err != nil {
		return u, err
	}
	u.LockedUntil, _ = time.Parse(time.RFC3339Nano, locked)
	u.CreatedAt, _ = time.Parse(time.RFC3339Nano, created)
	if roles != "" {
		u.Roles = strings.Split(roles, ",")
	}
	return u, nil
}

// Get returns one user.
func Get(ctx context.Context, db *sql.DB, id int64) (User, error) {
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, clinic.ErrNotFound
	}
	return u, err
}

// GetByUsername returns one user by name (case-insensitive).
func GetByUsername(ctx context.Context, db *sql.DB, name string) (User, error) {
	u, err := scanUser(db.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = ?`, strings.TrimSpace(name)))
	if errors.Is(err, sql.ErrNoRows) {
		return u, clinic.ErrNotFound
	}
	return u, err
}

// List returns every account, enabled ones first.
func List(ctx context.Context, db *sql.DB) ([]User, error) {
	rows, err := db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY disabled, username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// WithRole lists enabled users holding a role (e.g. the doctors for a queue).
func WithRole(ctx context.Context, db *sql.DB, role string) ([]User, error) {
	all, err := List(ctx, db)
	if err != nil {
		return nil, err
	}
	var out []User
	for _, u := range all {
		if !u.Disabled && u.Has(role) {
			out = append(out, u)
		}
	}
	return out, nil
}

// Count returns how many accounts exist (zero before first-run setup).
func Count(ctx context.Context, db *sql.DB) (int, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}
