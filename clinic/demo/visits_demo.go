package demo

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/terms"
	"github.com/onramp-hk/onramp/clinic/visits"
)

// The consultation step (Order 10): visits over the last two years for existing patients, most
// signed with a short note, one in fifty entered in error; a diagnosis from the starter list
// for each; vitals for most; long-term problems and HbA1c results for the patients with
// hypertension or diabetes. A practice that already has visits is left alone.
func init() {
	Register(Step{Name: "visits", Order: 10, Run: Visits})
}

// visitChunk is how many visits go in one transaction, so the writer is free between chunks.
const visitChunk = 5000

// demoNotes are the notes the demo writes, each with the diagnosis code it goes with.
var demoNotes = []struct {
	code string
	note visits.Note
}{
	{"D001", visits.Note{History: "Sore throat and runny nose for 2 days. No fever.", Examination: "Throat mildly injected. Chest clear.", Assessment: "URTI.", Plan: "Symptomatic treatment. Review if not better in 3 days."}},
	{"D003", visits.Note{History: "Sore throat for 3 days, painful swallowing.", Examination: "T 37.8. Pharynx red, no exudate.", Assessment: "Acute pharyngitis.", Plan: "Analgesics, warm fluids."}},
	{"D018", visits.Note{History: "Diarrhoea 5 times a day for 1 day after a restaurant meal.", Examination: "Abdomen soft, mildly tender. Not dehydrated.", Assessment: "Gastroenteritis.", Plan: "Oral rehydration, light diet."}},
	{"D027", visits.Note{History: "Hypertension follow-up. Home BP 130s/80s. No side effects.", Examination: "BP as charted. Heart sounds normal.", Assessment: "Essential hypertension, controlled.", Plan: "Continue amlodipine. Review in 3 months."}},
	{"D028", visits.Note{History: "Diabetes follow-up. Diet fair. No hypoglycaemia.", Examination: "Feet: sensation intact.", Assessment: "Type 2 diabetes.", Plan: "Continue metformin. HbA1c next visit."}},
	{"D009", visits.Note{History: "Sneezing and blocked nose every morning.", Examination: "Pale swollen turbinates.", Assessment: "Allergic rhinitis.", Plan: "Antihistamine. Avoid dust."}},
	{"D037", visits.Note{History: "Low back pain after lifting a box 2 days ago.", Examination: "Paraspinal tenderness. SLR normal.", Assessment: "Mechanical low back pain.", Plan: "Analgesics, keep active."}},
	{"D057", visits.Note{History: "Itchy rash on both elbows for a week.", Examination: "Dry erythematous patches.", Assessment: "Eczema.", Plan: "Emollients, mild steroid cream."}},
}

