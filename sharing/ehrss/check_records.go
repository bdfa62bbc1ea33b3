package ehrss

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Labels shared by several domains.
var (
	lblLocalCode = label{"The local code", "本地代碼"}
	lblLocalDesc = label{"The local description", "本地描述"}
	lblTerm      = label{"The recognised terminology", "認可術語"}
	lblTermCode  = label{"The recognised terminology code", "認可術語代碼"}
	lblTermDesc  = label{"The recognised terminology description", "認可術語描述"}
	lblRemark    = label{"The remark", "備註"}
)

// checkTerm: a recognised code needs its terminology (one the domain's
// guide lists), code and description (the "L3 1..1" rows of every guide).
func checkTerm(c *checker, spec *domainSpec, term, code, desc string, codeMax, descMax int) {
	if strings.TrimSpace(term) == "" && strings.TrimSpace(code) == "" && strings.TrimSpace(desc) == "" {
		return
	}
	if c.required("Terminology", term, lblTerm) {
		oneOf(c, "Terminology", term, spec.Terminologies, lblTerm)
	}
	c.text("TermCode", code, codeMax, true, lblTermCode)
	c.text("TermDesc", desc, descMax, true, lblTermDesc)
}

// checkPartialDate checks an optional "YYYY[-MM[-DD]]" date.
func checkPartialDate(c *checker, field, v string, l label) {
	if strings.TrimSpace(v) == "" {
		return
	}
	if _, err := parsePartialDate(strings.TrimSpace(v), ""); err != nil {
		c.fail(field, l.en+" must be a real date written YYYY, YYYY-MM or YYYY-MM-DD.", l.zh+"必須是真實日期，寫成 YYYY、YYYY-MM 或 YYYY-MM-DD。")
	}
}

// checkAllergy: allergy guide §4.4.1 (AL1) and §4.4.2 (ADR).
func checkAllergy(c *checker, spec *domainSpec, a Allergy) {
	adr := spec.Domain == DomainADR
	c.text("AllergenDesc", a.AllergenDesc, 255, true, label{"The allergen description", "致敏原描述"})
	c.maxLen("AllergenCode", a.AllergenCode, 20, lblLocalCode)
	termDescMax := 2000 // AL1 varchar(2000); ADR varchar(255)
	if adr {
		termDescMax = 255
	}
	checkTerm(c, spec, a.Terminology, a.TermCode, a.TermDesc, 20, termDescMax)
	if a.Inactive {
		c.fail("Inactive", "eHealth only keeps current allergies. An allergy that no longer applies must be deleted from eHealth with a reason, or not sent.",
			"eHealth 只保存現存的過敏紀錄。已不適用的過敏須連同原因從 eHealth 刪除，或不作上載。")
	}
	if len(a.Reactions) > 1 {
		c.fail("Reactions", "eHealth takes one reaction per allergy record; keep the main reaction and put the others in the remark.",
			"eHealth 每項過敏紀錄只接受一項反應；請保留主要反應，其餘寫在備註中。")
	}
	for i, rx := range a.Reactions {
		field := fmt.Sprintf("Reactions[%d].", i)
		if adr {
			c.text(field+"Desc", rx.Desc, 255, true, label{"The reaction description", "反應描述"})
			continue
		}
		if strings.TrimSpace(rx.Code) == "" && strings.TrimSpace(rx.Desc) == "" {
			c.fail(field+"Desc", "A reaction has neither a code nor a description.", "有一項反應既無代碼亦無描述。")
		}
		oneOf(c, field+"Code", rx.Code, reactions, label{"The reaction code", "反應代碼"})
		c.maxLen(field+"Desc", rx.Desc, 255, label{"The reaction description", "反應描述"})
	}
	if adr {
		oneOf(c, "Severity", a.Severity, severity, label{"The severity", "嚴重程度"})
		c.maxLen("SeverityLocalDesc", a.SeverityLocalDesc, 255, lblLocalDesc)
	} else {
		oneOf(c, "AllergenType", a.AllergenType, allergenTypes, label{"The type of allergen", "致敏原類別"})
		c.maxLen("AllergenTypeLocalDesc", a.AllergenTypeLocalDesc, 255, lblLocalDesc)
		oneOf(c, "Certainty", a.Certainty, certainty, label{"The level of certainty", "確定程度"})
		c.maxLen("CertaintyLocalDesc", a.CertaintyLocalDesc, 255, lblLocalDesc)
	}
	c.maxLen("Remarks", a.Remarks, 4000, lblRemark)
	checkPartialDate(c, "Onset", a.Onset, label{"The onset date", "發病日期"})
}

