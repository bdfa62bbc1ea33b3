package sharing

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/sharing/ehrss"
	"github.com/onramp-hk/onramp/sharing/fhir"
)

// recRow is a row of sharing_records as packaging reads it.
type recRow struct {
	Key, Domain    string
	PatientID      int64
	Materialise    bool
	ChangedAt      time.Time
	DeleteReason   string
	Central        string // none, present, deleted
	CentralPatient int64
	CentralHash    string
	ReasonEN       string
}

// job is one record to send: what to do, under which patient, with what content.
type job struct {
	row      recRow
	tx       ehrss.TxType
	under    int64 // the patient it is sent under
	owner    int64 // the patient it belongs to now
	identity ehrss.Patient
	item     any
	hash     string
	mode     ehrss.UploadMode
	fix      string
	held     *hold
	packed   bool
}

// hold is why a record cannot go yet.
type hold struct {
	field, en, zh, fix string
}

func (h *hold) add(field, en, zh, fix string) {
	if h.field == "" {
		h.field = field
	}
	if h.fix == "" {
		h.fix = fix
	}
	h.en = strings.TrimSpace(h.en + " " + en)
	h.zh = strings.TrimSpace(h.zh + " " + zh)
}

// prepared is a bundle ready to send.
type prepared struct {
	id, domain, mode string
	patient          int64
	body             []byte
	items            []bundleItem
	attempts         int
}

type bundleItem struct {
	key     string
	tx      ehrss.TxType
	hash    string
	patient int64 // sent under
	owner   int64
	fix     string
}

func (p *prepared) keys() []string {
	out := make([]string, len(p.items))
	for i, it := range p.items {
		out[i] = it.key
	}
	return out
}

const maxRounds = 1_000_000

// sendPending packages and sends what is due, one domain and up to MaxPatients patients at a
// time, until nothing is due or the central stops answering.
func (st *runState) sendPending() error {
	for round := 0; round < maxRounds && !st.centralDown; round++ {
		if err := st.ctx.Err(); err != nil {
			return err
		}
		domain, rows, err := st.nextBatch()
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		if err := st.processBatch(domain, rows); err != nil {
			return err
		}
	}
	return nil
}

// due is what packaging takes: pending records, and held ones not yet checked in this run.
const due = `(state = 'pending' OR (state = 'held' AND checked_run < ?))`

