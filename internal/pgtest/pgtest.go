// Package pgtest holds the PostgreSQL test helpers of pgqueue and pgcare:
// a pool on the test database, or a skip when none is configured, and a
// fresh migrated schema per test.
//
// Only tests import it.
package pgtest

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

// URLVar names the environment variable that holds the test database's URL.
const URLVar = "SOCIALCARE_TEST_DATABASE_URL"

// DB connects to the test database named by SOCIALCARE_TEST_DATABASE_URL
// with a pool of at most maxConns connections, closed when the test ends, or
// skips the test with a message prefixed by pkg, the calling package's name.
func DB(t testing.TB, pkg string, maxConns int32) *pgxpool.Pool {
	t.Helper()
	url := os.Getenv(URLVar)
	if url == "" {
		t.Skip(pkg + ": " + URLVar + " is not set; set it to a PostgreSQL URL (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run the PostgreSQL tests")
	}
	cfg, err := pgxpool.ParseConfig(url)
	require.NoError(t, err)
	cfg.MaxConns = maxConns
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	require.NoError(t, err)
	t.Cleanup(pool.Close)
	return pool
}

// Schema creates a fresh schema named prefix_<random>, brings it up with
// migrate, and drops it when the test ends.
func Schema(t testing.TB, pool *pgxpool.Pool, prefix string, migrate func(ctx context.Context, pool *pgxpool.Pool, schema string) error) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := prefix + "_" + hex.EncodeToString(b[:])
	require.NoError(t, migrate(context.Background(), pool, schema))
	t.Cleanup(func() {
		if _, err := pool.Exec(context.Background(), "DROP SCHEMA "+pgx.Identifier{schema}.Sanitize()+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return schema
}
