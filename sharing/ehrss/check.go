package ehrss

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Check applies the guides' own rules to the inputs of BuildBundles:
// fixed values, required elements, eHealth's code tables, lengths, date
// formats and the HKID check digit. It returns nothing when all is well.
//
// It checks the inputs rather than the built bundle so that each problem
// names the clinic's record key and field, in words a clinic admin can act
// on, and so that a failing record can be held back before it is built
// (BuildChecked does exactly that). Base FHIR validity is the builders' job,
// tested with fhir-validate. Dates "in the future" are judged against the
// current time (BuildChecked uses its now instead).
func Check(inst Institution, domain Domain, mode UploadMode, items []PatientRecords) []Problem {
	fs := check(inst, domain, mode, items, time.Now())
	out := make([]Problem, len(fs))
	for i, f := range fs {
		out[i] = f.Problem
	}
	return out
}

func check(inst Institution, domain Domain, mode UploadMode, items []PatientRecords, now time.Time) []finding {
	c := &checker{patient: -1, record: -1}
	spec, err := specFor(domain, mode)
	if err != nil {
		s, known := domains[domain]
		switch {
		case !known:
			c.fail("Domain", fmt.Sprintf("%q is not an eHealth data domain.", domain), fmt.Sprintf("「%s」不是 eHealth 的資料範疇。", domain))
		case s.Provisional:
			c.fail("Domain", fmt.Sprintf("eHealth has not yet published how to upload %s; these records cannot be shared yet.", s.Title),
				fmt.Sprintf("eHealth 尚未公佈上載「%s」的方法，暫時未能分享這些紀錄。", s.Title))
		default:
			c.fail("UploadMode", fmt.Sprintf("Upload mode %q is not allowed for %s (allowed: %s).", mode, s.Title, joinModes(s.Modes)),
				fmt.Sprintf("%s不可使用上載模式「%s」（可用：%s）。", s.Title, mode, joinModes(s.Modes)))
		}
		return c.out
	}
	checkInstitution(c, inst)

	keys := map[string]bool{}
	for pi, pr := range items {
		recs := itemsOf(domain, pr)
		if len(recs) == 0 {
			continue
		}
		c.patient, c.record, c.pkey, c.rkey, c.prefix = pi, -1, pr.Patient.RecordKey, "", ""
		checkPatient(c, spec, pr.Patient, now)
		for ri, it := range recs {
			rec := it.base()
			c.record, c.rkey, c.prefix = ri, rec.RecordKey, ""
			checkRecord(c, spec, mode, rec, keys)
			if rec.TxType == TxDelete {
				continue // a delete's content is "NA" in every guide
			}
			checkContent(c, spec, it, now)
		}
	}
	return c.out
}

// checkInstitution: the HCP identifier is string(10), "Fixed length: 10"
// (lab guides §4.3.1), and the institution name is varchar(255).
func checkInstitution(c *checker, inst Institution) {
	if !digits(inst.ID, 10) {
		c.fail("Institution.ID", "The clinic's eHealth institution identifier must be 10 digits; set it in the eHealth settings.",
			"診所的 eHealth 機構識別碼必須是 10 位數字，請在 eHealth 設定中輸入。")
	}
	l := label{"The clinic's English name", "診所英文名稱"}
	c.text("Institution.NameEN", inst.NameEN, 255, true, l)
}

