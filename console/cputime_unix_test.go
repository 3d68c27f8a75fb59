//go:build unix

package console_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used (user and system): on
// a machine shared with other work, CPU per operation varies less than
// wall time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
