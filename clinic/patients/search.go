package patients

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic/hkid"
)

// What a search result was found by.
const (
	MatchDocument = "document" // identity document number, whole or (HKID) its first letters and digits
	MatchNumber   = "number"   // patient number
	MatchPhone    = "phone"
	MatchName     = "name" // English or Chinese name
	MatchDOB      = "dob"
)

// SearchResult is one line of the search list at the front desk.
type SearchResult struct {
	ID          int64
	Number      string
	NameEN      string // "CHAN Tai Man"
	NameZH      string
	Sex         string
	DOB         DOB
	Age         int  // completed years today; see DOB.Age
	AgeExact    bool // false when the date of birth is known only to the month or year
	DocType     string
	MaskedDoc   string // "A123***(*)"
	Mobile      string
	LastVisitAt time.Time // zero when never seen
	Match       string    // what it was found by: MatchDocument, MatchNumber, ...
	// ViaNumber is set when the patient was found through a record since merged into it: that
	// record's number, so the list can say "P000124, merged into P000123".
	ViaNumber string
}

// lookup is one indexed query of a search plan; every one of them returns patient ids.
type lookup struct {
	match string
	sql   string
	args  []any
	// keep filters the rows found, for plans that narrow by an index and check the rest here.
	keep func(surname, given, zh string) bool
}

var (
	dateQueryRe  = regexp.MustCompile(`^(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/-]\d{1,2}[/-]\d{4}|\d{1,2}/\d{4}|\d{4}-\d{1,2})$`)
	phoneQueryRe = regexp.MustCompile(`^\+?[\d\s()-]{8,20}$`)
	identRunRe   = regexp.MustCompile(`^[A-Z]{0,3}\d+[A-Z]?$`)
	partialHKRe  = regexp.MustCompile(`^[A-Z]{1,2}\d{4,6}$`)
	docLikeRe    = regexp.MustCompile(`^[A-Z0-9]{5,20}$`)
)

// Search finds patients by whatever the front desk types: an HKID or other document number
// (with or without brackets; an HKID also by its letters and first four or more digits), a
// patient number (also without its prefix and zeros: "123" finds P000123), a phone number, a
// date of birth (1980-05-17, 17/05/1980, 17-05-1980, 05/1980), or names: English words in any
// order and case, each a prefix ("chan tai", "tai chan"), and any part of the Chinese name
// (陳, 大文, 陳大文). Names and a date can be combined ("chan 17/05/1980"). Every kind of query is
// answered from an index. A merged-away record that matches finds its survivor.
func Search(ctx context.Context, sqlDB *sql.DB, query string, limit int) ([]SearchResult, error) {
	if limit <= 0 || limit > 200 {
		limit = 20
	}
	db := preparedFor(sqlDB)
	plan, err := searchPlan(ctx, db, query, limit)
	if err != nil || len(plan) == 0 {
		return nil, err
	}
	type hit struct {
		id    int64
		match string
	}
	var hits []hit
	seen := map[int64]bool{}
	for _, l := range plan {
		if len(hits) >= limit+5 {
			break
		}
		ids, err := runLookup(ctx, db, l)
		if err != nil {
			return nil, fmt.Errorf("search %s: %w", l.match, err)
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				hits = append(hits, hit{id, l.match})
			}
		}
	}
	out := make([]SearchResult, 0, min(len(hits), limit))
	shown := map[int64]bool{}
	t := today()
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	loaded, err := loadResults(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		if len(out) >= limit {
			break
		}
		lr, ok := loaded[h.id]
		if !ok {
			continue // removed since the lookup
		}
		r := lr.SearchResult
		if lr.mergedInto != 0 {
			if r, err = loadResult(ctx, db, h.id); err != nil {
				return nil, err
			}
		}
		r.Match = h.match
		if shown[r.ID] {
			continue
		}
		shown[r.ID] = true
		r.Age, r.AgeExact = r.DOB.Age(t)
		out = append(out, r)
	}
	return out, nil
}

