package adapterconfig

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gdprkit/gdpr"
	"github.com/gdprkit/gdpr/adapter/apiadapter"
)

// API is one adapter over a GDPR API: the hosted Genesys Cloud API (by
// region) or another gdpr serve (by URL), reached with OAuth client
// credentials. The client secret is never written in the file.
type API struct {
	Name       string         `yaml:"name"`
	Region     string         `yaml:"region"`
	URL        string         `yaml:"url"`
	ClientID   string         `yaml:"clientId"`
	SecretEnv  string         `yaml:"secretEnv"`
	SecretFile string         `yaml:"secretFile"`
	Rate       float64        `yaml:"rate"`
	Burst      int            `yaml:"burst"`
	Kinds      []gdpr.Kind    `yaml:"kinds"`
	InlineWait *time.Duration `yaml:"inlineWait"`
	Lookup     bool           `yaml:"lookup"`
	// Organization and Shared: see Tenancy. The client's credentials
	// reach one organization of the remote, so an API adapter is never
	// tenant-scoped: list it under the organization whose remote data it
	// reaches.
	Organization string `yaml:"organization,omitempty"`
	Shared       bool   `yaml:"shared,omitempty"`
}

// hostedKinds are the term kinds the hosted API's subjects search takes.
var hostedKinds = []gdpr.Kind{gdpr.KindName, gdpr.KindAddress, gdpr.KindPhone, gdpr.KindEmail}

// open builds the adapter and its one throttled client. A relative
// secretFile is read from dir.
func (ac API) open(dir string, log *slog.Logger) (*apiadapter.Adapter, error) {
	opts := []gdpr.Option{gdpr.WithLogger(log)}
	kinds := gdpr.SearchKinds()
	switch {
	case ac.Region != "" && ac.URL != "":
		return nil, errors.New("give region or url, not both")
	case ac.Region != "":
		opts = append(opts, gdpr.WithRegion(ac.Region))
		kinds = hostedKinds
	case ac.URL != "":
		if !strings.HasPrefix(ac.URL, "https://") && !strings.HasPrefix(ac.URL, "http://") {
			return nil, fmt.Errorf("url %q is not an http or https URL; give the remote's base URL, such as https://gdpr.eu.example.com", ac.URL)
		}
		opts = append(opts, gdpr.WithBaseURL(ac.URL))
	default:
		return nil, errors.New("region or url is required: a Genesys Cloud region such as eu-west-1, or the base URL of another gdpr serve")
	}
	if ac.ClientID == "" {
		return nil, errors.New("clientId is required: the OAuth client (client credentials grant) the adapter signs in as")
	}
	secret, err := ac.secret(dir)
	if err != nil {
		return nil, err
	}
	opts = append(opts, gdpr.WithClientCredentials(ac.ClientID, secret))
	if ac.Rate <= 0 {
		return nil, fmt.Errorf("rate is %v; give the remote's limit in requests per second (the hosted API's is strict), such as 5", ac.Rate)
	}
	burst := ac.Burst
	if burst == 0 {
		burst = max(1, int(ac.Rate))
	}
	if burst < 0 {
		return nil, fmt.Errorf("burst is %d; give 1 or more, or leave it out", ac.Burst)
	}
	opts = append(opts, gdpr.WithRate(ac.Rate, burst))
	var aopts []apiadapter.Option
	if ac.Lookup {
		// A remote that ignores Idempotency-Key: nothing may resend a
		// create (see apiadapter.WithLookup).
		opts = append(opts, gdpr.WithRetry(gdpr.RetryPolicy{Attempts: 1}), gdpr.WithTransport(apiadapter.NoKeys(nil)))
		aopts = append(aopts, apiadapter.WithLookup())
	}
	c, err := gdpr.New(opts...)
	if err != nil {
		return nil, err
	}
	if len(ac.Kinds) > 0 {
		kinds = ac.Kinds
		for _, k := range kinds {
			if !k.Searchable() {
				return nil, fmt.Errorf("kinds: %q is not a kind the subjects search takes; use some of %v", k, gdpr.SearchKinds())
			}
		}
	}
	aopts = append(aopts, apiadapter.WithKinds(kinds...))
	// The hosted API takes hours to days: a step parks at once rather
	// than spend the rate limit on looks. Another gdpr serve answers in
	// seconds: the adapter's default wait.
	switch {
	case ac.InlineWait != nil && *ac.InlineWait < 0:
		return nil, fmt.Errorf("inlineWait is %v; give 0 (park at once) or more", *ac.InlineWait)
	case ac.InlineWait != nil:
		aopts = append(aopts, apiadapter.WithInlineWait(*ac.InlineWait))
	case ac.Region != "":
		aopts = append(aopts, apiadapter.WithInlineWait(0))
	}
	return apiadapter.New(ac.Name, c, aopts...)
}

// secret reads the client secret from the environment or its file.
func (ac API) secret(dir string) (string, error) {
	switch {
	case ac.SecretEnv != "" && ac.SecretFile != "":
		return "", errors.New("give secretEnv or secretFile, not both")
	case ac.SecretEnv != "":
		s := os.Getenv(ac.SecretEnv)
		if s == "" {
			return "", fmt.Errorf("environment variable %s is empty; set it to the OAuth client's secret", ac.SecretEnv)
		}
		return s, nil
	case ac.SecretFile != "":
		p := ac.SecretFile
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return "", fmt.Errorf("secretFile: %w", err)
		}
		s := strings.TrimSpace(string(b))
		if s == "" {
			return "", fmt.Errorf("secretFile %s is empty; write the OAuth client's secret in it", ac.SecretFile)
		}
		return s, nil
	}
	return "", errors.New("secretEnv or secretFile is required: the client secret is never written in this file")
}
