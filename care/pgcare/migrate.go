package pgcare

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one versioned step of the schema.
type migration struct {
	version  int
	name     string
	up, down string
}

// loadMigrations reads the embedded migrations, ordered by version.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("pgcare: read migrations: %w", err)
	}
	byVersion := map[int]*migration{}
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("pgcare: migration %q: no version prefix", name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("pgcare: migration %q: %w", name, err)
		}
		body, err := migrationFS.ReadFile("migrations/" + name)
		if err != nil {
			return nil, fmt.Errorf("pgcare: read migration %q: %w", name, err)
		}
		m := byVersion[v]
		if m == nil {
			m = &migration{version: v}
			byVersion[v] = m
		}
		switch {
		case strings.HasSuffix(rest, ".up.sql"):
			m.name, m.up = strings.TrimSuffix(rest, ".up.sql"), string(body)
		case strings.HasSuffix(rest, ".down.sql"):
			m.down = string(body)
		default:
			return nil, fmt.Errorf("pgcare: migration %q: want .up.sql or .down.sql", name)
		}
	}
	ms := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.up == "" || m.down == "" {
			return nil, fmt.Errorf("pgcare: migration %d lacks its up or down file", m.version)
		}
		ms = append(ms, *m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("pgcare: migrations are not numbered 1..n: found %d at position %d", m.version, i+1)
		}
	}
	return ms, nil
}

// LatestVersion is the schema version that Migrate brings a database to.
const LatestVersion = 1

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
	if pool == nil {
		return fmt.Errorf("%w: migrate: pool is nil", ErrInvalid)
	}
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	if version < 0 || version > len(ms) {
		return fmt.Errorf("%w: migrate: version %d out of range 0..%d", ErrInvalid, version, len(ms))
	}
	if schema == "" {
		schema = "public"
	}
	if err := createMigrationTable(ctx, pool, schema); err != nil {
		return err
	}
	for {
		done, err := migrateStep(ctx, pool, schema, ms, version)
		if err != nil || done {
			return err
		}
	}
}

// createMigrationTable creates schema and its care_migration table if
// needed, under the schema's advisory lock, so that concurrent first
// migrations do not race on the catalog.
func createMigrationTable(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	q := pgx.Identifier{schema}.Sanitize()
	return mapErr("migrate: create migration table", pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", "pgcare.migrate."+schema); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+q); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+q+`.care_migration (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`)
		return err
	}))
}

// migrateStep applies one migration towards target in a transaction that
// holds the schema's advisory lock; it reports whether target is reached.
func migrateStep(ctx context.Context, pool *pgxpool.Pool, schema string, ms []migration, target int) (bool, error) {
	q := pgx.Identifier{schema}.Sanitize()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, mapErr("migrate: begin", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", "pgcare.migrate."+schema); err != nil {
		return false, mapErr("migrate: lock", err)
	}
	var cur int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+q+".care_migration").Scan(&cur); err != nil {
		return false, mapErr("migrate: read version", err)
	}
	if cur > len(ms) {
		return false, fmt.Errorf("pgcare: migrate: schema %s is at version %d, newer than this code (%d)", schema, cur, len(ms))
	}
	switch {
	case cur == target:
		return true, nil
	case cur < target:
		m := ms[cur]
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.up, "{{schema}}", q)); err != nil {
			return false, mapErr(fmt.Sprintf("migrate: up %d_%s", m.version, m.name), err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+q+".care_migration (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return false, mapErr("migrate: record version", err)
		}
	default:
		m := ms[cur-1]
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.down, "{{schema}}", q)); err != nil {
			return false, mapErr(fmt.Sprintf("migrate: down %d_%s", m.version, m.name), err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM "+q+".care_migration WHERE version = $1", m.version); err != nil {
			return false, mapErr("migrate: record version", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return false, mapErr("migrate: commit", err)
	}
	return false, nil
}

// SchemaVersion returns the version schema is at (0 if never migrated).
func SchemaVersion(ctx context.Context, pool *pgxpool.Pool, schema string) (int, error) {
	if schema == "" {
		schema = "public"
	}
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", pgx.Identifier{schema, "care_migration"}.Sanitize()).Scan(&exists); err != nil {
		return 0, mapErr("schema version", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+pgx.Identifier{schema, "care_migration"}.Sanitize()).Scan(&v)
	return v, mapErr("schema version", err)
}
