// Package practice keeps the practice's own details (names, address, eHealth provider id) and
// first-run setup, which creates them together with the first administrator.
package practice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/users"
)

// Practice is the clinic as printed on letterheads and sent to eHealth.
type Practice struct {
	NameEN  string
	NameZH  string
	Address string
	Phone   string
	HCPID   string // eHealth healthcare-provider id: 10 digits, optional
}

// ErrAlreadySetUp is returned by Setup once the practice exists: setup happens once.
var ErrAlreadySetUp = errors.New("the practice is already set up")

var hcpRe = regexp.MustCompile(`^\d{10}$`)
var phoneRe = regexp.MustCompile(`^[0-9 +()-]{0,30}$`)

// Validate checks and tidies the details.
func (p *Practice) Validate() clinic.ValidationErrors {
	var errs clinic.ValidationErrors
	p.NameEN = strings.TrimSpace(p.NameEN)
	p.NameZH = strings.TrimSpace(p.NameZH)
	p.Address = strings.TrimSpace(p.Address)
	p.Phone = strings.TrimSpace(p.Phone)
	p.HCPID = strings.ReplaceAll(strings.TrimSpace(p.HCPID), " ", "")
	if p.NameEN == "" {
		errs = append(errs, clinic.Invalid("name_en", "error.required"))
	} else if utf8.RuneCountInString(p.NameEN) > 120 {
		errs = append(errs, clinic.Invalid("name_en", "error.too_long", 120))
	}
	if utf8.RuneCountInString(p.NameZH) > 60 {
		errs = append(errs, clinic.Invalid("name_zh", "error.too_long", 60))
	}
	if utf8.RuneCountInString(p.Address) > 300 {
		errs = append(errs, clinic.Invalid("address", "error.too_long", 300))
	}
	if !phoneRe.MatchString(p.Phone) {
		errs = append(errs, clinic.Invalid("phone", "error.phone"))
	}
	if p.HCPID != "" && !hcpRe.MatchString(p.HCPID) {
		errs = append(errs, clinic.Invalid("hcp_id", "error.hcp_id"))
	}
	return errs
}

// Get returns the practice, or clinic.ErrNotFound before setup.
func Get(ctx context.Context, db *sql.DB) (Practice, error) {
	var p Practice
	err := db.QueryRowContext(ctx, `SELECT name_en, name_zh, address, phone, hcp_id FROM practice WHERE id=1`).
		Scan(&p.NameEN, &p.NameZH, &p.Address, &p.Phone, &p.HCPID)
	if errors.Is(err, sql.ErrNoRows) {
		return p, clinic.ErrNotFound
	}
	return p, err
}

// IsSetUp reports whether first-run setup has been done.
func IsSetUp(ctx context.Context, db *sql.DB) (bool, error) {
	var n int
	err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n)
	return n > 0, err
}

// Setup creates the practice and its first administrator in one transaction, so that a setup
// interrupted half way leaves nothing behind and can simply be done again.
func Setup(ctx context.Context, db *store.DB, p Practice, admin users.NewUser, remoteAddr string) (adminID int64, err error) {
	errs := p.Validate()
	if uerr := admin.Validate(); uerr != nil {
		errs = append(errs, uerr.(clinic.ValidationErrors)...)
	}
	if err := errs.Err(); err != nil {
		return 0, err
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM practice`).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return ErrAlreadySetUp
		}
		ts := time.Now().UTC().Format(time.RFC3339Nano)
		if _, err := tx.ExecContext(ctx, `INSERT INTO practice (id, name_en, name_zh, address, phone, hcp_id, created_at, updated_at)
			VALUES (1,?,?,?,?,?,?,?)`, p.NameEN, p.NameZH, p.Address, p.Phone, p.HCPID, ts, ts); err != nil {
			return err
		}
		by := audit.Actor{Username: admin.Username, RemoteAddr: remoteAddr}
		if adminID, err = users.Create(ctx, tx, admin, by); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionSetup, "practice", "1", 0, "first-run setup: "+p.NameEN))
	})
	return adminID, err
}

// Update changes the practice's details.
func Update(ctx context.Context, db *store.DB, p Practice, by audit.Actor) error {
	if err := p.Validate().Err(); err != nil {
		return err
	}
	return db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE practice SET name_en=?, name_zh=?, address=?, phone=?, hcp_id=?, updated_at=? WHERE id=1`,
			p.NameEN, p.NameZH, p.Address, p.Phone, p.HCPID, time.Now().UTC().Format(time.RFC3339Nano))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "practice", "1", 0, fmt.Sprintf("details: %s / %s", p.NameEN, p.HCPID)))
	})
}

// Setting reads a key from the settings table ("" when unset).
func Setting(ctx context.Context, db *sql.DB, key string) (string, error) {
	var v string
	err := db.QueryRowContext(ctx, `SELECT value FROM settings WHERE key=?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetSetting writes a key, audited.
func SetSetting(ctx context.Context, db *store.DB, key, value string, by audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES (?,?) ON CONFLICT(key) DO UPDATE SET value=excluded.value`, key, value); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "setting", key, 0, ""))
	})
}
