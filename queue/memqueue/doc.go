// Package memqueue is the in-memory queuedriver.Store: the default store of
// a single-process desk and the store of tests. It has the same semantics as
// every other store (it passes queuedrivertest): leases expire, affinity and
// capacity hold, and every operation is atomic. It is safe for concurrent
// use; nothing survives the process.
//
// # Structure and cost
//
// Items are found by key through a compact open-addressing index of 8-byte
// slots, at most half full (16 MiB at a million keys, where a Go map of
// strings takes about 40 bytes a key and misses the cache twice per
// lookup), behind a 32 KiB direct-mapped cache of recently used keys that
// a claim fills (kept once a store holds a few thousand items), so that
// the lease operations on a claimed item (heartbeats, complete, release)
// find it without a miss however many items wait.
// Claimable items are partitioned by (channel, team) into groups, each a
// B+tree of 24-byte slots (the rank, the enqueue time and the entry's
// number, so that ordering reads no entry) ordered by (Rank descending,
// EnqueuedAt, Key). A claim takes from the tree's best leaf, which stays
// in the cache, and an insert touches one leaf; so on a million waiting
// items a claim cycle misses the cache little more than on ten thousand:
// mostly on the claimed item's own entry. Claimed and Snoozed items sit in
// one timer heap ordered by lease expiry or snooze end; every call first
// moves the timers due at its Now into their group (each such move is
// O(log n), paid once per expiry). Each agent keeps the list of items it
// holds, so capacity checks and ReleaseAgent never scan the queue.
// With n items and g groups:
//
//   - Upsert, Update, Extend, Complete, Release, Reassign: O(log n). An Upsert of a
//     new key that fills the index to half doubles it: that call moves
//     every index slot once (a sequential pass; no key is hashed again),
//     so the cost is O(log n) amortized.
//   - Get, GetAgent, PutAgent: O(1).
//   - Claim: O(c + h + k + log n), where c is the number of groups
//     the filter's channels and teams select (a Filter naming both channels
//     and teams looks its groups up directly; one naming neither visits all
//     g groups), h is the claimer's held items (capacity check), and k is
//     the number of items in those groups that rank above the one served
//     but that the claimer may not take (another language, missing
//     skills, affinity to another agent). Groups whose best item ranks below
//     the best found so far are skipped at once.
//   - Count: O(c) when the filter names no languages and no item in the
//     selected groups needs skills; otherwise O(items in those groups).
//   - Stats: O(n) (the oldest waiting item is found by a scan; trees are
//     ordered by rank, not age).
//   - PurgeDone: O(k) for k items deleted (Done items are kept in a list
//     ordered by completion), plus a compaction now and then (see Memory):
//     O(n), amortized O(1) per item deleted.
//
// # Memory
//
// An item is kept in a compact entry of 216 bytes (times as Unix
// nanoseconds, channel and team shared by the group, skill lists interned,
// agents as pointers, keys of up to 24 bytes inline and longer ones carved
// out of shared chunks), allocated in chunks so that a million items are a
// few thousand objects for the garbage collector, plus 16 to 32 bytes of
// index and a tree slot (about 35 bytes with the leaves' free room). Tree
// nodes freed by merges are kept for later splits, so a steady stream of
// claims allocates nothing and starts no collection (which would scan
// every entry). BenchmarkMemoryPerItem reports the bytes per waiting item
// at one million items (278 on amd64); TestMemoryPerItem checks the
// 300-byte budget at 200,000. A Store holds at most 2³²−2 items.
// Operations return items by value, so a claim cycle (enqueue, claim,
// complete) allocates nothing.
//
// Completed (Done) items are kept, so that a new message re-opens them
// with their history, until PurgeDone (queuedriver.Purger; queue.Queue's
// Maintain calls it after queue.Config.DoneRetention) deletes them. A purged
// item leaves the key index and the recent-keys cache at once and drops
// its payload, but its entry stays in its chunk, unused: keys handed out
// in Items share the entries' bytes, which must never change. When purged
// entries make up a quarter of the store (and number at least 4096),
// PurgeDone compacts it: it copies the live entries into new chunks and
// renumbers them, holding the lock meanwhile (BenchmarkCompact: about half
// a second per million live items on a 2-vCPU VM, mostly the first writes
// to the new memory; 10 ms at ten thousand), and leaves the old chunks
// (purged entries and their long keys included) to the garbage collector.
// The store's memory thus stays within about a third above what its live
// items need (twice that during a compaction). A host with millions of
// items that cannot take such a pause now and then keeps its Done items (a
// negative queue.Config.DoneRetention). Groups and interned skill lists
// are never freed: there are as many as distinct (channel, team) pairs and
// skill lists.
//
// Times are kept with nanosecond precision and returned in UTC; times
// before 1678 or after 2262 are clamped to that range.
package memqueue
