package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/socialcare/socialcare/channel/xchannel"
)

// handOptions configure a desk run by hand that also plays X.
type handOptions struct {
	fakeX, to, secret string
	post              int
}

// runHand runs a desk (runDesk) that also serves the fake X API on
// h.fakeX for every desk, and, with h.post, posts that many signed
// webhooks round-robin over the desks in h.to once they all listen
// (redelivering every 20th to the next desk), waits until each
// conversation has its reply at the platform and prints what the
// platform received. The desk runs until interrupted.
func runHand(ctx context.Context, o deskOptions, h handOptions) error {
	plat := newPlatform(brandToken)
	ln, err := net.Listen("tcp", h.fakeX)
	if err != nil {
		return fmt.Errorf("fake X API: %w", err)
	}
	api := &http.Server{Handler: plat, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = api.Serve(ln) }()
	defer api.Close()
	fmt.Fprintf(os.Stderr, "multiinstance: the fake X API listens on http://%s (give the other desks -api http://%s)\n", ln.Addr(), ln.Addr())

	var wg sync.WaitGroup
	deskErr := make(chan error, 1)
	wg.Go(func() { deskErr <- runDesk(ctx, o, os.Stdout, os.Stderr) })
	if h.post > 0 {
		if err := postByHand(ctx, plat, h); err != nil {
			fmt.Fprintln(os.Stderr, "multiinstance:", err)
		}
	}
	wg.Wait()
	return <-deskErr
}

func postByHand(ctx context.Context, plat *platform, h handOptions) error {
	var urls []string
	for u := range strings.SplitSeq(h.to, ",") {
		if u = strings.TrimSpace(u); u != "" {
			urls = append(urls, u)
		}
	}
	if len(urls) == 0 {
		return errors.New("-post needs -to, the desks' webhook URLs")
	}
	wh, err := xchannel.NewWebhook(h.secret)
	if err != nil {
		return err
	}
	p := &poster{wh: wh, client: &http.Client{Timeout: 10 * time.Second}}
	// Wait until every desk listens: any answer will do (a GET without
	// crc_token is a 400).
	for _, u := range urls {
		fmt.Fprintf(os.Stderr, "multiinstance: waiting for the desk at %s\n", u)
		for ctx.Err() == nil {
			resp, err := p.client.Get(u)
			if err == nil {
				resp.Body.Close()
				break
			}
			sleep(ctx, 500*time.Millisecond)
		}
	}
	start := time.Now()
	load := makeLoad(h.post, uint64(start.UnixMilli())*100000)
	redelivered := 0
	for i, c := range load {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		body, err := c.payload(time.Now())
		if err != nil {
			return err
		}
		if err := p.post(ctx, urls[i%len(urls)], body); err != nil {
			return fmt.Errorf("post %s to %s: %w", c.key, urls[i%len(urls)], err)
		}
		if i%20 == 0 && len(urls) > 1 {
			if err := p.post(ctx, urls[(i+1)%len(urls)], body); err != nil {
				return fmt.Errorf("redeliver %s to %s: %w", c.key, urls[(i+1)%len(urls)], err)
			}
			redelivered++
		}
	}
	fmt.Fprintf(os.Stderr, "multiinstance: posted %d webhooks over %d desks (and %d redeliveries to another desk)\n", len(load), len(urls), redelivered)
	for ctx.Err() == nil {
		answered, once, acks, twice := 0, 0, 0, 0
		for _, c := range load {
			replies, a := 0, 0
			for _, t := range plat.received(c) {
				if strings.HasPrefix(t, ackPrefix) {
					a++
				} else {
					replies++
				}
			}
			if replies > 0 {
				answered++
			}
			if replies == 1 {
				once++
			}
			if a > 1 {
				twice++
			}
			acks += a
		}
		if answered == len(load) {
			fmt.Fprintf(os.Stderr, "multiinstance: platform: %d/%d conversations answered exactly once, %d acknowledgements (%d twice), in %v; Ctrl-C stops this desk\n",
				once, len(load), acks, twice, time.Since(start).Round(time.Millisecond))
			return nil
		}
		sleep(ctx, 500*time.Millisecond)
	}
	return ctx.Err()
}
