package patients

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

var prefixRe = regexp.MustCompile(`^[A-Z]{0,3}$`)

// NumberDigits is how many digits a patient number has at least: P000123.
const NumberDigits = 6

// FormatNumber builds a patient number from the practice's prefix and a sequence number.
func FormatNumber(prefix string, n int64) string {
	return fmt.Sprintf("%s%0*d", prefix, NumberDigits, n)
}

// Create registers a patient under the next number with the given prefix (the practice's
// setting, e.g. "P"). It refuses a second living patient with the same identity document with a
// *DuplicateError, and asks for confirmation with a *PossibleDuplicatesError when the same name
// or phone with the same date of birth is on file, unless in.Confirmed.
func Create(ctx context.Context, db *store.DB, prefix string, in Input, actor audit.Actor) (Patient, error) {
	if !prefixRe.MatchString(prefix) {
		return Patient{}, fmt.Errorf("patients: bad number prefix %q", prefix)
	}
	if err := in.Validate(); err != nil {
		return Patient{}, err
	}
	var p Patient
	err := db.Write(ctx, func(tx *sql.Tx) error {
		if err := checkDuplicates(ctx, tx, &in, 0); err != nil {
			return err
		}
		w, err := newWriter(ctx, tx)
		if err != nil {
			return err
		}
		defer w.close()
		id, number, err := w.insert(ctx, prefix, &in, actor)
		if err != nil {
			return err
		}
		if err := w.saveNumbers(ctx); err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, actor.Entry(audit.ActionCreate, "patient", fmt.Sprint(id), id, "registered "+number)); err != nil {
			return err
		}
		p, err = get(ctx, tx, id)
		return err
	})
	return p, err
}

// writer holds the prepared statements for adding patients, so that Create and the bulk paths
// (Import, demo data) insert the same way.
type writer struct {
	tx                                      *sql.Tx
	insPatient, insNames, insZH, insConsent *sql.Stmt
	next                                    map[string]int64 // prefix -> last number handed out

	// deferIndex holds the search keys back until flushIndex. Any statement that may need a
	// statement journal (an insert into patients, with its unique indexes, is one) makes FTS5
	// write out its pending changes as a new segment, so interleaving the two writes one tiny
	// segment per patient and merges them all the time: five times slower in bulk.
	deferIndex bool
	pending    []pendingName

	// fresh is a bulk load into an empty table: ids and numbers are handed out here (nobody else
	// can write while the transaction holds the lock), and rows go in groupSize at a time, which
	// saves most of the cost of a statement per row.
	fresh            bool
	lastID           int64
	used             map[string]bool // numbers handed out in this load
	rows, consents   []any
	nRows, nConsents int
	group            map[string]*sql.Stmt // multi-row statements by SQL
	terms            map[string]bool      // English words known to be in patient_name_terms
}

type pendingName struct {
	id           int64
	keys, nameZH string
}

// groupSize is how many rows one multi-row INSERT carries (31 values a patient, well under
// SQLite's limit of 32,766).
const groupSize = 64

const (
	patientCols = `number, surname_en, given_name_en, name_zh, name_key, sex, dob, dob_precision, doc_type, doc_number,
		doc_country, doc_key, mobile, phone_other, address, email, emergency_name, emergency_phone, emergency_relation,
		language, remarks, ehr_no, ehealth_joined, consent, consent_date, consent_method, consent_by, consent_by_name,
		created_at, updated_at`
	patientValues = `?,?,?,?,?,?,?,?,?,NULLIF(?,''),?,NULLIF(?,''),NULLIF(?,''),NULLIF(?,''),?,?,?,?,?,?,?,NULLIF(?,''),?,?,?,?,NULLIF(?,0),?,?,?`
	consentCols   = `patient_id, at, ehr_no, joined, consent, consent_date, method, recorded_by, recorded_by_name, note`
	consentValues = `?,?,?,?,?,?,?,NULLIF(?,0),?,?`
)

func patientArgs(args []any, number string, in *Input, eh *EHealthInput, byID int64, byName, ts string) []any {
	return append(args, number, in.SurnameEN, in.GivenNameEN, in.NameZH, in.nameKey, in.Sex,
		in.dob.String(), in.dob.Precision(), in.DocType, in.DocNumber, in.DocCountry, in.docKey, in.Mobile,
		in.PhoneOther, in.Address, in.Email, in.EmergencyName, in.EmergencyPhone, in.EmergencyRelation,
		in.Language, in.Remarks, eh.EHRNo, eh.Joined, eh.Consent, eh.ConsentDate, eh.Method, byID, byName, ts, ts)
}