// Visits adds the demo's visits.
func Visits(ctx context.Context, db *store.DB, o Options) error {
	var have, maxPatient int64
	if err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM visits), COALESCE(MAX(id),0) FROM patients`).Scan(&have, &maxPatient); err != nil {
		return err
	}
	if have == 1 || maxPatient == 0 {
		return nil
	}
	if err := terms.EnsureStarter(ctx, db); err != nil {
		return err
	}
	n := o.Visits
	if n <= 0 {
		n = int(min(maxPatient*2, 20000))
	}
	termIDs := map[string][3]string{} // code -> id, name_en, name_zh
	rows, err := db.R.QueryContext(ctx, `SELECT id, code, name_en, name_zh, icd10 FROM terms WHERE kind = 'diagnosis'`)
	if err != nil {
		return err
	}
	icd := map[string]string{}
	for rows.Next() {
		var id int64
		var code, en, zh, i10 string
		if err := rows.Scan(&id, &code, &en, &zh, &i10); err != nil {
			rows.Close()
			return err
		}
		termIDs[code] = [3]string{fmt.Sprint(id), en, zh}
		icd[code] = i10
	}
	rows.Close()
	var doctors []int64
	drows, err := db.R.QueryContext(ctx, `SELECT user_id FROM user_roles WHERE role = 'doctor' ORDER BY user_id`)
	if err != nil {
		return err
	}
	for drows.Next() {
		var id int64
		if err := drows.Scan(&id); err != nil {
			drows.Close()
			return err
		}
		doctors = append(doctors, id)
	}
	drows.Close()

	r := rand.New(rand.NewPCG(uint64(o.Seed), 10))
	now := time.Now().UTC()
	ts := now.Format(time.RFC3339Nano)
	seq := map[int]int64{}
	for done := 0; done < n; done += visitChunk {
		chunk := min(visitChunk, n-done)
		err := db.Write(ctx, func(tx *sql.Tx) error {
			insV, err := tx.PrepareContext(ctx, `INSERT INTO visits (patient_id, doctor_id, episode_no, visit_date, type, status,
				history, examination, assessment, plan, note_version, signed_at, signed_by, error_reason, created_at, updated_at)
				SELECT id, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? FROM patients WHERE id = ? AND merged_into IS NULL`)
			if err != nil {
				return err
			}
			defer insV.Close()
			insN, err := tx.PrepareContext(ctx, `INSERT INTO visit_note_versions (visit_id, version, history, examination, assessment,
				plan, at, by_id, by_name) VALUES (?, 1, ?, ?, ?, ?, ?, ?, 'demo')`)
			if err != nil {
				return err
			}
			defer insN.Close()
			insD, err := tx.PrepareContext(ctx, `INSERT INTO visit_diagnoses (visit_id, patient_id, term_id, code, icd10, text_en,
				text_zh, principal, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`)
			if err != nil {
				return err
			}
			defer insD.Close()
			insVit, err := tx.PrepareContext(ctx, `INSERT INTO vitals (visit_id, patient_id, taken_at, systolic, diastolic, pulse,
				temperature, weight_kg, height_cm, bmi, recorded_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'demo')`)
			if err != nil {
				return err
			}
			defer insVit.Close()
			insP, err := tx.PrepareContext(ctx, `INSERT INTO problems (patient_id, term_id, code, text_en, text_zh, status, since,
				visit_id, created_at, updated_at) SELECT ?, ?, ?, ?, ?, 'active', ?, ?, ?, ? WHERE NOT EXISTS
				(SELECT 1 FROM problems WHERE patient_id = ? AND code = ?)`)
			if err != nil {
				return err
			}
			defer insP.Close()
			insR, err := tx.PrepareContext(ctx, `INSERT INTO results (patient_id, visit_id, test, value, value_num, unit, ref_range,
				abnormal, taken_on, laboratory, created_at) VALUES (?, ?, 'HbA1c', ?, ?, '%', '4.0-5.6', ?, ?, 'Demo Laboratory', ?)`)
			if err != nil {
				return err
			}
			defer insR.Close()
			for range chunk {
				pid := 1 + r.Int64N(maxPatient)
				day := now.AddDate(0, 0, -r.IntN(730))
				date := day.Format(time.DateOnly)
				seq[day.Year()]++
				if seq[day.Year()] == 1 {
					var last int64
					_ = tx.QueryRowContext(ctx, `SELECT last FROM visit_number_seq WHERE year = ?`, day.Year()).Scan(&last)
					seq[day.Year()] += last
				}
				episode := visits.FormatEpisode(day.Year(), seq[day.Year()])
				typ := visits.TypeConsultation
				switch x := r.IntN(20); {
				case x < 5:
					typ = visits.TypeFollowUp
				case x == 5:
					typ = visits.TypeVaccination
				}
				dn := demoNotes[r.IntN(len(demoNotes))]
				status, errReason, version, signedAt := visits.StatusSigned, "", 1, day.UTC().Format(time.RFC3339Nano)
				if r.IntN(50) == 0 {
					status, errReason = visits.StatusEnteredInError, "opened on the wrong patient"
				}
				var doctor any
				if len(doctors) > 0 {
					doctor = doctors[r.IntN(len(doctors))]
				}
				res, err := insV.ExecContext(ctx, doctor, episode, date, typ, status, dn.note.History, dn.note.Examination,
					dn.note.Assessment, dn.note.Plan, version, signedAt, doctor, errReason, ts, ts, pid)
				if err != nil {
					return err
				}
				if k, _ := res.RowsAffected(); k == 0 {
					continue // a merged-away record
				}
				vid, _ := res.LastInsertId()
				if _, err := insN.ExecContext(ctx, vid, dn.note.History, dn.note.Examination, dn.note.Assessment, dn.note.Plan, signedAt, doctor); err != nil {
					return err
				}
				t := termIDs[dn.code]
				if _, err := insD.ExecContext(ctx, vid, pid, t[0], dn.code, icd[dn.code], t[1], t[2], ts); err != nil {
					return err
				}
				if r.IntN(10) < 7 {
					sys := 105 + r.IntN(50)
					w, h := 45+r.Float64()*45, 150+r.Float64()*35
					w, h = float64(int(w*10))/10, float64(int(h))
					bmi := float64(int(w/((h/100)*(h/100))*10+0.5)) / 10
					if _, err := insVit.ExecContext(ctx, vid, pid, day.UTC().Format(time.RFC3339Nano), sys, sys-35-r.IntN(15),
						60+r.IntN(40), 36.3+float64(r.IntN(15))/10, w, h, bmi); err != nil {
						return err
					}
				}
				if dn.code == "D027" || dn.code == "D028" {
					if _, err := insP.ExecContext(ctx, pid, t[0], dn.code, t[1], t[2], date, vid, ts, ts, pid, dn.code); err != nil {
						return err
					}
				}
				if dn.code == "D028" {
					v := 5.8 + float64(r.IntN(40))/10
					flag := ""
					if v > 5.6 {
						flag = "H"
					}
					if _, err := insR.ExecContext(ctx, pid, vid, fmt.Sprintf("%.1f", v), v, flag, date, ts); err != nil {
						return err
					}
				}
			}
			for year, last := range seq {
				if _, err := tx.ExecContext(ctx, `INSERT INTO visit_number_seq (year, last) VALUES (?, ?)
					ON CONFLICT (year) DO UPDATE SET last = max(last, excluded.last)`, year, last); err != nil {
					return err
				}
			}
			return audit.Append(ctx, tx, Actor.Entry(audit.ActionCreate, "visit", "", 0, fmt.Sprintf("demo: %d visits", chunk)))
		})
		if err != nil {
			return err
		}
	}
	return nil
}
