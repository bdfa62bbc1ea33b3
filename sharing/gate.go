package sharing

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// ingestChunk is how many outbox rows one transaction takes over.
const ingestChunk = 500

// consentRule notices a change of share.require_consent since the last run and weighs every
// patient who has joined eHealth again, by queueing a personal identification row for each.
func (st *runState) consentRule() error {
	want := strconv.FormatBool(st.e.opt.RequireConsent)
	return st.tx.write(st.ctx, func(tx *sql.Tx) error {
		var had string
		err := tx.QueryRowContext(st.ctx, `SELECT value FROM sharing_state WHERE key = 'require_consent'`).Scan(&had)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if had == want {
			return nil
		}
		if had != "" {
			// A one-off walk over the joined patients, on a change of a setting.
			if _, err := tx.ExecContext(st.ctx, `INSERT INTO outbox (record_key, domain, tx_type, patient_id, at)
				SELECT 'OR-PID-patients-' || id, 'PID', 'U', id, ? FROM patients WHERE ehealth_joined = 1 AND merged_into IS NULL`,
				ts(st.now())); err != nil {
				return err
			}
			st.e.opt.Log.Info("sharing: share.require_consent changed; weighing every joined patient again", "from", had, "to", want)
		}
		_, err = tx.ExecContext(st.ctx, `INSERT INTO sharing_state (key, value) VALUES ('require_consent', ?)
			ON CONFLICT(key) DO UPDATE SET value = excluded.value`, want)
		return err
	})
}

// ingest takes the outbox over, oldest first, in chunks.
func (st *runState) ingest() error {
	for {
		n := 0
		err := st.tx.write(st.ctx, func(tx *sql.Tx) error {
			entries, err := outbox.Next(st.ctx, tx, ingestChunk)
			if err != nil || len(entries) == 0 {
				return err
			}
			n = len(entries)
			// The gate first, so that a patient who joins in this chunk has their records queued
			// for materialisation before the chunk's other rows are taken.
			weighed := map[int64]bool{}
			for _, en := range entries {
				if en.Domain == string(ehrss.DomainPersonal) && !weighed[en.PatientID] {
					weighed[en.PatientID] = true
					if err := st.weigh(tx, en.PatientID); err != nil {
						return err
					}
				}
			}
			for _, en := range entries {
				if err := st.take(tx, en); err != nil {
					return err
				}
			}
			st.report.Taken += n
			return outbox.Done(st.ctx, tx, entries[n-1].ID)
		})
		if err != nil {
			return err
		}
		if n < ingestChunk {
			return nil
		}
	}
}

