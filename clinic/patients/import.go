package patients

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Fields a CSV column can be mapped to. name_en is a whole English name ("CHAN Tai Man" or
// "CHAN, TAI MAN": surname first) for files that do not split it; hkid is a document number of
// type ID; number keeps the patient number of the old system.
var ImportFields = []string{
	"number", "surname_en", "given_name_en", "name_en", "name_zh", "sex", "dob",
	"doc_type", "doc_number", "doc_country", "hkid",
	"mobile", "phone_other", "address", "email",
	"emergency_name", "emergency_phone", "emergency_relation",
	"language", "remarks", "ehr_no",
}

// ColumnMap maps a field (one of ImportFields) to the CSV header it is read from, as written in
// the file.
type ColumnMap map[string]string

// headerNames are the header spellings GuessColumns knows, folded (lower case, letters and
// digits only), in English and Chinese.
var headerNames = map[string][]string{
	"number":             {"patientno", "patientnumber", "patientid", "chartno", "fileno", "recordno", "病人編號", "檔案編號", "病歷編號"},
	"surname_en":         {"surname", "lastname", "familyname", "surnameen", "englishsurname", "英文姓", "英文姓氏"},
	"given_name_en":      {"givenname", "givennames", "firstname", "forename", "othernames", "givennameen", "englishgivenname", "英文名"},
	"name_en":            {"name", "nameen", "englishname", "fullname", "patientname", "英文姓名", "英文名稱"},
	"name_zh":            {"namezh", "chinesename", "namechi", "cname", "中文姓名", "中文名", "姓名"},
	"sex":                {"sex", "gender", "性別"},
	"dob":                {"dob", "dateofbirth", "birthdate", "birthday", "出生日期", "生日", "出生年月日"},
	"doc_type":           {"doctype", "documenttype", "idtype", "證件類別", "證件類型", "身份證明文件類別"},
	"doc_number":         {"docno", "docnumber", "documentno", "documentnumber", "證件號碼", "身份證明文件號碼"},
	"doc_country":        {"doccountry", "issuingcountry", "country", "簽發國家", "簽發地"},
	"hkid":               {"hkid", "hkidno", "hkidnumber", "idno", "idnumber", "idcard", "身份證", "身份證號碼", "香港身份證號碼"},
	"mobile":             {"mobile", "mobileno", "mobilephone", "mobilenumber", "cell", "cellphone", "手提電話", "手機", "流動電話", "手提"},
	"phone_other":        {"phone", "tel", "telephone", "homephone", "hometel", "otherphone", "電話", "住宅電話", "聯絡電話"},
	"address":            {"address", "homeaddress", "地址", "住址"},
	"email":              {"email", "emailaddress", "電郵", "電郵地址"},
	"emergency_name":     {"emergencycontact", "emergencyname", "emergencycontactname", "緊急聯絡人"},
	"emergency_phone":    {"emergencyphone", "emergencycontactphone", "emergencytel", "緊急聯絡電話"},
	"emergency_relation": {"relation", "relationship", "emergencyrelation", "關係"},
	"language":           {"language", "lang", "preferredlanguage", "語言"},
	"remarks":            {"remarks", "remark", "notes", "note", "comments", "備註"},
	"ehr_no":             {"ehrno", "ehr", "ehrnumber", "醫健通號碼", "醫健通"},
}

func foldHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, strings.TrimPrefix(s, "\ufeff"))
}

// GuessColumns maps the header of a file to fields by common header names in English and
// Chinese. Unknown headers are left out; the import page shows the guess for the user to fix.
func GuessColumns(header []string) ColumnMap {
	byName := map[string]string{}
	for field, names := range headerNames {
		for _, n := range names {
			byName[n] = field
		}
	}
	m := ColumnMap{}
	for _, h := range header {
		if f, ok := byName[foldHeader(h)]; ok {
			if _, taken := m[f]; !taken {
				m[f] = h
			}
		}
	}
	return m
}

// ImportOptions tune Import.
type ImportOptions struct {
	Prefix string // patient number prefix for the numbers handed out, e.g. "P"
	DryRun bool   // check everything and report, write nothing
	// Progress, when set, is told how far the import got, every 1000 rows and at the end: rows
	// written out of the rows to write, or on a dry run rows checked against the database out
	// of the rows that passed the form's checks.
	Progress func(done, total int)
}

