package visits

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Template is a note text to start from: the clinic's (UserID 0) or one doctor's favourite.
type Template struct {
	ID     int64
	UserID int64
	Name   string
	Note   Note
}

// Templates lists the clinic's templates and the doctor's own, the doctor's first.
func Templates(ctx context.Context, q Querier, userID int64) ([]Template, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, COALESCE(user_id,0), name, history, examination, assessment, plan
		FROM note_templates WHERE active = 1 AND (user_id IS NULL OR user_id = ?) ORDER BY user_id IS NULL, name`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		var t Template
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Note.History, &t.Note.Examination, &t.Note.Assessment, &t.Note.Plan); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// GetTemplate returns a template the user may use.
func GetTemplate(ctx context.Context, q RowQuerier, id, userID int64) (Template, error) {
	var t Template
	err := q.QueryRowContext(ctx, `SELECT id, COALESCE(user_id,0), name, history, examination, assessment, plan
		FROM note_templates WHERE id = ? AND active = 1 AND (user_id IS NULL OR user_id = ?)`, id, userID).
		Scan(&t.ID, &t.UserID, &t.Name, &t.Note.History, &t.Note.Examination, &t.Note.Assessment, &t.Note.Plan)
	if errors.Is(err, sql.ErrNoRows) {
		return t, clinic.ErrNotFound
	}
	return t, err
}

// SaveFavourite keeps a note as one of the doctor's own templates; userID 0 makes it one of the
// clinic's templates, offered to every doctor.
func SaveFavourite(ctx context.Context, db *store.DB, userID int64, name string, n Note, by audit.Actor) (int64, error) {
	name = strings.TrimSpace(name)
	n.clean()
	switch {
	case name == "":
		return 0, clinic.Invalid("template_name", "error.visit.template_name")
	case len(name) > 100:
		return 0, clinic.Invalid("template_name", "error.visit.template_name")
	case n.Empty():
		return 0, clinic.Invalid("history", "error.visit.note_empty")
	}
	if err := n.validate().Err(); err != nil {
		return 0, err
	}
	var id int64
	err := db.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO note_templates (user_id, name, history, examination, assessment, plan,
			updated_at) VALUES (NULLIF(?,0), ?, ?, ?, ?, ?, ?)`, userID, name, n.History, n.Examination, n.Assessment, n.Plan, now())
		if err != nil {
			return err
		}
		id, _ = res.LastInsertId()
		return audit.Append(ctx, tx, by.Entry(audit.ActionCreate, "note_template", fmt.Sprint(id), 0, "favourite "+name))
	})
	return id, err
}

// RetireTemplate stops offering a template: the clinic's (userID 0) or the user's own.
func RetireTemplate(ctx context.Context, db *store.DB, id, userID int64, clinicWide bool, by audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		q := `UPDATE note_templates SET active = 0, updated_at = ? WHERE id = ? AND active = 1 AND user_id = ?`
		args := []any{now(), id, userID}
		if clinicWide {
			q, args = `UPDATE note_templates SET active = 0, updated_at = ? WHERE id = ? AND active = 1 AND user_id IS NULL`, args[:2]
		}
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return clinic.ErrNotFound
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionDelete, "note_template", fmt.Sprint(id), 0, "template retired"))
	})
}
