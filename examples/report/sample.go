package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"
)

// The sample: conversations the report generates when it is given no data,
// in the twitter-care JSON format that -data reads, so that the sample goes
// through the same path as real data. It is made up by this program, not
// drawn from anyone's conversations, and the same seed always gives the
// same sample.

// sampleStart is the Monday the sample's first week starts, in New York
// (the report's default time zone).
var sampleStart = time.Date(2026, 1, 5, 0, 0, 0, 0, mustZone("America/New_York"))

// sampleWeeks is the sample's length: four weeks for the forecast and one
// before them.
const sampleWeeks = 5

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// The time zone database is embedded by the time/tzdata import in
		// main.go, so this cannot fail.
		panic(err)
	}
	return loc
}

// sampleTeam is one made-up care team.
type sampleTeam struct {
	handle string
	share  float64 // of the conversations
	// reply is the median first reply in minutes; the spread around it is
	// log-normal, so that a few replies take hours.
	reply    float64
	initials []string
}

var sampleTeams = []sampleTeam{
	{"NorthwindAir", 0.40, 12, []string{"AS", "JK", "MR"}},
	{"ContosoBank", 0.25, 35, []string{"LT", "PB"}},
	{"FabrikamHelp", 0.20, 55, []string{"DW"}},
	{"TailspinToys", 0.15, 90, []string{"EC", "HN"}},
}

var (
	sampleOpenings = []string{
		"my flight was cancelled and nobody at the gate can rebook me",
		"I was charged twice for the same order",
		"the app keeps crashing when I try to pay",
		"where is my refund? it has been three weeks",
		"can't log in to my account since the update",
		"how do I change the delivery address on my order?",
		"my card was declined but the money left my account",
		"the parcel says delivered but it is not here",
		"is the website down? I can't check in",
		"do you ship to Canada?",
	}
	sampleFollowUps = []string{
		"thanks, sent you a DM", "still waiting...", "ok, that worked, thank you!",
		"it is still not fixed", "done, order number is in your DMs",
	}
	sampleReplies = []string{
		"Sorry to hear that! Could you send us a DM with your booking reference?",
		"We're looking into it right now and will be back shortly.",
		"Thanks for your patience, this is fixed on our side.",
	}
	sampleFinals = []string{
		"Glad we could help, have a great day!",
		"All sorted: the refund is on its way and should show within 3 days.",
		"Please give us a call at 555-0100 so we can verify your identity.",
		"For this one please visit our store with your receipt.",
		"You're all set, thanks for reaching out!",
	}
)

// hourWeight is the relative volume of an hour of the day: quiet at night,
// a morning peak and an evening shoulder.
func hourWeight(h int) float64 {
	return 0.15 + math.Exp(-math.Pow(float64(h)-10.5, 2)/8) + 0.6*math.Exp(-math.Pow(float64(h)-19.5, 2)/6)
}

// sample returns n conversations generated from seed.
func sample(seed uint64, n int) []dialog {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	// Cumulative weights of the hours of the sample, weekends at 60%.
	hours := sampleWeeks * 7 * 24
	cum := make([]float64, hours)
	total := 0.0
	for i := range hours {
		at := sampleStart.Add(time.Duration(i) * time.Hour)
		w := hourWeight(at.Hour())
		if d := at.Weekday(); d == time.Saturday || d == time.Sunday {
			w *= 0.6
		}
		total += w
		cum[i] = total
	}
	pick := func() time.Time {
		x := r.Float64() * total
		lo, hi := 0, hours-1
		for lo < hi {
			mid := (lo + hi) / 2
			if cum[mid] < x {
				lo = mid + 1
			} else {
				hi = mid
			}
		}
		return sampleStart.Add(time.Duration(lo)*time.Hour + time.Duration(r.IntN(3600))*time.Second)
	}
	team := func() sampleTeam {
		x := r.Float64()
		for _, t := range sampleTeams {
			if x < t.share {
				return t
			}
			x -= t.share
		}
		return sampleTeams[len(sampleTeams)-1]
	}
	delay := func(median float64) time.Duration {
		m := median * math.Exp(0.9*r.NormFloat64())
		return time.Duration(math.Max(m, 0.5) * float64(time.Minute)).Round(time.Second)
	}
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

	out := make([]dialog, n)
	for i := range out {
		t := team()
		start := pick()
		client := fmt.Sprintf("customer%04d", r.IntN(10000))
		sign := " ^" + t.initials[r.IntN(len(t.initials))]
		d := &out[i]
		d.Header.Company = t.handle
		d.Header.Session = fmt.Sprintf("sample-%d-%04d", seed, i)
		d.Header.Start = stamp(start)
		at := start
		add := func(client, agent, text string) {
			d.Content = append(d.Content, turn{Client: client, Agent: agent, DateTime: stamp(at), Message: text})
		}
		add(client, "", "@"+t.handle+" "+sampleOpenings[r.IntN(len(sampleOpenings))])
		for range r.IntN(3) { // agent turns before the final one
			at = at.Add(delay(t.reply))
			add("", t.handle, "@"+client+" "+sampleReplies[r.IntN(len(sampleReplies))]+sign)
			at = at.Add(delay(20))
			add(client, "", "@"+t.handle+" "+sampleFollowUps[r.IntN(len(sampleFollowUps))])
		}
		at = at.Add(delay(t.reply))
		d.Final.Utterance = "@" + client + " " + sampleFinals[r.IntN(len(sampleFinals))] + sign
		dur := at.Sub(start)
		d.Header.Duration = fmt.Sprintf("%02d:%02d:%02d.0", int(dur.Hours()), int(dur.Minutes())%60, int(dur.Seconds())%60)
	}
	return out
}

// sampleName describes the sample in the report's header.
func sampleName(seed uint64, n int) string {
	return fmt.Sprintf("generated sample (-seed %d, -sample %d; made up, not real conversations)", seed, n)
}

// sampleNote says how the sample differs from real data, for the usage.
var sampleNote = strings.TrimSpace(`
Without -data or -csv the report runs on a sample the program generates:
made-up conversations of four care teams on X over five weeks, with a
daily rhythm and log-normal reply times, the same for the same -seed.
-write-sample writes it in the -data format, to look at or to edit.`)