// checkPatient: the Patient tables of every guide (§4.3 / §5.4 / §4.3.2).
func checkPatient(c *checker, spec *domainSpec, p Patient, now time.Time) {
	if !digits(strings.TrimSpace(p.EHRNo), 12) {
		c.fail("Patient.EHRNo", "The patient's eHR number must be 12 digits; check that the patient has joined eHealth.",
			"病人的 eHR 號碼必須是 12 位數字，請確認病人已登記 eHealth。")
	}
	docType := canonicalDocType(p.DocType)
	docLabel := label{"The patient's identity document type", "病人的身份證明文件類別"}
	if c.required("Patient.DocType", docType, docLabel) {
		oneOf(c, "Patient.DocType", docType, docTypes, docLabel)
	}
	noLabel := label{"The patient's identity document number", "病人的身份證明文件號碼"}
	if c.required("Patient.DocNo", p.DocNo, noLabel) {
		if hkidFormatDocs[docType] {
			checkHKID(c, p.DocNo)
		} else {
			c.maxLen("Patient.DocNo", p.DocNo, spec.Gen.DocNoMax, noLabel)
		}
	}

	family, given := upperName(p.SurnameEN), upperName(p.GivenNameEN)
	if family == "" && given == "" {
		c.fail("Patient.SurnameEN", "The patient's English name is missing; eHealth needs a surname or a given name.",
			"缺少病人的英文姓名；eHealth 需要英文姓氏或名字。")
	}
	c.maxLen("Patient.SurnameEN", family, 40, label{"The English surname", "英文姓氏"})
	c.maxLen("Patient.GivenNameEN", given, 40, label{"The English given name", "英文名字"})
	if n, ok := englishName(p); ok {
		c.maxLen("Patient.SurnameEN", n.Text, 100, label{"The English full name", "英文全名"})
	}
	for _, f := range [][2]string{{"Patient.SurnameEN", family}, {"Patient.GivenNameEN", given}} {
		if !englishLetters(f[1]) {
			c.fail(f[0], "The English name may only have English letters, spaces, hyphens, apostrophes and full stops.",
				"英文姓名只可包含英文字母、空格、連字號、撇號及句號。")
		}
	}

	sexLabel := label{"The patient's sex", "病人性別"}
	if c.required("Patient.Sex", p.Sex, sexLabel) {
		oneOf(c, "Patient.Sex", strings.ToUpper(strings.TrimSpace(p.Sex)), sexToGender, sexLabel)
	}
	if c.required("Patient.DOB", p.DOB, label{"The patient's date of birth", "病人出生日期"}) {
		d, err := parsePartialDate(strings.TrimSpace(p.DOB), strings.ToUpper(strings.TrimSpace(p.DOBPrecision)))
		switch {
		case err != nil:
			c.fail("Patient.DOB", "The date of birth must be written YYYY, YYYY-MM or YYYY-MM-DD, be a real date, and be no more precise than it is known.",
				"出生日期必須寫成 YYYY、YYYY-MM 或 YYYY-MM-DD，須為真實日期，並與已知的準確程度相符。")
		case d.first().After(now):
			c.fail("Patient.DOB", "The date of birth is in the future.", "出生日期在未來。")
		case d.Year < 1880:
			c.fail("Patient.DOB", "The date of birth is before 1880.", "出生日期早於 1880 年。")
		}
	}
}

// checkHKID: "AANNNNNNC or ANNNNNNC ... C is the check digit ... All
// Uppercase" (Patient tables, ID / BC / CD / ECID).
func checkHKID(c *checker, no string) {
	n := NormalizeHKID(no)
	body := n
	if len(n) > 0 {
		body = n[:len(n)-1]
	}
	if _, ok := hkidCheck(body); !ok || (len(n) != 8 && len(n) != 9) {
		c.fail("Patient.DocNo", "The HKID-format number is not valid: it should be one or two letters, six digits and a check digit, like A123456(3).",
			"香港身份證格式號碼無效：應為一至兩個英文字母、六位數字及一個核對數字，例如 A123456(3)。")
		return
	}
	if !ValidHKID(n) {
		want, _ := hkidCheck(body)
		c.fail("Patient.DocNo", fmt.Sprintf("The check digit of the HKID-format number is wrong: %s(%c) is expected. Please check the number against the card.", body, want),
			fmt.Sprintf("香港身份證格式號碼的核對數字不正確，應為 %s(%c)。請對照證件再核對號碼。", body, want))
	}
}

