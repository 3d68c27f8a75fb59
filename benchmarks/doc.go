// Package benchmarks compares the PostgreSQL queue store (queue/pgqueue)
// with River (github.com/riverqueue/river) on the same database. It is a
// separate module so that the library never depends on River.
//
// Run (about 10 minutes; each case seeds BENCH_ITEMS items, default
// 300,000, and works them for BENCH_DURATION, default 30s, reporting the
// rate after a BENCH_WARMUP of 5s; run nothing else meanwhile):
//
//	cd benchmarks
//	SOCIALCARE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	    go test -run '^$' -bench . -benchtime 1x -timeout 30m
package benchmarks
