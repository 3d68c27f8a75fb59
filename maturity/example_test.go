package maturity_test

import (
	"fmt"

	"github.com/socialcare/socialcare/maturity"
)

func ExampleAssess() {
	r, err := maturity.Assess(maturity.Input{
		Questionnaire: maturity.Questionnaire{
			DedicatedStaff:   3,
			HoursPerWeek:     120,
			ExecutiveReports: maturity.ReportsMonthly,
			EarlyAdoption:    maturity.AdoptsMainstream,
			Channels:         4,
		},
		// The desk measured that 30 of 100 conversations were resolved
		// without leaving the social channel.
		Measured: &maturity.Measured{Conversations: 100, ResolvedInChannel: 30},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s (investment %.1f, innovation %.1f)\n", r.Quadrant, r.Investment, r.Innovation)
	for _, rec := range r.Recommendations {
		fmt.Println("-", rec)
	}
	// Output:
	// Conservatives (investment 88.9, innovation 49.7)
	// - Invest more gradually in social training of your support teams.
	// - Engage privately to reduce public venting.
}

func ExampleProfileOf() {
	fmt.Println(maturity.ProfileOf(7, 0.02), maturity.ProfileOf(6, 0.02))
	fmt.Println(maturity.ProfileOf(7, 0.001), maturity.ProfileOf(6, 0.001))
	// Output:
	// Mavens Selectives
	// Butterflies Wallflowers
}

func ExampleQuadrant_Recommendations() {
	fmt.Println(maturity.SocialFirst)
	for _, rec := range maturity.SocialFirst.Recommendations() {
		fmt.Println("-", rec)
	}
	// Output:
	// #SocialFirst
	// - Stay ahead: adopt new channels early.
	// - Integrate social care with the other departments.
	// - Use proactive care to grow revenue.
}

func ExampleSummarize() {
	s, _ := maturity.Summarize(maturity.SocialMetrics{
		Followers: 5000,
		Posts:     []maturity.Post{{ID: "outage-notice", Engagements: 240}, {ID: "new-menu", Engagements: 60}},
		Funnel:    []maturity.Step{{Name: "reached", Count: 20000}, {Name: "engaged", Count: 300}, {Name: "participated", Count: 45}},
	})
	fmt.Printf("follower quality %.3f, top post %s\n", s.FollowerQuality, s.TopPosts[0].ID)
	for _, c := range s.Conversions {
		fmt.Printf("%s → %s %.1f%%\n", c.From, c.To, 100*c.Rate)
	}
	// Output:
	// follower quality 0.060, top post outage-notice
	// reached → engaged 1.5%
	// engaged → participated 15.0%
}
