package main

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"log/slog"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"time"
)

// tlsConfig loads the configured certificate, or the self-signed one (made on first use), or
// returns nil for plain http.
func tlsConfig(c *Config, log *slog.Logger) (*tls.Config, error) {
	cert, key := c.TLS.Cert, c.TLS.Key
	if cert == "" && c.TLS.SelfSigned {
		var made bool
		var err error
		cert, made, err = ensureSelfSigned(c)
		if err != nil {
			return nil, err
		}
		key = filepath.Join(c.tlsDir(), "key.pem")
		if made {
			log.Info("made a self-signed certificate", "file", cert)
			fmt.Fprint(os.Stderr, trustInstructions(cert))
		}
	}
	if cert == "" {
		return nil, nil
	}
	pair, err := tls.LoadX509KeyPair(cert, key)
	if err != nil {
		return nil, fmt.Errorf("TLS certificate %s / key %s: %w", cert, key, err)
	}
	return &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12}, nil
}

// ensureSelfSigned makes DATA/tls/cert.pem and key.pem unless they exist. The certificate
// names this PC's host name and every address it has, so browsers on the LAN can reach it.
func ensureSelfSigned(c *Config) (certFile string, made bool, err error) {
	dir := c.tlsDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if _, err := os.Stat(certFile); err == nil {
		return certFile, false, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", false, err
	}
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return "", false, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	host, _ := os.Hostname()
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "OnRamp " + host, Organization: []string{"OnRamp clinic server"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(5, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:         true, BasicConstraintsValid: true,
		DNSNames:    []string{"localhost"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if host != "" {
		tmpl.DNSNames = append(tmpl.DNSNames, host)
	}
	if addrs, err := net.InterfaceAddrs(); err == nil {
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && !ipn.IP.IsLoopback() {
				tmpl.IPAddresses = append(tmpl.IPAddresses, ipn.IP)
			}
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		return "", false, err
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		return "", false, err
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		return "", false, err
	}
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
		return "", false, err
	}
	return certFile, true, nil
}

func trustInstructions(certFile string) string {
	return fmt.Sprintf(`
A self-signed certificate is in %s.
Browsers will warn about it until each clinic PC is told to trust it, once:
  Windows: copy cert.pem to the PC, rename it cert.crt, double-click it, "Install Certificate",
           "Local Machine", "Place all certificates in the following store",
           "Trusted Root Certification Authorities".
  macOS:   open it in Keychain Access, then set "When using this certificate" to "Always Trust".
  Linux:   copy it to /usr/local/share/ca-certificates/onramp.crt and run update-ca-certificates.
Then open https://<this PC's name or address>:<port>.
`, certFile)
}
