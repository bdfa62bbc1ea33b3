package demo

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/store"
)

// The laboratory step (Order 50): results from an outside laboratory at about one signed visit
// in three (at most maxLabRequests), each filed under the request number on the laboratory's
// slip with eHealth's category, a report status and the specimen collection time, so that they
// are shared as LABGEN records. Most are typed in (a few with a value below the detection limit),
// some are only the laboratory's PDF report, some both; one in ten has no request number, as a
// result copied from a patient's own paper has, and stays in the clinic. It goes through
// clinic/results, so the outbox and the audit are written as the clinic writes them.
func init() {
	Register(Step{Name: "laboratory", Order: 50, Run: Labs})
}

// maxLabRequests bounds the step, which writes one transaction per result.
const maxLabRequests = 600

type demoTest struct{ test, value, unit, ref, flag string }

var demoPanels = [][]demoTest{
	{{"Creatinine", "82", "umol/L", "45-84", ""}, {"Urea", "5.1", "mmol/L", "2.5-7.1", ""}, {"Potassium", "4.2", "mmol/L", "3.5-5.1", ""}},
	{{"Total cholesterol", "5.8", "mmol/L", "<5.2", "H"}, {"LDL cholesterol", "3.6", "mmol/L", "<3.4", "H"}, {"HDL cholesterol", "1.3", "mmol/L", ">1.0", ""}},
	{{"Fasting glucose", "6.4", "mmol/L", "3.9-5.5", "H"}, {"HbA1c", "6.9", "%", "4.0-5.6", "H"}},
	{{"ALT", "28", "U/L", "<41", ""}, {"Urine microalbumin", "<5", "mg/L", "<20", ""}},
	{{"TSH", "0.21", "mIU/L", "0.27-4.2", "L"}},
}

// demoLabPDF is a small valid PDF standing in for a laboratory's report.
const demoLabPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n" +
	"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// Labs adds the demo's laboratory results. A practice that already has requests is left alone.
func Labs(ctx context.Context, db *store.DB, o Options) error {
	var have int
	if err := db.R.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM lab_requests)`).Scan(&have); err != nil || have == 1 {
		return err
	}
	rows, err := db.R.QueryContext(ctx, `SELECT id, visit_date FROM visits WHERE status = 'signed' ORDER BY id`)
	if err != nil {
		return err
	}
	type visit struct {
		id   int64
		date string
	}
	var all []visit
	for rows.Next() {
		var v visit
		if err := rows.Scan(&v.id, &v.date); err != nil {
			rows.Close()
			return err
		}
		all = append(all, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(o.Seed), 50))
	// A pathology report is authorised after the day's specimen: only for days already over.
	today := time.Now().In(time.FixedZone("HKT", 8*3600)).Format(time.DateOnly)
	st := results.Store{Dir: filepath.Join(filepath.Dir(db.Path), "files")}
	n := 0
	for i, v := range all {
		if i%3 != 0 || n >= maxLabRequests {
			continue
		}
		n++
		base := results.Input{TakenOn: v.date, Laboratory: "Demo Laboratory", Category: "CHEM",
			ReportStatus: []string{"F", "F", "F", "P", "A"}[r.IntN(5)],
			CollectedAt:  fmt.Sprintf("%sT%02d:%02d", v.date, 8+r.IntN(4), r.IntN(60)),
			RequestNo:    fmt.Sprintf("DL%s-%05d", v.date[2:4], v.id)}
		if n%10 == 0 {
			base.RequestNo, base.Category, base.ReportStatus, base.CollectedAt = "", "", "", ""
		}
		if n%7 == 3 && v.date < today && base.RequestNo != "" {
			// A pathology report: the biopsy's diagnosis as the report words it, authorised a
			// few days after the specimen was taken.
			in := base
			in.Category, in.Test = "PATH", "Skin biopsy"
			in.Value = "Seborrhoeic keratosis. No dysplasia or malignancy."
			in.APTestName = "Surgical biopsy"
			in.AuthorisedAt = v.date + "T17:30"
			in.File = &results.File{Name: "pathology.pdf", Data: []byte(demoLabPDF)}
			if _, err := st.Add(ctx, db, v.id, in, audit.System); err != nil {
				return fmt.Errorf("pathology of visit %d: %w", v.id, err)
			}
			continue
		}
		kind := r.IntN(6) // 0: the PDF only; 1: values and the PDF; else values
		if kind == 0 {
			in := base
			in.Test, in.File = "Laboratory report", &results.File{Name: "report.pdf", Data: []byte(demoLabPDF)}
			if _, err := st.Add(ctx, db, v.id, in, audit.System); err != nil {
				return fmt.Errorf("report of visit %d: %w", v.id, err)
			}
			continue
		}
		for j, t := range demoPanels[r.IntN(len(demoPanels))] {
			in := base
			in.Test, in.Value, in.Unit, in.RefRange, in.Abnormal = t.test, t.value, t.unit, t.ref, t.flag
			if kind == 1 && j == 0 {
				in.File = &results.File{Name: "report.pdf", Data: []byte(demoLabPDF)}
			}
			if _, err := st.Add(ctx, db, v.id, in, audit.System); err != nil {
				return fmt.Errorf("result of visit %d: %w", v.id, err)
			}
		}
	}
	return nil
}
