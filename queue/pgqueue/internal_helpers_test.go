package pgqueue

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/require"
)

// internalPool connects the package's own tests to the test database, or
// skips the test (see helpers_test.go for the external tests' twin).
func internalPool(t *testing.T) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv("SOCIALCARE_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("pgqueue: SOCIALCARE_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests")
	}
	pool, err := pgxpool.New(context.Background(), url)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// internalSchema creates a fresh migrated schema named prefix_<random>,
// dropped when the test ends.
func internalSchema(t *testing.T, pool *pgxpool.Pool, prefix string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + "_" + hex.EncodeToString(b[:])
	require.NoError(t, Migrate(context.Background(), pool, schema))
	t.Cleanup(func() {
		_, _ = pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE")
	})
	return schema
}