func consentArgs(args []any, id int64, ts string, eh *EHealthInput, byID int64, byName string) []any {
	return append(args, id, ts, eh.EHRNo, eh.Joined, eh.Consent, eh.ConsentDate, eh.Method, byID, byName, eh.Note)
}

// rowsOf repeats a VALUES tuple n times.
func rowsOf(values string, n int) string {
	return strings.TrimSuffix(strings.Repeat("("+values+"),", n), ",")
}

func newWriter(ctx context.Context, tx *sql.Tx) (*writer, error) {
	w := &writer{tx: tx, next: map[string]int64{}, group: map[string]*sql.Stmt{}, terms: map[string]bool{}}
	var err error
	prep := func(q string) *sql.Stmt {
		if err != nil {
			return nil
		}
		var s *sql.Stmt
		s, err = tx.PrepareContext(ctx, q)
		return s
	}
	w.insPatient = prep(`INSERT INTO patients (` + patientCols + `) VALUES (` + patientValues + `)`)
	w.insNames = prep(`INSERT INTO patient_names (rowid, keys) VALUES (?, ?)`)
	w.insZH = prep(`INSERT INTO patient_names_zh (rowid, name) VALUES (?, ?)`)
	w.insConsent = prep(`INSERT INTO patient_consents (` + consentCols + `) VALUES (` + consentValues + `)`)
	if err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

func (w *writer) close() {
	for _, s := range []*sql.Stmt{w.insPatient, w.insNames, w.insZH, w.insConsent} {
		if s != nil {
			s.Close()
		}
	}
	for _, s := range w.group {
		s.Close()
	}
}

// execGroup runs a multi-row INSERT, keeping the statement for the common full group.
func (w *writer) execGroup(ctx context.Context, head, values string, n int, args []any) error {
	q := head + rowsOf(values, n)
	if n != groupSize {
		_, err := w.tx.ExecContext(ctx, q, args...)
		return err
	}
	st, ok := w.group[q]
	if !ok {
		var err error
		if st, err = w.tx.PrepareContext(ctx, q); err != nil {
			return err
		}
		w.group[q] = st
	}
	_, err := st.ExecContext(ctx, args...)
	return err
}

// nextNumber hands out the next number for a prefix, reading the counter once per transaction.
func (w *writer) nextNumber(ctx context.Context, prefix string) (string, error) {
	last, ok := w.next[prefix]
	if !ok {
		err := w.tx.QueryRowContext(ctx, `SELECT last FROM patient_number_seq WHERE prefix = ?`, prefix).Scan(&last)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return "", err
		}
	}
	last++
	w.next[prefix] = last
	return FormatNumber(prefix, last), nil
}

