package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// Config is every setting, read by viper from (in rising precedence) the built-in defaults, the
// YAML file, ONRAMP_* environment variables and the command-line flags. config.example.yaml
// documents each key; config_test.go checks that it lists exactly these.
type Config struct {
	Data        string        `mapstructure:"data"`
	Listen      string        `mapstructure:"listen"`
	TimeZone    string        `mapstructure:"timezone"`
	OpenBrowser bool          `mapstructure:"open_browser"`
	IdleTimeout time.Duration `mapstructure:"session_idle_timeout"`
	TLS         struct {
		Cert       string `mapstructure:"cert"`
		Key        string `mapstructure:"key"`
		SelfSigned bool   `mapstructure:"self_signed"`
	} `mapstructure:"tls"`
	Backup struct {
		Dir      string `mapstructure:"dir"`
		Keep     int    `mapstructure:"keep"`
		Schedule string `mapstructure:"schedule"`
	} `mapstructure:"backup"`
	Log struct {
		Level     string `mapstructure:"level"`
		File      string `mapstructure:"file"`
		MaxSizeMB int    `mapstructure:"max_size_mb"`
		Keep      int    `mapstructure:"keep"`
	} `mapstructure:"log"`
	Uploads struct {
		MaxMB int64 `mapstructure:"max_mb"`
	} `mapstructure:"uploads"`
	Print struct {
		Font string `mapstructure:"font"`
	} `mapstructure:"print"`
	Patients struct {
		NumberPrefix string `mapstructure:"number_prefix"`
	} `mapstructure:"patients"`
	Share ShareConfig `mapstructure:"share"` // eHealth sharing: see share.go

	file string // the config file that was read, if any
}

// setting is one key with its default and the line config.example.yaml says about it.
type setting struct {
	Key     string
	Default any
	Help    string
}

// settings is the one list of every key: defaults come from here, `onramp init` writes the
// config file from here, and a test checks that config.example.yaml is exactly this.
var settings = []setting{
	{"data", "onramp-data", "Data folder: the database, attachments, logs and (by default) backups. Relative paths start where OnRamp is run."},
	{"listen", "127.0.0.1:8080", "Address to serve on. 127.0.0.1 is this PC only; 0.0.0.0:8080 serves the clinic's network (use TLS then)."},
	{"timezone", "Asia/Hong_Kong", "Time zone the clinic works in: dates on screens, labels and schedules."},
	{"open_browser", true, "On the first run on a desktop, open the browser at the setup page."},
	{"session_idle_timeout", "30m", "A login ends after this long without use (e.g. 15m, 1h)."},
	{"tls.cert", "", "TLS certificate file (PEM) for https; set together with tls.key."},
	{"tls.key", "", "TLS private key file (PEM)."},
	{"tls.self_signed", false, "Without cert/key: make and use a self-signed certificate in DATA/tls (browsers must be told to trust it)."},
	{"backup.dir", "", "Backup folder, e.g. a USB disk or NAS path (E:\\OnRampBackups). Empty: DATA/backups."},
	{"backup.keep", 30, "How many backups to keep; older ones are deleted. 0 keeps all."},
	{"backup.schedule", "0 13,22 * * *", "When to back up (cron: minute hour day month weekday). Default 13:00 and 22:00. Empty: never on schedule."},
	{"log.level", "info", "How much to log: debug, info, warn or error."},
	{"log.file", "", "Log file, rotated by size. Empty: DATA/logs/onramp.log."},
	{"log.max_size_mb", 10, "Size of one log file before it is rotated, in MB."},
	{"log.keep", 5, "How many rotated log files to keep."},
	{"uploads.max_mb", 20, "Largest file that can be uploaded (reports, CSV), in MB."},
	{"print.font", "", "TrueType (.ttf) font for Chinese on printed labels and documents. Empty: look in the usual places."},
	{"patients.number_prefix", "P", "Prefix of the patient numbers OnRamp assigns (e.g. P000123)."},
	{"share.schedule", "*/15 8-20 * * 1-6", "When to upload to eHealth (cron: minute hour day month weekday). Default every 15 minutes, 08:00-20:59, Monday to Saturday. Empty: only on \"send now\"."},
	{"share.endpoint", "", "eHealth upload URL (https://...). Empty: bundles are written to share.folder for a separate connector."},
	{"share.client_cert", "", "TLS client certificate (PEM) that eHealth issued to the clinic, if it asks for one; set together with share.client_key."},
	{"share.client_key", "", "Private key (PEM) of share.client_cert."},
	{"share.ca_file", "", "Extra certificate authority (PEM) to trust for share.endpoint, besides the system's."},
	{"share.oauth_token_url", "", "OAuth2 token URL, when eHealth signs uploads in with client credentials."},
	{"share.oauth_client_id", "", "OAuth2 client id."},
	{"share.oauth_client_secret", "", "OAuth2 client secret (or set ONRAMP_SHARE_OAUTH_CLIENT_SECRET)."},
	{"share.folder", "", "Folder for bundles when no endpoint is set. Empty: DATA/outbox-bundles."},
	{"share.require_consent", false, "Share only patients who gave sharing consent. Off: a patient who joined eHealth is enough to deposit records (allowed since December 2025)."},
	{"share.bundle_max_patients", 50, "Most patients in one upload package."},
	{"share.timeout", "60s", "How long one upload may take before it is tried again."},
}