// checkDiagnosis: problem guide §5.5 and §8.
func checkDiagnosis(c *checker, spec *domainSpec, d Diagnosis) {
	desc := orDefault(d.DescEN, d.DescZH)
	c.text("DescEN", desc, 1000, true, label{"The diagnosis description", "診斷描述"})
	c.maxLen("LocalCode", d.LocalCode, 20, lblLocalCode)
	checkTerm(c, spec, d.Terminology, d.TermCode, d.TermDesc, 20, 1000)
	// §8: ICPC2 for problems excludes "those with last 2 digits in the
	// range of 30-69" (the process codes, which are procedures).
	if strings.TrimSpace(d.Terminology) == "ICPC2" && icpcProcess(d.TermCode) {
		c.fail("TermCode", "ICPC-2 codes ending 30 to 69 are procedures, not diagnoses; eHealth does not accept them as a problem.",
			"ICPC-2 中尾兩位為 30 至 69 的代碼是程序而非診斷，eHealth 不接受作為問題紀錄。")
	}
	status := strings.TrimSpace(d.Status)
	oneOf(c, "Status", status, diagnosisStatus, label{"The diagnosis status", "診斷狀態"})
	c.maxLen("StatusLocalDesc", d.StatusLocalDesc, 255, lblLocalDesc)
	if strings.TrimSpace(d.CancelReason) != "" && status != "C" {
		c.fail("CancelReason", "A reason for cancellation can only be sent when the diagnosis status is C (cancelled).",
			"只有診斷狀態為 C（已取消）時才可傳送取消原因。")
	}
	c.maxLen("CancelReason", d.CancelReason, 1000, label{"The reason for cancellation", "取消原因"})
	c.maxLen("Comment", d.Comment, 2000, label{"The comment", "評註"})
	checkPartialDate(c, "Onset", d.Onset, label{"The onset date", "發病日期"})
}

// checkProcedure: procedure guide §5.5 and §8.
func checkProcedure(c *checker, spec *domainSpec, p Procedure) {
	c.text("Desc", p.Desc, 1000, true, label{"The procedure description", "程序描述"})
	c.maxLen("LocalCode", p.LocalCode, 20, lblLocalCode)
	checkTerm(c, spec, p.Terminology, p.TermCode, p.TermDesc, 20, 1000)
	// §8: for procedures, "the last 2 digits should be in the range of 30-69".
	if strings.TrimSpace(p.Terminology) == "ICPC2" && strings.TrimSpace(p.TermCode) != "" && !icpcProcess(p.TermCode) {
		c.fail("TermCode", "Only ICPC-2 codes ending 30 to 69 are procedures; eHealth does not accept other ICPC-2 codes as a procedure.",
			"只有尾兩位為 30 至 69 的 ICPC-2 代碼是程序；eHealth 不接受其他 ICPC-2 代碼作為程序紀錄。")
	}
	c.maxLen("Comment", p.Comment, 1000, label{"The comment", "評註"})
}

// icpcProcess reports whether an ICPC-2 code's last two digits are 30-69.
func icpcProcess(code string) bool {
	code = strings.TrimSpace(code)
	if len(code) < 2 {
		return false
	}
	n, err := strconv.Atoi(code[len(code)-2:])
	return err == nil && n >= 30 && n <= 69
}

