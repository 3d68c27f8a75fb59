package console

import (
	"net/http"
	"strings"
)

// The demo's sign-in (Config.InsecureDemoSignIn): a cookie that names an
// agent and a role, set by a form where anyone may pick any agent. The
// cookie is checked against the desk's agents, and nothing else.

const demoCookie = "socialcare_console_demo"

func (c *Console) demoUser(r *http.Request) (User, error) {
	ck, err := r.Cookie(demoCookie)
	if err != nil {
		return User{}, ErrNotSignedIn
	}
	id, role, _ := strings.Cut(ck.Value, "|")
	u := User{AgentID: id}
	switch role {
	case "agent":
		u.Role = RoleAgent
	case "lead":
		u.Role = RoleLead
	default:
		return User{}, ErrNotSignedIn
	}
	if _, err := c.desk.Agent(id); err != nil {
		return User{}, ErrNotSignedIn
	}
	return u, nil
}

type signInData struct {
	base
	Agents []signInAgent
}

type signInAgent struct{ ID, Name string }

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	if !c.demo {
		http.NotFound(w, r)
		return
	}
	as, err := c.desk.Agents(r.Context())
	if err != nil {
		http.Error(w, "console: the desk cannot be read now", http.StatusServiceUnavailable)
		return
	}
	d := &signInData{base: base{Page: "signin", Demo: true, Now: c.desk.Now()}}
	for _, a := range as {
		if !a.Bot {
			d.Agents = append(d.Agents, signInAgent{a.ID, a.Name})
		}
	}
	c.render(w, r, http.StatusOK, "signin", d)
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if !c.demo {
		http.NotFound(w, r)
		return
	}
	id, role := r.FormValue("agent"), r.FormValue("role")
	if _, err := c.desk.Agent(id); err != nil || (role != "agent" && role != "lead") {
		http.Error(w, "console: no such agent or role", http.StatusBadRequest)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: demoCookie, Value: id + "|" + role, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	if role == "lead" {
		redirect(w, "leads")
		return
	}
	redirect(w, "queue")
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request) {
	if !c.demo {
		http.NotFound(w, r)
		return
	}
	if u, err := c.demoUser(r); err == nil {
		for _, k := range c.work.keys(u.AgentID) {
			if a, ok := c.work.get(u.AgentID, k, c.desk.Now()); ok {
				if err := c.desk.Release(r.Context(), a); err != nil {
					c.log.Warn("console: release on sign-out", "key", k, "err", err)
				}
				c.work.drop(u.AgentID, k)
			}
		}
	}
	http.SetCookie(w, &http.Cookie{Name: demoCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
	redirect(w, "signin")
}
