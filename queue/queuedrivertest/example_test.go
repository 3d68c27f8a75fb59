package queuedrivertest_test

import (
	"fmt"
	"strings"

	"github.com/socialcare/socialcare/queue/queuedrivertest"
)

// A store runs the whole suite from a test of its own package:
//
//	func TestConformance(t *testing.T) {
//		queuedrivertest.RunConformanceTests(t, func(t *testing.T) queuedriver.Store {
//			return memqueue.New()
//		})
//	}
//
// Names lists what it checks.
func ExampleNames() {
	fmt.Println(strings.Join(queuedrivertest.Names(), "\n"))
	// Output:
	// Ordering
	// Rescore
	// UpsertByKey
	// UpsertClaimed
	// Reopen
	// Filters
	// Capacity
	// Affinity
	// LeaseExpiry
	// ErrLeaseLost
	// Extend
	// Snooze
	// TransferToTeam
	// Reassign
	// ReleaseAgent
	// CountAndStats
	// Agents
	// ConcurrentClaimers
	// Unanswered
	// UpdateWaiting
	// UpdateRank
	// UpdateClaimed
	// UpdateSnoozed
	// UpdateNotFound
	// PurgeDone
	// PurgeLimit
	// PurgeReupsert
	// List
}
