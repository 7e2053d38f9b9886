package ui

import (
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
	Mark, MarkAll, Delete, Purge, Undo, Edit, EditValue, SetPurpose key.Binding
	Trash, Restore, RestoreAll, EmptyTrash, Import, Export, Demo    key.Binding
	Copy, CopyAs, Protect                                           key.Binding
	// dialogs and forms
	Confirm, Cancel, NextField, PrevField, Save, Toggle key.Binding
}

func newKeyMap() KeyMap {
	b := func(help string, desc string, keys ...string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:          b("↑/k", "up", "up", "k"),
		Down:        b("↓/j", "down", "down", "j"),
		Top:         b("g/home", "top", "g", "home"),
		Bottom:      b("G/end", "bottom", "G", "end"),
		PageUp:      b("pgup", "page up", "pgup", "b"),
		PageDown:    b("pgdn", "page down", "pgdown", "pgdn"),
		HalfUp:      b("ctrl+u", "half page up", "ctrl+u"),
		HalfDown:    b("ctrl+d", "half page down", "ctrl+d"),
		NextPane:    b("tab", "next pane", "tab", "l", "right"),
		PrevPane:    b("shift+tab", "previous pane", "shift+tab", "h", "left"),
		Open:        b("enter", "details", "enter"),
		Back:        b("esc", "back", "esc"),
		Flat:        b("f", "flat/by site", "f"),
		Reveal:      b("v", "show/mask values", "v"),
		Sort:        b("s", "sort", "s"),
		SortReverse: b("S", "reverse sort", "S"),
		Help:        b("?", "help", "?"),
		Quit:        b("q", "quit", "q"),
		ForceQuit:   b("ctrl+c", "quit", "ctrl+c"),
		Refresh:     b("ctrl+r", "reload the jar", "ctrl+r"),

		Search:       b("/", "search", "/"),
		SearchKeep:   b("enter", "keep search", "enter"),
		SearchClear:  b("esc", "clear search", "esc"),
		AllPurposes:  b("0", "all purposes", "0"),
		OnlySession:  b("1", "session", "1"),
		OnlyPersonal: b("2", "personalization", "2"),
		OnlyTracking: b("3", "tracking", "3"),
		OnlyUnknown:  b("4", "unknown", "4"),
		Source:       b("o", "next source", "o"),

		Mark:       b("space", "mark", " ", "space"),
		MarkAll:    b("ctrl+a", "mark all shown", "ctrl+a"),
		Delete:     b("d", "delete", "d", "delete"),
		Purge:      b("P", "purge tracking", "P"),
		Undo:       b("u", "undo", "u"),
		Edit:       b("e", "edit", "e"),
		EditValue:  b("E", "edit value in $EDITOR", "E"),
		SetPurpose: b("p", "set purpose", "p"),
		Trash:      b("t", "trash", "t"),
		Restore:    b("r", "restore", "r"),
		RestoreAll: b("R", "restore all", "R"),
		EmptyTrash: b("X", "empty trash", "X"),
		Import:     b("i", "import browsers", "i"),
		Export:     b("x", "export", "x"),
		Demo:       b("D", "load demo cookies", "D"),
		Copy:       b("y", "copy value", "y"),
		CopyAs:     b("Y", "copy as header/JSON", "Y"),
		Protect:    b("K", "protect/unprotect (keep)", "K"),

		Confirm:   b("y", "confirm", "y"),
		Cancel:    b("esc", "cancel", "esc"),
		NextField: b("tab/↓", "next field", "tab", "down"),
		PrevField: b("shift+tab/↑", "previous field", "shift+tab", "up"),
		Save:      b("enter", "save", "enter"),
		Toggle:    b("space/←/→", "change choice", " ", "left", "right"),
	}
}

// all lists every binding, for enabling and disabling in bulk.
func (k *KeyMap) all() []*key.Binding {
	return []*key.Binding{
		&k.Up, &k.Down, &k.Top, &k.Bottom, &k.PageUp, &k.PageDown, &k.HalfUp, &k.HalfDown,
		&k.NextPane, &k.PrevPane, &k.Open, &k.Back,
		&k.Flat, &k.Reveal, &k.Sort, &k.SortReverse, &k.Help, &k.Quit, &k.ForceQuit, &k.Refresh,
		&k.Search, &k.SearchKeep, &k.SearchClear,
		&k.AllPurposes, &k.OnlySession, &k.OnlyPersonal, &k.OnlyTracking, &k.OnlyUnknown, &k.Source,
		&k.Mark, &k.MarkAll, &k.Delete, &k.Purge, &k.Undo, &k.Edit, &k.EditValue, &k.SetPurpose,
		&k.Trash, &k.Restore, &k.RestoreAll, &k.EmptyTrash, &k.Import, &k.Export, &k.Demo,
		&k.Copy, &k.CopyAs, &k.Protect,
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
		{"view", []key.Binding{k.Flat, k.Reveal, k.Sort, k.SortReverse, k.Refresh, k.Help, k.Quit, k.ForceQuit}},
		{"filter", []key.Binding{k.Search, k.SearchKeep, k.SearchClear, k.AllPurposes, k.OnlySession, k.OnlyPersonal, k.OnlyTracking, k.OnlyUnknown, k.Source}},
		{"change", []key.Binding{k.Mark, k.MarkAll, k.Delete, k.Purge, k.Undo, k.Edit, k.EditValue, k.SetPurpose, k.Trash, k.Restore, k.RestoreAll, k.EmptyTrash, k.Import, k.Export, k.Demo, k.Copy, k.CopyAs, k.Protect}},
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