// saveNumbers writes the counters back; call it before the transaction commits.
func (w *writer) saveNumbers(ctx context.Context) error {
	for prefix, last := range w.next {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO patient_number_seq (prefix, last) VALUES (?, ?)
			ON CONFLICT (prefix) DO UPDATE SET last = MAX(last, excluded.last)`, prefix, last); err != nil {
			return err
		}
	}
	return nil
}

func isUnique(err error, column string) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed: "+column)
}

// insert adds one validated patient and its search keys. A number kept from an old system may
// already be taken by one handed out here (or the other way round): the number is then skipped.
func (w *writer) insert(ctx context.Context, prefix string, in *Input, actor audit.Actor) (int64, string, error) {
	ts := now()
	eh := EHealthInput{Consent: ConsentNone}
	var byID int64
	var byName string
	if in.EHealth != nil {
		eh = *in.EHealth
		if eh.Consent != ConsentNone {
			byID, byName = actor.UserID, actor.Username
		}
	}
	withConsent := in.EHealth != nil && (eh.Joined || eh.EHRNo != "" || eh.Consent != ConsentNone)
	if w.fresh {
		return w.insertFresh(ctx, prefix, in, &eh, withConsent, byID, byName, ts)
	}
	number := in.Number
	for tries := 0; ; tries++ {
		if in.Number == "" {
			var err error
			if number, err = w.nextNumber(ctx, prefix); err != nil {
				return 0, "", err
			}
		}
		res, err := w.insPatient.ExecContext(ctx, patientArgs(nil, number, in, &eh, byID, byName, ts)...)
		switch {
		case isUnique(err, "patients.number") && in.Number == "" && tries < 1000:
			continue
		case isUnique(err, "patients.number"):
			return 0, "", clinic.Invalid("number", "error.patient.number_taken", number)
		case isUnique(err, "patients.doc_key"):
			return 0, "", clinic.Invalid("doc_number", "error.patient.document_taken")
		case err != nil:
			return 0, "", fmt.Errorf("insert patient: %w", err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return 0, "", err
		}
		if err := w.index(ctx, id, in.SurnameEN, in.GivenNameEN, in.NameZH); err != nil {
			return 0, "", err
		}
		if withConsent {
			if _, err := w.insConsent.ExecContext(ctx, consentArgs(nil, id, ts, &eh, byID, byName)...); err != nil {
				return 0, "", err
			}
		}
		return id, number, nil
	}
}

// insertFresh queues a patient of a bulk load into an empty table; flushRows writes the queue.
func (w *writer) insertFresh(ctx context.Context, prefix string, in *Input, eh *EHealthInput, withConsent bool,
	byID int64, byName, ts string) (int64, string, error) {
	number := in.Number
	if number != "" {
		if w.used[number] {
			return 0, "", clinic.Invalid("number", "error.patient.number_taken", number)
		}
	} else {
		for number == "" || w.used[number] {
			var err error
			if number, err = w.nextNumber(ctx, prefix); err != nil {
				return 0, "", err
			}
		}
	}
	w.used[number] = true
	w.lastID++
	id := w.lastID
	w.rows = append(w.rows, id)
	w.rows = patientArgs(w.rows, number, in, eh, byID, byName, ts)
	w.nRows++
	if withConsent {
		w.consents = consentArgs(w.consents, id, ts, eh, byID, byName)
		w.nConsents++
	}
	w.pending = append(w.pending, pendingName{id: id, keys: nameKeys(in.SurnameEN, in.GivenNameEN, in.NameZH), nameZH: in.NameZH})
	if w.nRows == groupSize {
		if err := w.flushRows(ctx); err != nil {
			return 0, "", err
		}
	}
	return id, number, nil
}

// flushRows writes the queued patients, then their consent rows (which refer to them).
func (w *writer) flushRows(ctx context.Context) error {
	if w.nRows > 0 {
		err := w.execGroup(ctx, `INSERT INTO patients (id, `+patientCols+`) VALUES `, "?,"+patientValues, w.nRows, w.rows)
		if isUnique(err, "patients.doc_key") {
			return clinic.Invalid("doc_number", "error.patient.document_taken")
		}
		if err != nil {
			return fmt.Errorf("insert patients: %w", err)
		}
		w.rows, w.nRows = w.rows[:0], 0
	}
	if w.nConsents > 0 {
		if err := w.execGroup(ctx, `INSERT INTO patient_consents (`+consentCols+`) VALUES `, consentValues, w.nConsents, w.consents); err != nil {
			return fmt.Errorf("insert consents: %w", err)
		}
		w.consents, w.nConsents = w.consents[:0], 0
	}
	return nil
}

// index adds a patient's names to the search tables (or queues them, see deferIndex).
func (w *writer) index(ctx context.Context, id int64, surname, given, zh string) error {
	n := pendingName{id: id, keys: nameKeys(surname, given, zh), nameZH: zh}
	if w.deferIndex {
		w.pending = append(w.pending, n)
		return nil
	}
	return w.writeIndex(ctx, n)
}

func (w *writer) writeIndex(ctx context.Context, n pendingName) error {
	if n.keys != "" {
		if _, err := w.insNames.ExecContext(ctx, n.id, n.keys); err != nil {
			return fmt.Errorf("index name: %w", err)
		}
		if err := addTerms(ctx, w.tx, n.keys, w.terms); err != nil {
			return err
		}
	}
	if utf8.RuneCountInString(n.nameZH) >= 3 {
		if _, err := w.insZH.ExecContext(ctx, n.id, n.nameZH); err != nil {
			return fmt.Errorf("index Chinese name: %w", err)
		}
	}
	return nil
}

// flushIndex writes the queued rows and then the queued search keys, groupSize at a time.
func (w *writer) flushIndex(ctx context.Context) error {
	if err := w.flushRows(ctx); err != nil {
		return err
	}
	var names, zh []any
	nNames, nZH := 0, 0
	flush := func(final bool) error {
		if nNames == groupSize || (final && nNames > 0) {
			if err := w.execGroup(ctx, `INSERT INTO patient_names (rowid, keys) VALUES `, "?,?", nNames, names); err != nil {
				return fmt.Errorf("index names: %w", err)
			}
			names, nNames = names[:0], 0
		}
		if nZH == groupSize || (final && nZH > 0) {
			if err := w.execGroup(ctx, `INSERT INTO patient_names_zh (rowid, name) VALUES `, "?,?", nZH, zh); err != nil {
				return fmt.Errorf("index Chinese names: %w", err)
			}
			zh, nZH = zh[:0], 0
		}
		return nil
	}
	fresh := map[string]bool{}
	for _, n := range w.pending {
		if n.keys != "" {
			names, nNames = append(names, n.id, n.keys), nNames+1
			for _, k := range strings.Fields(n.keys) {
				if !w.terms[k] && !isHan(k) {
					fresh[k] = true
				}
			}
		}
		if utf8.RuneCountInString(n.nameZH) >= 3 {
			zh, nZH = append(zh, n.id, n.nameZH), nZH+1
		}
		if err := flush(false); err != nil {
			return err
		}
	}
	if err := flush(true); err != nil {
		return err
	}
	w.pending = w.pending[:0]
	for k := range fresh {
		if err := addTerms(ctx, w.tx, k, w.terms); err != nil {
			return err
		}
	}
	return nil
}

// addTerms records the English words among space-separated keys in patient_name_terms; known
// remembers the ones already there in this transaction.
func addTerms(ctx context.Context, tx *sql.Tx, keys string, known map[string]bool) error {
	for _, k := range strings.Fields(keys) {
		if known[k] || isHan(k) {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO patient_name_terms (term) VALUES (?)`, k); err != nil {
			return fmt.Errorf("index name: %w", err)
		}
		known[k] = true
	}
	return nil
}

