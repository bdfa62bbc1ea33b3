package sharing

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/outbox"
	"github.com/onramp-hk/onramp/clinic/results"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/visits"
	"github.com/onramp-hk/onramp/sharing/ehrss"
)

// General laboratory results (LABGEN). eHealth holds one record per laboratory request with all
// its tests; the clinic keeps one row per test, so a record is every shareable row filed under
// the request number on the laboratory's slip. clinic/results writes the outbox rows in the
// same transaction as the change. Rows lacking the request number, category, report status or
// collection time are not part of any record: nothing is made up to fill them.
//
// Levels (LABGEN §3): a row with a value is a test with the clinic's own test name (level 2;
// level 3 needs a LOINC or HKCTT code on every test, which the clinic does not record); a
// request that is only a report file is level 1 with the PDF. A PDF attached to a request with
// values goes with it as the presented form.
//
// Anatomical pathology rows (category PATH) are the LABAP domain's, under their own key: see
// labs_ap.go.

// requestLoader loads one laboratory domain: a request's rows that belong to the domain are one
// record under the request's key for it. LABGEN and LABAP differ only in which rows are theirs
// and how the record is made from them.
type requestLoader struct {
	domain ehrss.Domain
	idsOf  func(ctx context.Context, db *sql.DB, patientID int64) ([]int64, error) // the patient's requests
	keyOf  func(requestID int64) string
	mine   func(results.Result) bool
	build  func(ctx context.Context, db *store.DB, files results.Store, key string, live []results.Result) (any, error)
	gone   func(common ehrss.LabCommon) any // the record of a withdrawn request
}

func (l requestLoader) Keys(ctx context.Context, db *store.DB, patientID int64) ([]string, error) {
	ids, err := l.idsOf(ctx, db.R, patientID)
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = l.keyOf(id)
	}
	return out, err
}

func (l requestLoader) Load(ctx context.Context, db *store.DB, keys []string) (map[string]Loaded, error) {
	files := results.Store{Dir: filepath.Join(filepath.Dir(db.Path), "files")}
	out := make(map[string]Loaded, len(keys))
	for _, k := range keys {
		dom, table, id, ok := outbox.ParseKey(k)
		if !ok || dom != string(l.domain) || table != "lab_requests" {
			continue
		}
		rows, err := results.ForRequest(ctx, db.R, id)
		if err != nil {
			return nil, err
		}
		var live, gone []results.Result
		for _, r := range rows {
			switch {
			case !r.Shareable() || !l.mine(r):
			case r.InError():
				gone = append(gone, r)
			default:
				live = append(live, r)
			}
		}
		if len(live)+len(gone) == 0 {
			continue // never shareable: eHealth never had it
		}
		if len(live) == 0 {
			last := gone[len(gone)-1]
			out[k] = Loaded{PatientID: last.PatientID, Deleted: true, DeleteReason: last.ErrorReason,
				Item:   l.gone(ehrss.LabCommon{Record: ehrss.Record{RecordKey: k}, RequestNo: last.RequestNo}),
				FixURL: fmt.Sprintf("/visits/%d#results", last.VisitID)}
			continue
		}
		item, err := l.build(ctx, db, files, k, live)
		if err != nil {
			return nil, err
		}
		last := live[len(live)-1]
		out[k] = Loaded{PatientID: last.PatientID, Item: item, FixURL: fmt.Sprintf("/visits/%d#results", last.VisitID)}
	}
	return out, nil
}

