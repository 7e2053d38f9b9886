package ui

import (
	"bytes"
	"fmt"
	"os"

	"github.com/aymanbagabas/go-osc52/v2"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/jar/cookie"
)

// Copying uses OSC 52: the terminal (also over SSH) puts the text on the
// system clipboard. Nothing is written to disk or to a clipboard daemon.
// tmux takes the plain sequence with its default settings (set-clipboard
// external forwards it to the terminal, on also keeps a buffer), so it is
// not wrapped for passthrough, which tmux drops unless allow-passthrough
// is on; GNU screen passes only a DCS-wrapped one.

// osc52For is the sequence that copies text through the terminal the UI
// runs in (getenv: STY is set inside screen).
func osc52For(text string, getenv func(string) string) osc52.Sequence {
	seq := osc52.New(text)
	if getenv("STY") != "" && getenv("TMUX") == "" {
		seq = seq.Screen()
	}
	return seq
}

// copyText sends text to the clipboard and says what was sent (never the
// text itself). The UI cannot know whether the terminal took it, so the
// toast says where it went, not that it arrived.
func copyText(c *Context, text, what string) tea.Cmd {
	seq := osc52For(text, os.Getenv)
	out := c.opts.output()
	return func() tea.Msg {
		var b bytes.Buffer
		_, _ = seq.WriteTo(&b)
		_, err := out.Write(b.Bytes())
		if err != nil {
			return changedToast{text: "copy failed: " + err.Error(), err: true}
		}
		return changedToast{text: "sent " + what + " to the terminal's clipboard (OSC 52)"}
	}
}

// changedToast only shows a message; nothing in the jar changed.
type changedToast struct {
	text string
	err  bool
}

// copyValue copies ck's value.
func copyValue(c *Context, ck *cookie.Cookie) tea.Cmd {
	if ck == nil {
		return nil
	}
	if ck.ValueUnreadable {
		return c.nav.setToast("the value of "+safe(ck.Name)+" is unreadable", true)
	}
	return copyText(c, ck.Value, fmt.Sprintf("the value of %s (%d bytes)", safe(ck.Name), len(ck.Value)))
}

// copyAs asks in which form cs go to the clipboard.
func copyAs(c *Context, cs []cookie.Cookie) tea.Cmd {
	if len(cs) == 0 {
		return nil
	}
	c.nav.open(&copyPicker{cookies: cs})
	return nil
}

// copyPicker asks in which form the selection goes to the clipboard.
type copyPicker struct{ cookies []cookie.Cookie }

func (p *copyPicker) enableKeys(k *KeyMap) { enable(true, &k.Cancel) }

func (p *copyPicker) update(c *Context, msg tea.Msg) (modal, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return p, nil
	}
	switch {
	case key.Matches(km, c.keys.Cancel):
		return nil, nil
	case km.String() == "h":
		return nil, copyText(c, cookieHeader(p.cookies), "a Cookie header of "+plural(len(p.cookies), "cookie"))
	case km.String() == "j":
		var b bytes.Buffer
		if err := writeJSON(&b, p.cookies); err != nil {
			return nil, c.nav.setToast("copy failed: "+err.Error(), true)
		}
		return nil, copyText(c, b.String(), "the JSON of "+plural(len(p.cookies), "cookie"))
	}
	return p, nil
}

func (p *copyPicker) view(c *Context, w, h int) string {
	return c.th.dialog.Render(joinLines([]string{
		c.th.title.Render("Copy " + plural(len(p.cookies), "cookie") + " as"), "",
		"h  Cookie header (name=value; …)",
		"j  JSON (chrome.cookies shape, as export)", "",
		c.th.muted.Render("esc cancel"),
	}))
}

// cookieHeader is "name=value; name2=value2" for the given cookies, in
// order, unreadable values left out.
func cookieHeader(cs []cookie.Cookie) string {
	var b bytes.Buffer
	for _, c := range cs {
		if c.ValueUnreadable {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(c.Name)
		b.WriteByte('=')
		b.WriteString(c.Value)
	}
	return b.String()
}
