//go:build !unix

package care_test

import "time"

// cpuTime cannot be read here: benchmarks report no CPU time.
func cpuTime() (time.Duration, bool) { return 0, false }
