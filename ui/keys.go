package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
)

// KeyMap is every binding of the UI, in one place. Bindings are enabled or
// disabled per state (syncKeys), and help is drawn from the enabled ones
// only, so what help shows is exactly what works right now. docs/keys.md
// lists the same table.
type KeyMap struct {
	// moving
	Up, Down, Top, Bottom, PageUp, PageDown, HalfUp, HalfDown key.Binding
	NextPane, PrevPane, Open, Back                            key.Binding
	// viewing
	Flat, Reveal, Sort, SortReverse, Help, Quit, ForceQuit, Refresh key.Binding
	// filtering
	Search, SearchKeep, SearchClear                                           key.Binding
	AllPurposes, OnlySession, OnlyPersonal, OnlyTracking, OnlyUnknown, Source key.Binding
	// changing
	Mark, MarkAll, Delete, Purge, Undo, Edit, EditValue, SetPurpose, Add key.Binding
	Trash, Restore, RestoreAll, EmptyTrash, Import, Export, Demo         key.Binding
	Copy, CopyAs, Protect, WriteBack                                     key.Binding
	// the report screen
	Report, ByOrg key.Binding
	// dialogs and forms
	Confirm, Cancel, NextField, PrevField, Save, Toggle key.Binding
}

func newKeyMap() KeyMap {
	// The help label is made from the keys themselves, so help never
	// leaves out a key that works ("pgup/b", "tab/l/→").
	b := func(desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(keysLabel(keys), desc))
	}
	return KeyMap{
		Up:          b("up", "up", "k"),
		Down:        b("down", "down", "j"),
		Top:         b("top", "g", "home"),
		Bottom:      b("bottom", "G", "end"),
		PageUp:      b("page up", "pgup", "b"),
		PageDown:    b("page down", "pgdown", "pgdn"),
		HalfUp:      b("half page up", "ctrl+u"),
		HalfDown:    b("half page down", "ctrl+d"),
		NextPane:    b("next pane", "tab", "l", "right"),
		PrevPane:    b("previous pane", "shift+tab", "h", "left"),
		Open:        b("details", "enter"),
		Back:        b("back", "esc"),
		Flat:        b("flat/by site", "f"),
		Reveal:      b("show/mask values", "v"),
		Sort:        b("sort", "s"),
		SortReverse: b("reverse sort", "S"),
		Help:        b("help", "?"),
		Quit:        b("quit", "q"),
		ForceQuit:   b("quit", "ctrl+c"),
		Refresh:     b("reload the jar", "ctrl+r"),

		Search:       b("search", "/"),
		SearchKeep:   b("keep search", "enter"),
		SearchClear:  b("clear search", "esc"),
		AllPurposes:  b("all purposes", "0"),
		OnlySession:  b("session", "1"),
		OnlyPersonal: b("personalization", "2"),
		OnlyTracking: b("tracking", "3"),
		OnlyUnknown:  b("unknown", "4"),
		Source:       b("next source", "o"),

		Mark:       b("mark", " ", "space"),
		MarkAll:    b("mark all shown", "ctrl+a"),
		Delete:     b("delete", "d", "delete"),
		Purge:      b("purge tracking", "P"),
		Undo:       b("undo", "u"),
		Edit:       b("edit", "e"),
		EditValue:  b("edit value in $EDITOR", "E"),
		Add:        b("add a cookie", "a"),
		SetPurpose: b("set purpose", "p"),
		Trash:      b("trash", "t"),
		Restore:    b("restore", "r"),
		RestoreAll: b("restore all", "R"),
		EmptyTrash: b("empty trash", "X"),
		Import:     b("import browsers", "i"),
		Export:     b("export", "x"),
		Demo:       b("load demo cookies", "D"),
		Copy:       b("copy value", "y"),
		CopyAs:     b("copy as header/JSON", "Y"),
		Protect:    b("protect/unprotect (keep)", "K"),
		WriteBack:  b("write the jar's changes into the browsers", "W"),
		Report:     b("who tracks you (report)", "w"),
		ByOrg:      b("by organisation", "O"),

		Confirm:   b("confirm", "y"),
		Cancel:    b("cancel", "esc"),
		NextField: b("next field", "tab", "down"),
		PrevField: b("previous field", "shift+tab", "up"),
		Save:      b("save", "enter"),
		Toggle:    b("change choice", " ", "left", "right"),
	}
}

