package sharing

import (
	"context"
	"database/sql"

	"github.com/onramp-hk/onramp/clinic/store"
)

// Health is what the dashboard shows of sharing: the records that need a person (held back by
// our checks, refused by eHealth) and those still on their way.
type Health struct {
	Held, Rejected, Pending int
}

// ReadHealth counts only the records in those states, through sharing_records_state (state
// first), so that it reads the few held and rejected rows rather than every record eHealth
// already has. Unlike ReadStatus it leaves the outbox uncounted: at a million rows that count
// alone took about 100 ms, and the dashboard does not show it.
func ReadHealth(ctx context.Context, db *store.DB) (Health, error) {
	var h Health
	err := db.Read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT state, COUNT(*) FROM sharing_records
			WHERE state IN ('pending','inflight','held','rejected') GROUP BY state`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var state string
			var n int
			if err := rows.Scan(&state, &n); err != nil {
				return err
			}
			switch state {
			case "pending", "inflight":
				h.Pending += n
			case "held":
				h.Held += n
			case "rejected":
				h.Rejected += n
			}
		}
		return rows.Err()
	})
	return h, err
}
