package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/crumbs-dev/crumbs/internal/cleanup"
	"github.com/crumbs-dev/crumbs/internal/editor"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

type fieldKind int

const (
	fieldText fieldKind = iota
	fieldChoice
)

// formField is one row of the edit form. Choice fields cycle with
// space/←/→; text fields are text inputs.
type formField struct {
	label   string
	jarName string // InvalidError.Field this row owns
	kind    fieldKind
	input   textinput.Model
	initial string // the text the field opened with
	touched bool   // typed in: only then is the text taken (a field left alone keeps its exact bytes)
	choices []string
	choice  int
	err     string
}

// editForm edits every editable field of one cookie. Each change is
// validated at once with cookie.Validate and the error shown next to the
// field; enter saves only a valid cookie.
type editForm struct {
	orig    cookie.Cookie
	fields  []*formField
	focus   int
	formErr string
	preview string
	adding  bool // a new cookie (a), saved as an import of source manual
}

// manualSource is the Source of cookies added in the UI.
const manualSource = "manual"

// newAddForm is the edit form for a new cookie on site: a session cookie
// on path /, validated like any edit.
func newAddForm(cx *Context, site string) *editForm {
	c := cookie.Cookie{Source: manualSource, Domain: site, Path: "/", Session: true, Encryption: cookie.EncPlain}
	if site == "" {
		c.Domain = "example.com"
	}
	f := newEditForm(cx, c)
	f.adding = true
	f.validate(cx)
	return f
}

const expiryLayout = "2006-01-02 15:04:05"

func newEditForm(cx *Context, c cookie.Cookie) *editForm {
	f := &editForm{orig: c}
	text := func(label, jarName, v string) *formField {
		ti := newField(cx)
		ti.CharLimit = 8192
		ti.Width = editFieldWidth(cx.w)
		ti.SetValue(v)
		return &formField{label: label, jarName: jarName, input: ti, initial: v}
	}
	choice := func(label, jarName string, choices []string, cur string) *formField {
		ff := &formField{label: label, jarName: jarName, kind: fieldChoice, choices: choices}
		for i, s := range choices {
			if s == cur {
				ff.choice = i
			}
		}
		return ff
	}
	yn := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	exp := ""
	if !c.Expires.IsZero() {
		exp = c.Expires.Time().Format(expiryLayout)
	}
	value := text("value", "value", c.Value)
	if !cx.reveal {
		masked(&value.input, true)
	}
	f.fields = []*formField{
		text("name", "name", c.Name),
		value,
		text("domain", "domain", c.Domain),
		choice("host-only", "host_only", []string{"yes", "no"}, yn(c.HostOnly)),
		text("path", "path", c.Path),
		choice("secure", "secure", []string{"yes", "no"}, yn(c.Secure)),
		choice("httponly", "httponly", []string{"yes", "no"}, yn(c.HTTPOnly)),
		choice("samesite", "same_site", []string{"unspecified", "none", "lax", "strict"}, c.SameSite.String()),
		choice("session", "session", []string{"yes", "no"}, yn(c.Session)),
		text("expires", "expires", exp),
	}
	if c.ValueUnreadable {
		value.input.SetValue("")
		value.input.Placeholder = "unreadable: " + safe(c.UnreadableReason)
	}
	f.fields[0].input.Focus()
	f.validate(cx)
	return f
}

func (f *editForm) enableKeys(k *KeyMap) {
	enable(true, &k.NextField, &k.PrevField, &k.Save, &k.Cancel)
	enable(f.fields[f.focus].kind == fieldChoice, &k.Toggle)
}