// RejectedRow is a line of the file that was not imported, with every reason.
type RejectedRow struct {
	Line   int // line in the file where the row starts (the header is line 1)
	Errors clinic.ValidationErrors
}

// ImportReport says what an import did (or, for a dry run, would do).
type ImportReport struct {
	Rows     int // data rows in the file, blank rows not counted
	Imported int // rows written (0 on a dry run)
	Valid    int // rows that passed every check
	Rejected []RejectedRow
	// Warnings are rows imported although they look like a patient on file (same name or phone
	// and date of birth); LikelyDuplicates lists them afterwards for review.
	Warnings []RejectedRow
	Mapping  ColumnMap
	DryRun   bool
}

type importRow struct {
	line int
	in   Input
}

// Import reads patients from a CSV file (UTF-8, header row first). Every row is checked as the
// registration form checks it, and for identity documents and patient numbers repeated in the
// file or already on file; rows that fail are reported with their line and reasons, the others
// are imported. A file that cannot be read as CSV (bad quoting) is refused whole. Everything is
// written in one transaction with prepared statements, so a failure part-way (disk full, power
// cut) leaves nothing half-imported; the price is that other writes wait while it runs (about
// 10 s for 100,000 rows), so imports belong to setup or quiet hours.
func Import(ctx context.Context, db *store.DB, r io.Reader, mapping ColumnMap, opts ImportOptions, actor audit.Actor) (ImportReport, error) {
	rep := ImportReport{DryRun: opts.DryRun}
	if !prefixRe.MatchString(opts.Prefix) {
		return rep, fmt.Errorf("patients: bad number prefix %q", opts.Prefix)
	}
	rows, err := readImport(r, mapping, &rep)
	if err != nil {
		return rep, err
	}
	progress := func(total int) func(done int) {
		return func(done int) {
			if opts.Progress != nil && (done%1000 == 0 || done == total) {
				opts.Progress(done, total)
			}
		}
	}
	if opts.DryRun {
		err := db.Read(ctx, func(tx *sql.Tx) error {
			_, err := checkImport(ctx, tx, rows, &rep, progress(len(rows)))
			return err
		})
		return rep, err
	}
	err = db.Write(ctx, func(tx *sql.Tx) error {
		valid, err := checkImport(ctx, tx, rows, &rep, nil)
		if err != nil {
			return err
		}
		b, err := NewBulk(ctx, tx, opts.Prefix, actor)
		if err != nil {
			return err
		}
		defer b.w.close()
		written := progress(len(valid))
		var entries []audit.Entry
		flush := func() error {
			err := audit.Append(ctx, tx, entries...)
			entries = entries[:0]
			return err
		}
		for i, row := range valid {
			id, number, err := b.w.insert(ctx, opts.Prefix, &row.in, actor)
			if err != nil {
				return fmt.Errorf("line %d: %w", row.line, err)
			}
			entries = append(entries, actor.Entry(audit.ActionCreate, "patient", fmt.Sprint(id), id,
				fmt.Sprintf("registered %s by import, line %d", number, row.line)))
			if len(entries) >= 5000 {
				if err := flush(); err != nil {
					return err
				}
			}
			if err := ctx.Err(); err != nil {
				return err
			}
			written(i + 1)
		}
		if err := b.Close(); err != nil {
			return err
		}
		entries = append(entries, actor.Entry(ActionImport, "patient", "", 0,
			fmt.Sprintf("CSV import: %d rows, %d imported, %d rejected", rep.Rows, len(valid), len(rep.Rejected))))
		if err := flush(); err != nil {
			return err
		}
		rep.Imported = len(valid)
		return nil
	})
	if err != nil {
		rep.Imported = 0
	}
	return rep, err
}