// reindex replaces a patient's entries in the search tables after a change of name.
func reindex(ctx context.Context, tx *sql.Tx, id int64, surname, given, zh string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM patient_names WHERE rowid = ?`, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM patient_names_zh WHERE rowid = ?`, id); err != nil {
		return err
	}
	if keys := nameKeys(surname, given, zh); keys != "" {
		if _, err := tx.ExecContext(ctx, `INSERT INTO patient_names (rowid, keys) VALUES (?, ?)`, id, keys); err != nil {
			return err
		}
		if err := addTerms(ctx, tx, keys, map[string]bool{}); err != nil {
			return err
		}
	}
	if utf8.RuneCountInString(zh) >= 3 {
		if _, err := tx.ExecContext(ctx, `INSERT INTO patient_names_zh (rowid, name) VALUES (?, ?)`, id, zh); err != nil {
			return err
		}
	}
	return nil
}

// nameKeys is what patient_names indexes for a patient: the lower-case words of the English name,
// and every one and two Han characters of the Chinese name ("陳 大 文 陳大 大文"): trigrams cannot
// find those. A given name typed run together ("taiman") is split at search time instead of
// being indexed both ways: every extra word makes prefix searches slower.
func nameKeys(surname, given, zh string) string {
	keys := make([]string, 0, 12)
	add := func(k string) {
		for _, have := range keys { // a handful of keys: a slice beats a map
			if have == k {
				return
			}
		}
		keys = append(keys, k)
	}
	for _, part := range []string{surname, given} {
		for _, w := range latinWords(part) {
			add(w)
		}
	}
	han := hanRunes(zh)
	for i, r := range han {
		add(string(r))
		if i+1 < len(han) {
			add(string(han[i : i+2]))
		}
	}
	return strings.Join(keys, " ")
}

// latinWords splits text into lower-case words of letters and digits.
func latinWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(unicode.IsLetter(r) || unicode.IsDigit(r)) || unicode.Is(unicode.Han, r)
	})
}

func hanRunes(s string) []rune {
	var out []rune
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			out = append(out, r)
		}
	}
	return out
}

