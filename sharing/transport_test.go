package sharing

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	rand2 "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// clientCert makes a self-signed client certificate and writes it and its key as PEM files.
func clientCert(t *testing.T) (certFile, keyFile string, cert *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "HCP 9938744799"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ = x509.ParseCertificate(der)
	kder, _ := x509.MarshalECPrivateKey(key)
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.pem"), filepath.Join(dir, "client.key")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return certFile, keyFile, cert
}

func serverCA(t *testing.T, srv *httptest.Server) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "ca.pem")
	os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600)
	return f
}

// TestHTTPSWithClientCertificateAndOAuth2: the upload goes over TLS with the clinic's client
// certificate and a bearer token from OAuth2 client credentials, fetched once and reused.
func TestHTTPSWithClientCertificateAndOAuth2(t *testing.T) {
	certFile, keyFile, cert := clientCert(t)
	var tokens, uploads atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		id, secret, _ := r.BasicAuth()
		if r.FormValue("grant_type") != "client_credentials" || id != "onramp" || secret != "s3cret" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"invalid_client"}`))
			return
		}
		tokens.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"access_token":"tok-123","token_type":"Bearer","expires_in":3600}`))
	})
	mux.HandleFunc("/upload", func(w http.ResponseWriter, r *http.Request) {
		if len(r.TLS.PeerCertificates) == 0 || r.TLS.PeerCertificates[0].Subject.CommonName != "HCP 9938744799" {
			http.Error(w, "no client certificate", http.StatusForbidden)
			return
		}
		if r.Header.Get("Authorization") != "Bearer tok-123" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		uploads.Add(1)
		w.WriteHeader(http.StatusCreated)
	})
	srv := httptest.NewUnstartedServer(mux)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	srv.TLS = &tls.Config{ClientAuth: tls.VerifyClientCertIfGiven, ClientCAs: pool}
	srv.StartTLS()
	defer srv.Close()

	cfg := HTTPConfig{URL: srv.URL + "/upload", CertFile: certFile, KeyFile: keyFile, CAFile: serverCA(t, srv),
		TokenURL: srv.URL + "/token", ClientID: "onramp", ClientSecret: "s3cret", Timeout: 5 * time.Second}
	tr, err := NewHTTPTransport(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if r := tr.Send(ctx, Upload{BundleID: "b" + string(rune('0'+i)), Body: []byte(`{}`)}); r.Outcome != Accepted {
			t.Fatalf("upload %d: %+v", i, r)
		}
	}
	if tokens.Load() != 1 || uploads.Load() != 2 {
		t.Errorf("tokens %d uploads %d, want 1 and 2", tokens.Load(), uploads.Load())
	}

	// A wrong secret is not the records' fault: try again later, with the reason.
	cfg.ClientSecret = "wrong"
	tr, _ = NewHTTPTransport(cfg)
	if r := tr.Send(ctx, Upload{BundleID: "b9", Body: []byte(`{}`)}); r.Outcome != Retry || !strings.Contains(r.Reason, "OAuth2") {
		t.Errorf("wrong secret: %+v", r)
	}
	// Without the client certificate the central refuses.
	cfg.ClientSecret, cfg.CertFile, cfg.KeyFile = "s3cret", "", ""
	tr, _ = NewHTTPTransport(cfg)
	if r := tr.Send(ctx, Upload{BundleID: "b8", Body: []byte(`{}`)}); r.Outcome != Rejected || r.Status != http.StatusForbidden {
		t.Errorf("no certificate: %+v", r)
	}
}

// TestAnswers: how each kind of answer is taken.
func TestAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.Header.Get("Idempotency-Key") {
		case "named":
			w.WriteHeader(422)
			w.Write([]byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"invalid",
				"details":{"text":"Unknown allergen code"},"expression":["Bundle.entry.where(identifier.value='K2')"]}]}`))
		case "whole":
			http.Error(w, "malformed bundle", http.StatusBadRequest)
		case "busy":
			w.Header().Set("Retry-After", "7")
			w.WriteHeader(http.StatusServiceUnavailable)
		case "slow":
			time.Sleep(300 * time.Millisecond)
		}
	}))
	defer srv.Close()
	tr, err := NewHTTPTransport(HTTPConfig{URL: srv.URL, Timeout: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	send := func(id string) Result {
		return tr.Send(ctx, Upload{BundleID: id, Keys: []string{"K1", "K2"}, Body: []byte(`{}`)})
	}
	if r := send("named"); r.Outcome != Rejected || len(r.Records) != 1 || r.Records["K2"] != "Unknown allergen code" ||
		!strings.Contains(r.Reason, "Unknown allergen code") {
		t.Errorf("named: %+v", r)
	}
	if r := send("whole"); r.Outcome != Rejected || r.Records != nil || !strings.Contains(r.Reason, "malformed bundle") {
		t.Errorf("whole: %+v", r)
	}
	if r := send("busy"); r.Outcome != Retry || r.RetryAfter != 7*time.Second {
		t.Errorf("busy: %+v", r)
	}
	if r := send("slow"); r.Outcome != Retry {
		t.Errorf("slow: %+v", r)
	}
	if r := send("ok"); r.Outcome != Accepted {
		t.Errorf("ok: %+v", r)
	}

	if _, err := NewHTTPTransport(HTTPConfig{URL: "ftp://x"}); err == nil {
		t.Error("ftp endpoint accepted")
	}
	if _, err := NewHTTPTransport(HTTPConfig{URL: "https://x", CertFile: "a.pem"}); err == nil {
		t.Error("certificate without key accepted")
	}
}

// TestBackoff: exponential, jittered between half and all, capped.
func TestBackoff(t *testing.T) {
	b := Backoff{Base: time.Second, Cap: 10 * time.Second}
	rng := rand2.New(rand2.NewPCG(1, 2))
	for attempt, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 9: 10 * time.Second} {
		for i := 0; i < 50; i++ {
			d := b.Delay(attempt, rng)
			if d < want/2 || d > want {
				t.Fatalf("attempt %d: %s not in [%s, %s]", attempt, d, want/2, want)
			}
		}
	}
}
