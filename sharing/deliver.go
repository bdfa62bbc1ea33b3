package sharing

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// answer is what became of one bundle in this run.
type answer struct {
	b    *prepared
	res  Result
	next time.Time // when to try again, for a Retry
}

// deliver sends one bundle, trying again with backoff while the run's retry budget lasts. A
// bundle still unanswered is left in flight and the run sends nothing new after it.
func (st *runState) deliver(b *prepared) answer {
	u := Upload{BundleID: b.id, Domain: b.domain, Mode: b.mode, Keys: b.keys(), Body: b.body}
	for {
		res := st.transport.Send(st.ctx, u)
		b.attempts++
		if res.Outcome != Retry {
			return answer{b: b, res: res}
		}
		st.report.Retries++
		delay := max(st.e.opt.Backoff.Delay(b.attempts, st.rng), res.RetryAfter)
		st.e.opt.Log.Warn("sharing: bundle not answered, will try again", "bundle", b.id, "domain", b.domain,
			"attempt", b.attempts, "wait", delay.Round(time.Millisecond), "reason", res.Reason)
		if st.ctx.Err() != nil || time.Since(st.started)+delay > st.e.opt.RetryBudget {
			st.centralDown = true
			return answer{b: b, res: res, next: st.now().Add(delay)}
		}
		if err := sleep(st.ctx, delay); err != nil {
			st.centralDown = true
			return answer{b: b, res: res, next: st.now().Add(delay)}
		}
	}
}

// resendInFlight sends again, byte for byte, the bundles a previous run left without an answer
// (a crash, a central that stopped answering), oldest first, before anything new.
func (st *runState) resendInFlight() error {
	var list []*prepared
	var notBefore []time.Time
	err := st.tx.read(st.ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(st.ctx, `SELECT id, domain, mode, patient_id, body, attempts, next_attempt_at
			FROM sharing_bundles WHERE state = 'inflight' ORDER BY created_at, id`)
		if err != nil {
			return err
		}
		for rows.Next() {
			b := &prepared{}
			var next string
			if err := rows.Scan(&b.id, &b.domain, &b.mode, &b.patient, &b.body, &b.attempts, &next); err != nil {
				rows.Close()
				return err
			}
			list = append(list, b)
			notBefore = append(notBefore, parseTS(next))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, b := range list {
			items, err := tx.QueryContext(st.ctx, `SELECT i.record_key, i.tx_type, i.hash, i.patient_id, COALESCE(r.patient_id, i.patient_id),
					COALESCE(r.fix_url, '')
				FROM sharing_bundle_items i LEFT JOIN sharing_records r ON r.record_key = i.record_key
				WHERE i.bundle_id = ? ORDER BY i.record_key`, b.id)
			if err != nil {
				return err
			}
			for items.Next() {
				var it bundleItem
				var tx string
				if err := items.Scan(&it.key, &tx, &it.hash, &it.patient, &it.owner, &it.fix); err != nil {
					items.Close()
					return err
				}
				it.tx = ehrss.TxType(tx)
				b.items = append(b.items, it)
			}
			items.Close()
		}
		return nil
	})
	if err != nil {
		return err
	}
	for i, b := range list {
		if st.centralDown {
			return nil
		}
		if st.trigger == TriggerSchedule && st.now().Before(notBefore[i]) {
			// Its backoff has not run out: the central was failing a moment ago, so send
			// nothing new either. A person pressing "send now" does not wait.
			st.centralDown = true
			return nil
		}
		a := st.deliver(b)
		if err := st.tx.write(context.WithoutCancel(st.ctx), func(tx *sql.Tx) error { return st.applyAnswers(tx, []answer{a}) }); err != nil {
			return err
		}
	}
	return nil
}

