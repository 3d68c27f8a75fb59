// Package pgmigrate is the versioned schema migration runner that pgqueue and
// pgcare share: embedded up/down SQL files named NNN_name.up.sql and
// NNN_name.down.sql, applied one per transaction under a per-schema advisory
// lock, with the applied versions kept in a table of the schema.
//
// It imports pgx, so only the PostgreSQL stores may import it: the in-memory
// path must not compile pgx.
package pgmigrate

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Runner migrates the schemas of one package. Its fields are set once; a
// Runner is then safe for concurrent use.
type Runner struct {
	// Name is the calling package's name ("pgcare"): it prefixes the
	// errors the Runner makes itself, and the advisory lock key
	// (Name+".migrate."+schema).
	Name string
	// FS holds the migrations in its directory "migrations".
	FS fs.FS
	// Table is the migration table's name in each schema
	// ("care_migration").
	Table string
	// Invalid, if not nil, is wrapped by the errors for a bad argument
	// (a nil pool, a version out of range).
	Invalid error
	// MapErr wraps a database error for op, at the calling package's
	// boundary.
	MapErr func(op string, err error) error
}

// migration is one versioned step of the schema.
type migration struct {
	version  int
	name     string
	up, down string
}

// load reads the migrations, ordered by version.
func (r *Runner) load() ([]migration, error) {
	entries, err := fs.ReadDir(r.FS, "migrations")
	if err != nil {
		return nil, fmt.Errorf("%s: read migrations: %w", r.Name, err)
	}
	byVersion := map[int]*migration{}
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(name, "_")
		if !ok {
			return nil, fmt.Errorf("%s: migration %q: no version prefix", r.Name, name)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("%s: migration %q: %w", r.Name, name, err)
		}
		body, err := fs.ReadFile(r.FS, "migrations/"+name)
		if err != nil {
			return nil, fmt.Errorf("%s: read migration %q: %w", r.Name, name, err)
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
			return nil, fmt.Errorf("%s: migration %q: want .up.sql or .down.sql", r.Name, name)
		}
	}
	ms := make([]migration, 0, len(byVersion))
	for _, m := range byVersion {
		if m.up == "" || m.down == "" {
			return nil, fmt.Errorf("%s: migration %d lacks its up or down file", r.Name, m.version)
		}
		ms = append(ms, *m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("%s: migrations are not numbered 1..n: found %d at position %d", r.Name, m.version, i+1)
		}
	}
	return ms, nil
}

// invalid returns the error for a bad argument, described by msg.
func (r *Runner) invalid(msg string) error {
	if r.Invalid != nil {
		return fmt.Errorf("%w: %s", r.Invalid, msg)
	}
	return errors.New(r.Name + ": " + msg)
}

// MigrateTo moves schema up or down to version (0 removes every table the
// migrations created; the schema itself and its migration table stay),
// creating schema and its migration table if needed. An empty schema means
// "public". Each step runs in its own transaction under the schema's
// advisory lock, so concurrent calls on the same schema are serialized.
func (r *Runner) MigrateTo(ctx context.Context, pool *pgxpool.Pool, schema string, version int) error {
	if pool == nil {
		return r.invalid("migrate: pool is nil")
	}
	ms, err := r.load()
	if err != nil {
		return err
	}
	if version < 0 || version > len(ms) {
		return r.invalid(fmt.Sprintf("migrate: version %d out of range 0..%d", version, len(ms)))
	}
	if schema == "" {
		schema = "public"
	}
	if err := r.createTable(ctx, pool, schema); err != nil {
		return err
	}
	for {
		done, err := r.step(ctx, pool, schema, ms, version)
		if err != nil || done {
			return err
		}
	}
}

// lockKey is the advisory lock key of schema's migrations.
func (r *Runner) lockKey(schema string) string { return r.Name + ".migrate." + schema }

// createTable creates schema and its migration table if needed, under the
// schema's advisory lock, so that concurrent first migrations do not race
// on the catalog.
func (r *Runner) createTable(ctx context.Context, pool *pgxpool.Pool, schema string) error {
	q := pgx.Identifier{schema}.Sanitize()
	return r.MapErr("migrate: create migration table", pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", r.lockKey(schema)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, "CREATE SCHEMA IF NOT EXISTS "+q); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+q+"."+pgx.Identifier{r.Table}.Sanitize()+` (
			version    integer     PRIMARY KEY,
			name       text        NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`)
		return err
	}))
}

// step applies one migration towards target in a transaction that holds the
// schema's advisory lock; it reports whether target is reached.
func (r *Runner) step(ctx context.Context, pool *pgxpool.Pool, schema string, ms []migration, target int) (bool, error) {
	q := pgx.Identifier{schema}.Sanitize()
	table := pgx.Identifier{schema, r.Table}.Sanitize()
	tx, err := pool.Begin(ctx)
	if err != nil {
		return false, r.MapErr("migrate: begin", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock(hashtext($1))", r.lockKey(schema)); err != nil {
		return false, r.MapErr("migrate: lock", err)
	}
	var cur int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+table).Scan(&cur); err != nil {
		return false, r.MapErr("migrate: read version", err)
	}
	if cur > len(ms) {
		return false, fmt.Errorf("%s: migrate: schema %s is at version %d, newer than this code (%d)", r.Name, schema, cur, len(ms))
	}
	switch {
	case cur == target:
		return true, nil
	case cur < target:
		m := ms[cur]
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.up, "{{schema}}", q)); err != nil {
			return false, r.MapErr(fmt.Sprintf("migrate: up %d_%s", m.version, m.name), err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+table+" (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return false, r.MapErr("migrate: record version", err)
		}
	default:
		m := ms[cur-1]
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.down, "{{schema}}", q)); err != nil {
			return false, r.MapErr(fmt.Sprintf("migrate: down %d_%s", m.version, m.name), err)
		}
		if _, err := tx.Exec(ctx, "DELETE FROM "+table+" WHERE version = $1", m.version); err != nil {
			return false, r.MapErr("migrate: record version", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return false, r.MapErr("migrate: commit", err)
	}
	return false, nil
}

// SchemaVersion returns the version schema is at (0 if never migrated). An
// empty schema means "public".
func (r *Runner) SchemaVersion(ctx context.Context, pool *pgxpool.Pool, schema string) (int, error) {
	if schema == "" {
		schema = "public"
	}
	table := pgx.Identifier{schema, r.Table}.Sanitize()
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", table).Scan(&exists); err != nil {
		return 0, r.MapErr("schema version", err)
	}
	if !exists {
		return 0, nil
	}
	var v int
	err := pool.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+table).Scan(&v)
	return v, r.MapErr("schema version", err)
}
