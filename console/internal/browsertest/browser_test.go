package browsertest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/socialcare/socialcare/channel"
)

// The browser tests drive headless Chromium with chromedp. They read the
// browser's path from SOCIALCARE_TEST_CHROMIUM, else use /usr/bin/chromium,
// and skip, saying so, when there is none; CI installs it (.ci/chromium.sh)
// and fails if they skip.

var screenshots = flag.String("console.screenshots", "", "directory to write the console's screenshots to (docs/ for the README)")

func chromium(t *testing.T) string {
	t.Helper()
	p := os.Getenv("SOCIALCARE_TEST_CHROMIUM")
	if p == "" {
		p = "/usr/bin/chromium"
	}
	if _, err := os.Stat(p); err != nil {
		t.Skipf("console: no Chromium at %s (set SOCIALCARE_TEST_CHROMIUM, or apt-get install chromium): the browser tests need one", p)
	}
	return p
}

// browser starts a headless Chromium with a fresh profile and returns a
// context for its first tab.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := chromium(t)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1400, 900))
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run opens the browser and the tab for the life of its
	// context: it gets no deadline (step's come after).
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("about:blank")), "start Chromium")
	return ctx
}

// tab opens another tab of the browser of ctx.
func tab(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	tctx, cancel := chromedp.NewContext(ctx)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(tctx, chromedp.Navigate("about:blank")), "open a tab")
	return tctx
}

// waitText waits until the element with id has the text want, across the
// navigation a form's post makes (reads while the old page unloads fail and
// are tried again).
func waitText(t *testing.T, ctx context.Context, id, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	var last string
	var lastErr error
	for time.Now().Before(deadline) {
		rctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		last, lastErr = chromedp.Run(rctx, chromedp.Text(chromedp.ID(id)))
		cancel()
		if lastErr == nil && last == want {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("#%s never read %q (last %q, %v)", id, want, last, lastErr)
}

// step runs actions with a deadline, failing the test on error.
func step(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(sctx, actions...), what)
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	ectx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ectx, chromedp.Evaluate[T](js))
	require.NoError(t, err, js)
	return v
}

// noDialogs fails the test when the page opens an alert (a script that
// should not have run), and dismisses it.
func noDialogs(t *testing.T, ctx context.Context) *atomic.Int32 {
	t.Helper()
	var n atomic.Int32
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	go func() {
		for _, err := range dialogs {
			if err != nil {
				return
			}
			n.Add(1)
			_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
		}
	}()
	return &n
}

func signIn(t *testing.T, ctx context.Context, f *fixture, agent, role string) {
	t.Helper()
	step(t, ctx, "sign in as "+agent,
		chromedp.Navigate(f.srv.URL+"/care/signin"),
		chromedp.Click(chromedp.ID("as-"+role+"-"+agent)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-page]`)),
	)
}

func TestBrowserAgentTakesRepliesAndResolves(t *testing.T) {
	f := demoFixture(t)
	f.morning(t)
	ctx := browser(t)
	dialogs := noDialogs(t, ctx)

	// The agent signs in and sees the stranded passenger on top.
	signIn(t, ctx, f, "ana", "agent")
	step(t, ctx, "queue", chromedp.WaitVisible(chromedp.CSS(`#rows tr[data-key]`)))
	top := eval[string](t, ctx, `document.querySelector('#rows tr[data-key]').dataset.key`)
	require.Contains(t, top, "sam_travels", "the stranded passenger is on top")
	require.Equal(t, 3, eval[int](t, ctx, `document.querySelectorAll('#rows tr[data-key]').length`))

	// A second tab watches the queue; a marker tells a reload apart.
	watch := tab(t, ctx)
	step(t, watch, "watching tab",
		chromedp.Navigate(f.srv.URL+"/care/queue"),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-key*="sam_travels"]`)),
		chromedp.Poll[chromedp.Void](`document.getElementById('live').classList.contains('on')`, chromedp.WithPollingTimeout(10*time.Second)),
	)
	_ = eval[int](t, watch, `window.__notReloaded = 42`)

	// Take it: the workspace shows the customer's timeline.
	step(t, ctx, "take next",
		chromedp.Click(chromedp.ID("take-next")),
		chromedp.WaitVisible(chromedp.ID("reply")),
	)
	timeline, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline")))
	require.NoError(t, err)
	require.Contains(t, timeline, "Stranded at O'Hare")

	// The watching tab sees the item leave, without a reload.
	step(t, watch, "the item leaves the watching tab",
		chromedp.Poll[chromedp.Void](`!document.querySelector('tr[data-key*="sam_travels"]')`, chromedp.WithPollingTimeout(5*time.Second)))
	require.Equal(t, 42, eval[int](t, watch, `window.__notReloaded`), "the page was not reloaded")
	require.Equal(t, "2", eval[string](t, watch, `document.getElementById('total').textContent`))

	// A reply with an e-mail address: the personal-data warning shows
	// before sending.
	step(t, ctx, "type a reply",
		chromedp.SendKeys(chromedp.ID("reply"), "So sorry, Sam: rebooked on the 14:05. Write to me at ana.souza@skyways.example"),
		chromedp.WaitVisible(chromedp.CSS(`#verdicts li.warn[data-guard="personal-data"]`)),
	)
	warning, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`#verdicts li[data-guard="personal-data"]`)))
	require.NoError(t, err)
	require.Contains(t, warning, "e-mail address")
	require.Contains(t, warning, "private message")
	require.Empty(t, f.desk.X.Sent(), "nothing sent before Send")

	// Send, then resolve.
	step(t, ctx, "send",
		chromedp.Click(chromedp.ID("send")),
		chromedp.WaitVisible(chromedp.ID("note")),
		chromedp.WaitVisible(chromedp.CSS(`#timeline li.agent.private mark.pii`)),
	)
	note, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("note")))
	require.NoError(t, err)
	require.Equal(t, "Sent.", note)
	sent := f.desk.X.Sent()
	require.Len(t, sent, 2, "the reply, privately, and a public note")
	require.Contains(t, sent[0].Text, "ana.souza@skyways.example")
	require.Equal(t, channel.Private, sent[0].Visibility)
	// The form posts and a new page comes back: the old page's note ("Sent.")
	// is still there until it does, so wait for the new one's text.
	step(t, ctx, "resolve", chromedp.Click(chromedp.ID("resolve")))
	waitText(t, ctx, "note", "Resolved.")
	c, err := f.desk.Conversation(ctx, top)
	require.NoError(t, err)
	require.False(t, c.Open(), "resolved at the desk")
	require.Zero(t, dialogs.Load())
}

