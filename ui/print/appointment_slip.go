package print

import "io"

// AppointmentSlip is the card a patient takes home: when to come back, to whom, and how to
// change it, in English and Chinese. The caller formats every field (dates in each language).
type AppointmentSlip struct {
	ClinicName, ClinicNameZH, ClinicAddress, ClinicPhone string
	PatientNameEN, PatientNameZH, PatientNo              string
	DateEN, DateZH                                       string // "Tue 24 Nov 2026", "2026年11月24日（星期二）"
	Time                                                 string // "10:30"
	DoctorEN, DoctorZH                                   string
	RoomEN, RoomZH                                       string
	NotesEN, NotesZH                                     []string // "Please bring your identity card." ...
}

// Slip layouts: an A6 card (a quarter of A4, which office printers take as a page size too) and
// a slip from an 80 mm receipt printer.
var (
	SlipA6     = LabelLayout{Name: "SlipA6", PageW: 105, PageH: 148, Cols: 1, Rows: 1, LabelW: 105, LabelH: 148, Padding: 8}
	Slip80x120 = LabelLayout{Name: "Slip80x120", PageW: 80, PageH: 120, Cols: 1, Rows: 1, LabelW: 80, LabelH: 120, Padding: 4}
)

const (
	slipMaxBase = 12.0
	slipMinBase = 6.5
)

// WriteAppointmentSlip writes one slip, shrinking the type until everything fits the page; at
// the smallest size the notes are the part left off, never the date or the time.
func WriteAppointmentSlip(w io.Writer, f *Fonts, s AppointmentSlip, layout LabelLayout) error {
	if s.DateEN == "" && s.DateZH == "" {
		return errNothingToPrint
	}
	return render(w, f, layout, "appointment slip", func(d *doc) error {
		main, notes := d.slipContent(s)
		if err := d.embedChinese(); err != nil {
			return err
		}
		width, room := layout.contentW(), layout.contentH()
		var body, tail []line
		for base := slipMaxBase; base >= slipMinBase-1e-9; base -= sizeStep {
			body, tail = nil, nil
			for _, b := range main {
				body = append(body, d.lines(b, base, width)...)
			}
			for _, b := range notes {
				tail = append(tail, d.lines(b, base, width)...)
			}
			if height(body)+height(tail) <= room {
				break
			}
		}
		for height(body)+height(tail) > room && len(tail) > 0 {
			tail = tail[:len(tail)-1]
		}
		for height(body) > room && len(body) > 0 {
			body = body[:len(body)-1]
		}
		_, x, y := layout.content(0)
		d.newPage(0)
		y = d.drawLines(body, x, y, width)
		d.drawLines(tail, x, y, width)
		return nil
	})
}

// slipContent is the slip's text, made safe: the essentials, then the notes.
func (d *doc) slipContent(s AppointmentSlip) (main, notes []block) {
	heading := func(en, zh string) block {
		return block{spans: []span{d.en(en, false), d.zh(zh)}, scale: 0.75}
	}
	main = []block{
		{spans: []span{d.en(s.ClinicName, true)}, scale: 1.1},
		{spans: []span{d.zh(s.ClinicNameZH)}, scale: 1.1},
		{spans: []span{d.en(s.ClinicAddress, false)}, scale: 0.75},
		phone(d, s.ClinicPhone),
		{rule: true},
		{spans: []span{d.en("Appointment", true), d.zh("預約便條")}, scale: 1.3},
		heading("Patient", "病人"),
		{spans: []span{d.en(s.PatientNameEN, true), d.zh(s.PatientNameZH), d.en(s.PatientNo, false)}, scale: 1, right: 1},
		heading("Date", "日期"),
		{spans: []span{d.en(s.DateEN, true)}, scale: 1.15},
		{spans: []span{d.zh(s.DateZH)}, scale: 1.15},
		heading("Time", "時間"),
		{spans: []span{d.en(s.Time, true)}, scale: 2},
		heading("Doctor", "醫生"),
		{spans: []span{d.en(s.DoctorEN, true), d.zh(s.DoctorZH)}, scale: 1},
	}
	if s.RoomEN != "" || s.RoomZH != "" {
		main = append(main, heading("Room", "房間"), block{spans: []span{d.en(s.RoomEN, false), d.zh(s.RoomZH)}, scale: 1})
	}
	if len(s.NotesEN)+len(s.NotesZH) > 0 {
		notes = append(notes, block{rule: true})
	}
	for i := range max(len(s.NotesEN), len(s.NotesZH)) {
		if zh := at(s.NotesZH, i); zh != "" {
			notes = append(notes, block{spans: []span{d.zh(zh)}, scale: 0.8})
		}
		if en := at(s.NotesEN, i); en != "" {
			notes = append(notes, block{spans: []span{d.en(en, false)}, scale: 0.8})
		}
	}
	return main, notes
}

func phone(d *doc, number string) block {
	if number == "" {
		return block{}
	}
	return block{spans: []span{d.en("Tel", false), d.zh("電話"), d.en(number, false)}, scale: 0.75}
}
