package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"slices"

	"github.com/spf13/cobra"

	"github.com/onramp-hk/onramp/clinic"
	"github.com/onramp-hk/onramp/clinic/store"
	"github.com/onramp-hk/onramp/clinic/terms"
	"github.com/onramp-hk/onramp/ui/i18n"
)

// termsCommand loads the clinic's terminology of diagnoses and procedures from CSV.
func termsCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "terms", Short: "The clinic's terminology of diagnoses and procedures"}
	var lang string
	imp := &cobra.Command{
		Use:   "import FILE.csv",
		Short: "Add or update diagnoses and procedures from a CSV file; bad rows are listed",
		Long: `Read terms from FILE.csv (UTF-8, a header row first). Columns: kind (diagnosis or
procedure, default diagnosis), code, name_en, name_zh, icd10, hkctt_id, active (1 or 0).
A code already known is updated; active 0 stops offering a term without changing old visits.
Good rows are imported and every bad row is listed with its line and the reason.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			cat, err := i18n.Load()
			if err != nil {
				return err
			}
			if !slices.Contains(i18n.Languages, lang) {
				lang = "en"
			}
			t := func(key string, a ...any) string { return cat.T(lang, key, a...) }
			data, err := os.ReadFile(args[0])
			if err != nil {
				return err
			}
			return withStore(cmd, func(ctx context.Context, c *Config, db *store.DB) error {
				rep, err := terms.Import(ctx, db, bytes.NewReader(data), cliActor())
				if err != nil {
					var ve *clinic.ValidationError
					if errors.As(err, &ve) {
						return errors.New(t(ve.Key, ve.Args...))
					}
					return err
				}
				out := cmd.OutOrStdout()
				for _, b := range rep.Bad {
					fmt.Fprintln(out, t("terms.bad_row", b.Line, t(b.Key, b.Args...)))
				}
				fmt.Fprintln(out, t("terms.report.counts", rep.Added, rep.Updated, rep.Unchanged, len(rep.Bad)))
				return nil
			})
		},
	}
	imp.Flags().StringVar(&lang, "lang", "en", "language of the report: en or zh-HK")
	cmd.AddCommand(imp)
	return cmd
}
