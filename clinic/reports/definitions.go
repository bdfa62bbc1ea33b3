package reports

// The reports. Each query is bounded by an indexed column: attendances(day), appointments(day),
// payments(day), bills(day), immunisations(patient_id, given_on) is not by day, so it and the
// visits-based reports read their range through the table; they run on a reader and stream.

// attended leaves out attendances that were not a visit (cancelled, or called and never there).
const attended = `a.state NOT IN ('cancelled','no_show')`

// ageBand is the patient's age band on the range's last day, from a date of birth of any
// precision ("1980", "1980-05", "1980-05-17"); the bands follow the Department of Health's
// (65 and over: Elderly Health Care Voucher age).
const ageBand = `CASE
	WHEN p.dob = '' THEN 'unknown'
	WHEN age < 5 THEN '0-4' WHEN age < 15 THEN '5-14' WHEN age < 25 THEN '15-24'
	WHEN age < 45 THEN '25-44' WHEN age < 65 THEN '45-64' ELSE '65+' END`

var all = []*Report{
	{
		Name:    "attendance",
		Needs:   []string{"attendances"},
		Columns: []Column{{"report.col.day", Text}, {"report.col.doctor", Text}, {"report.col.attendances", Count}},
		Chart:   &Chart{Label: 0, Value: 2, Series: 1},
		query: func(r Range) (string, []any) {
			return `SELECT a.day, COALESCE(NULLIF(u.full_name, ''), u.username, ''), COUNT(*)
				FROM attendances a LEFT JOIN users u ON u.id = a.doctor_id
				WHERE a.day BETWEEN ? AND ? AND ` + attended + `
				GROUP BY a.day, a.doctor_id ORDER BY a.day, 2`, []any{r.From, r.To}
		},
	},
	{
		Name:  "patients",
		Needs: []string{"attendances"},
		Columns: []Column{{"report.col.age_band", Text}, {"report.col.sex", Text}, {"report.col.new", Count},
			{"report.col.returning", Count}},
		query: func(r Range) (string, []any) {
			return `WITH seen AS (SELECT DISTINCT a.patient_id FROM attendances a WHERE a.day BETWEEN ? AND ? AND ` + attended + `),
				aged AS (SELECT p.dob, p.sex,
					CAST(substr(?, 1, 4) AS INTEGER) - CAST(substr(p.dob, 1, 4) AS INTEGER)
						- (length(p.dob) >= 7 AND substr(p.dob, 6) > substr(?, 6, length(p.dob) - 5)) AS age,
					NOT EXISTS (SELECT 1 FROM attendances a WHERE a.patient_id = s.patient_id AND a.day < ? AND ` + attended + `) AS new
					FROM seen s JOIN patients p ON p.id = s.patient_id)
				SELECT ` + ageBandAged + ` AS band, sex, SUM(new), SUM(1 - new) FROM aged p
				GROUP BY band, sex ORDER BY CASE band WHEN '0-4' THEN 0 WHEN '5-14' THEN 1 WHEN '15-24' THEN 2
					WHEN '25-44' THEN 3 WHEN '45-64' THEN 4 WHEN '65+' THEN 5 ELSE 6 END, sex`,
				[]any{r.From, r.To, r.To, r.To, r.From}
		},
	},
	{
		Name:  "no_shows",
		Needs: []string{"appointments"},
		Columns: []Column{{"report.col.day", Text}, {"report.col.doctor", Text}, {"report.col.booked", Count},
			{"report.col.no_shows", Count}},
		Chart: &Chart{Label: 0, Value: 3, Series: -1},
		query: func(r Range) (string, []any) {
			return `SELECT a.day, COALESCE(NULLIF(u.full_name, ''), u.username, ''), COUNT(*), SUM(a.status = 'no_show')
				FROM appointments a LEFT JOIN users u ON u.id = a.doctor_id
				WHERE a.day BETWEEN ? AND ? AND a.status <> 'cancelled'
				GROUP BY a.day, a.doctor_id ORDER BY a.day, 2`, []any{r.From, r.To}
		},
	},
	{
		Name:    "diagnoses",
		Needs:   []string{"visits", "visit_diagnoses"},
		Columns: []Column{{"report.col.code", Text}, {"report.col.diagnosis", Text}, {"report.col.visits", Count}},
		Chart:   &Chart{Label: 0, Value: 2, Series: -1},
		query: func(r Range) (string, []any) {
			return `SELECT d.code, MIN(d.text_en), COUNT(*)
				FROM visits v JOIN visit_diagnoses d ON d.visit_id = v.id
				WHERE v.visit_date BETWEEN ? AND ? AND v.status <> 'entered_in_error' AND d.status = 'ok'
				GROUP BY d.code, CASE WHEN d.code = '' THEN d.text_en END ORDER BY 3 DESC, 1`, []any{r.From, r.To}
		},
	},
	{
		Name:  "drug_usage",
		Needs: []string{"dispensings", "drugs"},
		Columns: []Column{{"report.col.code", Text}, {"report.col.drug", Text}, {"report.col.unit", Text},
			{"report.col.dispensed", Count}, {"report.col.returned", Count}, {"report.col.net", Count}},
		query: func(r Range) (string, []any) {
			from, to := r.instants()
			return `SELECT g.local_code, g.name || CASE WHEN g.strength <> '' THEN ' ' || g.strength ELSE '' END, g.dispensing_unit,
				SUM(CASE WHEN d.kind = 'dispense' THEN d.quantity ELSE 0 END),
				-SUM(CASE WHEN d.kind = 'return' THEN d.quantity ELSE 0 END), SUM(d.quantity)
				FROM dispensings d JOIN drugs g ON g.id = d.drug_id
				WHERE d.at >= ? AND d.at < ? GROUP BY d.drug_id ORDER BY 6 DESC, 1`, []any{from, to}
		},
	},
	{
		Name:  "stock_movements",
		Needs: []string{"stock_movements", "drugs"},
		Columns: []Column{{"report.col.code", Text}, {"report.col.drug", Text}, {"report.col.movement", Text},
			{"report.col.quantity", Count}},
		query: func(r Range) (string, []any) {
			from, to := r.instants()
			return `SELECT g.local_code, g.name, m.kind, SUM(m.quantity) FROM stock_movements m JOIN drugs g ON g.id = m.drug_id
				WHERE m.at >= ? AND m.at < ? GROUP BY m.drug_id, m.kind ORDER BY 1, 3`, []any{from, to}
		},
	},
	{
		Name:    "immunisations",
		Needs:   []string{"immunisations"},
		Columns: []Column{{"report.col.vaccine", Text}, {"report.col.dose", Text}, {"report.col.given", Count}},
		Chart:   &Chart{Label: 0, Value: 2, Series: -1},
		query: func(r Range) (string, []any) {
			return `SELECT vaccine, dose_number, COUNT(*) FROM immunisations
				WHERE given_on BETWEEN ? AND ? AND status = 'active' AND historical = 0
				GROUP BY vaccine, dose_number ORDER BY 1, 2`, []any{r.From, r.To}
		},
	},
	{
		Name:    "takings",
		Needs:   []string{"payments"},
		Columns: []Column{{"report.col.day", Text}, {"report.col.method", Text}, {"report.col.amount", Money}},
		Chart:   &Chart{Label: 0, Value: 2, Series: 1},
		query: func(r Range) (string, []any) {
			return `SELECT day, method, SUM(amount_cents) FROM payments WHERE day BETWEEN ? AND ?
				GROUP BY day, method ORDER BY day, method`, []any{r.From, r.To}
		},
	},
	{
		Name:  "outstanding_bills",
		Needs: []string{"bills"},
		Columns: []Column{{"report.col.day", Text}, {"report.col.bill", Text}, {"report.col.patient", Text},
			{"report.col.total", Money}, {"report.col.paid", Money}, {"report.col.owed", Money}},
		query: func(r Range) (string, []any) {
			return `SELECT b.day, b.number, p.number || ' ' || upper(p.surname_en) || ' ' || p.given_name_en || ' ' || p.name_zh,
				b.total_cents, b.paid_cents, b.total_cents - b.paid_cents
				FROM bills b JOIN patients p ON p.id = b.patient_id
				WHERE b.day BETWEEN ? AND ? AND b.status = 'open' AND b.total_cents > b.paid_cents
				ORDER BY b.day, b.number`, []any{r.From, r.To}
		},
	},
}

// ageBandAged is ageBand over the "aged" rows (which carry age).
const ageBandAged = ageBand