// labResult makes the request's record from its rows in force, oldest first. What the request
// says as a whole (category, status) is taken from its latest row: a later amended report
// speaks for the request; the reference time is the earliest collection.
func labResult(ctx context.Context, db *store.DB, files results.Store, key string, rows []results.Result) (ehrss.LabResult, error) {
	last := rows[len(rows)-1]
	l := ehrss.LabResult{LabCommon: ehrss.LabCommon{
		RequestNo: last.RequestNo, CategoryCode: last.Category, CategoryDesc: results.CategoryDesc(last.Category),
		Status: last.ReportStatus, LabName: last.Laboratory,
	}}
	var names []string
	var created, changed time.Time
	for _, r := range rows {
		at := results.CollectedTime(r.CollectedAt)
		if l.ReferenceTime.IsZero() || at.Before(l.ReferenceTime) {
			l.ReferenceTime = at
		}
		if c, err := time.Parse(time.RFC3339Nano, r.CreatedAt); err == nil {
			if created.IsZero() || c.Before(created) {
				created = c
			}
			if c.After(changed) {
				changed = c
			}
		}
		if r.Test != "report" || r.Value != "" {
			names = append(names, r.Test)
		}
		if r.FileID != 0 {
			data, mime, err := files.Open(ctx, db.R, r.FileID)
			if err != nil {
				return l, err
			}
			if mime == "application/pdf" {
				l.PDF, l.PDFName, l.ReportTime = data, fileName(ctx, db, r.FileID), changed
			}
		}
		if r.Value != "" {
			l.Tests = append(l.Tests, labTest(r))
		}
	}
	l.PanelDesc = panelDesc(names)
	l.Specimen = &ehrss.LabSpecimen{CollectedAt: l.ReferenceTime}
	rec := ehrss.Record{RecordKey: key, RecordTime: changed, CreatedTime: created}
	if last.VisitID != 0 {
		v, err := visits.Get(ctx, db.R, last.VisitID)
		if err != nil && !errors.Is(err, clinic.ErrNotFound) {
			return l, err
		}
		if err == nil {
			rec = encounterRecord(key, created, v)
			if changed.After(rec.RecordTime) {
				rec.RecordTime = changed
			}
		}
	}
	l.Record = rec
	return l, nil
}

// labTest maps one row with a value: a number is numeric (with "<" or ">" as the detection
// limit), anything else is text as the laboratory wrote it.
func labTest(r results.Result) ehrss.LabTest {
	t := ehrss.LabTest{LocalDesc: r.Test, Value: r.Value, Unit: r.Unit, ReferenceRange: r.RefRange, Type: ehrss.ResultText}
	if r.Abnormal == "H" || r.Abnormal == "L" {
		t.Abnormal = r.Abnormal
	}
	v := strings.TrimSpace(r.Value)
	limit := ""
	if v != "" && (v[0] == '<' || v[0] == '>') {
		limit, v = v[:1], strings.TrimSpace(strings.TrimLeft(v, "<>= "))
	}
	if r.HasNum && plainDecimal.MatchString(v) {
		t.Type, t.Value, t.DetectionLimit = ehrss.ResultNumeric, v, limit
	}
	return t
}

// plainDecimal is a number as eHealth takes a numeric result: digits with an optional sign and
// decimal point, at most 16 characters.
var plainDecimal = regexp.MustCompile(`^-?[0-9]{1,12}(\.[0-9]{1,3})?$`)

// panelDesc names the request by its tests ("HbA1c, Fasting glucose"), within eHealth's 255.
func panelDesc(names []string) string {
	s := strings.Join(names, ", ")
	if s == "" {
		s = "Laboratory report"
	}
	if r := []rune(s); len(r) > 255 {
		s = string(r[:254]) + "…"
	}
	return s
}

// fileName is the report file's name as uploaded, reduced to letters, digits, "-" and "_": it
// becomes part of the presentedForm URL (lab guides §5), where a space or a Chinese character
// would make the URL invalid.
func fileName(ctx context.Context, db *store.DB, fileID int64) string {
	var name string
	_ = db.R.QueryRowContext(ctx, `SELECT original_name FROM result_files WHERE id = ?`, fileID).Scan(&name)
	name = strings.TrimSuffix(name, filepath.Ext(name))
	return strings.Trim(unsafeInURL.ReplaceAllString(name, "-"), "-") + ".pdf"
}

var unsafeInURL = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

func init() {
	RegisterDomain(ehrss.DomainLabGeneral, requestLoader{
		domain: ehrss.DomainLabGeneral, keyOf: results.RequestKey,
		idsOf: func(ctx context.Context, db *sql.DB, patientID int64) ([]int64, error) {
			return results.RequestsOf(ctx, db, patientID)
		},
		mine: func(r results.Result) bool { return r.Category != results.Pathology },
		build: func(ctx context.Context, db *store.DB, files results.Store, key string, live []results.Result) (any, error) {
			return labResult(ctx, db, files, key, live)
		},
		gone: func(c ehrss.LabCommon) any { return ehrss.LabResult{LabCommon: c} },
	})
}
