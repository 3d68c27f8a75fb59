package pgcare_test

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInMemoryPathDoesNotCompilePgx: only pgcare imports pgx, so that a
// host that keeps its desk in memory does not compile it.
func TestInMemoryPathDoesNotCompilePgx(t *testing.T) {
	t.Parallel()
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("pgcare: the go command is not on PATH")
	}
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-deps",
		"github.com/socialcare/socialcare/care",
		"github.com/socialcare/socialcare/care/caredrivertest",
		"github.com/socialcare/socialcare/care/caretest",
	).CombinedOutput()
	require.NoError(t, err, "%s", out)
	for _, pkg := range strings.Fields(string(out)) {
		require.NotContains(t, pkg, "github.com/jackc/", "the in-memory path compiles %s", pkg)
	}
}
