package terms

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// The CSV: a header row naming the columns (any order, any case), then one term a row.
// code and name_en are needed; kind defaults to diagnosis; active defaults to 1 ("0", "no" or
// "false" makes a term inactive: it stays for old visits and is no longer offered).
var columns = []string{"kind", "code", "name_en", "name_zh", "icd10", "hkctt_id", "active"}

// BadRow is a row that was not imported, and why (a translation key and its values).
type BadRow struct {
	Line int // 1 is the header
	Key  string
	Args []any
}

func (b BadRow) String() string { return fmt.Sprintf("line %d: %s %v", b.Line, b.Key, b.Args) }

// Report says what an import did.
type Report struct {
	Added, Updated, Unchanged int
	Bad                       []BadRow
}

var (
	codeRe  = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$`)
	icd10Re = regexp.MustCompile(`^[A-Z][0-9]{2}(\.[0-9A-Z]{1,4})?$`)
	hkcttRe = regexp.MustCompile(`^[0-9]{1,20}$`)
)

// MaxRows bounds one import (the whole HKCTT diagnosis list is well under it).
const MaxRows = 200000

// Import reads a terminology CSV. Good rows are added or update the term with the same kind and
// code; bad rows are reported with their line and left out. A file that cannot be read as CSV,
// or lacks the needed columns, imports nothing.
func Import(ctx context.Context, db *store.DB, r io.Reader, by audit.Actor) (Report, error) {
	var rep Report
	err := db.Write(ctx, func(tx *sql.Tx) error {
		var err error
		if rep, err = importTx(ctx, tx, r); err != nil {
			return err
		}
		return audit.Append(ctx, tx, by.Entry(ActionImport, "terms", "", 0,
			fmt.Sprintf("terminology import: %d added, %d updated, %d unchanged, %d bad rows",
				rep.Added, rep.Updated, rep.Unchanged, len(rep.Bad))))
	})
	return rep, err
}

func importTx(ctx context.Context, tx *sql.Tx, r io.Reader) (Report, error) {
	var rep Report
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = false
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return rep, clinic.Invalid("file", "error.terms.empty")
	}
	if err != nil {
		return rep, clinic.Invalid("file", "error.terms.not_csv")
	}
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	for _, need := range []string{"code", "name_en"} {
		if _, ok := col[need]; !ok {
			return rep, clinic.Invalid("file", "error.terms.missing_column", need)
		}
	}
	get := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return strings.TrimSpace(rec[i])
		}
		return ""
	}
	upsert, err := tx.PrepareContext(ctx, `INSERT INTO terms (kind, code, name_en, name_zh, icd10, hkctt_id, search, active, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (kind, code) DO UPDATE SET name_en = excluded.name_en, name_zh = excluded.name_zh,
			icd10 = excluded.icd10, hkctt_id = excluded.hkctt_id, search = excluded.search, active = excluded.active,
			updated_at = excluded.updated_at
		WHERE name_en <> excluded.name_en OR name_zh <> excluded.name_zh OR icd10 <> excluded.icd10
			OR hkctt_id <> excluded.hkctt_id OR active <> excluded.active`)
	if err != nil {
		return rep, err
	}
	defer upsert.Close()
	exists, err := tx.PrepareContext(ctx, `SELECT EXISTS (SELECT 1 FROM terms WHERE kind = ? AND code = ?)`)
	if err != nil {
		return rep, err
	}
	defer exists.Close()
	seen := map[string]int{}
	ts := now()
	line := 1
	for {
		rec, err := cr.Read()
		line++
		if errors.Is(err, io.EOF) {
			break
		}
		if line > MaxRows+1 {
			return rep, clinic.Invalid("file", "error.terms.too_many", MaxRows)
		}
		bad := func(key string, args ...any) { rep.Bad = append(rep.Bad, BadRow{Line: line, Key: key, Args: args}) }
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad("error.terms.bad_csv_row")
				continue
			}
			return rep, err
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		kind := strings.ToLower(get(rec, "kind"))
		if kind == "" {
			kind = Diagnosis
		}
		code, en, zh := get(rec, "code"), get(rec, "name_en"), get(rec, "name_zh")
		icd, hk := strings.ToUpper(get(rec, "icd10")), get(rec, "hkctt_id")
		active := 1
		switch strings.ToLower(get(rec, "active")) {
		case "", "1", "yes", "true", "y":
		case "0", "no", "false", "n":
			active = 0
		default:
			bad("error.terms.bad_active", get(rec, "active"))
			continue
		}
		for _, s := range []string{code, en, zh, icd, hk} {
			if !utf8.ValidString(s) {
				bad("error.terms.not_utf8")
				goto next
			}
		}
		switch {
		case kind != Diagnosis && kind != Procedure:
			bad("error.terms.bad_kind", kind)
		case code == "":
			bad("error.terms.no_code")
		case !codeRe.MatchString(code):
			bad("error.terms.bad_code", code)
		case en == "":
			bad("error.terms.no_name", code)
		case len(en) > 300 || len(zh) > 300:
			bad("error.terms.name_too_long", code)
		case icd != "" && !icd10Re.MatchString(icd):
			bad("error.terms.bad_icd10", icd)
		case hk != "" && !hkcttRe.MatchString(hk):
			bad("error.terms.bad_hkctt", hk)
		default:
			key := kind + "|" + strings.ToUpper(code)
			if first, dup := seen[key]; dup {
				bad("error.terms.duplicate", code, first)
				break
			}
			seen[key] = line
			var had bool
			if err := exists.QueryRowContext(ctx, kind, code).Scan(&had); err != nil {
				return rep, err
			}
			res, err := upsert.ExecContext(ctx, kind, code, en, zh, icd, hk, searchKey(code, en, zh, icd, hk), active, ts)
			if err != nil {
				return rep, err
			}
			n, _ := res.RowsAffected()
			switch {
			case !had:
				rep.Added++
			case n > 0:
				rep.Updated++
			default:
				rep.Unchanged++
			}
		}
	next:
	}
	return rep, nil
}