// addConfigFlags declares the flags every command shares.
func addConfigFlags(fs *pflag.FlagSet) {
	fs.String("config", "", "config file (default DATA/onramp.yaml)")
	fs.String("data", "", "data folder: database, backups, logs (default ./onramp-data)")
	fs.String("listen", "", "address to serve on; 0.0.0.0:8080 serves the clinic's network (default 127.0.0.1:8080)")
}

// loadConfig resolves the settings for a command.
func loadConfig(cmd *cobra.Command) (*Config, error) {
	v := viper.New()
	for _, s := range settings {
		v.SetDefault(s.Key, s.Default)
	}
	v.SetEnvPrefix("ONRAMP")
	v.SetEnvKeyReplacer(strings.NewReplacer(".", "_"))
	v.AutomaticEnv()
	for _, name := range []string{"data", "listen"} {
		if f := cmd.Flags().Lookup(name); f != nil {
			if err := v.BindPFlag(name, f); err != nil {
				return nil, err
			}
		}
	}
	// The data folder decides where the default config file is, so read it first from the
	// flag or the environment; an explicit --config may still move it.
	file, _ := cmd.Flags().GetString("config")
	if file == "" {
		file = os.Getenv("ONRAMP_CONFIG")
	}
	explicit := file != ""
	if !explicit {
		file = filepath.Join(v.GetString("data"), "onramp.yaml")
	}
	v.SetConfigFile(file)
	v.SetConfigType("yaml")
	if err := v.ReadInConfig(); err != nil {
		var notFound viper.ConfigFileNotFoundError
		missing := errors.As(err, &notFound) || errors.Is(err, os.ErrNotExist)
		// `init` is what writes the file, so only it may be pointed at one that does not exist.
		if !missing || (explicit && cmd.Name() != "init") {
			return nil, fmt.Errorf("read config %s: %w", file, err)
		}
		file = ""
	}
	var c Config
	if err := v.Unmarshal(&c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	c.file = file
	return &c, c.finish()
}

// finish makes paths absolute and fills the defaults that depend on the data folder.
func (c *Config) finish() error {
	abs, err := filepath.Abs(c.Data)
	if err != nil {
		return err
	}
	c.Data = abs
	if c.Backup.Dir == "" {
		c.Backup.Dir = filepath.Join(c.Data, "backups")
	}
	if c.Log.File == "" {
		c.Log.File = filepath.Join(c.Data, "logs", "onramp.log")
	}
	if _, err := time.LoadLocation(c.TimeZone); err != nil {
		return fmt.Errorf("timezone %q: %w", c.TimeZone, err)
	}
	if c.IdleTimeout < time.Minute {
		return fmt.Errorf("session_idle_timeout %s is too short (at least 1m)", c.IdleTimeout)
	}
	if c.Backup.Keep < 0 {
		return errors.New("backup.keep cannot be negative")
	}
	if (c.TLS.Cert == "") != (c.TLS.Key == "") {
		return errors.New("tls.cert and tls.key go together: set both or neither")
	}
	return c.Share.finish(c.Data)
}

func (c *Config) dbPath() string   { return filepath.Join(c.Data, "onramp.db") }
func (c *Config) filesDir() string { return filepath.Join(c.Data, "files") }
func (c *Config) lockPath() string { return filepath.Join(c.Data, "onramp.lock") }
func (c *Config) tlsDir() string   { return filepath.Join(c.Data, "tls") }
func (c *Config) location() *time.Location {
	loc, _ := time.LoadLocation(c.TimeZone)
	return loc
}
