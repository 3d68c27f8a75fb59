package care

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestDetectorBlocksAndPasses(t *testing.T) {
	t.Parallel()
	d, err := NewDetector(&PersonalDataConfig{BrandDomains: []string{"brand.example"}})
	require.NoError(t, err)
	for _, tc := range []struct {
		text string
		want PIIKind // "" means must pass
	}{
		{"write to carlos.r@example.com please", PIIEmail},
		{"my e-mail address: zekidemir089@gmail.com", PIIEmail},
		{"Call me at +1 312 555 0147", PIIPhone},
		{"reach me on (312) 555-0147 after 5", PIIPhone},
		{"my UK mobile is +44 7911 123456", PIIPhone},
		{"This is the phone where the account was created. 01120738976", PIIPhone},
		{"card 4111 1111 1111 1111 was charged twice", PIICard},
		{"card 4111-1111-1111-1111", PIICard},
		{"IBAN GB82 WEST 1234 5698 7654 32", PIIAccount},
		{"my account number: 12345678 is locked", PIIAccount},
		{"acct # 9876543210", PIIAccount},
		// must pass
		{"my booking ABC123 was cancelled", ""},
		{"version 8.5.50.916 crashes", ""},
		{"flight 212 from Dallas at 14:05", ""},
		{"card 4111 1111 1111 1112 fails Luhn", ""},
		{"the A321neo seats 196", ""},
		{"Ryzen 5 3600 3.6 GHz", ""},
		{"ticket number 1497421950", ""},
		{"IBAN GB00 WEST 1234 5698 7654 32 (bad checksum)", ""},
		{"email us at our help page", ""},
		{"see https://web.archive.org/web/20200401225851/https://help.example/answer/115005706806", ""},
		{"call us toll-free at 1-800-848-9136", ""},
		{"write to support@brand.example", ""},
		{"write to abuse@help.brand.example", ""},
	} {
		t.Run(tc.text, func(t *testing.T) {
			t.Parallel()
			got := d.Find(tc.text)
			if tc.want == "" {
				require.Empty(t, got)
				return
			}
			require.NotEmpty(t, got)
			require.Equal(t, tc.want, got[0].Kind, "%+v", got)
		})
	}
}

func TestDetectorConfig(t *testing.T) {
	t.Parallel()
	_, err := NewDetector(&PersonalDataConfig{Regions: []string{"XX"}})
	require.Error(t, err)
	d, err := NewDetector(&PersonalDataConfig{Regions: []string{"US"}, PhoneContext: []string{}})
	require.NoError(t, err)
	require.False(t, d.Has("This is the phone 01120738976"), "no context words and not a US number")
	require.True(t, HasPersonalData("a@b.co"))
}

func TestLuhnAndIBAN(t *testing.T) {
	t.Parallel()
	require.True(t, luhn("4111111111111111"))
	require.False(t, luhn("4111111111111112"))
	require.True(t, validIBAN("DE89 3704 0044 0532 0130 00"))
	require.False(t, validIBAN("DE88 3704 0044 0532 0130 00"))
}

func TestToneBlocksAndPasses(t *testing.T) {
	t.Parallel()
	tc := NewToneChecker(nil)
	for _, c := range []struct {
		reply, customer string
		flagged         bool
		mirror          bool
	}{
		{"Only an idiot would miss that email.", "you idiots lost my bag", true, true},
		{"Yeah right, like that happened.", "", true, false},
		{"Good luck with that!", "I'll switch airlines", true, false},
		{"Sure, we'll fix it /s", "", true, false},
		{"That's a stupid question.", "", true, false},
		// must pass
		{"I'm sorry we let you down; I've rebooked you on the 14:05.", "you idiots lost my bag", false, false},
		{"Thanks for your patience, we're on it.", "", false, false},
		{"Right, your bag is on its way.", "", false, false},
	} {
		f := tc.Check(c.reply, c.customer)
		require.Equal(t, c.flagged, len(f) > 0, "%q: %v", c.reply, f)
		if c.mirror {
			require.Contains(t, f[0].Detail, "mirroring")
		}
	}
}

func TestParseSignature(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		text, who string
	}{
		{"Let us know! ^JS", "JS"},
		{"steps here https://x.y/z *SR", "SR"},
		{"see the locator. -Richard", "Richard"},
		{"We're here to help! ^SV", "SV"},
		{"Thanks, ~Heather", "Heather"},
		{"just give us a shout /G", "G"},
		{"hope this helps -JS.", "JS"},
		{"Hope this helps!", ""},
		{"see https://example.com/a-b", ""},
		{"costs 3 - 5 days", ""},
	} {
		s, ok := ParseSignature(c.text)
		require.Equal(t, c.who != "", ok, c.text)
		require.Equal(t, c.who, s.Who, c.text)
	}
}

func TestConsistencyBlocksAndPasses(t *testing.T) {
	t.Parallel()
	cc, err := NewConsistencyChecker([]Macro{
		{Intent: "pets", Text: "Small cats and dogs travel in the cabin in a carrier under the seat, $95 each way.", Keywords: []string{"pets", "pet", "dog", "cat"}},
	}, 0.5)
	require.NoError(t, err)
	in, ok := cc.Intent("Do you allow pets in the cabin?")
	require.True(t, ok)
	require.Equal(t, "pets", in)
	require.Empty(t, cc.Check("pets", "Yes! Small cats and dogs travel in the cabin in a carrier under the seat, $95 each way."))
	require.Empty(t, cc.Check("unknown", "anything"))
	f := cc.Check("pets", "Small cats and dogs travel in the cabin in a carrier under the seat, $75 each way.")
	require.NotEmpty(t, f)
	require.Contains(t, f[0].Detail, "$95")
	require.NotEmpty(t, cc.Check("pets", "Sure, bring your pet, no problem at all."))
	_, err = NewConsistencyChecker([]Macro{{Intent: "a", Text: "x"}, {Intent: "a", Text: "y"}}, 0.5)
	require.Error(t, err)
	_, err = NewConsistencyChecker(nil, 0)
	require.Error(t, err)
}

