// Package devdata finds and reads the project's real data set, X/Twitter
// customer-care conversations kept outside the module at
// ../shared/data/twitter-care/dev.json beside the module root, for tests,
// benchmarks and the project's own tools. Users' clones do not have it:
// tests that use it skip with a clear message when it is absent, and must
// also pass on data the project generates. The data is never copied into
// the module.
package devdata

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Message is one customer turn.
type Message struct {
	Company string
	Client  string
	Text    string
}

// Find returns the path of dev.json, looking above the working directory
// for the module root. The error says what is missing.
func Find() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("devdata: %w", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			// Beside this go.mod; if not, go on up: a nested module
			// (a tool's) sits under the root.
			path := filepath.Join(dir, "..", "shared", "data", "twitter-care", "dev.json")
			if _, err := os.Stat(path); err == nil {
				return path, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("devdata: ../shared/data/twitter-care/dev.json not found beside any module root above the working directory (it is not shipped with the module)")
		}
		dir = parent
	}
}

// Path returns the path of dev.json. It skips tb with a clear message when
// the file cannot be found.
func Path(tb testing.TB) string {
	tb.Helper()
	path, err := Find()
	if err != nil {
		tb.Skipf("%v; skipping the real-data test", err)
	}
	return path
}

// Read returns the bytes of dev.json, skipping tb like Path.
func Read(tb testing.TB) []byte {
	tb.Helper()
	path := Path(tb)
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatalf("devdata: %v", err)
	}
	return b
}

// Messages returns every customer message of dev.json, in file order. It
// skips tb like Path and fails tb when the file is unreadable or
// malformed.
func Messages(tb testing.TB) []Message {
	tb.Helper()
	out, err := Parse(Read(tb))
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// Parse returns every customer message of the dev.json bytes b, in file
// order.
func Parse(b []byte) ([]Message, error) {
	var convs []struct {
		DialogContent []struct {
			Client  string `json:"client"`
			Message string `json:"message"`
		} `json:"dialogContent"`
		DialogHeader struct {
			Company string `json:"company"`
		} `json:"dialogHeader"`
	}
	if err := json.Unmarshal(b, &convs); err != nil {
		return nil, fmt.Errorf("devdata: dev.json: %w", err)
	}
	var out []Message
	for _, c := range convs {
		for _, t := range c.DialogContent {
			if t.Client != "" {
				out = append(out, Message{Company: c.DialogHeader.Company, Client: t.Client, Text: t.Message})
			}
		}
	}
	if len(out) == 0 {
		return nil, errors.New("devdata: dev.json has no customer messages")
	}
	return out, nil
}