// cookie builds the edited cookie; a field that does not parse reports an
// InvalidError for itself.
func (f *editForm) cookie() (cookie.Cookie, error) {
	c := f.orig
	get := func(label string) *formField {
		for _, ff := range f.fields {
			if ff.label == label {
				return ff
			}
		}
		return nil
	}
	yes := func(label string) bool { ff := get(label); return ff.choices[ff.choice] == "yes" }
	c.Name = get("name").text()
	if v := get("value").text(); v != f.orig.Value && !(c.ValueUnreadable && v == "") {
		// A new value typed over an unreadable one makes it readable.
		c.Value, c.ValueUnreadable, c.UnreadableReason = v, false, ""
	}
	c.Domain = strings.TrimSpace(get("domain").text())
	c.HostOnly = yes("host-only")
	c.Path = get("path").text()
	c.Secure = yes("secure")
	c.HTTPOnly = yes("httponly")
	ss := get("samesite")
	c.SameSite, _ = cookie.ParseSameSite(ss.choices[ss.choice])
	c.Session = yes("session")
	exp := strings.TrimSpace(get("expires").text())
	if c.Session {
		c.Expires = cookie.Time{}
	} else {
		if exp == "" {
			return c, &cookie.InvalidError{Field: "expires", Reason: "a persistent cookie needs an expiry (YYYY-MM-DD HH:MM:SS, UTC) or session: yes"}
		}
		t, err := parseExpiry(exp)
		if err != nil {
			return c, &cookie.InvalidError{Field: "expires", Reason: "write it as YYYY-MM-DD or YYYY-MM-DD HH:MM:SS (UTC)"}
		}
		c.Expires = cookie.TimeOf(t)
	}
	return c, nil
}

func parseExpiry(s string) (time.Time, error) {
	for _, layout := range []string{expiryLayout, "2006-01-02 15:04", "2006-01-02", time.RFC3339} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, errors.New("bad time")
}

// validate runs the form's own parsing and cookie.Validate, and puts the
// error next to the field it concerns.
func (f *editForm) validate(cx *Context) error {
	for _, ff := range f.fields {
		ff.err = ""
	}
	f.formErr, f.preview = "", ""
	c, err := f.cookie()
	if err == nil {
		err = cookie.Validate(&c, cx.jar.Now())
	}
	if err != nil {
		var inv *cookie.InvalidError
		if errors.As(err, &inv) {
			for _, ff := range f.fields {
				if strings.EqualFold(ff.jarName, inv.Field) || strings.EqualFold(ff.label, inv.Field) {
					ff.err = safe(inv.Reason)
					return err
				}
			}
		}
		f.formErr = safe(errText(err))
		return err
	}
	if cx.opts.Classifier != nil && c.VerdictBy != cookie.EvidenceUser {
		p := c
		cx.opts.Classifier.Classify(&p)
		f.preview = fmt.Sprintf("purpose when saved: %s — %s", p.Purpose, safe(p.Reason))
	}
	return nil
}

func (f *editForm) setFocus(i int) {
	f.fields[f.focus].input.Blur()
	f.focus = (i + len(f.fields)) % len(f.fields)
	if f.fields[f.focus].kind == fieldText {
		f.fields[f.focus].input.Focus()
	}
}

func (f *editForm) update(cx *Context, msg tea.Msg) (modal, tea.Cmd) {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return f, nil
	}
	k := &cx.keys
	ff := f.fields[f.focus]
	switch {
	case key.Matches(km, k.Cancel):
		return nil, nil
	case key.Matches(km, k.NextField):
		f.setFocus(f.focus + 1)
		return f, nil
	case key.Matches(km, k.PrevField):
		f.setFocus(f.focus - 1)
		return f, nil
	case key.Matches(km, k.Save):
		if f.validate(cx) != nil {
			return f, nil
		}
		c, _ := f.cookie()
		if f.adding {
			return nil, addCookie(cx, c)
		}
		return nil, cx.change("saving "+safe(c.Name), func(ctx context.Context, j *jar.Jar) (string, error) {
			if err := j.Update(ctx, c); err != nil {
				return "", err
			}
			return "saved " + safe(c.Name) + " — u to undo", nil
		})
	case ff.kind == fieldChoice && key.Matches(km, k.Toggle):
		if km.String() == "left" {
			ff.choice = (ff.choice + len(ff.choices) - 1) % len(ff.choices)
		} else {
			ff.choice = (ff.choice + 1) % len(ff.choices)
		}
		f.validate(cx)
		return f, nil
	}
	if ff.kind != fieldText {
		return f, nil
	}
	if updateField(&ff.input, km) {
		ff.touched = true
		f.validate(cx)
	}
	return f, nil
}

