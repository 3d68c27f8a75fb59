package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	osexec "os/exec"
	"strings"
	"testing"
	"time"
)

// runFor runs the example for d and checks that it serves the console at
// the URL it prints, then stops by itself.
func runFor(t *testing.T, o options) string {
	t.Helper()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(context.Background(), o, pw)
		pw.CloseWithError(err)
		done <- err
	}()
	rd := bufio.NewReader(pr)
	line, err := rd.ReadString('\n')
	if err != nil {
		t.Fatalf("no URL printed: %v", err)
	}
	url := strings.Fields(strings.TrimPrefix(line, "console: "))[0]
	if !strings.HasPrefix(url, "http://127.0.0.1:") || !strings.HasSuffix(url, "/console/") {
		t.Fatalf("unexpected first line %q", line)
	}
	resp, err := http.Get(url + "signin")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Ana Souza") {
		t.Fatalf("sign-in page: %d\n%s", resp.StatusCode, body)
	}
	rest, _ := io.ReadAll(rd)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the example did not stop by itself")
	}
	return line + string(rest)
}

func TestRunsInMemoryAndStops(t *testing.T) {
	out := runFor(t, options{addr: "127.0.0.1:0", run: 2 * time.Second, every: 100 * time.Millisecond, work: 300 * time.Millisecond})
	if !strings.Contains(out, "store: in memory") || !strings.Contains(out, "console: stopped;") {
		t.Fatalf("unexpected output:\n%s", out)
	}
}

func TestRunsOnPostgreSQL(t *testing.T) {
	db := os.Getenv("SOCIALCARE_TEST_DATABASE_URL")
	if db == "" {
		t.Skip("examples/console: SOCIALCARE_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL to run the console on pgqueue and pgcare")
	}
	schema := fmt.Sprintf("console_example_%d", os.Getpid())
	out := runFor(t, options{addr: "127.0.0.1:0", db: db, schema: schema, run: 2 * time.Second, every: 100 * time.Millisecond, work: 300 * time.Millisecond})
	if !strings.Contains(out, "store: PostgreSQL") {
		t.Fatalf("unexpected output:\n%s", out)
	}
	t.Cleanup(func() {
		_ = osexec.Command("psql", db, "-c", "DROP SCHEMA IF EXISTS "+schema+" CASCADE").Run()
	})
}
