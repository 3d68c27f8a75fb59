package console

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/socialcare/socialcare/analytics"
	"github.com/socialcare/socialcare/care"
)

// Errors returned by New and by the identity hook's callers. Test with
// errors.Is.
var (
	// ErrNoIdentity means New was given no Config.Identify: the console
	// will not guess who its users are. Set Identify, or, for a demo on a
	// laptop only, InsecureDemoSignIn.
	ErrNoIdentity = errors.New("console: no identity hook: set Config.Identify (request → agent ID and role), or InsecureDemoSignIn for a demo")
	// ErrInvalid means a configuration value is out of range; the message
	// says which.
	ErrInvalid = errors.New("console: invalid configuration")
	// ErrNotSignedIn is what an identity hook returns for a request that
	// carries no user; the console answers 401. Any other error from the
	// hook is answered the same way and logged.
	ErrNotSignedIn = errors.New("console: not signed in")
)

// Role is what a user may see and do.
type Role uint8

// Roles.
const (
	// RoleAgent works the queue: the queue view and the workspace.
	RoleAgent Role = iota + 1
	// RoleLead sees everything an agent sees, and the leads' view.
	RoleLead
)

// String returns "agent" or "lead".
func (r Role) String() string {
	switch r {
	case RoleAgent:
		return "agent"
	case RoleLead:
		return "lead"
	}
	return "none"
}

// User is who a request comes from, as the host's identity hook says.
type User struct {
	// AgentID is the user's agent at the desk (care.Agent.ID). A lead
	// without one sees the views but cannot take conversations.
	AgentID string
	// Role is what the user may see and do.
	Role Role
}

// Config configures a Console. Identify (or, for a demo, InsecureDemoSignIn)
// is required; every other field has a default.
type Config struct {
	// Identify tells who made the request, from the host's own session
	// (a cookie, a header set by its proxy): the user's agent ID and role.
	// It returns ErrNotSignedIn (or any error) for a request without a
	// user, which is answered 401. It is called once per request, from
	// many goroutines. Required unless InsecureDemoSignIn.
	Identify func(r *http.Request) (User, error)
	// InsecureDemoSignIn replaces Identify with a sign-in page where
	// anyone may pick any of the desk's agents, as an agent or a lead,
	// with no password. It is for a demo on one machine and never for a
	// deployment: New logs a warning saying so. It may not be set with
	// Identify.
	InsecureDemoSignIn bool
	// Analytics, if set, is the host's analytics (fed from the desk's
	// OnEvent with care.Event.Analytics); the leads' view draws its
	// charts. Defaults to nil: no charts.
	Analytics *analytics.Analytics
	// PageSize is how many waiting conversations the queue view shows at
	// once. Defaults to 50; at most 500.
	PageSize int
	// ClientBuffer is how many events wait for one slow page before the
	// console drops them and tells the page to reload its data instead
	// (the desk is never held up by a page). Defaults to 64.
	ClientBuffer int
	// MaxClients is the most pages connected for live events at once; one
	// more is refused with 503. Defaults to 1000.
	MaxClients int
	// KeepAlive is how often an idle live connection gets a comment, so
	// that proxies keep it open. Defaults to 15 seconds.
	KeepAlive time.Duration
	// LeaveAfter is how long a workspace may go without a sign of life
	// (its page sends one every 20 seconds) before the console releases
	// the conversation back to the queue. Closing the page releases it at
	// once, unless the page comes back within LeaveGrace. Defaults to 90
	// seconds.
	LeaveAfter time.Duration
	// LeaveGrace is how long a closed workspace keeps its conversation in
	// case the page was only reloaded. Defaults to 5 seconds.
	LeaveGrace time.Duration
	// WarnAt is the share of an SLA target's time after which the queue
	// view shows a warning badge. Defaults to 0.75 (the desk's first SLA
	// warning).
	WarnAt float64
	// Logger receives the console's errors and warnings. Defaults to a
	// logger that discards.
	Logger *slog.Logger
}