func (f *editForm) view(cx *Context, w, h int) string {
	inner := mini(maxi(w-6, 20), 90)
	labelW := 11
	// On a short terminal (60×16) the form drops its blank lines so that
	// it fits with its border.
	roomy := h >= 20
	lines := []string{cx.th.title.Render(trunc(f.title(), inner))}
	if roomy {
		lines = append(lines, "")
	}
	for i, ff := range f.fields {
		cur := " "
		if i == f.focus {
			cur = "▸"
		}
		var v string
		if ff.kind == fieldChoice {
			var opts []string
			for j, c := range ff.choices {
				if j == ff.choice {
					opts = append(opts, cx.th.cursorRow.Render("["+c+"]"))
				} else {
					opts = append(opts, " "+c+" ")
				}
			}
			v = strings.Join(opts, " ")
		} else {
			v = ff.input.View()
		}
		lines = append(lines, cur+" "+fit(ff.label, labelW)+trunc(v, inner-labelW-2))
		if ff.err != "" {
			lines = append(lines, spaces(labelW+2)+cx.th.danger.Render(trunc("✗ "+ff.err, inner-labelW-2)))
		}
	}
	if roomy {
		lines = append(lines, "")
	}
	if f.formErr != "" {
		lines = append(lines, cx.th.danger.Render(trunc("✗ "+f.formErr, inner)))
	} else if f.preview != "" && roomy {
		lines = append(lines, cx.th.muted.Render(trunc(f.preview, inner)))
	}
	lines = append(lines, cx.th.muted.Render(trunc("enter save · tab/↑↓ field · space/←→ choice · esc cancel · expiry in UTC", inner)))
	return cx.th.dialog.Render(joinLines(lines))
}

// ---- $EDITOR ----

type editorDoneMsg struct {
	c   cookie.Cookie
	dir string
	err error
}

// editValueInEditor opens the cookie's value in $VISUAL/$EDITOR (vi if
// neither is set), run as git runs it (internal/editor). The value lives in a 0600 file inside a private 0700
// temp dir that is removed as soon as the editor exits.
func editValueInEditor(cx *Context, c cookie.Cookie) tea.Cmd {
	if c.ValueUnreadable {
		return cx.nav.setToast("the value of this cookie is unreadable ("+safe(c.UnreadableReason)+")", true)
	}
	cmd, dir, err := prepareEditor(c.Value)
	if err != nil {
		return cx.nav.setToast(err.Error(), true)
	}
	return tea.ExecProcess(cmd, func(err error) tea.Msg {
		return editorDoneMsg{c: c, dir: dir, err: err}
	})
}

// prepareEditor writes value to a 0600 file in a new private temp dir and
// returns the editor command for it.
func prepareEditor(value string) (*exec.Cmd, string, error) {
	dir, err := cleanup.MkdirTemp("edit")
	if err != nil {
		return nil, "", fmt.Errorf("cannot create a temp dir: %w", err)
	}
	file := filepath.Join(dir, "value.txt")
	if err := os.WriteFile(file, []byte(value), 0o600); err != nil {
		cleanup.Remove(dir)
		return nil, "", fmt.Errorf("cannot write a temp file: %w", err)
	}
	cmd, err := editor.Command(os.Getenv, file)
	if err != nil {
		cleanup.Remove(dir)
		return nil, "", err
	}
	return cmd, dir, nil
}

