package results

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/onramp-hk/onramp/clinic/outbox"
)

// A laboratory request is what eHealth keeps as one record (LABGEN): every test the laboratory
// reported under the request number on its slip. The clinic keeps one row per test; the
// lab_requests row gives the request the id its record key is made of.

// Domain is eHealth's data domain of general laboratory results.
const Domain = "LABGEN"

// hkt is Hong Kong time, in which collection times are typed and kept.
var hkt = time.FixedZone("HKT", 8*3600)

// RequestKey is the eHealth record key of a laboratory request, stable for its life.
func RequestKey(requestID int64) string { return outbox.Key(Domain, "lab_requests", requestID) }

// CollectedTime parses a kept collection time; zero when there is none.
func CollectedTime(s string) time.Time {
	t, err := time.ParseInLocation(CollectedLayout, s, hkt)
	if err != nil {
		return time.Time{}
	}
	return t
}

// requestFor finds or makes the patient's request with this number; 0 without a number.
func requestFor(ctx context.Context, tx *sql.Tx, patientID int64, no string) (id int64, created bool, err error) {
	if no == "" {
		return 0, false, nil
	}
	err = tx.QueryRowContext(ctx, `SELECT id FROM lab_requests WHERE patient_id = ? AND request_no = ?`, patientID, no).Scan(&id)
	if err == nil {
		return id, false, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, err
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO lab_requests (patient_id, request_no, created_at) VALUES (?, ?, ?) RETURNING id`,
		patientID, no, now()).Scan(&id)
	return id, true, err
}

// hadShareable reports whether the request has a shareable row in force other than except.
func hadShareable(ctx context.Context, tx *sql.Tx, requestID, except int64) bool {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT count(*) FROM results WHERE request_id = ? AND id != ? AND status = 'ok'
		AND category != '' AND report_status != '' AND collected_at != ''`, requestID, except).Scan(&n)
	return err == nil && n > 0
}

// RequestsOf lists the ids of the patient's requests that have, or had, a shareable row: the
// records eHealth may hold of the patient's laboratory results.
func RequestsOf(ctx context.Context, q querier, patientID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT request_id FROM results WHERE patient_id = ? AND request_id IS NOT NULL
		AND category != '' AND report_status != '' AND collected_at != '' ORDER BY request_id`, patientID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ForRequest lists a request's rows, withdrawn ones included, oldest first.
func ForRequest(ctx context.Context, q querier, requestID int64) ([]Result, error) {
	return list(ctx, q, `request_id = ? ORDER BY id`, requestID)
}
