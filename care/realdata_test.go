package care_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/care"
	"github.com/socialcare/socialcare/care/caretest"
	"github.com/socialcare/socialcare/channel"
	"github.com/socialcare/socialcare/internal/devdata"
	"github.com/socialcare/socialcare/queue"
)

// twitterCare is the shape of ../shared/data/twitter-care/dev.json.
type twitterCare []struct {
	AgentURL struct {
		Utterance string `json:"url_utterance"`
		TweetID   string `json:"tweet_ID"`
	} `json:"agentURL"`
	Content []struct {
		Client   string `json:"client"`
		Agent    string `json:"agent"`
		DateTime string `json:"datetime"`
		Message  string `json:"message"`
		TweetID  string `json:"tweet_ID"`
	} `json:"dialogContent"`
	Header struct {
		Company   string `json:"company"`
		SessionID string `json:"sessionID"`
	} `json:"dialogHeader"`
}

func loadTwitterCare(t *testing.T) twitterCare {
	t.Helper()
	b := devdata.Read(t)
	var data twitterCare
	require.NoError(t, json.Unmarshal(b, &data))
	return data
}

// TestReplayTwitterCare replays the 525 real X care conversations through
// the desk on a virtual clock: customer turns are ingested at their time,
// agents' turns are sent as replies by the company's agent.
func TestReplayTwitterCare(t *testing.T) {
	t.Parallel()
	data := loadTwitterCare(t)
	// Independent references, deliberately simpler than the detector.
	emailRef := regexp.MustCompile(`\S+@\S+\.[a-z]{2,}`)
	phoneRef := regexp.MustCompile(`(?i)(?:\+\d[\d\s().-]{8,}\d|(?:phone|call|mobile|whatsapp)\D{0,40}\d{8,15})`)

	var customerTurns, withEmail, withPhone, flagged, missed int
	var agentTurns, signed, movedPrivate, sendErrors, autoAcks int
	markers := map[string]int{}
	for _, conv := range data {
		// Tweets count links as 23 characters; the data has them in full.
		// The banks' own addresses in replies are not personal data.
		d := caretest.NewDeskWith(t, &care.Config{DefaultSignature: "-", PersonalData: &care.PersonalDataConfig{BrandDomains: []string{"wellsfargo.com", "chase.com"}}}, &caretest.Options{X: &channel.Capabilities{PublicReply: true, PrivateMessage: true}})
		agentID := conv.Header.Company
		require.NoError(t, d.AddAgent(ctx, care.Agent{ID: agentID, Name: agentID}))
		var last time.Time
		var held *care.Assignment
		reply := func(text, id string) {
			agentTurns++
			if s, ok := care.ParseSignature(text); ok {
				signed++
				markers[s.Marker]++
			}
			if held == nil {
				a, err := d.TryNext(ctx, agentID, queue.Filter{})
				if err != nil {
					sendErrors++
					if sendErrors < 6 {
						t.Logf("claim error: %v", err)
					}
					return
				}
				held = a
			}
			s, err := d.ReplyWith(ctx, held, text, care.ReplyOptions{Confirm: true})
			if err != nil {
				sendErrors++
				if sendErrors < 6 {
					t.Logf("send error: %v", err)
				}
				return
			}
			if s.MovedPrivate {
				movedPrivate++
			}
		}
		for i, turn := range conv.Content {
			at, err := time.Parse(time.RFC3339, turn.DateTime)
			require.NoError(t, err)
			if at.After(d.Clock.Now()) {
				d.Clock.Set(at)
			}
			if held != nil && !held.Lease().ExpiresAt().After(d.Clock.Now()) {
				held = nil // the agent went away; claim again
			}
			last = at
			if turn.Client != "" {
				customerTurns++
				in := d.RequireIngest(t, channel.Message{
					ID: turn.TweetID, Channel: channel.X, ConversationID: conv.Header.SessionID, Text: turn.Message,
					Author: channel.Author{ID: turn.Client, Handle: turn.Client}, ReceivedAt: at,
				})
				ref := emailRef.MatchString(turn.Message) || phoneRef.MatchString(turn.Message)
				if emailRef.MatchString(turn.Message) {
					withEmail++
				}
				if phoneRef.MatchString(turn.Message) {
					withPhone++
				}
				if len(in.PII) > 0 {
					flagged++
				}
				if ref && len(in.PII) == 0 {
					missed++
					t.Errorf("conversation %s turn %d: personal data not flagged: %q", conv.Header.SessionID, i, turn.Message)
				}
				continue
			}
			reply(turn.Message, turn.TweetID)
		}
		d.Clock.Set(last.Add(time.Minute))
		if held != nil && !held.Lease().ExpiresAt().After(d.Clock.Now()) {
			held = nil
		}
		reply(conv.AgentURL.Utterance, conv.AgentURL.TweetID)
		autoAcks += len(d.EventsOf(care.Acknowledged)) - 0
		for _, e := range d.EventsOf(care.Acknowledged) {
			if !e.Auto {
				autoAcks--
			}
		}
	}
	t.Logf("replayed %d conversations: %d customer turns, %d with an e-mail address, %d with a phone number (reference), %d flagged by the detector, %d missed",
		len(data), customerTurns, withEmail, withPhone, flagged, missed)
	t.Logf("%d agent turns, %d signed (markers %v), %d moved private, %d send errors", agentTurns, signed, markers, movedPrivate, sendErrors)
	require.Zero(t, missed)
	require.Positive(t, withEmail)
	require.Positive(t, signed)
	require.Zero(t, autoAcks, "Tick was never called: no automatic acknowledgements")
	require.True(t, strings.Contains(strings.Join(keys(markers), ""), "^"))
	require.LessOrEqual(t, movedPrivate, 10, "only replies in conversations where the customer posted personal data go private")
}

func keys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
