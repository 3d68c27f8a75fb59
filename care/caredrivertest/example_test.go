package caredrivertest_test

import (
	"fmt"
	"strings"

	"github.com/socialcare/socialcare/care/caredrivertest"
)

// A store runs the whole suite from a test of its own package:
//
//	func TestConformance(t *testing.T) {
//		caredrivertest.RunConformanceTests(t, func(t *testing.T) care.Store {
//			return care.NewMemStore()
//		})
//	}
//
// Names lists what it checks.
func ExampleNames() {
	fmt.Println(strings.Join(caredrivertest.Names(), "\n"))
	// Output:
	// RoundTrip
	// Copies
	// Versions
	// UnknownConversation
	// Duplicate
	// DedupExpiry
	// OpenConversations
	// MarkAcknowledged
	// FollowUps
	// Boomerangs
	// Purge
	// PurgeLimit
	// PurgeOutOfOrder
	// ConcurrentSaves
	// NoLostUpdate
	// ConcurrentDedup
	// ConcurrentOnce
	// Mark
	// Changes
	// ConcurrentChanges
	// Lead
}

// Populated and Diff serve a store's own tests: the fixture sets every
// field, and Diff compares times with Equal.
func ExampleDiff() {
	want := caredrivertest.Conversation("x:brand:1")
	got := want.Clone()
	got.Transcript[1].Text = "edited"
	fmt.Println(caredrivertest.Populated(want))
	fmt.Println(caredrivertest.Diff(want, got))
	// Output:
	// care.Conversation.Version
	// care.Conversation.Transcript[1].Text: got edited, want Sorry! DM us. ^ana
}