func (st *runState) nextBatch() (ehrss.Domain, []recRow, error) {
	var domain ehrss.Domain
	var rows []recRow
	err := st.tx.read(st.ctx, func(tx *sql.Tx) error {
		// The next domain in order with anything due: one index probe per domain.
		for _, d := range domainOrder {
			err := tx.QueryRowContext(st.ctx, `SELECT domain FROM sharing_records WHERE domain = ? AND `+due+` LIMIT 1`,
				string(d), st.report.RunID).Scan(new(string))
			if err == nil {
				domain = d
				break
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if domain == "" {
			// A domain outside the list (a feature newer than this table).
			var d string
			err := tx.QueryRowContext(st.ctx, `SELECT domain FROM sharing_records WHERE `+due+` LIMIT 1`, st.report.RunID).Scan(&d)
			if errors.Is(err, sql.ErrNoRows) {
				return nil
			}
			if err != nil {
				return err
			}
			domain = ehrss.Domain(d)
		}
		ps, err := tx.QueryContext(st.ctx, `SELECT DISTINCT patient_id FROM sharing_records WHERE domain = ? AND `+due+`
			ORDER BY patient_id LIMIT ?`, string(domain), st.report.RunID, st.e.opt.MaxPatients)
		if err != nil {
			return err
		}
		args := []any{string(domain), st.report.RunID}
		var marks []string
		for ps.Next() {
			var id int64
			if err := ps.Scan(&id); err != nil {
				ps.Close()
				return err
			}
			args = append(args, id)
			marks = append(marks, "?")
		}
		ps.Close()
		rs, err := tx.QueryContext(st.ctx, `SELECT record_key, domain, patient_id, materialise, changed_at, delete_reason,
				central, COALESCE(central_patient, 0), central_hash, reason_en
			FROM sharing_records WHERE domain = ? AND `+due+` AND patient_id IN (`+strings.Join(marks, ",")+`)
			ORDER BY patient_id, record_key`, args...)
		if err != nil {
			return err
		}
		defer rs.Close()
		for rs.Next() {
			var r recRow
			var changed string
			if err := rs.Scan(&r.Key, &r.Domain, &r.PatientID, &r.Materialise, &changed, &r.DeleteReason,
				&r.Central, &r.CentralPatient, &r.CentralHash, &r.ReasonEN); err != nil {
				return err
			}
			r.ChangedAt = parseTS(changed)
			rows = append(rows, r)
		}
		return rs.Err()
	})
	return domain, rows, err
}

// outcome of weighing a row at packaging.
type settle struct {
	key   string
	state string // sent, waiting, gone
	owner int64
}

// processBatch decides each record's transaction, checks and builds the bundles, writes them
// in flight, sends them and records the answers.
func (st *runState) processBatch(domain ehrss.Domain, rows []recRow) error {
	var settled []settle
	var jobs []*job
	loader := st.e.domains[domain]
	if loader == nil {
		for _, r := range rows {
			j := &job{row: r, owner: r.PatientID, under: r.PatientID, held: &hold{}}
			j.held.add("Domain", fmt.Sprintf("OnRamp cannot share %s records yet: no feature provides them.", domain),
				fmt.Sprintf("OnRamp 暫時未能上載「%s」紀錄：沒有功能提供這類紀錄。", domain), PatientURL(r.PatientID))
			jobs = append(jobs, j)
		}
		return st.finishBatch(domain, jobs, nil, settled)
	}
	keys := make([]string, len(rows))
	for i, r := range rows {
		keys[i] = r.Key
	}
	loaded, err := loader.Load(st.ctx, st.e.db, keys)
	if err != nil {
		return fmt.Errorf("load %s records: %w", domain, err)
	}
	for _, r := range rows {
		j, s, err := st.decide(domain, r, loaded)
		if err != nil {
			return err
		}
		if s != nil {
			settled = append(settled, *s)
		}
		if j != nil {
			jobs = append(jobs, j)
		}
	}

	// Build per upload mode; every job ends packed into a bundle or held.
	var bundles []*prepared
	byMode := map[ehrss.UploadMode][]*job{}
	var modes []ehrss.UploadMode
	for _, j := range jobs {
		if j.held != nil {
			continue
		}
		if _, ok := byMode[j.mode]; !ok {
			modes = append(modes, j.mode)
		}
		byMode[j.mode] = append(byMode[j.mode], j)
	}
	for _, m := range modes {
		ps, err := st.build(domain, m, byMode[m])
		if err != nil {
			return err
		}
		bundles = append(bundles, ps...)
	}
	for _, j := range jobs {
		if j.held == nil && !j.packed {
			j.held = &hold{}
			j.held.add("", "The record was not packaged; it will be tried again on the next run.",
				"此紀錄未能打包；將於下次上載時再試。", PatientURL(j.owner))
		}
	}
	return st.finishBatch(domain, jobs, bundles, settled)
}

// decide works out what one record needs: the transaction type follows from what eHealth holds
// and what the record is now, so any number of changes since the last run make one upload.
func (st *runState) decide(domain ehrss.Domain, r recRow, loaded map[string]Loaded) (*job, *settle, error) {
	l, exists := loaded[r.Key]
	gone := !exists || l.Deleted
	owner := r.PatientID
	if exists && l.PatientID != 0 {
		var err error
		if owner, err = st.survivor(l.PatientID); err != nil {
			return nil, nil, err
		}
	}
	j := &job{row: r, owner: owner, under: owner, fix: l.FixURL}
	if j.fix == "" {
		j.fix = PatientURL(owner)
	}
	moved := false
	switch {
	case r.Central == "present" && (gone || r.CentralPatient != owner):
		// Gone, or now another patient's (a merge): delete it from the identity it was sent
		// under; once that is accepted it is inserted under its owner.
		j.tx, j.under, moved = ehrss.TxDelete, r.CentralPatient, !gone
	case r.Central == "present":
		j.tx = ehrss.TxUpdate
	case gone:
		// Never at eHealth, or already deleted there: nothing to send.
		state := "sent"
		if r.Central == "none" {
			state = "gone"
		}
		return nil, &settle{key: r.Key, state: state, owner: owner}, nil
	default:
		j.tx = ehrss.TxInsert
	}

	// The consent gate, for the patient the upload is about. A delete from a merged-away
	// duplicate goes regardless: it withdraws what should not stand under that identity.
	under, err := st.patient(j.under)
	if err != nil {
		return nil, nil, err
	}
	ok, err := st.gateOpen(j.under)
	if err != nil {
		return nil, nil, err
	}
	if !ok && !(j.tx == ehrss.TxDelete && under != nil && under.Merged()) {
		return nil, &settle{key: r.Key, state: "waiting", owner: owner}, nil
	}
	if under == nil {
		j.held = &hold{}
		j.held.add("Patient", "The patient record this was sent under no longer exists.", "此紀錄上載時所屬的病人紀錄已不存在。", j.fix)
		return j, nil, nil
	}
	j.identity = identity(*under)

	rec := ehrss.Record{RecordKey: r.Key, TxType: j.tx}
	var item any
	switch {
	case j.tx == ehrss.TxDelete:
		reason := r.DeleteReason
		if exists && l.DeleteReason != "" {
			reason = l.DeleteReason
		}
		if moved {
			reason = "Recorded under a duplicate registration of the patient"
		}
		if exists && l.Item != nil && fits(domain, l.Item) {
			item = l.Item
			if base, ok := recordOf(item); ok {
				rec.RecordTime, rec.CreatedTime, rec.EncounterKey, rec.EncounterDate = base.RecordTime, base.CreatedTime, base.EncounterKey, base.EncounterDate
			}
		} else {
			item = emptyItem(domain, rec)
		}
		if rec.RecordTime.IsZero() || moved {
			rec.RecordTime = r.ChangedAt
		}
		rec.DeleteReason = reason
	case l.Item == nil:
		j.held = &hold{}
		j.held.add("", "OnRamp could not read this record to send it.", "OnRamp 未能讀取此紀錄以作上載。", j.fix)
		return j, nil, nil
	default:
		item = l.Item
		base, ok := recordOf(item)
		if !ok || !fits(domain, item) {
			j.held = &hold{}
			j.held.add("", fmt.Sprintf("OnRamp cannot send a %T as a %s record.", item, domain),
				fmt.Sprintf("OnRamp 無法把 %T 作為「%s」紀錄上載。", item, domain), j.fix)
			return j, nil, nil
		}
		rec = base
		rec.RecordKey, rec.TxType, rec.DeleteReason = r.Key, j.tx, ""
		if rec.RecordTime.IsZero() {
			rec.RecordTime = r.ChangedAt
		}
	}
	if item == nil {
		j.held = &hold{}
		j.held.add("Domain", fmt.Sprintf("OnRamp cannot send %s records yet.", domain), fmt.Sprintf("OnRamp 暫時未能上載「%s」紀錄。", domain), j.fix)
		return j, nil, nil
	}
	item = withRecord(item, rec)
	if pr, ok := item.(ehrss.PersonalRecord); ok {
		pr.Patient = j.identity
		item = pr
	}
	j.item = item
	if j.tx != ehrss.TxDelete {
		j.hash = contentHash(item)
	}
	if j.tx == ehrss.TxUpdate && j.hash == r.CentralHash {
		// Saved again, or a field eHealth does not see changed: eHealth already has this.
		return nil, &settle{key: r.Key, state: "sent", owner: owner}, nil
	}
	j.mode = modeFor(domain, j.tx, r.Materialise)
	return j, nil, nil
}

// gateOpen reports the consent gate's last word on a patient.
func (st *runState) gateOpen(id int64) (bool, error) {
	var ok bool
	err := st.tx.read(st.ctx, func(tx *sql.Tx) error {
		var err error
		ok, err = shareable(st, tx, id)
		return err
	})
	return ok, err
}

// build checks and builds one mode's jobs, marks the held ones, and returns the bundles with
// the records each carries.
func (st *runState) build(domain ehrss.Domain, mode ehrss.UploadMode, js []*job) ([]*prepared, error) {
	var bundles []*fhir.Bundle
	var problems []ehrss.Problem
	var err error
	if domain == ehrss.DomainPersonal {
		items := make([]ehrss.PersonalRecord, len(js))
		for i, j := range js {
			items[i] = j.item.(ehrss.PersonalRecord)
		}
		bundles, problems, err = ehrss.BuildPersonalChecked(st.inst, mode, items, st.now())
	} else if domain == ehrss.DomainEncounter {
		idx := map[int64]int{}
		var pes []ehrss.PatientEncounters
		for _, j := range js {
			i, ok := idx[j.under]
			if !ok {
				i = len(pes)
				idx[j.under] = i
				pes = append(pes, ehrss.PatientEncounters{Patient: j.identity})
			}
			pes[i].Encounters = append(pes[i].Encounters, j.item.(ehrss.EncounterRecord))
		}
		bundles, problems, err = ehrss.BuildEncounterChecked(st.inst, mode, pes, st.now())
	} else if domain == ehrss.DomainMedication || domain == ehrss.DomainSummary || domain == ehrss.DomainReferral {
		bundles, problems, err = st.buildProvisional(domain, mode, js)
	} else {
		idx := map[int64]int{}
		var prs []ehrss.PatientRecords
		for _, j := range js {
			i, ok := idx[j.under]
			if !ok {
				i = len(prs)
				idx[j.under] = i
				prs = append(prs, ehrss.PatientRecords{Patient: j.identity})
			}
			if err := appendItem(&prs[i], j.item); err != nil {
				j.held = &hold{}
				j.held.add("", err.Error(), err.Error(), j.fix)
			}
		}
		bundles, problems, err = ehrss.BuildChecked(st.inst, domain, mode, prs, st.now())
	}
	if err != nil {
		// A domain no guide covers, or a mode it does not take: say so on every record.
		problems = ehrss.Check(st.inst, domain, mode, nil)
		if len(problems) == 0 {
			problems = []ehrss.Problem{{Reason: err.Error(), ReasonZH: err.Error()}}
		}
		for _, j := range js {
			if j.held == nil {
				j.held = &hold{}
			}
			for _, p := range problems {
				j.held.add(p.Field, p.Reason, p.ReasonZH, j.fix)
			}
		}
		return nil, nil
	}

	byKey := map[string]*job{}
	byPatient := map[string][]*job{}
	for _, j := range js {
		byKey[j.row.Key] = j
		pk := PersonalKey(j.under)
		byPatient[pk] = append(byPatient[pk], j)
	}
	for _, p := range problems {
		var targets []*job
		fix := ""
		switch {
		case p.PatientKey == "" && p.RecordKey == "":
			targets, fix = js, PracticeURL
		case p.RecordKey == "":
			targets = byPatient[p.PatientKey]
			if id, ok := patientOfKey(p.PatientKey); ok {
				fix = EditPatientURL(id)
			}
		default:
			if j := byKey[p.RecordKey]; j != nil {
				targets = []*job{j}
				if strings.HasPrefix(p.Field, "Patient.") {
					fix = EditPatientURL(j.under)
				}
			}
		}
		for _, j := range targets {
			if j.held == nil {
				j.held = &hold{}
			}
			f := fix
			if f == "" {
				f = j.fix
			}
			j.held.add(p.Field, p.Reason, p.ReasonZH, f)
		}
	}

	var out []*prepared
	for _, b := range bundles {
		keys, txs := ehrss.BundleRecords(b)
		body, err := json.Marshal(b)
		if err != nil {
			return nil, fmt.Errorf("bundle %s: %w", b.ID, err)
		}
		p := &prepared{id: b.ID, domain: string(domain), mode: string(mode), body: body}
		for i, k := range keys {
			j := byKey[k]
			if j == nil || j.held != nil || j.packed {
				// The mapping packed something it was not asked to, or twice: refuse the bundle
				// rather than send what no row accounts for.
				return nil, fmt.Errorf("bundle %s carries record %s that packaging cannot account for", b.ID, k)
			}
			if txs[i] != j.tx {
				return nil, fmt.Errorf("bundle %s sends %s as %s, wanted %s", b.ID, k, txs[i], j.tx)
			}
			j.packed = true
			p.patient = j.under
			p.items = append(p.items, bundleItem{key: k, tx: j.tx, hash: j.hash, patient: j.under, owner: j.owner, fix: j.fix})
		}
		if len(p.items) > 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

// finishBatch writes the batch's decisions and the bundles in flight in one transaction, then
// sends the bundles and records their answers in another.
func (st *runState) finishBatch(domain ehrss.Domain, jobs []*job, bundles []*prepared, settled []settle) error {
	now := ts(st.now())
	err := st.tx.write(st.ctx, func(tx *sql.Tx) error {
		for _, s := range settled {
			var err error
			switch s.state {
			case "gone":
				_, err = tx.ExecContext(st.ctx, `DELETE FROM sharing_records WHERE record_key = ?`, s.key)
			default:
				_, err = tx.ExecContext(st.ctx, `UPDATE sharing_records SET state = ?, patient_id = ?, materialise = 0,
					field = '', reason_en = '', reason_zh = '', fix_url = '', updated_at = ? WHERE record_key = ?`,
					s.state, s.owner, now, s.key)
			}
			if err != nil {
				return err
			}
		}
		for _, j := range jobs {
			if j.held == nil {
				continue
			}
			st.report.Held++
			if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET state = 'held', patient_id = ?, field = ?,
				reason_en = ?, reason_zh = ?, fix_url = ?, checked_run = ?, updated_at = ? WHERE record_key = ?`,
				j.owner, j.held.field, j.held.en, j.held.zh, j.held.fix, st.report.RunID, now, j.row.Key); err != nil {
				return err
			}
			if j.held.en != j.row.ReasonEN {
				if err := st.event(tx, j.owner, "held", string(domain), j.row.Key, "",
					"Held back before sending: "+j.held.en, "上載前暫緩："+j.held.zh); err != nil {
					return err
				}
			}
		}
		for _, b := range bundles {
			if _, err := tx.ExecContext(st.ctx, `INSERT INTO sharing_bundles (id, run_id, domain, mode, patient_id, records, state, body, created_at)
				VALUES (?,?,?,?,?,?,'inflight',?,?)`, b.id, st.report.RunID, b.domain, b.mode, b.patient, len(b.items), b.body, now); err != nil {
				return err
			}
			for _, it := range b.items {
				if _, err := tx.ExecContext(st.ctx, `INSERT INTO sharing_bundle_items (bundle_id, record_key, tx_type, hash, patient_id)
					VALUES (?,?,?,?,?)`, b.id, it.key, string(it.tx), it.hash, it.patient); err != nil {
					return err
				}
				if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET state = 'inflight', bundle_id = ?, patient_id = ?,
					dirty = 0, field = '', reason_en = '', reason_zh = '', fix_url = ?, updated_at = ? WHERE record_key = ?`,
					b.id, it.owner, it.fix, now, it.key); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	var answers []answer
	for _, b := range bundles {
		if st.centralDown {
			break // left in flight: the next run sends them first
		}
		answers = append(answers, st.deliver(b))
	}
	if len(answers) == 0 {
		return nil
	}
	// The answers are recorded even when the run is being stopped: they are what eHealth holds.
	return st.tx.write(context.WithoutCancel(st.ctx), func(tx *sql.Tx) error { return st.applyAnswers(tx, answers) })
}