func runLookup(ctx context.Context, db querier, l lookup) ([]int64, error) {
	if l.keep == nil {
		return queryIDs(ctx, db, l.sql, l.args...)
	}
	rows, err := db.QueryContext(ctx, l.sql, l.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		var surname, given, zh string
		if err := rows.Scan(&id, &surname, &given, &zh); err != nil {
			return nil, err
		}
		if l.keep(surname, given, zh) {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// resultCols are the columns of a search result row, read by scanResult.
const resultCols = `id, number, surname_en, given_name_en, name_zh, sex, dob, doc_type,
	COALESCE(doc_number,''), COALESCE(mobile,''), COALESCE(last_visit_at,''), COALESCE(merged_into,0)`

type loadedResult struct {
	SearchResult
	mergedInto int64
}

func scanResult(sc interface{ Scan(...any) error }) (loadedResult, error) {
	var r loadedResult
	var surname, given, dob, lastVisit, doc string
	if err := sc.Scan(&r.ID, &r.Number, &surname, &given, &r.NameZH, &r.Sex, &dob,
		&r.DocType, &doc, &r.Mobile, &lastVisit, &r.mergedInto); err != nil {
		return r, err
	}
	r.NameEN = nameEN(surname, given)
	r.DOB, _ = ParseDOB(dob)
	r.MaskedDoc = hkid.Mask(doc)
	r.LastVisitAt = parseTime(lastVisit)
	return r, nil
}

// loadResults reads the patients found in one query rather than one query each: a results
// list is read on every key press at the front desk.
func loadResults(ctx context.Context, db querier, ids []int64) (map[int64]loadedResult, error) {
	out := make(map[int64]loadedResult, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := db.QueryContext(ctx, `SELECT `+resultCols+` FROM patients WHERE id IN (?`+strings.Repeat(",?", len(ids)-1)+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		r, err := scanResult(rows)
		if err != nil {
			return nil, err
		}
		out[r.ID] = r
	}
	return out, rows.Err()
}

// loadResult reads one patient for the list, following a merged record to its survivor.
func loadResult(ctx context.Context, db querier, id int64) (SearchResult, error) {
	via := ""
	for hops := 0; hops < 20; hops++ {
		r, err := scanResult(db.QueryRowContext(ctx, `SELECT `+resultCols+` FROM patients WHERE id = ?`, id))
		if err != nil {
			return SearchResult{}, err
		}
		if r.mergedInto != 0 {
			if via == "" {
				via = r.Number
			}
			id = r.mergedInto
			continue
		}
		r.ViaNumber = via
		return r.SearchResult, nil
	}
	return SearchResult{}, fmt.Errorf("patient %d: merge chain too long", id)
}

// searchPlan works out what the query is and the indexed lookups that answer it, best first.
func searchPlan(ctx context.Context, db querier, query string, limit int) ([]lookup, error) {
	q := strings.TrimSpace(foldWidth(query))
	if q == "" {
		return nil, nil
	}
	// A few more than asked for, in case some are merged records whose survivor is also found;
	// not many more, because a rare combination of name words makes FTS5 read its lists to the
	// end to fill a larger LIMIT.
	n := limit + 5
	var plan []lookup

	// A date of birth alone.
	if dateQueryRe.MatchString(q) {
		if d, err := ParseDOB(q); err == nil {
			return dobLookups(d, n, nil), nil
		}
	}
	// A phone number: eight digits, or + and a country's digits.
	if phoneQueryRe.MatchString(q) {
		if ph, ok := NormalisePhone(q); ok && ph != "" {
			plan = append(plan,
				lookup{match: MatchPhone, sql: `SELECT id FROM patients WHERE mobile = ? LIMIT ?`, args: []any{ph, n}},
				lookup{match: MatchPhone, sql: `SELECT id FROM patients WHERE phone_other = ? LIMIT ?`, args: []any{ph, n}})
		}
	}
	// An identifier: patient number or document number, typed with any spacing and brackets.
	ident := strings.ToUpper(strings.Map(func(r rune) rune {
		switch r {
		case ' ', '(', ')', '-', '/':
			return -1
		}
		return r
	}, q))
	_, hkErr := hkid.Parse(q)
	var cd *hkid.CheckDigitError
	isHKID := hkErr == nil || errors.As(hkErr, &cd)
	if !isHKID && looksLikeName(q) {
		return nameLookups(ctx, db, q, n)
	}
	if identRunRe.MatchString(ident) || (docLikeRe.MatchString(ident) && strings.ContainsAny(ident, "0123456789")) {
		plan = append(plan, lookup{match: MatchNumber, sql: `SELECT id FROM patients WHERE number = ?`, args: []any{ident}})
		if isDigits(ident) && len(ident) < 8 {
			// "123" is P000123 (or another prefix's 123): the practice has few prefixes.
			seq, _ := strconv.ParseInt(ident, 10, 64)
			prefixes, err := queryStrings(ctx, db, `SELECT prefix FROM patient_number_seq`)
			if err != nil {
				return nil, err
			}
			for _, p := range prefixes {
				if num := FormatNumber(p, seq); num != ident {
					plan = append(plan, lookup{match: MatchNumber, sql: `SELECT id FROM patients WHERE number = ?`, args: []any{num}})
				}
			}
		}
		doc := ident
		if id, err := hkid.Parse(ident); err == nil {
			doc = id.Normal()
		}
		if !isDigits(doc) || len(doc) > 8 {
			plan = append(plan, lookup{match: MatchDocument, sql: `SELECT id FROM patients WHERE doc_number = ? LIMIT ?`, args: []any{doc, n}})
		}
		if partialHKRe.MatchString(ident) {
			// The first letters and digits of an HKID: a range of the same index.
			plan = append(plan, lookup{match: MatchDocument, sql: `SELECT id FROM patients WHERE doc_number > ? AND doc_number < ? LIMIT ?`,
				args: []any{ident, ident + "~", n}})
		}
	}
	if len(plan) > 0 {
		return plan, nil
	}
	return nameLookups(ctx, db, q, n)
}

// looksLikeName reports whether the query has Chinese characters or a word of two letters or
// more: names, perhaps with a date. Document and patient numbers have at most one or two
// letters stuck to their digits.
func looksLikeName(q string) bool {
	for _, w := range strings.Fields(q) {
		letters := 0
		for _, r := range w {
			switch {
			case unicode.Is(unicode.Han, r):
				return true
			case unicode.IsLetter(r):
				letters++
			case unicode.IsDigit(r):
				letters = -1000
			}
		}
		if letters >= 2 {
			return true
		}
	}
	return false
}

// dobLookups finds patients born on d: the same date first, then dates known less precisely that
// contain it (born "1980" may be born 1980-05-17), then, for a month, the days within it. keep,
// when set, narrows the rows by name.
func dobLookups(d DOB, n int, keep func(surname, given, zh string) bool) []lookup {
	cols := "id"
	if keep != nil {
		cols = "id, surname_en, given_name_en, name_zh"
	}
	base := `SELECT ` + cols + ` FROM patients WHERE merged_into IS NULL AND `
	s := d.String()
	plan := []lookup{{match: MatchDOB, sql: base + `dob = ? LIMIT ?`, args: []any{s, n}, keep: keep}}
	if d.Precision() == PrecisionMonth {
		plan = append(plan, lookup{match: MatchDOB, sql: base + `dob > ? AND dob < ? LIMIT ?`, args: []any{s + "-", s + "-~", n}, keep: keep})
	}
	if d.Precision() == PrecisionDay {
		plan = append(plan, lookup{match: MatchDOB, sql: base + `dob = ? LIMIT ?`, args: []any{fmt.Sprintf("%04d-%02d", d.Year, d.Month), n}, keep: keep})
	}
	if d.Precision() != PrecisionYear {
		plan = append(plan, lookup{match: MatchDOB, sql: base + `dob = ? LIMIT ?`, args: []any{fmt.Sprintf("%04d", d.Year), n}, keep: keep})
	}
	return plan
}

// nameLookups searches the name indexes: every English word typed is a prefix of a word of the
// name (any order), one or two Chinese characters are looked up in patient_names, three or more
// in the trigram index. A date among the words narrows by date of birth instead.
func nameLookups(ctx context.Context, db querier, q string, n int) ([]lookup, error) {
	var latin, shortHan, longHan []string
	var dob DOB
	for _, field := range strings.Fields(q) {
		if dateQueryRe.MatchString(field) {
			if d, err := ParseDOB(field); err == nil {
				dob = d
				continue
			}
		}
		for _, run := range splitHan(field) {
			switch {
			case !isHan(run):
				latin = append(latin, latinWords(run)...)
			case utf8.RuneCountInString(run) <= 2:
				shortHan = append(shortHan, run)
			default:
				longHan = append(longHan, run)
			}
		}
	}
	if !dob.IsZero() {
		if len(latin)+len(shortHan)+len(longHan) == 0 {
			return dobLookups(dob, n, nil), nil
		}
		// The date narrows to a few dozen rows of patients_dob_name; the names are checked here.
		return dobLookups(dob, 200, func(surname, given, zh string) bool {
			return nameMatches(latin, append(shortHan, longHan...), surname, given, zh)
		}), nil
	}
	// One-letter words ("chan t") would make FTS5 merge the lists of every word with that
	// letter; they are checked on the rows found instead, as are Chinese runs of three or more
	// characters (the trigram index has no phrases with detail=none).
	var terms, initials []string
	for i, w := range latin {
		if utf8.RuneCountInString(w) < 2 {
			initials = append(initials, w)
			continue
		}
		// A word with another typed after it is finished: when some name has it whole, it is
		// that word, not the start of longer ones. "chan tai man" is three terms rather than
		// three ORs of forty words each, which FTS5 intersects many times slower. The last word
		// is still being typed, and stays a prefix.
		if i < len(latin)-1 {
			var whole int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM patient_name_terms WHERE term = ?`, w).Scan(&whole); err != nil {
				return nil, err
			}
			if whole > 0 {
				terms = append(terms, `"`+w+`"`)
				continue
			}
		}
		term, err := expandWord(ctx, db, w)
		if err != nil || term == "" {
			return nil, err // no name has a word starting so
		}
		terms = append(terms, term)
	}
	for _, h := range shortHan {
		terms = append(terms, `"`+h+`"`)
	}
	var zhTerms []string
	for _, h := range longHan {
		r := []rune(h)
		for i := 0; i+3 <= len(r); i++ {
			zhTerms = append(zhTerms, `"`+string(r[i:i+3])+`"`)
		}
	}
	var keep func(surname, given, zh string) bool
	if len(initials)+len(longHan) > 0 {
		keep = func(surname, given, zh string) bool { return nameMatches(initials, longHan, surname, given, zh) }
		n = max(n, 500) // rows are dropped after the limit: read more
	}
	names, zh := strings.Join(terms, " AND "), strings.Join(zhTerms, " AND ")
	cols := `SELECT p.id, p.surname_en, p.given_name_en, p.name_zh FROM `
	switch {
	case names != "" && zh != "":
		return []lookup{{match: MatchName, keep: keep, args: []any{names, zh, n},
			sql: cols + `patient_names f JOIN patients p ON p.id = f.rowid WHERE f.patient_names MATCH ?
				AND f.rowid IN (SELECT rowid FROM patient_names_zh WHERE patient_names_zh MATCH ?) LIMIT ?`}}, nil
	case names != "" && keep != nil:
		return []lookup{{match: MatchName, keep: keep, args: []any{names, n},
			sql: cols + `patient_names f JOIN patients p ON p.id = f.rowid WHERE f.patient_names MATCH ? ORDER BY f.rowid DESC LIMIT ?`}}, nil
	case names != "":
		return []lookup{{match: MatchName, args: []any{names, n},
			sql: `SELECT rowid FROM patient_names WHERE patient_names MATCH ? ORDER BY rowid DESC LIMIT ?`}}, nil
	case zh != "":
		return []lookup{{match: MatchName, keep: keep, args: []any{zh, n},
			sql: cols + `patient_names_zh f JOIN patients p ON p.id = f.rowid WHERE f.patient_names_zh MATCH ? ORDER BY f.rowid DESC LIMIT ?`}}, nil
	}
	return nil, nil // only single letters: too many to be useful
}

// expandWord turns a typed English word into an FTS5 expression: the whole words it may be the
// start of, ORed; the prefix query when there are too many of those (two letters: the prefix
// index answers it); or, for a word no name has, the word split in two known ones ("taiman" is
// tai AND man*). It returns "" when nothing can match.
func expandWord(ctx context.Context, db querier, w string) (string, error) {
	words, err := queryStrings(ctx, db, `SELECT term FROM patient_name_terms WHERE term >= ? AND term < ? LIMIT ?`,
		w, w+"\U0010FFFF", maxExpansion+1)
	switch {
	case err != nil:
		return "", err
	case len(words) > maxExpansion:
		return `"` + w + `"*`, nil
	case len(words) > 0:
		return `("` + strings.Join(words, `" OR "`) + `")`, nil
	}
	r := []rune(w)
	for i := 2; i+2 <= len(r); i++ {
		var one int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM patient_name_terms WHERE term = ?`, string(r[:i])).Scan(&one); err != nil {
			return "", err
		}
		if one == 0 {
			continue
		}
		rest, err := expandWord(ctx, db, string(r[i:]))
		if err != nil || rest != "" {
			return `"` + string(r[:i]) + `" AND ` + rest, err
		}
	}
	return "", nil
}

// maxExpansion is how many whole words a typed word may stand for before the search falls back
// to an FTS5 prefix query (answered from the two-letter prefix index for two letters).
const maxExpansion = 40

// nameMatches checks a name against words typed: each Latin word a prefix of a word of the
// English name, each Chinese piece inside the Chinese name.
func nameMatches(latin, han []string, surname, given, zh string) bool {
	words := latinWords(surname + " " + given)
	if s, g := latinWords(surname), latinWords(given); len(g) > 1 || len(s) > 1 {
		words = append(words, strings.Join(s, ""), strings.Join(g, ""))
	}
	for _, w := range latin {
		found := false
		for _, nw := range words {
			if strings.HasPrefix(nw, w) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	for _, h := range han {
		if !strings.Contains(zh, h) {
			return false
		}
	}
	return true
}

// splitHan cuts text into runs of Han characters and runs of anything else.
func splitHan(s string) []string {
	var out []string
	start, prev := 0, -1
	for i, r := range s {
		h := 0
		if unicode.Is(unicode.Han, r) {
			h = 1
		}
		if prev != -1 && h != prev {
			out = append(out, s[start:i])
			start = i
		}
		prev = h
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

func isHan(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.Is(unicode.Han, r)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// foldWidth turns full-width letters, digits and brackets from a Chinese input method into
// ASCII.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFEE0
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

func queryStrings(ctx context.Context, db querier, query string, args ...any) ([]string, error) {
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
