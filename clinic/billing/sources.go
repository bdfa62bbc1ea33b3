package billing

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"sync"
)

// A Source says what a visit owes for one kind of thing done in it (the consultation, the
// medicine dispensed, the procedures, the certificates). The bill asks every source again each
// time it is opened, so that it builds itself as the visit goes on. Each line carries a
// SourceRef naming what it charges for, so that a rebuild updates its own line instead of
// adding a second one, and leaves alone a line the clerk has adjusted.
type Source func(ctx context.Context, tx *sql.Tx, visitID int64) ([]Line, error)

type namedSource struct {
	name string
	fn   Source
}

var (
	sourcesMu sync.RWMutex
	sources   []namedSource
)

// RegisterSource adds a source of bill lines; lines are shown in the order the sources were
// registered. A second source with the same name replaces the first.
func RegisterSource(name string, fn Source) {
	sourcesMu.Lock()
	defer sourcesMu.Unlock()
	for i := range sources {
		if sources[i].name == name {
			sources[i].fn = fn
			return
		}
	}
	sources = append(sources, namedSource{name, fn})
}

func registered() []namedSource {
	sourcesMu.RLock()
	defer sourcesMu.RUnlock()
	return append([]namedSource(nil), sources...)
}

// Line sources the bill builds itself from.
const (
	SourceConsultation = "consultation"
	SourcePackage      = "package"
	SourceDrug         = "drug"
	SourceProcedure    = "procedure"
	SourceCertificate  = "certificate"
	SourceDiscount     = "discount"
	SourceManual       = "manual"
)

func init() {
	RegisterSource(SourceConsultation, consultationLines)
	RegisterSource(SourceProcedure, procedureLines)
	RegisterSource(SourceCertificate, certificateLines)
	RegisterSource(SourceDrug, drugLines)
}

// visitFacts is what the fee of a visit depends on.
type visitFacts struct {
	patientID, doctorID int64
	day, typ, status    string
}

