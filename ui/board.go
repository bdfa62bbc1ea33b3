package ui

import (
	"bytes"
	"fmt"
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic/queue"
	"github.com/onramp-hk/onramp/ui/i18n"
)

// The waiting-room board is a full-screen page for a TV: the numbers now called per doctor and
// room, large, in both languages, numbers only unless the clinic chose masked names. It needs
// no login: its address carries a token the administrator makes (and can change at any time),
// and a wrong token gets "not found", as if there were no board at all. It shows nothing else.

// boardData is what the board template receives.
type boardData struct {
	Board    queue.Board
	Columns  []boardColumn
	Langs    []*View // the languages shown, in order: both by default
	Token    string
	Version  uint64
	Query    string // ?lang=..., carried to the live requests
	ClinicEN string
	ClinicZH string
	Zone     string // the clinic's time zone, for the board's clock
}

// boardColumn is one doctor's column, with the name and room in the languages shown.
type boardColumn struct {
	queue.BoardDoctor
	Names []string
	Rooms []string
}

// inLangs picks the English and Chinese of a name for the languages shown, once each, falling
// back to the other when one is missing.
func inLangs(langs []*View, en, zh string) []string {
	var out []string
	for _, v := range langs {
		s := en
		if v.Lang == "zh-HK" && zh != "" || s == "" {
			s = zh
		}
		if s != "" && (len(out) == 0 || out[len(out)-1] != s) {
			out = append(out, s)
		}
	}
	return out
}

// boardToken checks the token in the address; a wrong one is "not found".
func (s *Server) boardToken(c echo.Context) error {
	ok, err := queue.BoardTokenOK(c.Request().Context(), s.db.R, c.Param("token"))
	if err != nil {
		return err
	}
	if !ok {
		return echo.ErrNotFound
	}
	return nil
}

func (s *Server) boardData(c echo.Context) (*boardData, error) {
	if err := s.boardToken(c); err != nil {
		return nil, err
	}
	version := s.live().Version()
	b, err := s.queueOf().Board(c.Request().Context())
	if err != nil {
		return nil, err
	}
	d := &boardData{Board: b, Token: c.Param("token"), Version: version, Zone: s.cfg.TimeZone.String()}
	langs := []string{"en", "zh-HK"}
	switch l := c.QueryParam("lang"); l {
	case "en", "zh-HK":
		langs = []string{l}
		d.Query = "?lang=" + l
	}
	for _, l := range langs {
		v := s.view(c, "board.title", nil)
		v.Lang, v.User, v.Nav, v.Warnings = i18n.Normalize(l), nil, nil, nil
		d.Langs = append(d.Langs, v)
	}
	d.ClinicEN, d.ClinicZH = d.Langs[0].Practice.NameEN, d.Langs[0].Practice.NameZH
	for _, bd := range b.Doctors {
		d.Columns = append(d.Columns, boardColumn{BoardDoctor: bd, Names: inLangs(d.Langs, bd.Name, bd.NameZH),
			Rooms: inLangs(d.Langs, bd.RoomEN, bd.RoomZH)})
	}
	return d, nil
}

// boardPage is the whole board, its own document: no navigation, no account, nothing else.
func (s *Server) boardPage(c echo.Context) error {
	d, err := s.boardData(c)
	if err != nil {
		return err
	}
	return s.boardRender(c, "board", d)
}

// boardList is the board's live part.
func (s *Server) boardList(c echo.Context) error {
	d, err := s.boardData(c)
	if err != nil {
		return err
	}
	return s.boardRender(c, "board_list", d)
}

// boardLive streams the board's version, once the token is good.
func (s *Server) boardLive(c echo.Context) error {
	if err := s.boardToken(c); err != nil {
		return err
	}
	return s.stream(c, func() bool { return s.boardToken(c) == nil })
}

func (s *Server) boardRender(c echo.Context, name string, d *boardData) error {
	t, ok := s.pages.byName["board"]
	if !ok {
		return fmt.Errorf("no template board")
	}
	v := d.Langs[0]
	v.Data = d
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		return fmt.Errorf("render %s: %w", name, err)
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "no-store")
	// The board's address is its key: never pass it on to another site.
	h.Set("Referrer-Policy", "no-referrer")
	return c.HTMLBlob(http.StatusOK, buf.Bytes())
}