// applyAnswers records what eHealth said: what it accepted it holds (an accepted insert is
// never sent as an insert again); what it rejected is held with its reason; what it may not
// have received stays in flight to be sent again.
func (st *runState) applyAnswers(tx *sql.Tx, answers []answer) error {
	now := ts(st.now())
	var trail []audit.Entry
	for _, a := range answers {
		b := a.b
		switch a.res.Outcome {
		case Retry:
			if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_bundles SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE id = ?`,
				b.attempts, ts(a.next), a.res.Reason, b.id); err != nil {
				return err
			}
		case Accepted:
			st.report.Bundles++
			st.report.Accepted += len(b.items)
			if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_bundles SET state = 'accepted', body = NULL, attempts = ?, last_error = '',
				answered_at = ? WHERE id = ?`, b.attempts, now, b.id); err != nil {
				return err
			}
			counts := map[ehrss.TxType]int{}
			for _, it := range b.items {
				counts[it.tx]++
				central, hash := "present", it.hash
				if it.tx == ehrss.TxDelete {
					central, hash = "deleted", ""
				}
				if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET central = ?, central_patient = ?, central_hash = ?,
					central_at = ?, central_tx = ?, updated_at = ? WHERE record_key = ?`,
					central, it.patient, hash, now, string(it.tx), now, it.key); err != nil {
					return err
				}
				// A delete is weighed once more: a record that moved to another patient is
				// inserted under them next.
				if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET
						state = CASE WHEN dirty = 1 OR ? = 'D' THEN 'pending' ELSE 'sent' END,
						dirty = 0, materialise = 0, bundle_id = NULL, field = '', reason_en = '', reason_zh = '', fix_url = ''
					WHERE record_key = ? AND bundle_id = ?`, string(it.tx), it.key, b.id); err != nil {
					return err
				}
			}
			en, zh := sentSummary(b, counts)
			if err := st.event(tx, b.patient, "accepted", b.domain, "", b.id, en, zh); err != nil {
				return err
			}
			trail = append(trail, audit.System.Entry(audit.ActionExport, "ehealth", b.id, b.patient, en))
		case Rejected:
			st.report.Bundles++
			if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_bundles SET state = 'rejected', attempts = ?, last_error = ?,
				answered_at = ? WHERE id = ?`, b.attempts, a.res.Reason, now, b.id); err != nil {
				return err
			}
			for _, it := range b.items {
				reason, named := a.res.Records[it.key]
				if a.res.Records != nil && !named {
					// eHealth named other records: this one was not at fault, and was not taken
					// either (the bundle was refused whole). It goes again in a new bundle.
					if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET state = 'pending', dirty = 0, bundle_id = NULL,
						updated_at = ? WHERE record_key = ? AND bundle_id = ?`, now, it.key, b.id); err != nil {
						return err
					}
					continue
				}
				if reason == "" {
					reason = a.res.Reason
				}
				st.report.Rejected++
				en := "eHealth rejected it: " + reason
				zh := "醫健通拒絕了此紀錄：" + reason
				if _, err := tx.ExecContext(st.ctx, `UPDATE sharing_records SET
						state = CASE WHEN dirty = 1 THEN 'pending' ELSE 'rejected' END,
						dirty = 0, bundle_id = NULL, field = '', reason_en = ?, reason_zh = ?,
						fix_url = CASE WHEN fix_url = '' THEN ? ELSE fix_url END, updated_at = ?
					WHERE record_key = ? AND bundle_id = ?`, en, zh, PatientURL(it.owner), now, it.key, b.id); err != nil {
					return err
				}
				if err := st.event(tx, it.owner, "rejected", b.domain, it.key, b.id, en, zh); err != nil {
					return err
				}
			}
		}
	}
	if len(trail) > 0 {
		return audit.Append(st.ctx, tx, trail...)
	}
	return nil
}

// sentSummary is the history line of an accepted bundle.
func sentSummary(b *prepared, counts map[ehrss.TxType]int) (en, zh string) {
	var enParts, zhParts []string
	for _, t := range []struct {
		tx     ehrss.TxType
		en, zh string
	}{{ehrss.TxInsert, "added", "新增"}, {ehrss.TxUpdate, "changed", "修改"}, {ehrss.TxDelete, "deleted", "刪除"}} {
		if n := counts[t.tx]; n > 0 {
			enParts = append(enParts, fmt.Sprintf("%d %s", n, t.en))
			zhParts = append(zhParts, fmt.Sprintf("%s %d 項", t.zh, n))
		}
	}
	sort.Strings(enParts)
	mode := b.mode
	if mode == string(ehrss.ModeMaterialisation) {
		mode += ", first upload"
	}
	en = fmt.Sprintf("%s sent to eHealth (%s): %s.", ehrss.Title(ehrss.Domain(b.domain)), mode, strings.Join(enParts, ", "))
	zh = fmt.Sprintf("%s已上載至醫健通（%s）：%s。", ehrss.Title(ehrss.Domain(b.domain)), b.mode, strings.Join(zhParts, "，"))
	return en, zh
}