// checkImmunisation: immunisation guide §4.4, §4.7, §4.8 and §7.
func checkImmunisation(c *checker, spec *domainSpec, m Immunisation, now time.Time) {
	c.text("VaccineDesc", m.VaccineDesc, 2000, true, label{"The vaccine description", "疫苗描述"})
	c.maxLen("VaccineCode", m.VaccineCode, 20, lblLocalCode)
	checkTerm(c, spec, m.Terminology, m.TermCode, m.TermDesc, 20, 2000)
	dateLabel := label{"The vaccination date", "接種日期"}
	if c.required("Date", m.Date, dateLabel) {
		d, err := parsePartialDate(strings.TrimSpace(m.Date), "D")
		switch {
		case err != nil:
			c.fail("Date", "The vaccination date must be a full date written YYYY-MM-DD.", "接種日期必須是完整日期，寫成 YYYY-MM-DD。")
		case d.first().After(now):
			c.fail("Date", "The vaccination date is in the future.", "接種日期在未來。")
		}
	}
	c.maxLen("DoseNumber", m.DoseNumber, 20, label{"The dose sequence", "劑次"})
	c.maxLen("Batch", m.Batch, 255, label{"The batch number", "批次編號"})
	oneOf(c, "Site", m.Site, sitesOfAdmin, label{"The site of administration", "接種部位"})
	c.maxLen("SiteLocalDesc", m.SiteLocalDesc, 255, lblLocalDesc)
	oneOf(c, "Route", m.Route, routesOfAdmin, label{"The route of administration", "接種途徑"})
	c.maxLen("RouteLocalDesc", m.RouteLocalDesc, 255, lblLocalDesc)
	if m.GivenElsewhere {
		l := label{"The vaccination provider of a vaccine given elsewhere", "在別處接種的疫苗提供者"}
		if c.required("Provider", m.Provider, l) {
			oneOf(c, "Provider", m.Provider, vaccinationProviders, l)
		}
	}
	c.maxLen("ProviderLocalDesc", m.ProviderLocalDesc, 255, lblLocalDesc)
	c.maxLen("Premises", m.Premises, 255, label{"The vaccination premises", "接種地點"})
	c.maxLen("RecordNumber", m.RecordNumber, 100, label{"The vaccination record number", "接種紀錄編號"})
	c.maxLen("AdminRemark", m.AdminRemark, 255, label{"The administration remark", "接種備註"})
	c.maxLen("Remark", m.Remark, 4000, lblRemark)
}