// readImport parses the file into validated rows; rows that fail validation go to the report.
func readImport(r io.Reader, mapping ColumnMap, rep *ImportReport) ([]importRow, error) {
	cr := csv.NewReader(bufio.NewReaderSize(r, 1<<16))
	cr.FieldsPerRecord = -1
	syntax := func(err error) error {
		line := 0
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			line = pe.StartLine // where the broken row begins
		}
		e := clinic.Invalid("file", "error.import.csv_syntax", line)
		rep.Rejected = append(rep.Rejected, RejectedRow{Line: line, Errors: clinic.ValidationErrors{e}})
		return clinic.ValidationErrors{e}
	}
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, clinic.ValidationErrors{clinic.Invalid("file", "error.import.empty")}
	}
	if err != nil {
		return nil, syntax(err)
	}
	if len(mapping) == 0 {
		mapping = GuessColumns(header)
	}
	rep.Mapping = mapping
	col := map[string]int{}
	for field, h := range mapping {
		idx := -1
		for i, name := range header {
			if name == h || strings.TrimPrefix(name, "\ufeff") == h {
				idx = i
				break
			}
		}
		if idx < 0 {
			return nil, clinic.ValidationErrors{clinic.Invalid("mapping", "error.import.no_column", h)}
		}
		col[field] = idx
	}
	_, hasName := col["surname_en"]
	_, hasFull := col["name_en"]
	_, hasZH := col["name_zh"]
	var missing clinic.ValidationErrors
	if !hasName && !hasFull && !hasZH {
		missing = append(missing, clinic.Invalid("mapping", "error.import.missing_field", "surname_en"))
	}
	for _, f := range []string{"sex", "dob"} {
		if _, ok := col[f]; !ok {
			missing = append(missing, clinic.Invalid("mapping", "error.import.missing_field", f))
		}
	}
	if len(missing) > 0 {
		return nil, missing
	}
	var rows []importRow
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, syntax(err)
		}
		line, _ := cr.FieldPos(0)
		if blank(rec) {
			continue
		}
		rep.Rows++
		get := func(field string) string {
			if i, ok := col[field]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		var errs clinic.ValidationErrors
		for _, v := range rec {
			if !utf8.ValidString(v) {
				errs = append(errs, clinic.Invalid("file", "error.import.not_utf8"))
				break
			}
		}
		in := rowInput(get)
		if err := in.Validate(); err != nil {
			errs = append(errs, err.(clinic.ValidationErrors)...)
		}
		if len(errs) > 0 {
			rep.Rejected = append(rep.Rejected, RejectedRow{Line: line, Errors: errs})
			continue
		}
		in.Confirmed = true
		rows = append(rows, importRow{line: line, in: in})
	}
	return rows, nil
}

func blank(rec []string) bool {
	for _, v := range rec {
		if strings.TrimSpace(v) != "" {
			return false
		}
	}
	return true
}

// rowInput turns a row into the form's Input, reading the spellings old systems use for sex,
// document types and languages.
func rowInput(get func(string) string) Input {
	in := Input{
		Number: get("number"), SurnameEN: get("surname_en"), GivenNameEN: get("given_name_en"), NameZH: get("name_zh"),
		Sex: importSex(get("sex")), DOB: get("dob"), DocType: importDocType(get("doc_type")), DocNumber: get("doc_number"),
		DocCountry: get("doc_country"), Mobile: get("mobile"), PhoneOther: get("phone_other"), Address: get("address"),
		Email: get("email"), EmergencyName: get("emergency_name"), EmergencyPhone: get("emergency_phone"),
		EmergencyRelation: get("emergency_relation"), Language: importLanguage(get("language")), Remarks: get("remarks"),
	}
	if full := strings.TrimSpace(get("name_en")); full != "" && in.SurnameEN == "" && in.GivenNameEN == "" {
		in.SurnameEN, in.GivenNameEN = splitName(full)
	}
	if h := strings.TrimSpace(get("hkid")); h != "" && in.DocNumber == "" {
		in.DocNumber = h
		if in.DocType == "" {
			in.DocType = DocHKID
		}
	}
	if ehr := strings.TrimSpace(get("ehr_no")); ehr != "" {
		in.EHealth = &EHealthInput{EHRNo: ehr, Joined: true}
	}
	return in
}

// splitName splits "CHAN, TAI MAN" at the comma, or "CHAN Tai Man" after the first word: Hong
// Kong writes the surname first. A two-word surname (AU YEUNG) needs the comma.
func splitName(full string) (surname, given string) {
	if s, g, ok := strings.Cut(full, ","); ok {
		return strings.TrimSpace(s), strings.TrimSpace(g)
	}
	f := strings.Fields(full)
	return f[0], strings.Join(f[1:], " ")
}

