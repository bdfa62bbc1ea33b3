package ehrss

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"
)

// Problem is one reason a record cannot go to eHealth yet. The outbox holds
// the record back and shows Reason (or ReasonZH) to the clinic admin.
//
//   - RecordKey set: only that record is held back.
//   - RecordKey empty, PatientKey set: the patient's identity is at fault;
//     all their records are held back.
//   - both empty: the upload itself (institution, domain, mode) is at fault.
type Problem struct {
	PatientKey string // Patient.RecordKey
	RecordKey  string
	Field      string // the input field, e.g. "Patient.DocNo", "Reactions[1].Code"
	Reason     string // a plain English sentence
	ReasonZH   string // the same in Traditional Chinese
}

func (p Problem) String() string {
	where := strings.Trim(strings.Join([]string{p.PatientKey, p.RecordKey, p.Field}, " "), " ")
	return where + ": " + p.Reason
}

// finding is a Problem with the indexes BuildChecked needs to hold back
// exactly the right input (keys may be blank or repeated).
type finding struct {
	Problem
	patient int // -1: the whole upload
	record  int // -1: the whole patient
}

// label names a field for people, in English and Chinese.
type label struct{ en, zh string }

// checker collects findings for one patient and record at a time.
type checker struct {
	out             []finding
	patient, record int
	pkey, rkey      string
	prefix          string // field prefix, e.g. "Tests[2]."
}

func (c *checker) fail(field, en, zh string) {
	c.out = append(c.out, finding{
		Problem: Problem{PatientKey: c.pkey, RecordKey: c.rkey, Field: c.prefix + field, Reason: en, ReasonZH: zh},
		patient: c.patient, record: c.record,
	})
}

// required reports a blank value.
func (c *checker) required(field, v string, l label) bool {
	if strings.TrimSpace(v) == "" {
		c.fail(field, l.en+" is missing; eHealth requires it.", "缺少"+l.zh+"，eHealth 必須有此資料。")
		return false
	}
	return true
}

// maxLen reports a value longer than the guide's varchar(n), counted in
// characters.
func (c *checker) maxLen(field, v string, n int, l label) {
	if got := utf8.RuneCountInString(strings.TrimSpace(v)); got > n {
		c.fail(field,
			fmt.Sprintf("%s is too long for eHealth: %d characters, at most %d.", l.en, got, n),
			fmt.Sprintf("%s太長：共 %d 個字元，eHealth 最多接受 %d 個。", l.zh, got, n))
	}
}

// text checks an optional or required free text field's length.
func (c *checker) text(field, v string, n int, need bool, l label) {
	if need && !c.required(field, v, l) {
		return
	}
	c.maxLen(field, v, n, l)
}

// oneOf reports a non-blank value that is not in an eHealth code table.
func oneOf[V any](c *checker, field, v string, table map[string]V, l label) bool {
	v = strings.TrimSpace(v)
	if v == "" {
		return true
	}
	if _, ok := table[v]; ok {
		return true
	}
	codes := make([]string, 0, len(table))
	for k := range table {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	list := strings.Join(codes, ", ")
	c.fail(field,
		fmt.Sprintf("%s %q is not a code eHealth accepts (accepted: %s).", l.en, v, list),
		fmt.Sprintf("%s「%s」不是 eHealth 接受的代碼（可用：%s）。", l.zh, v, list))
	return false
}
