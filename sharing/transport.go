package sharing

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Upload is one document bundle on its way to eHealth.
type Upload struct {
	BundleID string // Bundle.id: the same on every attempt, so eHealth can tell a re-send
	Domain   string
	Mode     string
	Keys     []string // the record keys the bundle carries
	Body     []byte   // the exact bytes, identical on every attempt
}

// Outcome is what became of an upload.
type Outcome int

const (
	// Accepted: eHealth (or the connector's folder) has the bundle.
	Accepted Outcome = iota
	// Rejected: eHealth refused the content (4xx); sending it again unchanged would not help.
	Rejected
	// Retry: it may not have arrived (5xx, timeout, broken connection); send the same bundle
	// again later.
	Retry
)

func (o Outcome) String() string {
	return [...]string{"accepted", "rejected", "retry"}[o]
}

// Result is the answer to an upload.
type Result struct {
	Outcome Outcome
	Status  int    // HTTP status, 0 when there was none
	Reason  string // why rejected or why to retry, in the central's words
	// Records names the records eHealth rejected, with its reason, when it said which; a
	// rejection naming none rejects every record of the bundle.
	Records map[string]string
	// RetryAfter is the central's own wish (Retry-After), zero when it gave none.
	RetryAfter time.Duration
}

// Transport hands bundles over.
type Transport interface {
	Send(ctx context.Context, u Upload) Result
	// Describe says where bundles go, in English, for the log.
	Describe() string
}

// Kinds of destination: a screen words each in its reader's language.
const (
	DestinationHTTPS  = "https"  // POSTed to an endpoint
	DestinationFolder = "folder" // written as files for a connector
	DestinationExport = "export" // written for inspection, nothing sent
)

// Destination is where a transport sends bundles, in parts: the kind is a fixed word that a
// screen translates, the place is a URL or a path, shown as it is. Kind is empty for a transport
// that cannot tell its kind; Place is then its Describe.
type Destination struct {
	Kind  string
	Place string
}

// Locator is a transport that tells its destination in parts.
type Locator interface {
	Destination() Destination
}

// DestinationOf is where t sends bundles, in parts when t can tell them.
func DestinationOf(t Transport) Destination {
	if l, ok := t.(Locator); ok {
		return l.Destination()
	}
	return Destination{Place: t.Describe()}
}

// HTTPConfig is how to reach eHealth over HTTPS.
type HTTPConfig struct {
	URL string // where bundles are POSTed
	// CertFile and KeyFile are the clinic's TLS client certificate (PEM), when eHealth asks
	// for one.
	CertFile, KeyFile string
	// CAFile trusts another certificate authority as well as the system's (a test central).
	CAFile string
	// TokenURL, ClientID and ClientSecret turn on OAuth2 client credentials.
	TokenURL, ClientID, ClientSecret string
	Scopes                           []string
	Timeout                          time.Duration // one request; default 60 s
	// Base replaces the HTTP client underneath (tests); nil builds one from the fields above.
	Base *http.Client
}

// HTTPTransport POSTs each bundle as application/fhir+json with an Idempotency-Key of the
// bundle id. The endpoint's protocol is provisional (no eHealth guide covers the transport):
// 2xx accepted; 408, 425, 429 and 5xx try again later; any other 4xx rejected, with the
// reason and, where a FHIR OperationOutcome issue names a record key in its expression or
// location, only those records rejected.
type HTTPTransport struct {
	url    string
	client *http.Client
}