// checkLabCommon: lab guides §4.3.3-§4.3.8. level is the record's
// compliance level.
func checkLabCommon(c *checker, spec *domainSpec, l LabCommon, level int) {
	c.text("RequestNo", l.RequestNo, 40, true, label{"The laboratory request number", "化驗申請編號"})
	c.maxLen("OrderNo", l.OrderNo, 40, label{"The order number", "訂單編號"})
	c.text("CategoryCode", l.CategoryCode, 10, true, label{"The laboratory category", "化驗類別"})
	c.text("CategoryDesc", l.CategoryDesc, 255, true, label{"The laboratory category description", "化驗類別描述"})
	c.maxLen("CategoryLocalDesc", l.CategoryLocalDesc, 255, lblLocalDesc)
	statusLabel := label{"The report status", "報告狀態"}
	if c.required("Status", l.Status, statusLabel) {
		oneOf(c, "Status", l.Status, labReportStatus, statusLabel)
	}
	c.maxLen("StatusLocalDesc", l.StatusLocalDesc, 255, lblLocalDesc)
	c.text("PanelDesc", l.PanelDesc, 255, true, label{"The test panel description", "化驗組合描述"})
	c.maxLen("PanelCode", l.PanelCode, 10, label{"The test panel code", "化驗組合代碼"})
	if l.ReferenceTime.IsZero() {
		c.fail("ReferenceTime", "The report's reference time (specimen collection, arrival or request time) is missing.",
			"缺少報告的參考時間（採集樣本、收到樣本或申請的時間）。")
	}
	checkTime(c, "ReferenceTime", l.ReferenceTime)
	checkTime(c, "AuthorisedTime", l.AuthorisedTime)
	checkTime(c, "ReportTime", l.ReportTime)
	c.maxLen("Comment", l.Comment, 2000, label{"The report comment", "報告評註"})
	c.maxLen("ReportText", l.ReportText, 32767, label{"The report text", "報告文字"})
	// presentedForm.data: "L1 M".
	if level == 1 && len(l.PDF) == 0 {
		c.fail("PDF", "A report without structured results must have its PDF attached.", "沒有結構化結果的報告必須附上 PDF 檔。")
	}
	if len(l.PDF) > 0 && !bytes.HasPrefix(l.PDF, []byte("%PDF-")) {
		c.fail("PDF", "The attached report is not a PDF file.", "附上的報告不是 PDF 檔。")
	}
	c.maxLen("LabName", l.LabName, 100, label{"The laboratory name", "化驗所名稱"})
	c.maxLen("RequestingDoctor", l.RequestingDoctor, 100, label{"The requesting doctor's name", "申請醫生姓名"})
	c.maxLen("AuthorisedBy", l.AuthorisedBy, 100, label{"The authorising staff's name", "簽發人員姓名"})
	c.maxLen("AuthorisedByZH", l.AuthorisedByZH, 10, label{"The authorising staff's Chinese name", "簽發人員中文姓名"})
	c.maxLen("ClinicalInfo", l.ClinicalInfo, 2000, label{"The clinical information", "臨床資料"})
	if s := l.Specimen; s != nil {
		c.maxLen("Specimen.LocalCode", s.LocalCode, 30, lblLocalCode)
		c.maxLen("Specimen.LocalDesc", s.LocalDesc, 255, lblLocalDesc)
		c.maxLen("Specimen.Detail", s.Detail, 255, label{"The specimen details", "樣本詳情"})
		checkTime(c, "Specimen.CollectedAt", s.CollectedAt)
		checkTime(c, "Specimen.ReceivedAt", s.ReceivedAt)
		if strings.TrimSpace(s.Terminology+s.TermCode+s.TermDesc) != "" {
			old := c.prefix
			c.prefix = "Specimen."
			checkTerm(c, spec, s.Terminology, s.TermCode, s.TermDesc, 30, 255)
			c.prefix = old
		}
	}
}

// checkLabResult: LABGEN §4.3.9.
func checkLabResult(c *checker, spec *domainSpec, l LabResult) {
	checkLabCommon(c, spec, l.LabCommon, l.complianceLevel(spec))
	for i, t := range l.Tests {
		c.prefix = fmt.Sprintf("Tests[%d].", i)
		c.text("LocalDesc", t.LocalDesc, 255, true, label{"The test name", "化驗項目名稱"})
		c.maxLen("LocalCode", t.LocalCode, 50, lblLocalCode)
		checkTerm(c, spec, t.Terminology, t.TermCode, t.TermDesc, 50, 255)
		if tm := strings.TrimSpace(t.Terminology); tm != "" && tm != "LOINC" && tm != "HKCTT" {
			c.fail("Terminology", "A test name may only be coded in LOINC or HKCTT.", "化驗項目名稱只可用 LOINC 或 HKCTT 編碼。")
		}
		value := strings.TrimSpace(t.Value)
		switch t.Type {
		case ResultNumeric:
			if value != "" && !isDecimal(value) {
				c.fail("Value", fmt.Sprintf("The numeric result %q is not a number (at most 16 characters, like 3.5).", value),
					fmt.Sprintf("數值結果「%s」不是數字（最多 16 個字元，例如 3.5）。", value))
			}
		case ResultEnumerated:
			c.maxLen("Value", value, 80, label{"The result", "結果"})
		case ResultText:
			c.maxLen("Value", value, 32767, label{"The result", "結果"})
		default:
			c.fail("Type", "The result type must be numeric, enumerated or text.", "結果類別必須是數值、列舉或文字。")
		}
		// 1003555 note: "Mandatory if [reportable result] and [report
		// comment] are ALL blank".
		if value == "" && strings.TrimSpace(t.Note) == "" && strings.TrimSpace(l.Comment) == "" {
			c.fail("Value", "The test has no result; give the result or a note saying why.", "此化驗項目沒有結果；請填寫結果，或以附註說明原因。")
		}
		c.maxLen("Unit", t.Unit, 50, label{"The unit", "單位"})
		c.maxLen("ReferenceRange", t.ReferenceRange, 2000, label{"The reference range", "參考範圍"})
		oneOf(c, "Abnormal", t.Abnormal, abnormalIndicators, label{"The abnormal result indicator", "異常結果標示"})
		c.maxLen("AbnormalLocalDesc", t.AbnormalLocalDesc, 255, lblLocalDesc)
		oneOf(c, "DetectionLimit", t.DetectionLimit, detectionLimits, label{"The detection limit indicator", "檢測限標示"})
		c.maxLen("DetectionLimitLocalDesc", t.DetectionLimitLocalDesc, 255, lblLocalDesc)
		c.maxLen("Note", t.Note, 2000, label{"The result note", "結果附註"})
	}
	c.prefix = ""
}

