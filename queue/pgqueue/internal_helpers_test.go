package pgqueue

import (
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/internal/pgtest"
)

// The PostgreSQL test helpers, for this package's tests and, through these
// test-only exports, for package pgqueue_test's.
var (
	TestDB     = testDB
	TestSchema = testSchema
)

// testDB connects to the test database named by
// SOCIALCARE_TEST_DATABASE_URL, or skips the test.
func testDB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	return pgtest.DB(t, "pgqueue", 20)
}

// testSchema creates a fresh migrated schema named prefix_<random>,
// dropped when the test ends.
func testSchema(t testing.TB, pool *pgxpool.Pool, prefix string) string {
	t.Helper()
	return pgtest.Schema(t, pool, prefix, Migrate)
}