// NewHTTPTransport builds the client: TLS client certificate, OAuth2 and timeouts.
func NewHTTPTransport(cfg HTTPConfig) (*HTTPTransport, error) {
	if cfg.URL == "" {
		return nil, errors.New("sharing: no endpoint URL")
	}
	if !strings.HasPrefix(cfg.URL, "https://") && !strings.HasPrefix(cfg.URL, "http://") {
		return nil, fmt.Errorf("sharing: endpoint %q is not an http(s) URL", cfg.URL)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 60 * time.Second
	}
	base := cfg.Base
	if base == nil {
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tlsConf := &tls.Config{MinVersion: tls.VersionTLS12}
		if (cfg.CertFile == "") != (cfg.KeyFile == "") {
			return nil, errors.New("sharing: share.client_cert and share.client_key go together")
		}
		if cfg.CertFile != "" {
			cert, err := tls.LoadX509KeyPair(cfg.CertFile, cfg.KeyFile)
			if err != nil {
				return nil, fmt.Errorf("sharing: client certificate: %w", err)
			}
			tlsConf.Certificates = []tls.Certificate{cert}
		}
		if cfg.CAFile != "" {
			pem, err := os.ReadFile(cfg.CAFile)
			if err != nil {
				return nil, fmt.Errorf("sharing: CA file: %w", err)
			}
			pool, err := x509.SystemCertPool()
			if err != nil || pool == nil {
				pool = x509.NewCertPool()
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("sharing: CA file %s holds no certificate", cfg.CAFile)
			}
			tlsConf.RootCAs = pool
		}
		tr.TLSClientConfig = tlsConf
		tr.ResponseHeaderTimeout = cfg.Timeout
		base = &http.Client{Transport: tr, Timeout: cfg.Timeout}
	}
	client := base
	if cfg.TokenURL != "" || cfg.ClientID != "" {
		if cfg.TokenURL == "" || cfg.ClientID == "" {
			return nil, errors.New("sharing: OAuth2 needs share.oauth_token_url and share.oauth_client_id")
		}
		cc := clientcredentials.Config{ClientID: cfg.ClientID, ClientSecret: cfg.ClientSecret, TokenURL: cfg.TokenURL, Scopes: cfg.Scopes}
		// The token request goes through the same client: same certificate, same timeout.
		ctx := context.WithValue(context.Background(), oauth2.HTTPClient, base)
		client = cc.Client(ctx)
		client.Timeout = base.Timeout
	}
	return &HTTPTransport{url: cfg.URL, client: client}, nil
}

// Describe is the endpoint.
func (t *HTTPTransport) Describe() string { return t.url }

// Destination is the endpoint.
func (t *HTTPTransport) Destination() Destination {
	return Destination{Kind: DestinationHTTPS, Place: t.url}
}

// maxAnswer is the most of an answer read: an OperationOutcome, not a download.
const maxAnswer = 1 << 20

// Send POSTs one bundle.
func (t *HTTPTransport) Send(ctx context.Context, u Upload) Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.url, bytes.NewReader(u.Body))
	if err != nil {
		return Result{Outcome: Rejected, Reason: err.Error()}
	}
	req.Header.Set("Content-Type", "application/fhir+json; charset=utf-8")
	req.Header.Set("Accept", "application/fhir+json")
	// Go's client also takes this header as leave to retry the POST on a connection that broke
	// before any answer; the central takes it to answer a repeat without acting twice.
	req.Header.Set("Idempotency-Key", u.BundleID)
	req.Header.Set("X-eHR-Data-Domain", u.Domain)
	req.Header.Set("X-eHR-Upload-Mode", u.Mode)
	resp, err := t.client.Do(req)
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			status := 0
			if re.Response != nil {
				status = re.Response.StatusCode
			}
			return Result{Outcome: Retry, Status: status, Reason: "eHealth sign-in (OAuth2) failed: " + trimAnswer(re.Body)}
		}
		return Result{Outcome: Retry, Reason: err.Error()}
	}
	defer resp.Body.Close()
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	code := resp.StatusCode
	switch {
	case code >= 200 && code < 300:
		// The central has it once it answers 2xx, even if the rest of the answer is lost.
		return Result{Outcome: Accepted, Status: code}
	case code == http.StatusRequestTimeout || code == http.StatusTooEarly || code == http.StatusTooManyRequests || code >= 500:
		r := Result{Outcome: Retry, Status: code, Reason: answerReason(code, body)}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			r.RetryAfter = time.Duration(s) * time.Second
		}
		return r
	case code >= 400:
		if rerr != nil {
			return Result{Outcome: Retry, Status: code, Reason: "answer cut short: " + rerr.Error()}
		}
		r := Result{Outcome: Rejected, Status: code, Reason: answerReason(code, body)}
		r.Records = rejectedRecords(body, u.Keys)
		return r
	default: // 1xx, 3xx: not an answer we understand; the bundle may not have arrived
		return Result{Outcome: Retry, Status: code, Reason: answerReason(code, body)}
	}
}