// finishEditor reads the edited value back, removes the temp dir and
// commits the change.
func finishEditor(cx *Context, msg editorDoneMsg) tea.Cmd {
	if msg.err != nil {
		cleanup.Remove(msg.dir)
		return cx.nav.setToast("editor failed: "+msg.err.Error(), true)
	}
	file := filepath.Join(msg.dir, "value.txt")
	b, err := os.ReadFile(file)
	if err != nil {
		cleanup.Remove(msg.dir)
		return cx.nav.setToast("reading the edited value: "+err.Error(), true)
	}
	text := string(b)
	if rest, ok := strings.CutPrefix(text, editorNote); ok {
		// the note of a refused save: drop its line
		_, text, _ = strings.Cut(rest, "\n")
		if strings.TrimSpace(text) == "" {
			cleanup.Remove(msg.dir)
			return cx.nav.setToast("edit cancelled: the value is unchanged", false)
		}
	}
	v := strings.TrimRight(text, "\r\n") // editors add a final newline
	if v == msg.c.Value {
		cleanup.Remove(msg.dir)
		return cx.nav.setToast("value unchanged", false)
	}
	c := msg.c
	c.Value = v
	if err := cookie.Validate(&c, cx.jar.Now()); err != nil {
		// Not saved: open the editor again on what was written, the
		// reason on the first line, instead of losing the edit.
		note := editorNote + " not saved — " + errText(err) + ". Fix the value below (this line is dropped); empty it to cancel.\n"
		if werr := os.WriteFile(file, []byte(note+v+"\n"), 0o600); werr != nil {
			cleanup.Remove(msg.dir)
			return cx.nav.setToast("not saved: "+safe(errText(err)), true)
		}
		cmd, cerr := editor.Command(os.Getenv, file)
		if cerr != nil {
			cleanup.Remove(msg.dir)
			return cx.nav.setToast("not saved: "+safe(errText(err)), true)
		}
		orig, dir := msg.c, msg.dir
		return tea.ExecProcess(cmd, func(err error) tea.Msg { return editorDoneMsg{c: orig, dir: dir, err: err} })
	}
	cleanup.Remove(msg.dir)
	return cx.change("saving the value of "+safe(c.Name), func(ctx context.Context, j *jar.Jar) (string, error) {
		if err := j.Update(ctx, c); err != nil {
			return "", err
		}
		return "saved the value of " + safe(c.Name) + " — u to undo", nil
	})
}

// editorNote starts the first line of a value file opened again after a
// refused save.
const editorNote = "# crumbs:"

// editCookie opens the edit form on c, or with inEditor its value in
// $EDITOR (the same keys on the main and details screens).
func editCookie(cx *Context, c *cookie.Cookie, inEditor bool) tea.Cmd {
	if c == nil {
		return nil
	}
	if inEditor {
		return editValueInEditor(cx, *c)
	}
	cx.nav.open(newEditForm(cx, *c))
	return nil
}

// text is the field's text: what was typed, or exactly what it opened with.
func (ff *formField) text() string {
	if !ff.touched {
		return ff.initial
	}
	return ff.input.Value()
}

// editFieldWidth is the width of a text field of the edit form on a
// terminal w cells wide.
func editFieldWidth(w int) int {
	inner := mini(maxi(w-6, 20), 90)
	return maxi(inner-11-4, 4) // label, cursor glyph and the "▏" marker without colour
}

// title names the cookie the form edits (or that it adds).
func (f *editForm) title() string {
	if f.adding {
		return "Add a cookie (source " + manualSource + ")"
	}
	return "Edit " + safe(f.orig.Name) + " on " + safe(f.orig.Domain)
}

// addCookie stores c as a one-cookie import of source manual: one undo
// step, classified like every other cookie.
func addCookie(cx *Context, c cookie.Cookie) tea.Cmd {
	return cx.change("adding "+safe(c.Name), func(ctx context.Context, j *jar.Jar) (string, error) {
		st, err := j.Import(ctx, []jar.Batch{{Source: manualSource, File: "added in the UI", Cookies: []cookie.Cookie{c}}}, jar.ImportOptions{})
		if err != nil {
			return "", err
		}
		if st.Added == 0 {
			return "updated " + safe(c.Name) + " (a cookie with that name, domain and path was there) — u to undo", nil
		}
		return "added " + safe(c.Name) + " on " + safe(c.Domain) + " — u to undo", nil
	})
}
