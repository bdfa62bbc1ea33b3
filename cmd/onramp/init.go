package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
)

func initCommand() *cobra.Command {
	var force, selfSigned bool
	cmd := &cobra.Command{
		Use:   "init",
		Short: "Write a config file with every setting and its default",
		Long: `Write DATA/onramp.yaml (or --config FILE) listing every setting with its default and
what it does; edit it and restart OnRamp. With --self-signed it also makes a TLS
certificate for serving the clinic's network over https.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := loadConfig(cmd)
			if err != nil {
				return err
			}
			file, _ := cmd.Flags().GetString("config")
			if file == "" {
				file = filepath.Join(c.Data, "onramp.yaml")
			}
			if _, err := os.Stat(file); err == nil && !force {
				return fmt.Errorf("%s exists; use --force to replace it", file)
			}
			overrides := map[string]any{}
			if cmd.Flags().Changed("listen") {
				overrides["listen"] = c.Listen
			}
			if selfSigned {
				overrides["tls.self_signed"] = true
			}
			if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
				return err
			}
			if err := os.WriteFile(file, []byte(configYAML(overrides)), 0o600); err != nil {
				return err
			}
			cmd.Printf("Wrote %s\n", file)
			if selfSigned {
				cert, _, err := ensureSelfSigned(c)
				if err != nil {
					return err
				}
				cmd.Print(trustInstructions(cert))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "replace an existing config file")
	cmd.Flags().BoolVar(&selfSigned, "self-signed", false, "make a self-signed TLS certificate and turn tls.self_signed on")
	return cmd
}

// configYAML renders the settings as a commented YAML file; overrides replace defaults.
func configYAML(overrides map[string]any) string {
	var b strings.Builder
	b.WriteString("# OnRamp settings. Every key is shown with its default. Environment variables\n")
	b.WriteString("# ONRAMP_<KEY> (dots become underscores, e.g. ONRAMP_BACKUP_DIR) override this file,\n")
	b.WriteString("# and command-line flags (--data, --listen) override both.\n")
	section := ""
	for _, s := range settings {
		val := s.Default
		if o, ok := overrides[s.Key]; ok {
			val = o
		}
		key := s.Key
		indent := ""
		if sec, sub, ok := strings.Cut(s.Key, "."); ok {
			if sec != section {
				fmt.Fprintf(&b, "\n%s:\n", sec)
				section = sec
			}
			key, indent = sub, "  "
		} else {
			section = ""
			b.WriteString("\n")
		}
		fmt.Fprintf(&b, "%s# %s\n%s%s: %s\n", indent, s.Help, indent, key, yamlValue(val))
	}
	return b.String()
}

func yamlValue(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	default:
		return fmt.Sprint(x)
	}
}
