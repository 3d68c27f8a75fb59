package sla_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/sla"
)

type dataConversation struct {
	DialogHeader struct {
		Company string `json:"company"`
	} `json:"dialogHeader"`
	DialogContent []struct {
		Client   string    `json:"client"`
		Agent    string    `json:"agent"`
		Datetime time.Time `json:"datetime"`
	} `json:"dialogContent"`
}

func loadDev(t *testing.T) []dataConversation {
	t.Helper()
	b := devdata.Read(t)
	var out []dataConversation
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// TestRealConversations replays the 525 X care conversations through a
// Clock on the 24/7 default policy and on a business-hours policy (US
// Central, split shifts, US holidays), and checks that business time never
// exceeds elapsed time and that every replied conversation is measured.
func TestRealConversations(t *testing.T) {
	t.Parallel()
	convs := loadDev(t)
	always := sla.DefaultPolicies().Match("x")
	business := always
	business.Name, business.Calendar = "x-business", chicagoSplit(t)
	var att sla.Attainment
	replied := 0
	for _, c := range convs {
		if len(c.DialogContent) == 0 || c.DialogContent[0].Client == "" {
			continue
		}
		start := c.DialogContent[0].Datetime
		clocks := []*sla.Clock{sla.NewClock(always, start), sla.NewClock(business, start)}
		got := false
		for _, turn := range c.DialogContent[1:] {
			for _, clk := range clocks {
				if turn.Agent != "" {
					for _, m := range clk.Reply(turn.Datetime, sla.Response) {
						m.Channel, m.Agent = "x", c.DialogHeader.Company
						att.Record(m)
					}
				} else {
					clk.CustomerMessage(turn.Datetime)
				}
			}
			got = got || turn.Agent != ""
		}
		if got {
			replied++
		}
	}
	byPolicy := att.GroupBy(sla.ByPolicy)
	require.Len(t, byPolicy, 2)
	wall, biz := byPolicy[0].Summaries, byPolicy[1].Summaries
	require.Equal(t, "x", byPolicy[0].Key)
	require.Equal(t, replied, wall[0].Count, "one acknowledgement per replied conversation")
	require.Equal(t, wall[0].Count, biz[0].Count)
	require.LessOrEqual(t, biz[0].P50, wall[0].P50, "business time never exceeds elapsed time")
	require.LessOrEqual(t, biz[0].P90, wall[0].P90)
	for _, s := range append(wall, biz...) {
		t.Logf("%-15s n=%3d met=%5.1f%% p50=%v p90=%v p99=%v", s.Target, s.Count, s.Percent(), s.P50, s.P90, s.P99)
	}
	require.Greater(t, len(att.GroupBy(sla.ByAgent)), 10, "companies")
}