// take folds one outbox row into the record's row: several changes between runs become one
// row whose transaction type is decided when it is packaged.
func (st *runState) take(tx *sql.Tx, en outbox.Entry) error {
	owner, err := st.survivor(en.PatientID)
	if err != nil {
		return err
	}
	reason := ""
	if en.Tx == outbox.Delete {
		reason = en.Reason
	}
	now := ts(st.now())
	res, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET
			dirty = CASE WHEN state = 'inflight' THEN 1 ELSE dirty END,
			state = CASE WHEN state = 'inflight' THEN 'inflight' ELSE 'pending' END,
			patient_id = ?, changed_at = ?, delete_reason = ?, updated_at = ?
		WHERE record_key = ?`, owner, ts(en.At), reason, now, en.Key)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return nil
	}
	ok, err := shareable(st, tx, owner)
	if err != nil {
		return err
	}
	if !ok {
		// Nothing of this record is at eHealth and its patient is not shared: should the
		// patient become shareable, the materialisation lists all their records afresh.
		st.report.NotShared++
		return nil
	}
	_, err = tx.ExecContext(st.ctx, `INSERT INTO sharing_records (record_key, domain, patient_id, state, changed_at, delete_reason, updated_at)
		VALUES (?,?,?,'pending',?,?,?)`, en.Key, en.Domain, owner, ts(en.At), reason, now)
	return err
}

func shareable(st *runState, tx *sql.Tx, patientID int64) (bool, error) {
	var s bool
	err := tx.QueryRowContext(st.ctx, `SELECT shareable FROM sharing_patients WHERE patient_id = ?`, patientID).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return s, err
}

type gateRow struct {
	found      bool
	shareable  bool
	mergedInto int64
}

// weigh puts one patient through the consent gate: when they become shareable all their records
// are queued for a data materialisation; when they stop, their queue waits; a merge or un-merge
// sends the records that moved to their new owner.
func (st *runState) weigh(tx *sql.Tx, id int64) error {
	p, err := patients.Get(st.ctx, st.e.db.R, id)
	var pp *patients.Patient
	switch {
	case err == nil:
		pp = &p
	case !errors.Is(err, clinic.ErrNotFound):
		return err
	}
	st.patients[id] = pp // fresh for the rest of the run
	now := st.now()
	ok := pp != nil && patients.Shareable(*pp, st.e.opt.RequireConsent)
	var merged int64
	if pp != nil {
		merged = pp.MergedInto
	}
	var prev gateRow
	var mi sql.NullInt64
	err = tx.QueryRowContext(st.ctx, `SELECT shareable, merged_into FROM sharing_patients WHERE patient_id = ?`, id).Scan(&prev.shareable, &mi)
	switch {
	case err == nil:
		prev.found, prev.mergedInto = true, mi.Int64
	case !errors.Is(err, sql.ErrNoRows):
		return err
	}

	upsert := func(since bool, materialised bool) error {
		_, err := tx.ExecContext(st.ctx, `INSERT INTO sharing_patients (patient_id, shareable, merged_into, since, materialised_at)
			VALUES (?,?,?,?,?)
			ON CONFLICT(patient_id) DO UPDATE SET shareable = excluded.shareable, merged_into = excluded.merged_into,
				since = CASE WHEN ? THEN excluded.since ELSE since END,
				materialised_at = CASE WHEN ? THEN excluded.materialised_at ELSE materialised_at END`,
			id, ok, nullID(merged), ts(now), map[bool]string{true: ts(now)}[materialised], since, materialised)
		return err
	}

	switch {
	case ok && (!prev.found || !prev.shareable):
		if err := upsert(true, true); err != nil {
			return err
		}
		n, err := st.reconcile(tx, id, true)
		if err != nil {
			return err
		}
		if err := st.event(tx, id, "shareable", "", "", "",
			fmt.Sprintf("The patient may now be shared with eHealth: %d records queued for the first upload (data materialisation).", n),
			fmt.Sprintf("病人的紀錄現可與醫健通互通：%d 項紀錄已排隊作首次上載（資料實體化）。", n)); err != nil {
			return err
		}
	case !ok && prev.found && prev.shareable:
		if err := upsert(true, false); err != nil {
			return err
		}
		if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET state = 'waiting', updated_at = ?
			WHERE patient_id = ? AND state IN ('pending','held','rejected')`, ts(now), id); err != nil {
			return err
		}
		en, zh := whyNotShared(pp, st.e.opt.RequireConsent)
		if err := st.event(tx, id, "stopped", "", "", "", en, zh); err != nil {
			return err
		}
	case prev.found || merged != 0:
		if err := upsert(false, false); err != nil {
			return err
		}
		if ok {
			// The patient's details changed: what eHealth refused may have been refused for
			// them (an identity it could not match), so it is tried again.
			if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET state = 'pending', updated_at = ?
				WHERE patient_id = ? AND state = 'rejected'`, ts(now), id); err != nil {
				return err
			}
		}
	}

	// A merge or un-merge: the records that moved go to their new owner (and leave the
	// identity they were sent under).
	if prev.mergedInto != merged {
		for _, s := range []int64{prev.mergedInto, merged} {
			if s == 0 {
				continue
			}
			sv, err := st.survivor(s)
			if err != nil {
				return err
			}
			if _, err := st.reconcile(tx, sv, false); err != nil {
				return err
			}
		}
		if _, err := st.reconcile(tx, id, false); err != nil {
			return err
		}
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// whyNotShared says in plain words why a patient stopped being shared.
func whyNotShared(p *patients.Patient, requireConsent bool) (en, zh string) {
	switch {
	case p == nil:
		return "The patient record no longer exists; nothing more is sent.", "病人紀錄已不存在；不再上載。"
	case p.Merged():
		return "This registration was merged into another patient record; its records follow the survivor.",
			"此登記已合併至另一病人紀錄；其紀錄隨保留的紀錄上載。"
	case !p.EHealth.Joined:
		return "The patient is no longer marked as joined to eHealth; uploads stop.", "病人已不再標示為已登記醫健通；停止上載。"
	case requireConsent && p.EHealth.Consent == patients.ConsentRevoked:
		return "The patient revoked sharing consent; uploads stop until consent is given again.",
			"病人已撤回互通同意；在再次給予同意前停止上載。"
	case requireConsent && p.EHealth.Consent != patients.ConsentGiven:
		return "The patient has not given sharing consent; uploads wait for it.", "病人未給予互通同意；上載須待同意。"
	case p.Doc.Number == "":
		return "The patient has no identity document on file; eHealth cannot match them.", "病人沒有身份證明文件紀錄；醫健通無法配對。"
	}
	return "The patient can no longer be shared.", "病人的紀錄現不可互通。"
}

// reconcile queues everything of a patient to be weighed again at packaging: the records they
// have (or had) at eHealth and, when they are shareable, every record they have now. It
// returns how many records it queued.
func (st *runState) reconcile(tx *sql.Tx, id int64, materialise bool) (int, error) {
	now := ts(st.now())
	res, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET state = 'pending', materialise = MAX(materialise, ?), updated_at = ?
		WHERE (patient_id = ? OR central_patient = ?) AND state IN ('sent','held','rejected','waiting')`, materialise, now, id, id)
	if err != nil {
		return 0, err
	}
	n64, _ := res.RowsAffected()
	n := int(n64)
	if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET dirty = 1, updated_at = ?
		WHERE (patient_id = ? OR central_patient = ?) AND state = 'inflight'`, now, id, id); err != nil {
		return 0, err
	}
	ok, err := shareable(st, tx, id)
	if err != nil || !ok {
		return n, err
	}
	stmt, err := tx.PrepareContext(st.ctx, `INSERT INTO sharing_records (record_key, domain, patient_id, state, materialise, changed_at, updated_at)
		VALUES (?,?,?,'pending',?,?,?)
		ON CONFLICT(record_key) DO UPDATE SET patient_id = excluded.patient_id,
			dirty = CASE WHEN state = 'inflight' THEN 1 ELSE dirty END,
			materialise = CASE WHEN state = 'inflight' THEN materialise ELSE MAX(materialise, excluded.materialise) END,
			state = CASE WHEN state = 'inflight' THEN 'inflight' ELSE 'pending' END`)
	if err != nil {
		return n, err
	}
	defer stmt.Close()
	for _, d := range sortedDomains(st.e.domains) {
		keys, err := st.e.domains[d].Keys(st.ctx, st.e.db, id)
		if err != nil {
			return n, fmt.Errorf("%s records of patient %d: %w", d, id, err)
		}
		for _, k := range keys {
			if _, err := stmt.ExecContext(st.ctx, k, string(d), id, materialise, now, now); err != nil {
				return n, err
			}
		}
	}
	err = tx.QueryRowContext(st.ctx, `SELECT COUNT(*) FROM sharing_records WHERE patient_id = ? AND state IN ('pending','inflight')`, id).Scan(&n)
	return n, err
}

// event adds a line to the patient's sharing history.
func (st *runState) event(tx *sql.Tx, patientID int64, kind, domain, key, bundle, en, zh string) error {
	_, err := tx.ExecContext(st.ctx, `INSERT INTO sharing_events (patient_id, at, kind, domain, record_key, bundle_id, detail_en, detail_zh)
		VALUES (?,?,?,?,?,?,?,?)`, patientID, ts(st.now()), kind, domain, key, bundle, en, zh)
	return err
}
