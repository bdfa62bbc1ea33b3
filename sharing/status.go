package sharing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// Counts are a domain's records by state.
type Counts struct {
	Domain   ehrss.Domain
	Title    string
	Pending  int // due, or in flight
	InFlight int // of Pending: sent and not yet answered
	Sent     int // eHealth holds what OnRamp has
	Held     int // held back by the checks before sending
	Rejected int // refused by eHealth
	Waiting  int // the patient is not shared (consent revoked, ...)
}

// RunInfo is one run as the sharing page shows it.
type RunInfo struct {
	ID                                       int64
	Trigger                                  string
	Started, Finished                        time.Time
	Taken, Bundles, Accepted, Rejected, Held int
	Retries                                  int
	Error                                    string
}

// Problem is a held or rejected record with what a person needs to fix it.
type Problem struct {
	Key, Domain, State string // state: held or rejected
	PatientID          int64
	PatientNumber      string
	PatientName        string
	Field              string
	ReasonEN, ReasonZH string
	FixURL             string
	Since              time.Time
}

// InFlight is a bundle sent and not yet answered.
type InFlight struct {
	ID, Domain, Mode string
	PatientID        int64
	Records          int
	Attempts         int
	NextAttempt      time.Time
	LastError        string
}

// Status is the state of sharing for the page and `onramp share status`.
type Status struct {
	Domains  []Counts
	Total    Counts
	Outbox   int // changes not yet taken over
	InFlight []InFlight
	LastRun  *RunInfo
	Problems []Problem
}