func TestListenerMentions(t *testing.T) {
	t.Parallel()
	l, err := NewListener(&ListeningConfig{Brands: []string{"Skyways", "Sky Ways Air"}, Handles: []string{"@skyways", "skywayshelp"}, Ignore: []string{"skyway"}})
	require.NoError(t, err)
	for _, c := range []struct {
		text string
		kind MentionKind // "" none
		dist int
	}{
		{"@skyways where is my bag", Tagged, 0},
		{"flying skyways tomorrow", Untagged, 0},
		{"flying skywasy tomorrow", Misspelled, 1},
		{"flying skyyways again", Misspelled, 1},
		{"flying sky ways air again", Untagged, 0},
		{"sk1ways lost my bag", Misspelled, 1},
		{"Skýways lost my bag", Untagged, 0},
		{"asked skywayshlep twice", Misspelled, 1},
		{"@skywayshelp hi", Tagged, 0},
		// must pass
		{"the skyway bridge is closed", "", 0},
		{"always on time", "", 0},
		{"skies were grey", "", 0},
	} {
		ms := l.Mentions(c.text)
		if c.kind == "" {
			require.Empty(t, ms, c.text)
			continue
		}
		require.NotEmpty(t, ms, c.text)
		require.Equal(t, c.kind, ms[0].Kind, "%s: %+v", c.text, ms)
		require.Equal(t, c.dist, ms[0].Distance, c.text)
	}
	require.Equal(t, 1, osa("ab", "ba"))
	require.Equal(t, 3, osa("kitten", "sitting"))
}

func TestListenerSpike(t *testing.T) {
	t.Parallel()
	l, err := NewListener(&ListeningConfig{SpikeBaseline: 3, SpikeFactor: 3, SpikeMin: 4})
	require.NoError(t, err)
	t0 := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	// baseline: 1 per window for 3 windows
	for i := range 3 {
		_, ok := l.Count("outage", t0.Add(time.Duration(i)*5*time.Minute))
		require.False(t, ok)
	}
	at := t0.Add(15 * time.Minute)
	var fired []TopicSpike
	for i := range 6 {
		if s, ok := l.Count("outage", at.Add(time.Duration(i)*time.Second)); ok {
			fired = append(fired, s)
		}
	}
	require.Len(t, fired, 1, "a window fires once")
	require.Equal(t, 4, fired[0].Count)
	require.InDelta(t, 1.0, fired[0].Baseline, 1e-9)
	require.Equal(t, []string{"outage"}, l.Topics())
	_, err = NewListener(&ListeningConfig{SpikeMin: -1})
	require.Error(t, err)
	_, err = NewListener(&ListeningConfig{Brands: []string{"  "}})
	require.Error(t, err)
}

func TestRouter(t *testing.T) {
	t.Parallel()
	r, err := NewRouter(nil)
	require.NoError(t, err)
	for _, c := range []struct {
		text, loop string
	}{
		{"The video on your blog is broken, it won't load", "content"},
		{"My lawyer will hear about this", "legal"},
		{"Please add dark mode, feature request", "product"},
		{"I want to talk to your CEO", "executives"},
		{"Where is my bag?", "customer-service"},
		{"This issue is annoying", "customer-service"},
	} {
		d := r.Route(msg(c.text), 10)
		require.Equal(t, c.loop, d.Loop.Name, c.text)
		require.NotEmpty(t, d.Explain())
	}
	d := r.Route(msg("I will sue you"), 10)
	require.Equal(t, "legal threat", d.Route)
	require.True(t, strings.Contains(d.Explain(), `topic legal ("sue")`), d.Explain())

	for name, cfg := range map[string]*RouterConfig{
		"unknown loop":     {Routes: []Route{{Loop: "nope"}}},
		"unknown topic":    {Routes: []Route{{Loop: "legal", Topics: []string{"nope"}}}},
		"dup loop":         {Loops: []Loop{{Name: "a"}, {Name: "a"}}, Routes: []Route{}},
		"bad deadlines":    {Loops: []Loop{{Name: "a", Acknowledge: 2 * time.Hour, Resolve: time.Hour}}, Routes: []Route{}},
		"bad chain":        {Loops: []Loop{{Name: "a", Escalation: []Escalation{{To: "x", After: time.Hour}, {To: "y", After: time.Hour}}}}, Routes: []Route{}},
		"bad default":      {Default: "nope"},
		"empty keyword":    {Topics: []Topic{{Name: "t", Keywords: []string{"  "}}}, Routes: []Route{}},
		"dots keyword":     {Topics: []Topic{{Name: "t", Keywords: []string{"..."}}}, Routes: []Route{}},
		"dots in a part":   {Topics: []Topic{{Name: "t", Keywords: []string{"video+ ... "}}}, Routes: []Route{}},
		"no loops at all":  {Loops: []Loop{}, Routes: []Route{}},
		"dup topic":        {Topics: []Topic{{Name: "t"}, {Name: "t"}}, Routes: []Route{}},
		"escalation no to": {Loops: []Loop{{Name: "a", Escalation: []Escalation{{}}}}, Routes: []Route{}},
	} {
		_, err := NewRouter(cfg)
		require.ErrorIs(t, err, ErrInvalid, name)
	}
}
