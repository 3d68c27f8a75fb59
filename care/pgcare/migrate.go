package pgcare

import (
	"context"
	"embed"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/socialcare/socialcare/internal/pgmigrate"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migrations runs this package's embedded migrations, recording them in
// each schema's care_migration table.
var migrations = &pgmigrate.Runner{
	Name:    "pgcare",
	FS:      migrationFS,
	Table:   "care_migration",
	Invalid: ErrInvalid,
	MapErr:  mapErr,
}

// LatestVersion is the schema version that Migrate brings a database to.
const LatestVersion = 4

// Migrate creates schema if needed and applies every migration not yet
// applied to it, each in its own transaction. An empty schema means
// "public". Concurrent calls on the same schema are serialized by an
// advisory lock, so every instance of a host may call Migrate at start-up.
func Migrate(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	return MigrateTo(ctx, pool, schema, LatestVersion)
}

// MigrateTo moves schema up or down to version (0 removes every table
// pgcare created; the schema itself and its migration table stay).
func MigrateTo(ctx context.Context, pool *pgxpool.Pool, schema string, version int) error {
	return migrations.MigrateTo(ctx, pool, schema, version)
}

// SchemaVersion returns the version schema is at (0 if never migrated).
func SchemaVersion(ctx context.Context, pool *pgxpool.Pool, schema string) (int, error) {
	return migrations.SchemaVersion(ctx, pool, schema)
}