// ReadStatus reads the counts, the last run, what is in flight, and up to limit held or
// rejected records (newest first).
func ReadStatus(ctx context.Context, db *store.DB, limit int) (Status, error) {
	var s Status
	err := db.Read(ctx, func(tx *sql.Tx) error {
		var err error
		if s.Outbox, err = outbox.Len(ctx, tx); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT domain, state, COUNT(*) FROM sharing_records GROUP BY domain, state`)
		if err != nil {
			return err
		}
		by := map[string]*Counts{}
		for rows.Next() {
			var d, state string
			var n int
			if err := rows.Scan(&d, &state, &n); err != nil {
				rows.Close()
				return err
			}
			c := by[d]
			if c == nil {
				c = &Counts{Domain: ehrss.Domain(d), Title: ehrss.Title(ehrss.Domain(d))}
				by[d] = c
			}
			for _, t := range []*Counts{c, &s.Total} {
				switch state {
				case "pending":
					t.Pending += n
				case "inflight":
					t.Pending += n
					t.InFlight += n
				case "sent":
					t.Sent += n
				case "held":
					t.Held += n
				case "rejected":
					t.Rejected += n
				case "waiting":
					t.Waiting += n
				}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range domainOrder {
			if c := by[string(d)]; c != nil {
				s.Domains = append(s.Domains, *c)
				delete(by, string(d))
			}
		}
		for _, c := range by {
			s.Domains = append(s.Domains, *c)
		}

		var r RunInfo
		var started, finished string
		err = tx.QueryRowContext(ctx, `SELECT id, trigger, started_at, finished_at, taken, bundles, accepted, rejected, held, retries, error
			FROM sharing_runs WHERE trigger <> 'export' ORDER BY id DESC LIMIT 1`).Scan(&r.ID, &r.Trigger, &started, &finished,
			&r.Taken, &r.Bundles, &r.Accepted, &r.Rejected, &r.Held, &r.Retries, &r.Error)
		switch {
		case err == nil:
			r.Started, r.Finished = parseTS(started), parseTS(finished)
			s.LastRun = &r
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}

		fl, err := tx.QueryContext(ctx, `SELECT id, domain, mode, patient_id, records, attempts, next_attempt_at, last_error
			FROM sharing_bundles WHERE state = 'inflight' ORDER BY created_at LIMIT 100`)
		if err != nil {
			return err
		}
		for fl.Next() {
			var b InFlight
			var next string
			if err := fl.Scan(&b.ID, &b.Domain, &b.Mode, &b.PatientID, &b.Records, &b.Attempts, &next, &b.LastError); err != nil {
				fl.Close()
				return err
			}
			b.NextAttempt = parseTS(next)
			s.InFlight = append(s.InFlight, b)
		}
		fl.Close()

		if limit <= 0 {
			limit = 200
		}
		ps, err := tx.QueryContext(ctx, `SELECT record_key, domain, state, patient_id, field, reason_en, reason_zh, fix_url, updated_at
			FROM sharing_records WHERE state IN ('held','rejected') ORDER BY updated_at DESC LIMIT ?`, limit)
		if err != nil {
			return err
		}
		defer ps.Close()
		for ps.Next() {
			var p Problem
			var since string
			if err := ps.Scan(&p.Key, &p.Domain, &p.State, &p.PatientID, &p.Field, &p.ReasonEN, &p.ReasonZH, &p.FixURL, &since); err != nil {
				return err
			}
			p.Since = parseTS(since)
			s.Problems = append(s.Problems, p)
		}
		return ps.Err()
	})
	if err != nil {
		return s, err
	}
	names := map[int64]*patients.Patient{}
	for i := range s.Problems {
		p := &s.Problems[i]
		pt, ok := names[p.PatientID]
		if !ok {
			got, err := patients.Get(ctx, db.R, p.PatientID)
			if err == nil {
				pt = &got
			}
			names[p.PatientID] = pt
		}
		if pt != nil {
			p.PatientNumber, p.PatientName = pt.Number, patientName(pt)
		}
	}
	return s, nil
}

func patientName(p *patients.Patient) string {
	n := p.NameEN()
	if p.NameZH != "" {
		if n != "" {
			n += " "
		}
		n += p.NameZH
	}
	return n
}

// Event is a line of a patient's sharing history.
type Event struct {
	At                 time.Time
	Kind               string // shareable, stopped, accepted, rejected, held
	Domain, RecordKey  string
	BundleID           string
	DetailEN, DetailZH string
}

// RecordState is one record of a patient as sharing sees it.
type RecordState struct {
	Key, Domain, State string
	Central            string // none, present, deleted
	CentralTx          string
	CentralAt          time.Time
	ReasonEN, ReasonZH string
	FixURL             string
}

// PatientSharing is one patient's sharing: the gate's word, their records, the history.
type PatientSharing struct {
	PatientID      int64
	Weighed        bool // the gate has seen the patient
	Shareable      bool
	Since          time.Time
	MaterialisedAt time.Time
	Records        []RecordState
	Events         []Event
}

// PatientHistory reads one patient's sharing, newest events first (at most 500).
func PatientHistory(ctx context.Context, db *store.DB, patientID int64) (PatientSharing, error) {
	ps := PatientSharing{PatientID: patientID}
	err := db.Read(ctx, func(tx *sql.Tx) error {
		var since, mat string
		err := tx.QueryRowContext(ctx, `SELECT shareable, since, materialised_at FROM sharing_patients WHERE patient_id = ?`, patientID).
			Scan(&ps.Shareable, &since, &mat)
		switch {
		case err == nil:
			ps.Weighed, ps.Since, ps.MaterialisedAt = true, parseTS(since), parseTS(mat)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT record_key, domain, state, central, central_tx, central_at, reason_en, reason_zh, fix_url
			FROM sharing_records WHERE patient_id = ?
			UNION SELECT record_key, domain, state, central, central_tx, central_at, reason_en, reason_zh, fix_url
			FROM sharing_records WHERE central_patient = ?
			ORDER BY domain, record_key`, patientID, patientID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var r RecordState
			var at string
			if err := rows.Scan(&r.Key, &r.Domain, &r.State, &r.Central, &r.CentralTx, &at, &r.ReasonEN, &r.ReasonZH, &r.FixURL); err != nil {
				rows.Close()
				return err
			}
			r.CentralAt = parseTS(at)
			ps.Records = append(ps.Records, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		ev, err := tx.QueryContext(ctx, `SELECT at, kind, domain, record_key, bundle_id, detail_en, detail_zh
			FROM sharing_events WHERE patient_id = ? ORDER BY id DESC LIMIT 500`, patientID)
		if err != nil {
			return err
		}
		defer ev.Close()
		for ev.Next() {
			var e Event
			var at string
			if err := ev.Scan(&at, &e.Kind, &e.Domain, &e.RecordKey, &e.BundleID, &e.DetailEN, &e.DetailZH); err != nil {
				return err
			}
			e.At = parseTS(at)
			ps.Events = append(ps.Events, e)
		}
		return ev.Err()
	})
	return ps, err
}

// RetryRejected puts a record eHealth rejected back in the queue, when the cause was on
// eHealth's side or was fixed without a change to the record itself.
func RetryRejected(ctx context.Context, db *store.DB, key string, by audit.Actor) error {
	return db.Write(ctx, func(tx *sql.Tx) error {
		var patientID int64
		err := tx.QueryRowContext(ctx, `SELECT patient_id FROM sharing_records WHERE record_key = ? AND state = 'rejected'`, key).Scan(&patientID)
		if errors.Is(err, sql.ErrNoRows) {
			return clinic.ErrNotFound
		}
		if err != nil {
			return err
		}
		now := ts(time.Now())
		if _, err := tx.ExecContext(ctx, `UPDATE sharing_records SET state = 'pending', updated_at = ? WHERE record_key = ?`, now, key); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO sharing_events (patient_id, at, kind, record_key, detail_en, detail_zh)
			VALUES (?,?,?,?,?,?)`, patientID, now, "retry", key, "Queued again by "+by.Username+".", "由 "+by.Username+" 重新排隊上載。"); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(audit.ActionChange, "sharing", key, patientID, fmt.Sprintf("queued %s for eHealth again", key)))
	})
}
