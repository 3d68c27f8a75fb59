package care

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/sla"
)

// cloneDecision's slices share one array each for strings and
// escalations: the copy equals the original (nil and empty kept apart),
// and appending to or writing one of its slices touches neither the
// original nor the copy's other slices.
func TestCloneDecisionSlicesStayApart(t *testing.T) {
	t.Parallel()
	orig := &Decision{
		Loop: Loop{Name: "care", Escalation: []Escalation{{To: "leads"}}}, Route: "r",
		Topics: []string{"refund"}, Reasons: []string{}, // empty, not nil
		Inform: []Notice{{Loop: Loop{Name: "legal", Escalation: []Escalation{{To: "counsel"}}}, Reasons: []string{"threat", "lawyer"}}, {Loop: Loop{Name: "pr"}}},
	}
	want := *cloneDecision(orig)
	cp := cloneDecision(orig)
	require.Equal(t, *orig, *cp)
	require.NotNil(t, cp.Reasons)
	require.Nil(t, cp.Situations)
	require.Nil(t, cp.Inform[1].Reasons)

	cp.Topics = append(cp.Topics, "changed")
	cp.Reasons = append(cp.Reasons, "changed")
	cp.Loop.Escalation = append(cp.Loop.Escalation, Escalation{To: "changed"})
	cp.Inform[0].Reasons[0] = "changed"
	require.Equal(t, []string{"refund", "changed"}, cp.Topics)
	require.Equal(t, []string{"changed"}, cp.Reasons)
	require.Equal(t, []string{"changed", "lawyer"}, cp.Inform[0].Reasons)
	require.Equal(t, []Escalation{{To: "counsel"}}, cp.Inform[0].Loop.Escalation)
	require.Equal(t, want, *orig, "the original")
}

// clone's string slices share one array too: the copy equals the original
// (nil and empty kept apart), and appending to one of its slices touches
// neither the original nor the copy's others.
func TestCloneConversationSlicesStayApart(t *testing.T) {
	t.Parallel()
	orig := &Conversation{Key: "x:brand:1", Aliases: []string{"messenger:brand:9"}, Informed: []string{}, Transcript: []Turn{{ID: "m1"}},
		Messages: []channel.Message{{ID: "m1"}},
		Policy:   sla.Policy{Name: "p", Channels: []string{"x", "facebook"}, Teams: []string{"care"}}}
	want := orig.clone()
	cp := orig.clone()
	require.Equal(t, *orig, cp)
	require.NotNil(t, cp.Informed)
	require.Nil(t, cp.Policy.Bands)
	cp.Policy.Channels = append(cp.Policy.Channels, "changed")
	cp.Aliases = append(cp.Aliases, "changed")
	cp.Informed = append(cp.Informed, "changed")
	require.Equal(t, []string{"care"}, cp.Policy.Teams)
	require.Equal(t, []string{"messenger:brand:9", "changed"}, cp.Aliases)
	require.Equal(t, want, *orig, "the original")
}