// Console is the operations console of one desk: an http.Handler a host
// mounts under any prefix (http.StripPrefix), with the queue view, the
// agent workspace and the leads' view, live over Server-Sent Events. It
// is safe for concurrent use. The host passes the desk's events to
// Publish.
type Console struct {
	desk *care.Desk
	cfg  Config
	log  *slog.Logger
	tmpl *template.Template
	h    http.Handler
	hub  *hub
	work *workspaces
	csrf atomic.Int64 // cross-origin requests refused
	demo bool
	stat http.Handler
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// New returns the console of desk. It fails with ErrNoIdentity when cfg
// (or its Identify) is missing and InsecureDemoSignIn is not set, and with
// ErrInvalid for a value out of range.
func New(desk *care.Desk, cfg *Config) (*Console, error) {
	if desk == nil {
		return nil, fmt.Errorf("%w: New: the desk is nil", ErrInvalid)
	}
	if cfg == nil {
		return nil, ErrNoIdentity
	}
	c := *cfg
	switch {
	case c.Identify == nil && !c.InsecureDemoSignIn:
		return nil, ErrNoIdentity
	case c.Identify != nil && c.InsecureDemoSignIn:
		return nil, fmt.Errorf("%w: Identify and InsecureDemoSignIn are both set; a deployment sets Identify only", ErrInvalid)
	}
	for _, d := range []struct {
		name string
		v    *time.Duration
		def  time.Duration
	}{
		{"KeepAlive", &c.KeepAlive, 15 * time.Second},
		{"LeaveAfter", &c.LeaveAfter, 90 * time.Second},
		{"LeaveGrace", &c.LeaveGrace, 5 * time.Second},
	} {
		if *d.v < 0 {
			return nil, fmt.Errorf("%w: %s is %v: give a positive duration, or 0 for %v", ErrInvalid, d.name, *d.v, d.def)
		}
		if *d.v == 0 {
			*d.v = d.def
		}
	}
	if c.LeaveAfter <= 20*time.Second {
		return nil, fmt.Errorf("%w: LeaveAfter %v must be longer than the workspace's 20-second sign of life", ErrInvalid, c.LeaveAfter)
	}
	for _, n := range []struct {
		name     string
		v        *int
		def, max int
	}{
		{"PageSize", &c.PageSize, 50, 500},
		{"ClientBuffer", &c.ClientBuffer, 64, 1 << 16},
		{"MaxClients", &c.MaxClients, 1000, 1 << 20},
	} {
		if *n.v < 0 || *n.v > n.max {
			return nil, fmt.Errorf("%w: %s is %d: give 1 to %d, or 0 for %d", ErrInvalid, n.name, *n.v, n.max, n.def)
		}
		if *n.v == 0 {
			*n.v = n.def
		}
	}
	if c.WarnAt < 0 || c.WarnAt >= 1 {
		return nil, fmt.Errorf("%w: WarnAt is %v: give a share between 0 and 1, or 0 for 0.75", ErrInvalid, c.WarnAt)
	}
	if c.WarnAt == 0 {
		c.WarnAt = 0.75
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	tmpl, err := template.New("").Funcs(funcs).ParseFS(templateFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("console: templates: %w", err)
	}
	sub, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, fmt.Errorf("console: static files: %w", err)
	}
	con := &Console{desk: desk, cfg: c, log: c.Logger, tmpl: tmpl, hub: newHub(c.ClientBuffer, c.MaxClients), work: newWorkspaces(),
		demo: c.InsecureDemoSignIn, stat: http.FileServerFS(sub)}
	if con.demo {
		con.log.Warn("console: InsecureDemoSignIn is set: anyone who reaches this handler may act as any agent or lead, with no password. Never deploy it; set Config.Identify.")
	}
	con.h = con.routes()
	return con, nil
}

// ServeHTTP implements http.Handler.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) { c.h.ServeHTTP(w, r) }

// Refused returns how many cross-origin state-changing requests the console
// refused.
func (c *Console) Refused() int64 { return c.csrf.Load() }

// contentSecurityPolicy forbids inline script, and anything not served by
// the console itself.
const contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
	"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

func (c *Console) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /static/", http.StripPrefix("/static", c.stat))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) { redirect(w, "queue") })
	mux.HandleFunc("GET /signin", c.signInPage)
	mux.HandleFunc("POST /signin", c.signIn)
	mux.HandleFunc("POST /signout", c.signOut)
	mux.HandleFunc("GET /queue", c.user(RoleAgent, c.queuePage))
	mux.HandleFunc("GET /work", c.user(RoleAgent, c.workPage))
	mux.HandleFunc("POST /take", c.user(RoleAgent, c.take))
	mux.HandleFunc("POST /preview", c.user(RoleAgent, c.preview))
	mux.HandleFunc("POST /send", c.user(RoleAgent, c.send))
	mux.HandleFunc("POST /resolve", c.user(RoleAgent, c.resolve))
	mux.HandleFunc("POST /boomerang", c.user(RoleAgent, c.boomerang))
	mux.HandleFunc("POST /snooze", c.user(RoleAgent, c.snooze))
	mux.HandleFunc("POST /handoff", c.user(RoleAgent, c.handoff))
	mux.HandleFunc("POST /release", c.user(RoleAgent, c.release))
	mux.HandleFunc("POST /hold", c.user(RoleAgent, c.hold))
	mux.HandleFunc("POST /leave", c.user(RoleAgent, c.leave))
	mux.HandleFunc("GET /leads", c.user(RoleLead, c.leadsPage))
	mux.HandleFunc("GET /chart/volume.svg", c.user(RoleLead, c.volumeChart))
	mux.HandleFunc("GET /events", c.user(RoleAgent, c.events))

	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.csrf.Add(1)
		c.log.Warn("console: refused a cross-origin request", "method", r.Method, "path", r.URL.Path, "origin", r.Header.Get("Origin"))
		http.Error(w, "console: refused: cross-origin request", http.StatusForbidden)
	}))
	protected := cop.Handler(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			h.Set("Cache-Control", "no-store")
		}
		protected.ServeHTTP(w, r)
	})
}

