package channeldrivertest_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/socialcare/socialcare/channel/channeldriver"
	"github.com/socialcare/socialcare/channel/channeldrivertest"
	"github.com/socialcare/socialcare/channel/memchannel"
)

// brokenEnv switches TestBrokenFakeConformance on in the child process.
const brokenEnv = "CHANNELDRIVERTEST_RUN_BROKEN"

// brokenMessenger declares Messenger's capabilities (no public replies, a
// 24-hour window) but its platform enforces neither: the kind of fake
// that lets desk tests pass wrongly.
type brokenMessenger struct {
	*memchannel.Adapter
}

func (brokenMessenger) Capabilities() channeldriver.Capabilities {
	return memchannel.Profile(channeldriver.Messenger)
}

// TestBrokenFakeConformance runs the suite on brokenMessenger. It runs
// only in the child process that TestSuiteFailsBrokenFake starts, where it
// must fail.
func TestBrokenFakeConformance(t *testing.T) {
	if os.Getenv(brokenEnv) != "1" {
		t.Skip("run by TestSuiteFailsBrokenFake, where it must fail")
	}
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	channeldrivertest.RunConformanceTests(t, func(t *testing.T) channeldrivertest.Harness {
		lax := memchannel.Profile(channeldriver.Messenger)
		lax.MessagingWindow, lax.PublicReply = 0, true
		a, err := memchannel.New(channeldriver.Messenger, &memchannel.Config{Now: func() time.Time { return now }, Capabilities: &lax})
		if err != nil {
			t.Fatal(err)
		}
		return channeldrivertest.Harness{
			Adapter: brokenMessenger{a}, InReplyTo: "m1", Recipient: "u1",
			Features: channeldrivertest.Features{PlatformRules: true},
			Now:      func() time.Time { return now },
			Record:   func(m channeldriver.Message) { a.Record(m) },
			Sent: func() []string {
				var out []string
				for _, s := range a.Sent() {
					out = append(out, s.Text)
				}
				return out
			},
		}
	})
}

// TestSuiteFailsBrokenFake proves that the suite catches a fake that sends
// outside its declared messaging window (and posts public replies it says
// it cannot): it runs the suite on brokenMessenger in a child test process
// and checks that exactly the platform-rules test fails, for those two
// reasons, while the rest of the suite passes.
func TestSuiteFailsBrokenFake(t *testing.T) {
	if os.Getenv(brokenEnv) == "1" {
		t.Skip("this is the child process")
	}
	t.Parallel()
	cmd := exec.Command(os.Args[0], "-test.run=^TestBrokenFakeConformance$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(), brokenEnv+"=1")
	out, err := cmd.CombinedOutput()
	got := string(out)
	if err == nil {
		t.Fatalf("the suite passed a fake that ignores its declared window:\n%s", got)
	}
	for _, want := range []string{
		"--- FAIL: TestBrokenFakeConformance/PlatformEnforcesRules",
		"direct message outside the messaging window: the platform accepted it",
		"public reply on a surface without public replies: the platform accepted it",
		"--- PASS: TestBrokenFakeConformance/SendDelivers",
		"--- PASS: TestBrokenFakeConformance/WindowsEnforcedBeforeIO",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("suite output lacks %q:\n%s", want, got)
		}
	}
	if n := strings.Count(got, "--- FAIL:"); n != 2 { // the subtest and its parent
		t.Errorf("%d failures, want only PlatformEnforcesRules:\n%s", n, got)
	}
}
