package pgcare

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

// The PostgreSQL test helpers, for this package's tests and, through these
// test-only exports, for package pgcare_test's.
var (
	TestDB     = testDB
	TestSchema = testSchema
)

// testDB connects to the test database named by
// SOCIALCARE_TEST_DATABASE_URL, or skips the test.
func testDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv("SOCIALCARE_TEST_DATABASE_URL")
	if url == "" {
		t.Skip("pgcare: SOCIALCARE_TEST_DATABASE_URL is not set; set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests")
	}
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.MaxConns = 10
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// testSchema creates a fresh migrated schema named prefix_<random>,
// dropped when the test ends.
func testSchema(t testing.TB, pool *pgxpool.Pool, prefix string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + "_" + hex.EncodeToString(b[:])
	require.NoError(t, Migrate(context.Background(), pool, schema))
	t.Cleanup(func() {
		if _, err := pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}
