package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/patients"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/ui/i18n"
)

func patientsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "patients", Short: "Import patients from another system's CSV file"}
	var dryRun bool
	var maps []string
	var lang string
	imp := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Import patients from a CSV file (UTF-8, header row first); --dry-run checks only",
		Long: `Read patients from FILE.csv, check every row as the registration form does, import the
good rows and list each rejected row with its line and the reasons. Columns are matched
by their headers in English or Chinese ("Surname", "HKID", "出生日期", ...); fix or add a
match with --map COLUMN=FIELD (repeatable; an empty FIELD leaves the column out). Fields:
` + strings.Join(patients.ImportFields, ", ") + `.
Everything is written in one transaction: a failure part-way imports nothing. A file that
is not UTF-8 text is refused whole. Stop the server first.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return importPatients(cmd, args[0], maps, dryRun, lang)
		},
	}
	imp.Flags().BoolVar(&dryRun, "dry-run", false, "check the file and report, import nothing")
	imp.Flags().StringArrayVar(&maps, "map", nil, "COLUMN=FIELD: read FIELD from the column headed COLUMN (repeatable)")
	imp.Flags().StringVar(&lang, "lang", "en", "language of the report: en or zh-HK")
	cmd.AddCommand(imp)
	return cmd
}

// importReporter words the import's report in the chosen language from the screens' catalogues.
type importReporter struct {
	cat  *i18n.Catalog
	lang string
	out  io.Writer
}

func (r importReporter) t(key string, args ...any) string { return r.cat.T(r.lang, key, args...) }

// reason words one fault of a row: the field as the registration form labels it, then why.
func (r importReporter) reason(e *clinic.ValidationError) string {
	msg := r.t(e.Key, e.Args...)
	switch e.Field {
	case "file", "mapping", "patient", "":
		return msg
	}
	label := e.Field
	if r.cat.Has(r.lang, "patient."+e.Field) {
		label = r.t("patient." + e.Field)
	}
	return label + ": " + msg
}

func (r importReporter) rows(title string, rows []patients.RejectedRow) {
	if len(rows) == 0 {
		return
	}
	fmt.Fprintln(r.out, title)
	for _, row := range rows {
		var parts []string
		for _, e := range row.Errors {
			parts = append(parts, r.reason(e))
		}
		fmt.Fprintln(r.out, "  "+r.t("cli.import.line", strconv.Itoa(row.Line), strings.Join(parts, "; ")))
	}
}

func importPatients(cmd *cobra.Command, file string, maps []string, dryRun bool, lang string) error {
	cat, err := i18n.Load()
	if err != nil {
		return err
	}
	rep := importReporter{cat: cat, lang: lang, out: cmd.OutOrStdout()}
	if !slices.Contains(i18n.Languages, lang) {
		rep.lang = "en"
		return errors.New(rep.t("cli.import.bad_lang", lang))
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return errors.New(rep.t("cli.import.cannot_read", file, err))
	}
	// A file from Excel in Big5 would otherwise come in as rows of mojibake names, or as many
	// rejected rows: refuse it whole, before anything is written, and say how to save it.
	if line, ok := firstNonUTF8Line(data); !ok {
		return errors.New(rep.t("cli.import.not_utf8", file, strconv.Itoa(line)))
	}
	mapping, err := importMapping(data, maps, rep)
	if err != nil {
		return err
	}

	progress := progressPrinter(cmd.ErrOrStderr(), rep)
	return withStore(cmd, func(ctx context.Context, c *Config, db *store.DB) error {
		res, err := patients.Import(ctx, db, bytes.NewReader(data), mapping,
			patients.ImportOptions{Prefix: c.Patients.NumberPrefix, DryRun: dryRun, Progress: progress}, cliActor())
		if err != nil {
			var ves clinic.ValidationErrors
			if errors.As(err, &ves) {
				// The file as a whole was refused (no rows, a column missing, broken quoting).
				fmt.Fprintln(rep.out, rep.t("cli.import.refused"))
				for _, e := range ves {
					fmt.Fprintln(rep.out, "  "+rep.reason(e))
				}
				return errors.New(rep.t("cli.import.failed", rep.reasonList(ves)))
			}
			return errors.New(rep.t("cli.import.failed", err))
		}
		var cols []string
		for field, col := range res.Mapping {
			cols = append(cols, col+"="+field)
		}
		sort.Strings(cols)
		fmt.Fprintln(rep.out, rep.t("cli.import.columns", strings.Join(cols, ", ")))
		rep.rows(rep.t("cli.import.rejected"), res.Rejected)
		rep.rows(rep.t("cli.import.warnings"), res.Warnings)
		if dryRun {
			fmt.Fprintln(rep.out, rep.t("cli.import.dry_run_summary", res.Rows, res.Valid, len(res.Rejected)))
		} else {
			fmt.Fprintln(rep.out, rep.t("cli.import.summary", res.Rows, res.Imported, len(res.Rejected)))
		}
		return nil
	})
}

func (r importReporter) reasonList(ves clinic.ValidationErrors) string {
	var parts []string
	for _, e := range ves {
		parts = append(parts, r.reason(e))
	}
	return strings.Join(parts, "; ")
}

// firstNonUTF8Line finds the first line that is not UTF-8, or reports the file sound.
func firstNonUTF8Line(data []byte) (int, bool) {
	if utf8.Valid(data) {
		return 0, true
	}
	for i, line := range bytes.Split(data, []byte("\n")) {
		if !utf8.Valid(line) {
			return i + 1, false
		}
	}
	return 0, false
}

// importMapping is the columns guessed from the header, with the user's --map corrections.
func importMapping(data []byte, maps []string, rep importReporter) (patients.ColumnMap, error) {
	header, err := csv.NewReader(bytes.NewReader(data)).Read()
	if errors.Is(err, io.EOF) || (err == nil && len(header) == 0) {
		return nil, errors.New(rep.t("error.import.empty"))
	}
	if err != nil {
		return nil, errors.New(rep.t("error.import.csv_syntax", 1))
	}
	m := patients.GuessColumns(header)
	for _, spec := range maps {
		i := strings.LastIndex(spec, "=")
		if i <= 0 {
			return nil, errors.New(rep.t("cli.import.bad_map", spec, strings.Join(patients.ImportFields, ", ")))
		}
		col, field := strings.TrimSpace(spec[:i]), strings.TrimSpace(spec[i+1:])
		if field != "" && !slices.Contains(patients.ImportFields, field) {
			return nil, errors.New(rep.t("cli.import.bad_map", spec, strings.Join(patients.ImportFields, ", ")))
		}
		// One column feeds one field: a correction replaces the guess for that column.
		for f, c := range m {
			if c == col {
				delete(m, f)
			}
		}
		if field != "" {
			m[field] = col
		}
	}
	return m, nil
}

// progressPrinter shows how far a long import got: one updating line at a terminal, a line
// every 10,000 rows in a log.
func progressPrinter(w io.Writer, rep importReporter) func(done, total int) {
	tty := false
	if f, ok := w.(*os.File); ok {
		tty = term.IsTerminal(int(f.Fd()))
	}
	return func(done, total int) {
		switch {
		case tty:
			fmt.Fprint(w, "\r"+rep.t("cli.import.progress", done, total))
			if done == total {
				fmt.Fprintln(w)
			}
		case done%10000 == 0 || done == total:
			fmt.Fprintln(w, rep.t("cli.import.progress", done, total))
		}
	}
}
