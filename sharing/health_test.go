package sharing

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestReadHealth: the dashboard's figures agree with the sharing page's totals for every mix of
// states, and the count reads the state index rather than the whole table.
func TestReadHealth(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		states map[string]int
		want   Health
	}{
		{"nothing shared yet", nil, Health{}},
		{"all sent", map[string]int{"sent": 30}, Health{}},
		{"every state", map[string]int{"pending": 4, "inflight": 3, "sent": 50, "held": 2, "rejected": 5, "waiting": 7},
			Health{Held: 2, Rejected: 5, Pending: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := openDB(t)
			now := time.Now().UTC().Format(time.RFC3339)
			err := db.Write(ctx, func(tx *sql.Tx) error {
				i := 0
				for state, n := range tt.states {
					for range n {
						i++
						if _, err := tx.Exec(`INSERT INTO sharing_records (record_key, domain, patient_id, state, changed_at, updated_at)
							VALUES (?,?,?,?,?,?)`, fmt.Sprintf("OR-AL1-allergies-%d", i), "AL1", i, state, now, now); err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := ReadHealth(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("health %+v, want %+v", got, tt.want)
			}
			st, err := ReadStatus(ctx, db, 0)
			if err != nil {
				t.Fatal(err)
			}
			if page := (Health{Held: st.Total.Held, Rejected: st.Total.Rejected, Pending: st.Total.Pending}); page != got {
				t.Errorf("dashboard %+v, sharing page %+v", got, page)
			}
		})
	}
	t.Run("reads the state index", func(t *testing.T) {
		db := openDB(t)
		rows, err := db.R.Query(`EXPLAIN QUERY PLAN SELECT state, COUNT(*) FROM sharing_records
			WHERE state IN ('pending','inflight','held','rejected') GROUP BY state`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
				t.Fatal(err)
			}
			plan = append(plan, detail)
		}
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING COVERING INDEX") || strings.Contains(p, "SCAN sharing_records") {
			t.Errorf("plan: %s", p)
		}
	})
}
