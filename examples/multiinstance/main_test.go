package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDemo builds the command and runs its self-checking demo: two desk
// processes share one queue and handle every conversation exactly once.
func TestDemo(t *testing.T) {
	url := os.Getenv("SOCIALCARE_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("multiinstance: SOCIALCARE_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL to run the two-desk demo")
	}
	bin := filepath.Join(t.TempDir(), "multiinstance")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatal(err)
	}
	schema := fmt.Sprintf("multiinstance_test_%d", os.Getpid())
	var out bytes.Buffer
	cmd := exec.CommandContext(context.Background(), bin, "-db", url, "-schema", schema, "-demo", "-enqueue", "60", "-work", "5ms", "-idle", "1s")
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if err != nil {
		t.Fatalf("demo failed: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "demo: 60 conversations, each handled exactly once") {
		t.Fatalf("unexpected output:\n%s", out.String())
	}
	t.Cleanup(func() {
		_ = exec.Command("psql", url, "-c", "DROP SCHEMA IF EXISTS "+schema+" CASCADE").Run()
	})
}