// keysLabel is how help names keys: arrows as arrows, " " as space, each
// key once.
func keysLabel(keys []string) string {
	names := map[string]string{"up": "↑", "down": "↓", "left": "←", "right": "→", " ": "space", "pgdown": "pgdn"}
	var out []string
	seen := map[string]bool{}
	for _, k := range keys {
		if n, ok := names[k]; ok {
			k = n
		}
		if !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return strings.Join(out, "/")
}

// all lists every binding, for enabling and disabling in bulk.
func (k *KeyMap) all() []*key.Binding {
	return []*key.Binding{
		&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.HalfUp, &k.HalfDown,
		&k.NextPane, &k.PrevPane, &k.Open, &k.Back,
		&k.Flat, &k.Reveal, &k.Sort, &k.SortReverse, &k.Help, &k.Quit, &k.ForceQuit, &k.Refresh,
		&k.Search, &k.SearchKeep, &k.SearchClear,
		&k.AllPurposes, &k.OnlySession, &k.OnlyPersonal, &k.OnlyTracking, &k.OnlyUnknown, &k.Source,
		&k.Mark, &k.MarkAll, &k.Delete, &k.Purge, &k.Undo, &k.Edit, &k.EditValue, &k.SetPurpose, &k.Add,
		&k.Trash, &k.Restore, &k.RestoreAll, &k.EmptyTrash, &k.Import, &k.Export, &k.Demo,
		&k.Copy, &k.CopyAs, &k.Protect, &k.WriteBack, &k.Report, &k.ByOrg,
		&k.Confirm, &k.Cancel, &k.NextField, &k.PrevField, &k.Save, &k.Toggle,
	}
}

// nav is the moving keys of a list.
func (k *KeyMap) nav() []*key.Binding {
	return []*key.Binding{&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.HalfUp, &k.HalfDown}
}

func enable(on bool, bs ...*key.Binding) {
	for _, b := range bs {
		b.SetEnabled(on)
	}
}

// helpGroup is one titled column of the full help.
type helpGroup struct {
	title string
	keys  []key.Binding
}

// groups returns the enabled bindings grouped for the help screen.
func (k *KeyMap) groups() []helpGroup {
	gs := []helpGroup{
		{"move", []key.Binding{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown, k.HalfUp, k.HalfDown, k.NextPane, k.PrevPane, k.Open, k.Back}},
		{"view", []key.Binding{k.Flat, k.Reveal, k.Sort, k.SortReverse, k.Refresh, k.Trash, k.Report, k.ByOrg, k.Help, k.Quit, k.ForceQuit}},
		{"filter", []key.Binding{k.Search, k.SearchKeep, k.SearchClear, k.AllPurposes, k.OnlySession, k.OnlyPersonal, k.OnlyTracking, k.OnlyUnknown, k.Source}},
		{"mark", []key.Binding{k.Mark, k.MarkAll}},
		{"change", []key.Binding{k.Delete, k.Purge, k.Undo, k.Edit, k.EditValue, k.Add, k.SetPurpose, k.Protect, k.WriteBack, k.Restore, k.RestoreAll, k.EmptyTrash, k.Import, k.Demo}},
		{"copy, export", []key.Binding{k.Copy, k.CopyAs, k.Export}},
		{"dialog", []key.Binding{k.Confirm, k.Cancel, k.NextField, k.PrevField, k.Save, k.Toggle}},
	}
	var out []helpGroup
	for _, g := range gs {
		var keys []key.Binding
		for _, b := range g.keys {
			if b.Enabled() {
				keys = append(keys, b)
			}
		}
		if len(keys) > 0 {
			out = append(out, helpGroup{g.title, keys})
		}
	}
	return out
}