// redirect sends the browser to a path relative to the page, so that the
// console works under any prefix.
func redirect(w http.ResponseWriter, rel string) {
	w.Header().Set("Location", "./"+rel)
	w.WriteHeader(http.StatusSeeOther)
}

type userKey struct{}

// user wraps h with the identity and role check: a request without a user
// is answered 401 (the demo's sign-in page, in a demo), one whose role is
// below min 403.
func (c *Console) user(min Role, h func(http.ResponseWriter, *http.Request, User)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := c.identify(r)
		if err != nil {
			if !errors.Is(err, ErrNotSignedIn) {
				c.log.Warn("console: identity hook failed", "err", err)
			}
			if c.demo && r.Method == http.MethodGet && r.URL.Path != "/events" {
				redirect(w, "signin")
				return
			}
			http.Error(w, "console: not signed in", http.StatusUnauthorized)
			return
		}
		if u.Role < min || u.Role > RoleLead {
			http.Error(w, "console: forbidden: this view is for "+min.String()+"s", http.StatusForbidden)
			return
		}
		c.work.sweep(r.Context(), c, c.desk.Now())
		h(w, r.WithContext(context.WithValue(r.Context(), userKey{}, u)), u)
	}
}

func (c *Console) identify(r *http.Request) (User, error) {
	if c.demo {
		return c.demoUser(r)
	}
	u, err := c.cfg.Identify(r)
	if err != nil {
		return User{}, err
	}
	if u.Role != RoleAgent && u.Role != RoleLead {
		return User{}, fmt.Errorf("console: the identity hook gave role %d, which is neither RoleAgent nor RoleLead", u.Role)
	}
	return u, nil
}
