package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// platform is the fake X API the desks send through: it answers the two
// endpoints xchannel.Adapter posts to (POST /2/tweets for a public reply,
// POST /2/dm_conversations/with/{user}/messages for a DM) and X's recent
// search with the in_reply_to_tweet_id: operator (GET
// /2/tweets/search/recent), with which an agent checks whether a reply
// that "may have been sent" reached the customer. It records every post,
// so that the demo can count what the customers really received. It is
// safe for concurrent use.
//
// Each desk authenticates with the token followed by "/" and its name, so
// that the demo can hold one desk's next reply (holdNext): the platform
// takes it and never answers, and the demo kills that desk meanwhile.
type platform struct {
	token string

	mu       sync.Mutex
	holdFrom string      // the desk whose next agent reply is taken and not answered
	held     chan string // receives the tweet that reply answers
	next     int64
	replies  map[string][]string // the brand's public replies, by the tweet they answer
	dms      map[string][]string // the brand's DMs, by recipient
}

func newPlatform(token string) *platform {
	return &platform{token: token, next: 1 << 40, replies: map[string][]string{}, dms: map[string][]string{}}
}

func (p *platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	desk, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "+p.token)
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"title": "Unauthorized", "detail": "bad bearer token"})
		return
	}
	desk = strings.TrimPrefix(desk, "/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/2/tweets":
		var body struct {
			Text  string `json:"text"`
			Reply struct {
				InReplyTo string `json:"in_reply_to_tweet_id"`
			} `json:"reply"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Text == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"title": "Invalid Request", "detail": "text is required"})
			return
		}
		id := p.record(p.replies, body.Reply.InReplyTo, body.Text)
		if p.hold(desk, body.Reply.InReplyTo, body.Text) {
			<-r.Context().Done() // taken, never answered: the desk is killed meanwhile
			return
		}
		writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]string{"id": id, "text": body.Text}})
	case r.Method == http.MethodPost && strings.HasPrefix(r.URL.Path, "/2/dm_conversations/with/") && strings.HasSuffix(r.URL.Path, "/messages"):
		user := strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/2/dm_conversations/with/"), "/messages")
		var body struct {
			Text string `json:"text"`
		}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil || body.Text == "" || user == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"title": "Invalid Request", "detail": "text and recipient are required"})
			return
		}
		id := p.record(p.dms, user, body.Text)
		writeJSON(w, http.StatusCreated, map[string]any{"data": map[string]string{"dm_conversation_id": user, "dm_event_id": id}})
	case r.Method == http.MethodGet && r.URL.Path == "/2/tweets/search/recent":
		tweet, ok := strings.CutPrefix(r.URL.Query().Get("query"), "in_reply_to_tweet_id:")
		if !ok || tweet == "" {
			writeJSON(w, http.StatusBadRequest, map[string]string{"title": "Invalid Request", "detail": "this fake searches only in_reply_to_tweet_id:<id>"})
			return
		}
		type post struct {
			Text string `json:"text"`
		}
		var data []post
		for _, t := range p.repliesTo(tweet) {
			data = append(data, post{Text: t})
		}
		writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]int{"result_count": len(data)}})
	default:
		writeJSON(w, http.StatusNotFound, map[string]string{"title": "Not Found", "detail": r.Method + " " + r.URL.Path})
	}
}

func (p *platform) record(m map[string][]string, key, text string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.next++
	m[key] = append(m[key], text)
	return strconv.FormatInt(p.next, 10)
}

// holdNext makes the platform take the next agent reply desk posts and
// never answer it; the returned channel receives the tweet it answers.
func (p *platform) holdNext(desk string) <-chan string {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.holdFrom, p.held = desk, make(chan string, 1)
	return p.held
}

func (p *platform) hold(desk, tweet, text string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.holdFrom == "" || desk != p.holdFrom || strings.HasPrefix(text, ackPrefix) {
		return false
	}
	p.holdFrom = ""
	p.held <- tweet
	return true
}

// repliesTo returns the brand's public replies to tweet.
func (p *platform) repliesTo(tweet string) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.replies[tweet]...)
}

// received returns what the customer of conversation c received: the
// public replies to its tweet and the DMs to its author.
func (p *platform) received(c loadConv) []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append(append([]string(nil), p.replies[c.tweet]...), p.dms[c.user]...)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