// Update saves an edited patient. Every changed field is kept in the history with its old value;
// a change that changes nothing writes nothing. Identity documents and possible duplicates are
// checked as in Create. In.EHealth is ignored: eHealth changes go through SetEHealth.
func Update(ctx context.Context, db *store.DB, id int64, in Input, actor audit.Actor) (Patient, error) {
	if err := in.Validate(); err != nil {
		return Patient{}, err
	}
	var p Patient
	err := db.Write(ctx, func(tx *sql.Tx) error {
		old, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if old.Merged() {
			return mergedError(ctx, tx, old)
		}
		if in.Version != 0 && in.Version != old.Version {
			return clinic.ErrConflict
		}
		in.Number = ""
		changes := diff(old, &in)
		if len(changes) == 0 {
			p = old
			return nil
		}
		if err := checkDuplicates(ctx, tx, &in, id); err != nil {
			return err
		}
		ts := now()
		_, err = tx.ExecContext(ctx, `UPDATE patients SET surname_en=?, given_name_en=?, name_zh=?, name_key=?, sex=?,
			dob=?, dob_precision=?, doc_type=?, doc_number=NULLIF(?,''), doc_country=?, doc_key=NULLIF(?,''),
			mobile=NULLIF(?,''), phone_other=NULLIF(?,''), address=?, email=?, emergency_name=?, emergency_phone=?,
			emergency_relation=?, language=?, remarks=?, version=version+1, updated_at=? WHERE id=?`,
			in.SurnameEN, in.GivenNameEN, in.NameZH, in.nameKey, in.Sex, in.dob.String(), in.dob.Precision(),
			in.DocType, in.DocNumber, in.DocCountry, in.docKey, in.Mobile, in.PhoneOther, in.Address, in.Email,
			in.EmergencyName, in.EmergencyPhone, in.EmergencyRelation, in.Language, in.Remarks, ts, id)
		if isUnique(err, "patients.doc_key") {
			return clinic.Invalid("doc_number", "error.patient.document_taken")
		}
		if err != nil {
			return fmt.Errorf("update patient: %w", err)
		}
		var fields []string
		renamed := false
		for _, c := range changes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO patient_changes (patient_id, at, user_id, username, field, old_value, new_value)
				VALUES (?,?,NULLIF(?,0),?,?,?,?)`, id, ts, actor.UserID, actor.Username, c.Field, c.Old, c.New); err != nil {
				return err
			}
			fields = append(fields, c.Field)
			renamed = renamed || c.Field == "surname_en" || c.Field == "given_name_en" || c.Field == "name_zh"
		}
		if renamed {
			if err := reindex(ctx, tx, id, in.SurnameEN, in.GivenNameEN, in.NameZH); err != nil {
				return err
			}
		}
		// The audit row names the fields, not their values: the values are in patient_changes.
		if err := audit.Append(ctx, tx, actor.Entry(audit.ActionChange, "patient", fmt.Sprint(id), id,
			"changed "+strings.Join(fields, ", "))); err != nil {
			return err
		}
		p, err = get(ctx, tx, id)
		return err
	})
	return p, err
}

// demographics lists the fields kept in the history, in the form's order, as stored.
func demographics(p *Patient) [][2]string {
	return [][2]string{
		{"surname_en", p.SurnameEN}, {"given_name_en", p.GivenNameEN}, {"name_zh", p.NameZH}, {"sex", p.Sex},
		{"dob", p.DOB.String()}, {"doc_type", p.Doc.Type}, {"doc_number", p.Doc.Number}, {"doc_country", p.Doc.Country},
		{"mobile", p.Mobile}, {"phone_other", p.PhoneOther}, {"address", p.Address}, {"email", p.Email},
		{"emergency_name", p.Emergency.Name}, {"emergency_phone", p.Emergency.Phone},
		{"emergency_relation", p.Emergency.Relation}, {"language", p.Language}, {"remarks", p.Remarks},
	}
}

// asPatient is a validated Input in the shape of a Patient, for comparing.
func (in *Input) asPatient() Patient {
	return Patient{SurnameEN: in.SurnameEN, GivenNameEN: in.GivenNameEN, NameZH: in.NameZH, Sex: in.Sex, DOB: in.dob,
		Doc: Document{Type: in.DocType, Number: in.DocNumber, Country: in.DocCountry}, Mobile: in.Mobile,
		PhoneOther: in.PhoneOther, Address: in.Address, Email: in.Email,
		Emergency: EmergencyContact{Name: in.EmergencyName, Phone: in.EmergencyPhone, Relation: in.EmergencyRelation},
		Language:  in.Language, Remarks: in.Remarks}
}

func diff(old Patient, in *Input) []Change {
	np := in.asPatient()
	before, after := demographics(&old), demographics(&np)
	var out []Change
	for i := range before {
		if before[i][1] != after[i][1] {
			out = append(out, Change{Field: before[i][0], Old: before[i][1], New: after[i][1]})
		}
	}
	return out
}

// mergedError refuses a change to a merged-away record, naming the survivor to edit instead.
func mergedError(ctx context.Context, q querier, p Patient) error {
	var number string
	_ = q.QueryRowContext(ctx, `SELECT number FROM patients WHERE id = ?`, p.MergedInto).Scan(&number)
	return clinic.Invalid("patient", "error.patient.merged", number)
}