func importSex(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "m", "male", "男", "男性":
		return SexMale
	case "f", "female", "女", "女性":
		return SexFemale
	case "u", "unknown", "不詳", "未知":
		return SexUnknown
	}
	return s
}

func importDocType(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "hkid", "id", "hkic", "身份證", "香港身份證":
		return DocHKID
	case "bc", "birth certificate", "birthcert", "出世紙", "出生證明書":
		return DocBirthCert
	case "passport", "pp", "護照":
		return DocPassport
	case "eep", "exit-entry permit", "two-way permit", "回鄉證", "雙程證", "往來港澳通行證":
		return DocExitEntry
	case "other", "others", "其他":
		return DocOther
	}
	return s
}

func importLanguage(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "english", "eng", "英文":
		return LangEnglish
	case "chinese", "chi", "中文", "zh-hk":
		return LangChinese
	case "bilingual", "雙語", "中英":
		return LangBoth
	}
	return s
}

// checkImport looks for identity documents and patient numbers repeated within the file or
// already on file, and for possible duplicates (reported as warnings). It returns the rows to
// import, those with a number of their own first so that the numbers handed out step around them.
func checkImport(ctx context.Context, tx *sql.Tx, rows []importRow, rep *ImportReport, progress func(int)) ([]importRow, error) {
	docLine := map[string]int{}
	numberLine := map[string]int{}
	docStmt, err := tx.PrepareContext(ctx, docOwnerSQL)
	if err != nil {
		return nil, err
	}
	defer docStmt.Close()
	numStmt, err := tx.PrepareContext(ctx, `SELECT 1 FROM patients WHERE number = ?`)
	if err != nil {
		return nil, err
	}
	defer numStmt.Close()
	// Into a new practice there is nothing on file to compare with: skip the lookups, which
	// are most of the time of a big import.
	var onFile int
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM patients)`).Scan(&onFile); err != nil {
		return nil, err
	}
	var own, assigned []importRow
	for i := range rows {
		row := &rows[i]
		var errs clinic.ValidationErrors
		if k := row.in.docKey; k != "" {
			if first, ok := docLine[k]; ok {
				errs = append(errs, clinic.Invalid("doc_number", "error.import.duplicate_in_file", first))
			} else {
				docLine[k] = row.line
				var d *DuplicateError
				var err error
				if onFile == 1 {
					d, err = docOwner(ctx, tx, docStmt, row.in.DocNumber, k, 0)
				}
				if err != nil {
					return nil, err
				}
				if d != nil {
					errs = append(errs, clinic.Invalid("doc_number", "error.patient.duplicate_document", d.Number))
				}
			}
		}
		if n := row.in.Number; n != "" {
			if first, ok := numberLine[n]; ok {
				errs = append(errs, clinic.Invalid("number", "error.import.duplicate_in_file", first))
			} else {
				numberLine[n] = row.line
				var one int
				switch err := numStmt.QueryRowContext(ctx, n).Scan(&one); {
				case onFile == 0:
				case err == nil:
					errs = append(errs, clinic.Invalid("number", "error.patient.number_taken", n))
				case !errors.Is(err, sql.ErrNoRows):
					return nil, err
				}
			}
		}
		if len(errs) > 0 {
			rep.Rejected = append(rep.Rejected, RejectedRow{Line: row.line, Errors: errs})
		} else {
			var matches []Match
			var err error
			if onFile == 1 {
				matches, err = possibleDuplicates(ctx, tx, &row.in, 0)
			}
			if err != nil {
				return nil, err
			}
			if len(matches) > 0 {
				rep.Warnings = append(rep.Warnings, RejectedRow{Line: row.line, Errors: clinic.ValidationErrors{
					clinic.Invalid("patient", "warning.patient.possible_duplicates", matches[0].Number)}})
			}
			if row.in.Number != "" {
				own = append(own, *row)
			} else {
				assigned = append(assigned, *row)
			}
		}
		if progress != nil {
			progress(i + 1)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	sortRejected(rep.Rejected)
	rep.Valid = len(own) + len(assigned)
	return append(own, assigned...), nil
}

// sortRejected puts the report in file order (validation and duplicate checks run in two passes).
func sortRejected(r []RejectedRow) {
	slices.SortStableFunc(r, func(a, b RejectedRow) int { return a.Line - b.Line })
}