func TestBrowserXSSMessagesAreInert(t *testing.T) {
	f := demoFixture(t)
	for i, text := range xssMessages {
		f.desk.RequireIngest(t, channel.Message{ID: fmt.Sprintf("x%d", i), Channel: channel.X, ConversationID: "evil",
			Text: text, Author: channel.Author{ID: "u-evil", Handle: `evil"><img src=x onerror=alert(4)>`}})
	}
	ctx := browser(t)
	dialogs := noDialogs(t, ctx)
	signIn(t, ctx, f, "ana", "agent")
	step(t, ctx, "queue", chromedp.WaitVisible(chromedp.CSS(`#rows tr[data-key]`)))
	title := eval[string](t, ctx, `document.title`)
	step(t, ctx, "take", chromedp.Click(chromedp.ID("take-next")), chromedp.WaitVisible(chromedp.ID("timeline")), chromedp.Sleep(500*time.Millisecond))

	require.Equal(t, "Workspace · socialcare console", eval[string](t, ctx, `document.title`), "no script changed the title (queue page: %q)", title)
	require.Zero(t, eval[int](t, ctx, `document.querySelectorAll('main script, main img, main a[href^="javascript:"], main [onerror]').length`),
		"no element was made from a message")
	text, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID("timeline")))
	require.NoError(t, err)
	for _, want := range []string{`<script>document.title='pwned-script'`, `<a href="javascript:document.title='pwned-link'">`, `<img src=x onerror=`} {
		require.Contains(t, text, want, "shown as text")
	}
	// A click on the would-be link does nothing either.
	step(t, ctx, "reply area", chromedp.WaitVisible(chromedp.ID("reply")))
	require.Zero(t, dialogs.Load(), "no alert opened")
}

func TestBrowserForgedCrossSitePostIsRefused(t *testing.T) {
	f := demoFixture(t)
	f.morning(t)
	ctx := browser(t)
	signIn(t, ctx, f, "ana", "agent")
	// Another site (localhost is not the console's 127.0.0.1) posts a form
	// to the console once it has loaded (a post during the load would abort
	// the navigation the test waits for).
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, `<!doctype html><form id="f" method="post" action="%s/care/take"><input name="team" value=""></form>
<script>addEventListener('load', function () { setTimeout(function () { document.getElementById('f').submit() }, 100) })</script>`, f.srv.URL)
	}))
	defer evil.Close()
	evilURL := strings.Replace(evil.URL, "127.0.0.1", "localhost", 1)
	// The form's post may interrupt the page load the navigation waits for
	// (net::ERR_ABORTED): that is the post the test wants, not a failure.
	// A tab of its own (the signed-in browser's cookies, no console page
	// scripts running in it).
	etx := tab(t, ctx)
	nctx, cancel := context.WithTimeout(etx, 20*time.Second)
	err := chromedp.Do(nctx, chromedp.Navigate(evilURL))
	cancel()
	if err != nil && !strings.Contains(err.Error(), "ERR_ABORTED") {
		t.Fatalf("visit the other site: %v", err)
	}
	// Its form then posts and the browser shows the console's answer: read
	// the page until it does (reads during the navigation fail and are
	// tried again).
	var body string
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && !strings.Contains(body, "refused"); time.Sleep(50 * time.Millisecond) {
		rctx, cancel := context.WithTimeout(etx, 2*time.Second)
		body, _ = chromedp.Run(rctx, chromedp.Text(chromedp.CSS("body")))
		cancel()
	}
	require.Contains(t, body, "refused: cross-origin request")
	require.Positive(t, f.con.Refused())
	st, err := f.desk.Depth(ctx)
	require.NoError(t, err)
	require.Empty(t, st.ClaimsByAgent, "the forged request took nothing")
}

