package print

import (
	"bytes"
	"strings"
	"testing"
)

func slipForChan() AppointmentSlip {
	return AppointmentSlip{
		ClinicName: "Harbour Family Clinic", ClinicNameZH: "海港家庭診所",
		ClinicAddress: "Rm 1203, 12/F, 88 Nathan Road, Tsim Sha Tsui", ClinicPhone: "2345 6789",
		PatientNameEN: "CHAN Tai Man", PatientNameZH: "陳大文", PatientNo: "P000123",
		DateEN: "Tue 24 Nov 2026", DateZH: "2026年11月24日（星期二）", Time: "10:30",
		DoctorEN: "Dr WONG Siu Ming", DoctorZH: "黃小明醫生", RoomEN: "Room 2", RoomZH: "二號房",
		NotesEN: []string{"Please arrive 10 minutes early and bring your identity card.", "To change it, call 2345 6789."},
		NotesZH: []string{"請提早10分鐘到達，並帶備身份證。", "如需更改，請致電 2345 6789。"},
	}
}

func TestWriteAppointmentSlip(t *testing.T) {
	zh := chineseFonts(t)
	long := slipForChan()
	long.NotesEN = append(long.NotesEN, strings.Repeat("A very long note that goes on and on. ", 40))
	noRoom := slipForChan()
	noRoom.RoomEN, noRoom.RoomZH = "", ""
	tests := []struct {
		name    string
		fonts   *Fonts
		slip    AppointmentSlip
		layout  LabelLayout
		want    []string
		wantNot []string
	}{
		{name: "A6 both languages", fonts: zh, slip: slipForChan(), layout: SlipA6,
			want: []string{"Harbour Family Clinic", "海港家庭診所", "Appointment", "預約便條", "CHAN Tai Man", "陳大文", "P000123",
				"Tue 24 Nov 2026", "2026年11月24日（星期二）", "10:30", "Dr WONG Siu Ming", "黃小明醫生", "二號房",
				"請提早10分鐘到達", "bring your identity card", "2345 6789"}},
		{name: "80 mm receipt printer", fonts: zh, slip: slipForChan(), layout: Slip80x120,
			want: []string{"10:30", "2026年11月24日（星期二）", "Tue 24 Nov 2026"}},
		{name: "no room", fonts: zh, slip: noRoom, layout: SlipA6, want: []string{"10:30"}, wantNot: []string{"Room", "房間"}},
		{name: "notes too long are cut, the date and time stay", fonts: zh, slip: long, layout: Slip80x120,
			want: []string{"10:30", "Tue 24 Nov 2026"}},
		{name: "no Chinese font", fonts: englishOnly(), slip: slipForChan(), layout: SlipA6,
			want: []string{"Appointment", "Tue 24 Nov 2026", "10:30", "CHAN Tai Man"}, wantNot: []string{"陳", "預約"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteAppointmentSlip(&buf, tt.fonts, tt.slip, tt.layout); err != nil {
				t.Fatal(err)
			}
			keepSample(t, "slip-"+strings.ReplaceAll(tt.name, " ", "-"), buf.Bytes())
			text := pdfText(t, buf.Bytes())
			if n := pageCount(text); n != 1 {
				t.Errorf("%d pages, want 1", n)
			}
			flat := strings.Join(strings.Fields(text), " ")
			for _, s := range tt.want {
				if !strings.Contains(text, s) && !strings.Contains(flat, s) {
					t.Errorf("%q missing from:\n%s", s, text)
				}
			}
			for _, s := range tt.wantNot {
				if strings.Contains(text, s) {
					t.Errorf("%q should not print:\n%s", s, text)
				}
			}
		})
	}
	if err := WriteAppointmentSlip(&bytes.Buffer{}, zh, AppointmentSlip{}, SlipA6); err == nil {
		t.Error("an empty slip printed")
	}
}

// TestSlipFits: every line is within the page at every size the slip may shrink to.
func TestSlipFits(t *testing.T) {
	zh := chineseFonts(t)
	s := slipForChan()
	s.PatientNameEN = "CHEUNG-WONG Ka Yan Josephine Mary-Anne"
	for _, l := range []LabelLayout{SlipA6, Slip80x120} {
		docFor(t, zh, l, func(d *doc) {
			main, notes := d.slipContent(s)
			if err := d.embedChinese(); err != nil {
				t.Fatal(err)
			}
			for base := slipMaxBase; base >= slipMinBase; base -= sizeStep {
				for _, b := range append(main, notes...) {
					checkLinesFit(t, d.lines(b, base, l.contentW()), l.contentW())
				}
			}
		})
	}
}
