// Package devdata finds and reads the project's real data set
// (../shared/data/twitter-care/dev.json beside the module root) for tests
// and benchmarks, skipping them when the file is absent. The data is never
// copied into the module.
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

// Path returns the path of dev.json. It skips tb with a clear message when
// the module root or the file cannot be found.
func Path(tb testing.TB) string {
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
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("devdata: real data set %s is absent (it is not shipped with the module); skipping: %v", path, err)
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
	b := Read(tb)
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
		tb.Fatalf("devdata: dev.json: %v", err)
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
		tb.Fatal("devdata: dev.json has no customer messages")
	}
	return out
}
