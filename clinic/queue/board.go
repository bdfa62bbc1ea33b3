package queue

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/onramp-hk/onramp/clinic/audit"
	"github.com/onramp-hk/onramp/clinic/practice"
	"github.com/onramp-hk/onramp/clinic/store"
)

// Settings of the waiting-room board.
const (
	// SettingBoardToken holds the SHA-256 of the board's token: the TV's address carries the
	// token, the database only its hash, like sessions.
	SettingBoardToken = "board.token_sha256"
	// SettingBoardNames is "masked" to show masked names beside the numbers; anything else shows
	// numbers only (the default).
	SettingBoardNames = "board.names"
	BoardNamesMasked  = "masked"
)

// RotateBoardToken makes a new board token, which replaces the old one at once: a TV still on the
// old address shows nothing until it is given the new one. The token is returned only here.
func RotateBoardToken(ctx context.Context, db *store.DB, by audit.Actor) (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	if err := practice.SetSetting(ctx, db, SettingBoardToken, tokenHash(token), by); err != nil {
		return "", err
	}
	return token, nil
}

// RemoveBoardToken switches the board off: no address shows it any more.
func RemoveBoardToken(ctx context.Context, db *store.DB, by audit.Actor) error {
	return practice.SetSetting(ctx, db, SettingBoardToken, "", by)
}

// HasBoardToken reports whether a board token has been made.
func HasBoardToken(ctx context.Context, db *sql.DB) (bool, error) {
	h, err := practice.Setting(ctx, db, SettingBoardToken)
	return h != "", err
}

// BoardTokenOK reports whether token opens the board.
func BoardTokenOK(ctx context.Context, db *sql.DB, token string) (bool, error) {
	if token == "" || len(token) > 100 {
		return false, nil
	}
	want, err := practice.Setting(ctx, db, SettingBoardToken)
	if err != nil || want == "" {
		return false, err
	}
	return subtle.ConstantTimeCompare([]byte(tokenHash(token)), []byte(want)) == 1, nil
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// Call is a number called to a doctor, as the board shows it.
type Call struct {
	Ticket       string
	DoctorID     int64
	DoctorName   string
	DoctorNameZH string
	RoomEN       string
	RoomZH       string
	CalledAt     time.Time
	Calls        int
	MaskedEN     string // empty unless the board shows masked names
	MaskedZH     string
}

// BoardDoctor is one doctor's column on the board.
type BoardDoctor struct {
	Doctor
	Now     *Call // the number with this doctor now, nil when none
	Waiting int
}

// Board is everything the waiting-room board shows, and nothing more.
type Board struct {
	Day       string
	Doctors   []BoardDoctor
	Recent    []Call // the last numbers called, newest first
	Waiting   int    // waiting for any doctor
	ShowNames bool
	// Signature changes whenever a number is called or called again, so the board knows when to
	// chime.
	Signature string
}

// recentCalls is how many earlier calls the board lists.
const recentCalls = 6

// Board returns today's board.
func (q *Queue) Board(ctx context.Context) (Board, error) {
	b := Board{Day: q.Today()}
	names, err := practice.Setting(ctx, q.DB.R, SettingBoardNames)
	if err != nil {
		return b, err
	}
	b.ShowNames = names == BoardNamesMasked
	docs, err := doctors(ctx, q.DB.R)
	if err != nil {
		return b, err
	}
	called, err := list(ctx, q.DB.R, `SELECT `+attendanceCols+attendanceFrom+` WHERE a.day = ? AND a.calls > 0
		ORDER BY a.called_at DESC, a.id DESC`, b.Day)
	if err != nil {
		return b, err
	}
	waiting := map[int64]int{}
	rows, err := q.DB.R.QueryContext(ctx, `SELECT COALESCE(doctor_id, 0), COUNT(*) FROM attendances WHERE day = ?
		AND state = 'waiting' GROUP BY 1`, b.Day)
	if err != nil {
		return b, err
	}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return b, err
		}
		waiting[id] = n
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return b, err
	}
	b.Waiting = waiting[0]
	calls := 0
	for _, a := range called {
		calls += a.Calls
	}
	if len(called) > 0 {
		b.Signature = fmt.Sprintf("%d-%d-%s", len(called), calls, ts(called[0].CalledAt))
	}
	shown := map[int64]bool{}
	for _, d := range docs {
		bd := BoardDoctor{Doctor: d, Waiting: waiting[d.ID]}
		for _, a := range called {
			if a.DoctorID == d.ID && a.State == WithDoctor {
				c := b.call(a)
				bd.Now = &c
				shown[a.ID] = true
				break
			}
		}
		b.Doctors = append(b.Doctors, bd)
	}
	for _, a := range called {
		if len(b.Recent) == recentCalls {
			break
		}
		if !shown[a.ID] {
			b.Recent = append(b.Recent, b.call(a))
		}
	}
	return b, nil
}

func (b *Board) call(a Attendance) Call {
	c := Call{Ticket: a.TicketLabel, DoctorID: a.DoctorID, DoctorName: a.DoctorName, DoctorNameZH: a.DoctorNameZH,
		RoomEN: a.RoomEN, RoomZH: a.RoomZH, CalledAt: a.CalledAt, Calls: a.Calls}
	if b.ShowNames {
		c.MaskedEN, c.MaskedZH = MaskNameEN(a.SurnameEN, a.GivenNameEN), MaskNameZH(a.NameZH)
	}
	return c
}

// MaskNameEN keeps the surname and the first letter of each given name: "CHAN T** M**". Enough
// for a patient to know their number was called, not enough for the room to learn who is ill.
func MaskNameEN(surname, given string) string {
	var parts []string
	if s := strings.ToUpper(strings.TrimSpace(surname)); s != "" {
		parts = append(parts, s)
	}
	for _, g := range strings.FieldsFunc(given, func(r rune) bool { return unicode.IsSpace(r) || r == '-' }) {
		r, size := utf8.DecodeRuneInString(g)
		parts = append(parts, string(unicode.ToUpper(r))+strings.Repeat("*", utf8.RuneCountInString(g[size:])))
	}
	return strings.Join(parts, " ")
}

// MaskNameZH keeps the first and the last character and hides the ones between: 陳大文 → 陳○文,
// 陳文 → 陳○, 歐陽大文 → 歐○○文.
func MaskNameZH(name string) string {
	r := []rune(strings.TrimSpace(name))
	switch len(r) {
	case 0:
		return ""
	case 1:
		return "○"
	case 2:
		return string(r[0]) + "○"
	}
	return string(r[0]) + strings.Repeat("○", len(r)-2) + string(r[len(r)-1])
}
