package gdpr

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// DownloadResults writes the results of a finished export to w: the file
// behind req.ResultsURL, then each of req.ResultsURLs in turn (a URL in
// both is fetched once). It returns the number of bytes written.
//
// Results URLs may be absolute or relative to the base URL. The
// Authorization header goes only to the API's own host; a URL elsewhere
// (a signed storage URL, say) is fetched without it. A request without
// results gives an error matching ErrNoResults. A download that breaks
// off is not retried, since part of it is written to w already: the error
// matches io.ErrUnexpectedEOF when the body was cut short; download again
// into a fresh writer.
func (c *Client) DownloadResults(ctx context.Context, req *Request, w io.Writer) (int64, error) {
	var urls []string
	seen := map[string]bool{}
	for _, u := range append([]string{req.ResultsURL}, req.ResultsURLs...) {
		if u != "" && !seen[u] {
			seen[u] = true
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return 0, fmt.Errorf("gdpr: download results of request %s: %w", req.ID, ErrNoResults)
	}
	var total int64
	for _, raw := range urls {
		n, err := c.download(ctx, raw, w)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

func (c *Client) download(ctx context.Context, raw string, w io.Writer) (int64, error) {
	ref, err := url.Parse(raw)
	if err != nil {
		return 0, fmt.Errorf("gdpr: download results: bad url: %w", err)
	}
	u := c.base.ResolveReference(ref)
	if u.Scheme != "http" && u.Scheme != "https" {
		return 0, fmt.Errorf("gdpr: download results: url scheme %q is not http or https", u.Scheme)
	}
	cl := &call{method: http.MethodGet, path: u.Path, url: u.String(), accept: "*/*", stream: true}
	resp, err := c.send(ctx, cl)
	if err != nil {
		return 0, err
	}
	defer closeBody(resp)
	if err := checkResponse(resp, c.clock.Now()); err != nil {
		return 0, err
	}
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("gdpr: download results %s: %w", u.Path, err)
	}
	return n, nil
}