// checkRecord: the Composition section entry of every guide.
func checkRecord(c *checker, spec *domainSpec, mode UploadMode, rec Record, keys map[string]bool) {
	keyLabel := label{"The record key", "紀錄編號"}
	if c.required("RecordKey", rec.RecordKey, keyLabel) {
		c.maxLen("RecordKey", rec.RecordKey, spec.Gen.RecordKeyMax, keyLabel)
		if keys[rec.RecordKey] {
			c.fail("RecordKey", "The same record key appears twice in this upload; each record needs its own key.",
				"同一紀錄編號在這次上載中出現了兩次；每項紀錄須有自己的編號。")
		}
		keys[rec.RecordKey] = true
	}
	txLabel := label{"The transaction type", "交易類別"}
	if c.required("TxType", string(rec.TxType), txLabel) {
		oneOf(c, "TxType", string(rec.TxType), map[string]bool{"I": true, "U": true, "D": true}, txLabel)
	}
	// "DM mode only permits 'I' (Insert)" (§3 Type of Upload).
	if mode == ModeMaterialisation && rec.TxType != TxInsert && rec.TxType != "" {
		c.fail("TxType", "The first upload after the patient's consent can only add records; send this update or delete in a later upload.",
			"病人同意分享後的首次上載只可新增紀錄；請在之後的上載中傳送此修改或刪除。")
	}
	if rec.RecordTime.IsZero() {
		c.fail("RecordTime", "The time the record was last changed is missing.", "缺少紀錄最後修改的時間。")
	}
	checkTime(c, "RecordTime", rec.RecordTime)
	checkTime(c, "CreatedTime", rec.CreatedTime)
	checkTime(c, "EncounterDate", rec.EncounterDate)
	c.maxLen("EncounterKey", rec.EncounterKey, 20, label{"The episode number", "診症編號"})
	// Allergy guide §4.4: "if 'Delete ... reason' is uploaded in 'Insert' or
	// 'Override' scenario, the whole record will be rejected".
	isAllergy := spec.Domain == DomainAllergy || spec.Domain == DomainADR
	if isAllergy && rec.TxType != TxDelete && strings.TrimSpace(rec.DeleteReason) != "" {
		c.fail("DeleteReason", "A delete reason can only be sent with a delete; eHealth rejects an added or changed record that has one.",
			"刪除原因只可在刪除紀錄時傳送；新增或修改的紀錄若附有刪除原因，eHealth 會拒絕。")
	}
	c.maxLen("DeleteReason", rec.DeleteReason, 255, label{"The delete reason", "刪除原因"})
}

// checkContent dispatches to the domain's content rules.
func checkContent(c *checker, spec *domainSpec, it item, now time.Time) {
	switch r := it.(type) {
	case Allergy:
		checkAllergy(c, spec, r)
	case Diagnosis:
		checkDiagnosis(c, spec, r)
	case Procedure:
		checkProcedure(c, spec, r)
	case Immunisation:
		checkImmunisation(c, spec, r, now)
	case LabResult:
		checkLabResult(c, spec, r)
	case LabReport:
		checkLabReport(c, spec, r)
	}
}

// checkTime reports a set time that FHIR cannot write: dateTime needs a
// four-digit year. Before 1900 is taken as a data entry slip.
func checkTime(c *checker, field string, t time.Time) {
	if t.IsZero() {
		return
	}
	if y := t.In(hkt).Year(); y < 1900 || y > 9999 {
		c.fail(field, fmt.Sprintf("The date %s is not plausible (year %d).", field, y),
			fmt.Sprintf("日期 %s 不合理（年份 %d）。", field, y))
	}
}

// digits reports whether s is exactly n ASCII digits.
func digits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// englishLetters reports whether an upper-cased name has only English
// letters and the punctuation names use.
func englishLetters(s string) bool {
	for _, r := range s {
		switch {
		case r >= 'A' && r <= 'Z', r == ' ', r == '-', r == '\'', r == '.':
		case unicode.IsSpace(r):
		default:
			return false
		}
	}
	return true
}
