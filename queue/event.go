package queue

import "time"

// EventKind says what happened to an item's ownership.
type EventKind uint8

// Event kinds.
const (
	// EventClaim: Agent claimed the item.
	EventClaim EventKind = iota + 1
	// EventComplete: Agent completed the item.
	EventComplete
	// EventRelease: Agent put the item back in the queue.
	EventRelease
	// EventSnooze: Agent snoozed the item until Until.
	EventSnooze
	// EventTransferTeam: Agent moved the item to Team.
	EventTransferTeam
	// EventTransferAgent: From handed the item to Agent.
	EventTransferAgent
	// EventSteal: Agent took the item from From (empty if nobody held it)
	// for Reason.
	EventSteal
	// EventExpire: Agent's lease expired (seen by Maintain or the lease's
	// timer) or was found lost by an operation on it.
	EventExpire
	// EventOfflineRelease: Agent was offline longer than
	// Config.OfflineGrace and Maintain put the item back.
	EventOfflineRelease
)

// String returns the kind's name.
func (k EventKind) String() string {
	switch k {
	case EventClaim:
		return "claim"
	case EventComplete:
		return "complete"
	case EventRelease:
		return "release"
	case EventSnooze:
		return "snooze"
	case EventTransferTeam:
		return "transfer-team"
	case EventTransferAgent:
		return "transfer-agent"
	case EventSteal:
		return "steal"
	case EventExpire:
		return "expire"
	case EventOfflineRelease:
		return "offline-release"
	}
	return "unknown"
}

// Event is one change of ownership, passed to Config.OnEvent.
type Event struct {
	// Kind says what happened.
	Kind EventKind
	// Key is the item's key.
	Key string
	// Agent is the agent who acted (the new holder for claims, steals and
	// transfers to an agent; the holder who let go otherwise).
	Agent string
	// From is the previous holder, for steals and transfers to an agent.
	From string
	// Reason is the reason given for a steal.
	Reason string
	// Team is the destination of a transfer to a team.
	Team string
	// Until is the end of a snooze.
	Until time.Time
	// At is when it happened, by the queue's clock.
	At time.Time
}
