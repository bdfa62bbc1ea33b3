package ui

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/audit"
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

	mu       sync.Mutex
	job      *importJob // the check or import running or last run
	imported bool       // imported once: the file cannot be imported again
}

// importJob is a check or an import running in the background, so that a file of 100,000 rows
// shows its progress instead of holding the browser for ten seconds.
type importJob struct {
	dryRun   bool
	mapping  patients.ColumnMap
	done     atomic.Int64
	total    atomic.Int64
	finished atomic.Bool
	report   patients.ImportReport // set before finished
	err      error                 // set before finished
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
	// While a check or an import runs.
	Running     bool
	DryRun      bool
	Done, Total int64
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

// patientsImportUpload takes the file, guesses the columns and starts checking every row.
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
	u := currentUser(c)
	held := &heldImport{userID: u.ID, name: fh.Filename, data: data, header: header, at: time.Now()}
	token := heldImports.put(held)
	s.startImport(held, patients.GuessColumns(header), true, u.Actor(c.RealIP()))
	return c.Redirect(http.StatusSeeOther, "/patients/import/status?token="+token)
}

// patientsImportRun checks again with the mapping as chosen, or imports.
func (s *Server) patientsImportRun(c echo.Context) error {
	token := c.FormValue("token")
	u := currentUser(c)
	held := heldImports.get(token, u.ID)
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
	if refused := s.startImport(held, m, c.FormValue("import") == "", u.Actor(c.RealIP())); refused != "" {
		v := s.view(c, "import.title", importPage{})
		return s.formError(c, "patients_import", v, clinic.Invalid("file", refused))
	}
	return c.Redirect(http.StatusSeeOther, "/patients/import/status?token="+token)
}

// startImport runs a check or an import of the held file in the background. It refuses (with
// the message's key) while another run of the same file is going, and any run of a file already
// imported.
func (s *Server) startImport(held *heldImport, m patients.ColumnMap, dryRun bool, actor audit.Actor) (refused string) {
	held.mu.Lock()
	defer held.mu.Unlock()
	if held.job != nil && !held.job.finished.Load() {
		return "error.import.busy"
	}
	if held.imported {
		return "error.import.already_done"
	}
	job := &importJob{dryRun: dryRun, mapping: m}
	held.job = job
	if !dryRun {
		held.imported = true
	}
	go func() {
		// Not the request's context: the import goes on if the browser is closed. It runs in
		// one transaction, so a stop part-way (or a power cut) leaves nothing half-imported.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
		defer cancel()
		rep, err := patients.Import(ctx, s.db, bytes.NewReader(held.data), m, patients.ImportOptions{
			Prefix: s.cfg.PatientPrefix, DryRun: dryRun,
			Progress: func(done, total int) { job.done.Store(int64(done)); job.total.Store(int64(total)) },
		}, actor)
		var ves clinic.ValidationErrors
		if err != nil && !errors.As(err, &ves) {
			s.log.Error("patient import failed", "file", held.name, "err", err)
		}
		if err != nil && !dryRun {
			held.mu.Lock()
			held.imported = false // nothing was written: the file may be imported after a fix
			held.mu.Unlock()
		}
		job.report, job.err = rep, err
		job.finished.Store(true)
	}()
	return ""
}

// patientsImportStatus follows the running check or import, then shows its report.
func (s *Server) patientsImportStatus(c echo.Context) error {
	token := c.QueryParam("token")
	held := heldImports.get(token, currentUser(c).ID)
	if held == nil {
		v := s.view(c, "import.title", importPage{})
		return s.formError(c, "patients_import", v, clinic.Invalid("file", "error.import.expired"))
	}
	held.mu.Lock()
	job := held.job
	imported := held.imported
	held.mu.Unlock()
	page := importPage{Token: token, FileName: held.name, Header: held.header, Fields: patients.ImportFields, Mapping: job.mapping}
	v := s.view(c, "import.title", page)
	if !job.finished.Load() {
		page.Running = true
		page.DryRun = job.dryRun
		page.Done, page.Total = job.done.Load(), job.total.Load()
		v.Data = page
		v.Refresh = 1
		return s.render(c, http.StatusOK, "patients_import", v)
	}
	if job.err != nil {
		var ves clinic.ValidationErrors
		if !errors.As(job.err, &ves) {
			return job.err
		}
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
	rep := job.report
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
	if imported {
		page.Token = "" // done: no more checks or imports of this file
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