// checkLabReport: LABAP §4.3.4 and §4.3.9.
func checkLabReport(c *checker, spec *domainSpec, l LabReport) {
	checkLabCommon(c, spec, l.LabCommon, l.complianceLevel(spec))
	c.text("TestName", l.TestName, 1000, true, label{"The pathology test name", "病理化驗名稱"})
	// LABAP §4.3.4 makes issued ([Laboratory report authorised datetime]) M;
	// LABGEN makes it optional.
	if l.AuthorisedTime.IsZero() {
		c.fail("AuthorisedTime", "The time the pathology report was authorised is missing.", "缺少病理報告的簽發時間。")
	}
	if len(l.Diagnoses) == 0 && len(l.Details) > 0 {
		c.fail("Diagnoses", "A pathology report with report sections must also have its diagnosis.", "附有報告段落的病理報告亦必須有診斷。")
	}
	term := func(field string, t APTerm) {
		if strings.TrimSpace(t.TermCode+t.TermDesc+t.LocalCode+t.LocalDesc) == "" {
			c.fail(field, "A topography or finding has no code and no description.", "有一項部位或發現既無代碼亦無描述。")
			return
		}
		c.maxLen(field+".TermCode", t.TermCode, 30, lblTermCode)
		c.maxLen(field+".TermDesc", t.TermDesc, 255, lblTermDesc)
		c.maxLen(field+".LocalCode", t.LocalCode, 30, lblLocalCode)
		c.maxLen(field+".LocalDesc", t.LocalDesc, 255, lblLocalDesc)
		if strings.TrimSpace(t.TermCode) != "" {
			// "Mandatory ... if [... identifier - recognised terminology] is given".
			c.required(field+".TermDesc", t.TermDesc, lblTermDesc)
			c.required(field+".LocalDesc", t.LocalDesc, lblLocalDesc)
		}
	}
	for i, d := range l.Diagnoses {
		c.prefix = fmt.Sprintf("Diagnoses[%d].", i)
		c.text("Title", d.Title, 255, true, label{"The diagnosis title", "診斷標題"})
		c.text("Text", d.Text, 2000, true, label{"The diagnosis text", "診斷內容"})
		if d.Topography != nil {
			term("Topography", *d.Topography)
		}
		for j, f := range d.Findings {
			term(fmt.Sprintf("Findings[%d]", j), f)
		}
	}
	for i, d := range l.Details {
		c.prefix = fmt.Sprintf("Details[%d].", i)
		// "Mandatory for Levels 2 and 3 if [... Content] is not blank."
		if strings.TrimSpace(d.Content) != "" {
			c.required("TitleCode", d.TitleCode, label{"The report section code", "報告段落代碼"})
			c.required("TitleDesc", d.TitleDesc, label{"The report section description", "報告段落描述"})
		}
		c.maxLen("TitleCode", d.TitleCode, 10, label{"The report section code", "報告段落代碼"})
		c.maxLen("TitleDesc", d.TitleDesc, 255, label{"The report section description", "報告段落描述"})
		c.maxLen("TitleLocalDesc", d.TitleLocalDesc, 255, lblLocalDesc)
		c.maxLen("Content", d.Content, 2000, label{"The report section content", "報告段落內容"})
	}
	c.prefix = ""
}
