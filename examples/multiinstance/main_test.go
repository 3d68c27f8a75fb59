package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// demoBinary builds the command once per test run, with the race detector
// when the tests have it.
func demoBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "multiinstance-test")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "multiinstance")
		args := []string{"build", "-o", binPath}
		if raceEnabled {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// databaseURL returns the test database's URL or skips the test.
func databaseURL(t *testing.T) string {
	t.Helper()
	url := os.Getenv("SOCIALCARE_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("multiinstance: SOCIALCARE_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL to run the desks")
	}
	return url
}

// runDemoBinary runs the demo with args in a schema of its own, dropped at
// the end, and returns its output; it fails the test unless the demo
// passed.
func runDemoBinary(t *testing.T, url, name string, args ...string) string {
	t.Helper()
	bin := demoBinary(t)
	schema := fmt.Sprintf("multiinstance_%s_%d", name, os.Getpid())
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		pool, err := pgxpool.New(ctx, url)
		if err != nil {
			return
		}
		defer pool.Close()
		_, _ = pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	var out bytes.Buffer
	cmd := exec.Command(bin, append([]string{"-demo", "-db", url, "-schema", schema}, args...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	t0 := time.Now()
	err := cmd.Run()
	took := time.Since(t0)
	require.NoError(t, err, "demo failed after %v:\n%s", took, out.String())
	for _, l := range strings.Split(out.String(), "\n") {
		if strings.HasPrefix(l, "demo: ") && !strings.HasPrefix(l, "demo: taken") { // the counts, not the progress
			t.Log(l)
		}
	}
	t.Logf("%s took %v", name, took.Round(time.Millisecond))
	return out.String()
}

// requireCounts checks the demo's printed counts for n conversations.
func requireCounts(t *testing.T, out string, n int) {
	t.Helper()
	require.Contains(t, out, fmt.Sprintf("demo: platform: %d/%d conversations answered exactly once", n, n))
	m := regexp.MustCompile(`redeliveries: (\d+) posted to another desk, (\d+) reported duplicate`).FindStringSubmatch(out)
	require.NotNil(t, m, out)
	require.Equal(t, m[1], m[2], "every redelivery reported duplicate")
	require.NotEqual(t, "0", m[1], "some webhooks were redelivered")
	require.Regexp(t, fmt.Sprintf(`first_response %d, replied 0, resolved \d+`, n), out[strings.Index(out, "demo: events:"):], "one reply per conversation")
	require.Contains(t, out, "demo: PASS")
	require.NotContains(t, out, "FAIL")
}

// TestDemo builds the command and runs its self-checking demo with three
// desk processes: every conversation answered once, whichever desk took
// its webhook.
func TestDemo(t *testing.T) {
	url := databaseURL(t)
	out := runDemoBinary(t, url, "demo", "-desks", "3", "-conversations", "150", "-timeout", "3m")
	// A desk that was never killed prints every event: each arrival once.
	require.Contains(t, out, "arrived 150,")
	requireCounts(t, out, 150)
}