// TestBrowserScreenshots renders the three views with the airline morning
// and checks each screenshot is a real PNG; with -console.screenshots=dir
// it writes them there (the README's come from docs/).
func TestBrowserScreenshots(t *testing.T) {
	f := demoFixture(t)
	f.morning(t)
	for i, m := range []struct{ user, text string }{
		{"priya_n", "URGENT: my daughter is flying alone and her connection in Chicago was cancelled"},
		{"vlogger_vic", "The video on your blog post about the new cabins is broken, it won't play"},
		{"legal_larry", "This is the third cancellation, my lawyer will hear about this"},
		{"carlos_r", "My refund still hasn't arrived after 3 weeks. Email me at carlos.r@example.com"},
		{"ktchen", "Is your lounge in Terminal 3 open this early?"},
		{"zoe_l", "My wheelchair was damaged on the flight, this is unacceptable"},
	} {
		f.desk.Clock.Advance(4 * time.Minute)
		f.desk.RequireIngest(t, channel.Message{ID: fmt.Sprintf("s%d", i), Channel: channel.X, ConversationID: "s-" + m.user,
			Text: m.text, Author: channel.Author{ID: "u-" + m.user, Handle: m.user}})
	}
	f.desk.Advance(t, 20*time.Minute) // acknowledgements go out, SLA warnings come
	// Ben holds one, and answered another.
	b, err := f.desk.TryNext(ctx, "ben", queueFilter("content"))
	require.NoError(t, err)
	_, err = f.desk.Reply(ctx, b, "Thanks Vic, our content team is fixing it.")
	require.NoError(t, err)
	require.NoError(t, f.desk.Resolve(ctx, b))
	_, err = f.desk.TryNext(ctx, "ben", queueFilter(""))
	require.NoError(t, err)

	ctx := browser(t)
	dir := *screenshots
	if dir == "" {
		dir = t.TempDir()
	}
	shoot := func(name string) {
		sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
		defer cancel()
		h := eval[int](t, ctx, `Math.max(document.documentElement.scrollHeight, 700)`)
		require.NoError(t, chromedp.Do(sctx, chromedp.EmulateViewport(1400, int64(min(h, 1600)))))
		shot, err := chromedp.Call(sctx, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
		require.NoError(t, err)
		buf := shot.Data
		img, err := png.Decode(bytes.NewReader(buf))
		require.NoError(t, err, name)
		require.Greater(t, img.Bounds().Dx(), 800)
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), buf, 0o644))
	}
	signIn(t, ctx, f, "lea", "lead")
	step(t, ctx, "queue", chromedp.Navigate(f.srv.URL+"/care/queue"), chromedp.WaitVisible(chromedp.CSS(`#rows tr[data-key]`)), chromedp.Sleep(1200*time.Millisecond))
	shoot("console-queue.png")
	step(t, ctx, "workspace", chromedp.Click(chromedp.ID("take-next")), chromedp.WaitVisible(chromedp.ID("reply")),
		chromedp.SendKeys(chromedp.ID("reply"), "Priya, our Chicago team is with her at gate B12 and she's on the 11:40. Write to me at ana.souza@skyways.example"),
		chromedp.WaitVisible(chromedp.CSS(`#verdicts li.warn[data-guard="personal-data"]`)))
	shoot("console-workspace.png")
	step(t, ctx, "leads", chromedp.Navigate(f.srv.URL+"/care/leads"), chromedp.WaitVisible(chromedp.CSS(`table.agents`)),
		chromedp.Poll[chromedp.Void](`document.querySelector('img.chart').complete && document.querySelector('img.chart').naturalWidth > 0`, chromedp.WithPollingTimeout(10*time.Second)))
	shoot("console-leads.png")
}
