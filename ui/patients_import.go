package ui

import (
	"bytes"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/patients"
)

// Importing patients from another system's CSV file, in two steps: the file is uploaded and
// checked (nothing written), the manager fixes the column mapping and checks again as often as
// needed, then imports. Between the steps the file is held in memory only, for the user who sent
// it, for an hour: a patient list must not be left lying in a temporary folder.

const (
	importHold    = time.Hour
	importHeldMax = 4 // files held at once across all users; the oldest goes first
	importShowMax = 200
)

type heldImport struct {
	userID int64
	name   string
	data   []byte
	header []string
	at     time.Time
}

type importHolder struct {
	mu    sync.Mutex
	files map[string]*heldImport
}

func (h *importHolder) put(f *heldImport) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.files == nil {
		h.files = map[string]*heldImport{}
	}
	h.expire()
	for len(h.files) >= importHeldMax {
		var oldest string
		for k, v := range h.files {
			if oldest == "" || v.at.Before(h.files[oldest].at) {
				oldest = k
			}
		}
		delete(h.files, oldest)
	}
	h.files[token] = f
	return token
}

func (h *importHolder) get(token string, userID int64) *heldImport {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.expire()
	f := h.files[token]
	if f == nil || f.userID != userID {
		return nil
	}
	return f
}

func (h *importHolder) drop(token string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.files, token)
}

func (h *importHolder) expire() {
	for k, v := range h.files {
		if time.Since(v.at) > importHold {
			delete(h.files, k)
		}
	}
}

var heldImports importHolder

// importPage is what the import template shows.
type importPage struct {
	Token    string
	FileName string
	Header   []string
	Fields   []string
	Mapping  patients.ColumnMap
	Report   *patients.ImportReport
	Rejected []importRowMessage // the first importShowMax, translated
	Warnings []importRowMessage
	More     int // rejected rows not shown
}

type importRowMessage struct {
	Line     int
	Messages []string
}

// ImportFieldLabel is the translated name of a field a column can be mapped to.
func (v *View) ImportFieldLabel(field string) string {
	for _, key := range []string{"import.field." + field, "patient." + field} {
		if v.cat.Has(v.Lang, key) {
			return v.T(key)
		}
	}
	return ""
}

func (s *Server) patientsImportForm(c echo.Context) error {
	return s.render(c, http.StatusOK, "patients_import", s.view(c, "import.title", importPage{}))
}

// patientsImportUpload takes the file, guesses the columns and checks every row.
func (s *Server) patientsImportUpload(c echo.Context) error {
	v := s.view(c, "import.title", importPage{})
	fh, err := c.FormFile("file")
	if err != nil {
		return s.formError(c, "patients_import", v, clinic.Invalid("file", "error.import.no_file"))
	}
	if fh.Size > s.cfg.MaxUploadMB<<20 {
		return s.formError(c, "patients_import", v, clinic.Invalid("file", "error.upload.too_big", s.cfg.MaxUploadMB))
	}
	f, err := fh.Open()
	if err != nil {
		return s.formError(c, "patients_import", v, clinic.Invalid("file", "error.import.no_file"))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, s.cfg.MaxUploadMB<<20+1))
	if err != nil {
		return s.formError(c, "patients_import", v, clinic.Invalid("file", "error.import.no_file"))
	}
	header, err := csvHeader(data)
	if err != nil {
		return s.formError(c, "patients_import", v, err)
	}
	held := &heldImport{userID: currentUser(c).ID, name: fh.Filename, data: data, header: header, at: time.Now()}
	token := heldImports.put(held)
	return s.importCheck(c, token, held, patients.GuessColumns(header), true)
}

// patientsImportRun checks again with the mapping as chosen, or imports.
func (s *Server) patientsImportRun(c echo.Context) error {
	token := c.FormValue("token")
	held := heldImports.get(token, currentUser(c).ID)
	if held == nil {
		v := s.view(c, "import.title", importPage{})
		return s.formError(c, "patients_import", v, clinic.Invalid("file", "error.import.expired"))
	}
	m := patients.ColumnMap{}
	for _, f := range patients.ImportFields {
		if col := c.FormValue("map_" + f); col != "" {
			m[f] = col
		}
	}
	return s.importCheck(c, token, held, m, c.FormValue("import") == "")
}

func (s *Server) importCheck(c echo.Context, token string, held *heldImport, m patients.ColumnMap, dryRun bool) error {
	page := importPage{Token: token, FileName: held.name, Header: held.header, Fields: patients.ImportFields, Mapping: m}
	v := s.view(c, "import.title", page)
	rep, err := patients.Import(c.Request().Context(), s.db, bytes.NewReader(held.data), m,
		patients.ImportOptions{Prefix: s.cfg.PatientPrefix, DryRun: dryRun}, currentUser(c).Actor(c.RealIP()))
	if err != nil {
		var ves clinic.ValidationErrors
		if errors.As(err, &ves) {
			// Name the missing fields as the mapping table does, not by their code.
			for i, e := range ves {
				if e.Key == "error.import.missing_field" && len(e.Args) == 1 {
					ne := *e
					ne.Args = []any{v.ImportFieldLabel(fmt.Sprint(e.Args[0]))}
					ves[i] = &ne
				}
			}
			v.Errors = ves
			return s.render(c, http.StatusUnprocessableEntity, "patients_import", v)
		}
		return err
	}
	page.Report = &rep
	for i, r := range rep.Rejected {
		if i == importShowMax {
			page.More = len(rep.Rejected) - importShowMax
			break
		}
		page.Rejected = append(page.Rejected, rowMessages(v, r))
	}
	for i, r := range rep.Warnings {
		if i == importShowMax {
			break
		}
		page.Warnings = append(page.Warnings, rowMessages(v, r))
	}
	if !dryRun {
		heldImports.drop(token)
		page.Token = ""
	}
	v.Data = page
	return s.render(c, http.StatusOK, "patients_import", v)
}

func rowMessages(v *View, r patients.RejectedRow) importRowMessage {
	m := importRowMessage{Line: r.Line}
	for _, e := range r.Errors {
		msg := v.T(e.Key, e.Args...)
		if label := v.ImportFieldLabel(e.Field); label != "" {
			msg = label + ": " + msg
		}
		m.Messages = append(m.Messages, msg)
	}
	return m
}

// csvHeader reads the first row, to offer its columns for the mapping. The full checks (UTF-8,
// quoting on every line) are Import's.
func csvHeader(data []byte) ([]string, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	h, err := r.Read()
	if err == io.EOF || (err == nil && len(h) == 0) {
		return nil, clinic.Invalid("file", "error.import.empty")
	}
	if err != nil {
		return nil, clinic.Invalid("file", "error.import.csv_syntax", 1)
	}
	for i := range h {
		h[i] = strings.TrimSpace(strings.TrimPrefix(h[i], "\ufeff"))
	}
	return h, nil
}
