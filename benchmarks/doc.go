// Package benchmarks compares the PostgreSQL queue store (queue/pgqueue)
// with River (github.com/riverqueue/river) on the same database. It is a
// separate module so that the library never depends on River.
//
// BenchmarkClaimComplete runs, at 1, 4 and 16 workers, four cases one
// after another on the same database: river (a River client with that many
// workers working no-op jobs), pgqueue (each worker calls Claim then
// Complete, one item at a time), pgqueue-fused (each worker calls
// CompleteAndClaim, which completes its item and claims the next in one
// commit) and pgqueue-batch10 (ClaimBatch and CompleteBatch, ten items at a
// time). Each case seeds BENCH_ITEMS items (default 300,000) and works them
// for BENCH_DURATION (default 30s), reporting items/s after a BENCH_WARMUP
// (default 5s). The full run takes about 15 minutes; run nothing else
// meanwhile:
//
//	cd benchmarks
//	SOCIALCARE_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	    go test -run '^$' -bench . -benchtime 1x -timeout 30m
//
// On a shared machine, shorter cases repeated several times give
// benchstat more samples; the figures in pgqueue's package doc were taken
// so (about 20 minutes):
//
//	BENCH_ITEMS=100000 BENCH_DURATION=10s BENCH_WARMUP=2s \
//	    go test -run '^$' -bench . -benchtime 1x -count 6 -timeout 60m | tee /tmp/queue.txt
//	go run golang.org/x/perf/cmd/benchstat@latest -col /impl /tmp/queue.txt
//
// River's workers do not wait for their completions to commit (its
// completer batches them in the background), so a River job waits for one
// commit and pgqueue's Claim then Complete for two; pgqueue-fused waits for
// one.
package benchmarks
