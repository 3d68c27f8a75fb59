package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRun runs the sample.
func TestRun(t *testing.T) {
	require.NoError(t, run(context.Background()))
}

// TestREADMEShowsThisCode fails when the README's "Embed the desk" block
// and run differ: the README shows code that compiles and runs.
func TestREADMEShowsThisCode(t *testing.T) {
	src, err := os.ReadFile("main.go")
	require.NoError(t, err)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	code := between(t, string(src), "// README:begin\n", "\n// README:end")
	block := between(t, string(readme), "<!-- embed:begin -->\n```go\n", "```\n<!-- embed:end -->")
	require.Equal(t, strings.TrimSpace(code), strings.TrimSpace(block),
		"README.md's embed block must be examples/embed/main.go's run, between its README markers")
}

func between(t *testing.T, s, from, to string) string {
	t.Helper()
	i := strings.Index(s, from)
	require.GreaterOrEqual(t, i, 0, "marker %q", from)
	j := strings.Index(s[i+len(from):], to)
	require.GreaterOrEqual(t, j, 0, "marker %q", to)
	return s[i+len(from) : i+len(from)+j]
}
