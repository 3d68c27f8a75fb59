package situation

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ErrClassifier is matched (with errors.Is) by every error an
// HTTPClassifier returns: the service was unreachable, answered with an
// error status, or sent an answer that is not a valid Result.
var ErrClassifier = errors.New("situation: classifier failed")

// HTTPError is a classification service's error status. It matches
// ErrClassifier.
type HTTPError struct {
	// StatusCode is the HTTP status of the answer.
	StatusCode int
	// RetryAfter is the delay the service asked for (Retry-After, in
	// seconds), or 0.
	RetryAfter time.Duration
}

// Error implements error.
func (e *HTTPError) Error() string {
	return "situation: classifier answered " + strconv.Itoa(e.StatusCode) + " " + http.StatusText(e.StatusCode)
}

// Is reports whether target is ErrClassifier.
func (e *HTTPError) Is(target error) bool { return target == ErrClassifier }

// Retryable reports whether trying again later may succeed (429 and 5xx).
func (e *HTTPError) Retryable() bool {
	return e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500
}

// HTTPConfig configures an HTTPClassifier.
type HTTPConfig struct {
	// Client sends the requests; set its Timeout. Defaults to a client
	// with a 2-second timeout.
	Client *http.Client
	// Header is added to every request (an API key, say).
	Header http.Header
	// Known, if set, rejects answers that name a situation it does not
	// know (typically a Detector, whose labels also fill in missing ones),
	// so that the router and the scorer see only kinds their rules name.
	Known *Detector
	// Source names the classifier in each Match.Source that the service
	// leaves empty. Defaults to "http".
	Source string
	// MaxResponseBytes caps the answer read. Defaults to 1 MiB.
	MaxResponseBytes int64
}

// HTTPClassifier is a Classifier backed by a classification service (a
// statistical or language model behind HTTP). It POSTs
//
//	{"text": "...", "lang": "en", "followers": 120}
//
// as JSON to its URL and expects 200 with a Result as JSON:
//
//	{"situations": [{"kind": "account_takeover", "evidence": "changed my password"}]}
//
// It does not retry: wrap it with Fallback to the built-in Detector, or
// retry on (*HTTPError).Retryable. Safe for concurrent use.
type HTTPClassifier struct {
	url string
	cfg HTTPConfig
}

var _ Classifier = (*HTTPClassifier)(nil)

// NewHTTPClassifier returns a classifier that asks the service at url
// (http or https). cfg may be nil for the defaults.
func NewHTTPClassifier(url string, cfg *HTTPConfig) (*HTTPClassifier, error) {
	if !strings.HasPrefix(url, "http://") && !strings.HasPrefix(url, "https://") {
		return nil, fmt.Errorf("%w: HTTPClassifier: URL %q is not http or https", ErrInvalid, url)
	}
	c := HTTPConfig{}
	if cfg != nil {
		c = *cfg
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: 2 * time.Second}
	}
	if c.Source == "" {
		c.Source = "http"
	}
	if c.MaxResponseBytes < 0 {
		return nil, fmt.Errorf("%w: HTTPClassifier: MaxResponseBytes %d is negative", ErrInvalid, c.MaxResponseBytes)
	}
	if c.MaxResponseBytes == 0 {
		c.MaxResponseBytes = 1 << 20
	}
	c.Header = c.Header.Clone()
	return &HTTPClassifier{url: url, cfg: c}, nil
}

// Classify implements Classifier.
func (h *HTTPClassifier) Classify(ctx context.Context, in *Input) (Result, error) {
	if in == nil {
		return Result{}, nil
	}
	body, err := json.Marshal(struct {
		Text      string `json:"text"`
		Lang      string `json:"lang,omitempty"`
		Followers int    `json:"followers,omitempty"`
	}{in.Text, in.Lang, in.Followers})
	if err != nil {
		return Result{}, fmt.Errorf("%w: encoding the request: %w", ErrClassifier, err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.url, bytes.NewReader(body))
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrClassifier, err)
	}
	for k, v := range h.cfg.Header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	resp, err := h.cfg.Client.Do(req)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %w", ErrClassifier, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		e := &HTTPError{StatusCode: resp.StatusCode}
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
			e.RetryAfter = time.Duration(s) * time.Second
		}
		return Result{}, e
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, h.cfg.MaxResponseBytes+1))
	if err != nil {
		return Result{}, fmt.Errorf("%w: reading the answer: %w", ErrClassifier, err)
	}
	if int64(len(data)) > h.cfg.MaxResponseBytes {
		return Result{}, fmt.Errorf("%w: answer longer than %d bytes", ErrClassifier, h.cfg.MaxResponseBytes)
	}
	var r Result
	if err := json.Unmarshal(data, &r); err != nil {
		return Result{}, fmt.Errorf("%w: malformed answer: %w", ErrClassifier, err)
	}
	seen := map[Kind]bool{}
	out := r.Matches[:0]
	for i, m := range r.Matches {
		if !validKind(m.Kind) {
			return Result{}, fmt.Errorf("%w: situations[%d]: invalid kind %q", ErrClassifier, i, m.Kind)
		}
		if h.cfg.Known != nil {
			if !h.cfg.Known.Knows(m.Kind) {
				return Result{}, fmt.Errorf("%w: situations[%d]: unknown situation %q", ErrClassifier, i, m.Kind)
			}
			if m.Label == "" {
				m.Label = h.cfg.Known.Label(m.Kind)
			}
		}
		if seen[m.Kind] {
			continue // at most one match per kind
		}
		seen[m.Kind] = true
		if m.Source == "" {
			m.Source = h.cfg.Source
		}
		out = append(out, m)
	}
	r.Matches = out
	return r, nil
}
