// Package devdata reads the customer messages of the project's real data
// set (../shared/data/twitter-care/dev.json beside the module root) for
// tests and benchmarks, skipping them when the file is absent.
package devdata

import (
	"encoding/json"
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

// Messages returns every customer message of dev.json, in file order. It
// skips tb with a clear message when the module root or the file cannot be
// found, and fails tb when the file is unreadable or malformed.
func Messages(tb testing.TB) []Message {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatalf("devdata: %v", err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Skip("devdata: go.mod not found above the working directory; skipping the real-data test")
		}
		dir = parent
	}
	path := filepath.Join(dir, "..", "shared", "data", "twitter-care", "dev.json")
	b, err := os.ReadFile(path)
	if os.IsNotExist(err) {
		tb.Skipf("devdata: real data set %s is absent; skipping", path)
	}
	if err != nil {
		tb.Fatalf("devdata: %v", err)
	}
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
		tb.Fatalf("devdata: %s: %v", path, err)
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
		tb.Fatalf("devdata: %s has no customer messages", path)
	}
	return out
}