func readVisit(ctx context.Context, q querier, visitID int64) (visitFacts, error) {
	var v visitFacts
	var doctor sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT patient_id, doctor_id, visit_date, type, status FROM visits WHERE id = ?`, visitID).
		Scan(&v.patientID, &doctor, &v.day, &v.typ, &v.status)
	v.doctorID = doctor.Int64
	return v, err
}

// consultationLines charges the visit's fee: a package for its type and doctor if the clinic
// has one (it then covers the medicine), else the consultation fee for its type and doctor,
// else for its type. Without a fee the line shows at $0 for the clerk to set.
func consultationLines(ctx context.Context, tx *sql.Tx, visitID int64) ([]Line, error) {
	v, err := readVisit(ctx, tx, visitID)
	if err != nil {
		return nil, err
	}
	if v.status == "entered_in_error" {
		return nil, nil
	}
	ref := "visit:" + strconv.FormatInt(visitID, 10)
	if f, ok, err := lookupFee(ctx, tx, KindPackage, v.typ, v.doctorID); err != nil {
		return nil, err
	} else if ok {
		return []Line{{Source: SourcePackage, SourceRef: ref, DescriptionEN: f.NameEN, DescriptionZH: f.NameZH,
			Quantity: 1, Unit: f.Amount, Amount: f.Amount}}, nil
	}
	f, ok, err := lookupFee(ctx, tx, KindConsultation, v.typ, v.doctorID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return []Line{{Source: SourceConsultation, SourceRef: ref, DescriptionEN: "Consultation (" + v.typ + ")",
			DescriptionZH: "診症", Quantity: 1, NoFee: true}}, nil
	}
	return []Line{{Source: SourceConsultation, SourceRef: ref, DescriptionEN: f.NameEN, DescriptionZH: f.NameZH,
		Quantity: 1, Unit: f.Amount, Amount: f.Amount}}, nil
}

// procedureLines charges each procedure recorded in the visit (not those entered in error).
func procedureLines(ctx context.Context, tx *sql.Tx, visitID int64) ([]Line, error) {
	type proc struct {
		id           int64
		code, en, zh string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, code, text_en, text_zh FROM visit_procedures
		WHERE visit_id = ? AND status = 'ok' ORDER BY id`, visitID)
	if err != nil {
		return nil, err
	}
	var procs []proc
	for rows.Next() {
		var p proc
		if err := rows.Scan(&p.id, &p.code, &p.en, &p.zh); err != nil {
			rows.Close()
			return nil, err
		}
		procs = append(procs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Line
	for _, p := range procs {
		l := Line{Source: SourceProcedure, SourceRef: fmt.Sprintf("procedure:%d", p.id), DescriptionEN: p.en,
			DescriptionZH: p.zh, Quantity: 1}
		f, ok, err := lookupFee(ctx, tx, KindProcedure, p.code, 0)
		if err != nil {
			return nil, err
		}
		if ok {
			l.Unit, l.Amount = f.Amount, f.Amount
		} else {
			l.NoFee = true
		}
		out = append(out, l)
	}
	return out, nil
}

// certificateLines charges the documents issued in the visit whose kind has a fee; a kind
// without one (a visit summary, usually) is free and not listed.
func certificateLines(ctx context.Context, tx *sql.Tx, visitID int64) ([]Line, error) {
	type docRow struct {
		id           int64
		kind, number string
	}
	rows, err := tx.QueryContext(ctx, `SELECT id, kind, number FROM documents WHERE visit_id = ? ORDER BY id`, visitID)
	if err != nil {
		return nil, err
	}
	var docs []docRow
	for rows.Next() {
		var d docRow
		if err := rows.Scan(&d.id, &d.kind, &d.number); err != nil {
			rows.Close()
			return nil, err
		}
		docs = append(docs, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Line
	for _, d := range docs {
		f, ok, err := lookupFee(ctx, tx, KindCertificate, d.kind, 0)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		out = append(out, Line{Source: SourceCertificate, SourceRef: fmt.Sprintf("document:%d", d.id),
			DescriptionEN: f.NameEN + " " + d.number, DescriptionZH: f.NameZH, Quantity: 1, Unit: f.Amount, Amount: f.Amount})
	}
	return out, nil
}

// drugLines charges what was dispensed, net of returns, one line per prescription item: at the
// clinic's drug fee when it has one (per unit, or one charge per course), else at the selling
// price per unit fixed when it was prescribed, else the formulary's.
func drugLines(ctx context.Context, tx *sql.Tx, visitID int64) ([]Line, error) {
	type item struct {
		id, drugID, qty, unitPrice, sellPrice int64
		name, nameZH, strength, unit          string
	}
	rows, err := tx.QueryContext(ctx, `SELECT pi.id, pi.drug_id, SUM(d.quantity), pi.unit_price_cents, dr.selling_price_cents,
			dr.name, dr.name_zh, dr.strength, dr.dispensing_unit
		FROM dispensings d
		JOIN prescription_items pi ON pi.id = d.prescription_item_id
		JOIN drugs dr ON dr.id = pi.drug_id
		WHERE d.visit_id = ?
		GROUP BY pi.id ORDER BY pi.id`, visitID)
	if err != nil {
		return nil, err
	}
	var items []item
	for rows.Next() {
		var it item
		if err := rows.Scan(&it.id, &it.drugID, &it.qty, &it.unitPrice, &it.sellPrice, &it.name, &it.nameZH, &it.strength, &it.unit); err != nil {
			rows.Close()
			return nil, err
		}
		items = append(items, it)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []Line
	for _, it := range items {
		if it.qty <= 0 {
			continue // all returned
		}
		en := it.name
		if it.strength != "" {
			en += " " + it.strength
		}
		l := Line{Source: SourceDrug, SourceRef: fmt.Sprintf("item:%d", it.id), DescriptionEN: en, DescriptionZH: it.nameZH,
			Quantity: it.qty, UnitName: it.unit}
		f, ok, err := lookupFee(ctx, tx, KindDrug, strconv.FormatInt(it.drugID, 10), 0)
		switch {
		case err != nil:
			return nil, err
		case ok && f.Per == PerCourse:
			l.DescriptionEN = fmt.Sprintf("%s (%d %s)", en, it.qty, it.unit)
			l.Quantity, l.UnitName, l.Unit = 1, "", f.Amount
		case ok:
			l.Unit = f.Amount
		case it.unitPrice > 0:
			l.Unit = Cents(it.unitPrice)
		default:
			l.Unit = Cents(it.sellPrice)
		}
		l.Amount = l.Unit * Cents(l.Quantity)
		if l.Amount == 0 {
			l.NoFee = true
		}
		out = append(out, l)
	}
	return out, nil
}