// operationOutcome is the part of FHIR's OperationOutcome the adapter reads.
type operationOutcome struct {
	ResourceType string `json:"resourceType"`
	Issue        []struct {
		Severity    string `json:"severity"`
		Code        string `json:"code"`
		Diagnostics string `json:"diagnostics"`
		Details     *struct {
			Text string `json:"text"`
		} `json:"details"`
		Expression []string `json:"expression"`
		Location   []string `json:"location"`
	} `json:"issue"`
}

func (o *operationOutcome) parse(body []byte) bool {
	return json.Unmarshal(body, o) == nil && o.ResourceType == "OperationOutcome" && len(o.Issue) > 0
}

// answerReason is the central's own words: the OperationOutcome's texts, else the status
// and the start of the body.
func answerReason(code int, body []byte) string {
	var oo operationOutcome
	if oo.parse(body) {
		var parts []string
		for _, is := range oo.Issue {
			text := is.Diagnostics
			if is.Details != nil && is.Details.Text != "" {
				text = is.Details.Text
			}
			if text == "" {
				text = is.Code
			}
			parts = append(parts, text)
		}
		return fmt.Sprintf("HTTP %d: %s", code, strings.Join(parts, "; "))
	}
	if s := trimAnswer(body); s != "" {
		return fmt.Sprintf("HTTP %d %s: %s", code, http.StatusText(code), s)
	}
	return fmt.Sprintf("HTTP %d %s", code, http.StatusText(code))
}

// rejectedRecords maps the record keys an OperationOutcome names to their issue's text.
func rejectedRecords(body []byte, keys []string) map[string]string {
	var oo operationOutcome
	if !oo.parse(body) {
		return nil
	}
	known := make(map[string]bool, len(keys))
	for _, k := range keys {
		known[k] = true
	}
	out := map[string]string{}
	for _, is := range oo.Issue {
		text := is.Diagnostics
		if is.Details != nil && is.Details.Text != "" {
			text = is.Details.Text
		}
		for _, where := range append(append([]string{}, is.Expression...), is.Location...) {
			for _, k := range keys {
				if where == k || strings.Contains(where, "'"+k+"'") || strings.Contains(where, "\""+k+"\"") {
					if known[k] {
						out[k] = strings.TrimSpace(text)
					}
				}
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

func trimAnswer(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if len(s) > 300 {
		s = s[:300] + "..."
	}
	return s
}

// FolderTransport writes each bundle as a file for a separate connector to deliver: the
// default while no endpoint is set. The file is named by the bundle id and written whole
// (temporary file, sync, rename), so a re-sent bundle replaces itself with the same bytes and
// a connector never sees half a file.
type FolderTransport struct {
	Dir string
}

// Describe is the folder.
func (t FolderTransport) Describe() string { return "folder " + t.Dir }

// Destination is the folder.
func (t FolderTransport) Destination() Destination {
	return Destination{Kind: DestinationFolder, Place: t.Dir}
}

// FileName is the name a bundle is written under.
func FileName(u Upload) string {
	return fmt.Sprintf("%s-%s-%s.json", u.Domain, strings.ReplaceAll(u.Mode, "-", ""), u.BundleID)
}

// Send writes the file.
func (t FolderTransport) Send(_ context.Context, u Upload) Result {
	if err := writeFileAtomic(filepath.Join(t.Dir, FileName(u)), u.Body); err != nil {
		return Result{Outcome: Retry, Reason: err.Error()}
	}
	return Result{Outcome: Accepted}
}

func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
