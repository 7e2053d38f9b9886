package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers"
	"github.com/crumbs-dev/crumbs/importers/chromium/oscrypt"
	"github.com/crumbs-dev/crumbs/importers/source"
	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func (a *app) applyCommand() *cobra.Command {
	var (
		password            string
		dryRun, yes, asJSON bool
	)
	cmd := &cobra.Command{
		Use:   "apply [SOURCE...]",
		Short: "Write the jar's pending deletions and edits into the browsers' stores",
		Long: `Write the jar's pending changes into each source's own store: the cookies
deleted or purged in the jar since that source's last apply are removed from
the browser, and the edits (crumbs edit, the UI's edit form) are written.
With no SOURCE: every source with pending changes. SOURCE is a source id as
the jar knows it (firefox:default-release, file:Default), a browser, or all.

A re-import before the apply does not bring a pending deletion back, emptying
the trash does not cancel it, and undoing the delete does. Protected cookies
are never removed or changed. An edit of a cookie's domain, name or path is
skipped (the store knows the cookie by them), and so is an edit of a value
Chrome encrypted with app-bound encryption (v20: delete-only).

The safety sequence, backups and confirmation are those of 'crumbs clean'
(see its --help and docs/writeback.md); 'crumbs backups restore SOURCE'
undoes an apply.`,
		Example: `  crumbs purge --purpose tracking --yes && crumbs apply --dry-run
  crumbs edit domain:example.com name:theme --set value=light && crumbs apply --yes
  crumbs apply firefox:default-release --json --yes`,
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			interactive := isTerminal(a.env.Stdin) && isTerminal(a.env.Stderr)
			if !yes && !dryRun && !interactive {
				return usageErrorf("apply: stdin is not a terminal, so nobody can confirm: add --yes (or --dry-run to look first)")
			}
			return a.withJar(func(j *jar.Jar) error {
				srcs, err := a.applySources(ctx, j, args)
				if err != nil {
					return err
				}
				if len(srcs) == 0 {
					if asJSON {
						fmt.Fprintln(a.env.Stdout, "[]")
					}
					fmt.Fprintln(a.env.Stderr, "no pending changes: nothing to apply")
					return nil
				}
				plans, err := a.applyPlans(ctx, j, srcs, a.password(password))
				if err != nil {
					return err
				}
				if !yes && !dryRun {
					ok, err := a.confirmPlans("Write the jar's changes into", plans)
					if err != nil {
						return err
					}
					if !ok {
						fmt.Fprintln(a.env.Stderr, "nothing applied")
						return &exitError{ExitFailure}
					}
				}
				return a.runPlans(ctx, writeback.MadeByApply, plans, dryRun, asJSON)
			})
		}),
	}
	fl := cmd.Flags()
	fl.StringVar(&password, "password", "", "Chromium Safe Storage password (default $CRUMBS_SAFE_STORAGE_PASSWORD)")
	fl.BoolVarP(&yes, "yes", "y", false, "do not ask for confirmation")
	fl.BoolVarP(&dryRun, "dry-run", "n", false, "show what would be written, change nothing")
	fl.BoolVar(&asJSON, "json", false, "print the summary as JSON on stdout")
	return cmd
}

// applySources turns apply's arguments into source ids with pending
// changes (all of them without arguments).
func (a *app) applySources(ctx context.Context, j *jar.Jar, args []string) ([]string, error) {
	pending, err := j.PendingSources(ctx)
	if err != nil {
		return nil, err
	}
	if len(args) == 0 {
		return pending, nil
	}
	has := map[string]bool{}
	for _, s := range pending {
		has[s] = true
	}
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	for _, arg := range args {
		if strings.EqualFold(arg, "all") {
			for _, s := range pending {
				add(s)
			}
			continue
		}
		if has[arg] {
			add(arg)
			continue
		}
		ts, err := source.Resolve(ctx, arg, a.discoverEnv())
		if err != nil && len(ts) == 0 {
			return nil, fmt.Errorf("%s: no pending changes for this source, and it names no store: %v", arg, err)
		}
		n := 0
		for _, t := range ts {
			if has[t.SourceID] {
				add(t.SourceID)
				n++
			}
		}
		if n == 0 {
			fmt.Fprintf(a.env.Stderr, "%s: no pending changes\n", oneLine(arg))
		}
	}
	return out, nil
}

// storeOf finds the store of a source id: a discovered profile, or the
// file the jar last imported it from.
func (a *app) storeOf(ctx context.Context, j *jar.Jar, src, password string) (writeback.Store, error) {
	if !strings.HasPrefix(src, "file:") {
		if ts, err := source.Resolve(ctx, src, a.discoverEnv()); len(ts) == 1 && ts[0].SourceID == src {
			return writeback.FromTarget(ts[0], password)
		} else if err != nil && len(ts) == 0 {
			return writeback.Store{Source: src}, err
		}
	}
	infos, err := j.Sources(ctx)
	if err != nil {
		return writeback.Store{Source: src}, err
	}
	for _, in := range infos {
		if in.Source != src || in.File == "" {
			continue
		}
		ts, err := source.Resolve(ctx, in.File, a.discoverEnv())
		if err != nil && len(ts) == 0 {
			return writeback.Store{Source: src}, fmt.Errorf("%s: its store %s: %v", src, in.File, err)
		}
		if len(ts) != 1 {
			return writeback.Store{Source: src}, fmt.Errorf("%s: %s names %d stores", src, in.File, len(ts))
		}
		t := ts[0]
		t.SourceID, t.Options.Source = src, src
		return writeback.FromTarget(t, password)
	}
	return writeback.Store{Source: src}, fmt.Errorf("%s: the jar does not know where this source's store is (import it again)", src)
}

// applyPlans reads each source's store and matches the jar's pending
// changes to its cookies.
func (a *app) applyPlans(ctx context.Context, j *jar.Jar, srcs []string, password string) ([]*wbPlan, error) {
	prot, err := j.Protector(ctx)
	if err != nil {
		return nil, err
	}
	now := a.env.Now()
	var plans []*wbPlan
	for _, src := range srcs {
		ps, upTo, err := j.Pending(ctx, src)
		if err != nil {
			return nil, err
		}
		s, err := a.storeOf(ctx, j, src, password)
		p := newPlan(s)
		plans = append(plans, p)
		if err != nil {
			p.refused = err.Error()
			continue
		}
		if err := s.CheckRunning(); err != nil {
			p.refused = err.Error()
			continue
		}
		res, err := s.Read(ctx, now)
		if err != nil {
			p.refused = err.Error()
			continue
		}
		p.before = res.Cookies
		byID := make(map[cookie.Identity]*cookie.Cookie, len(p.before))
		for i := range p.before {
			byID[p.before[i].Identity()] = &p.before[i]
		}
		for _, pc := range ps {
			sc := byID[pc.Identity]
			if sc == nil {
				p.skip("no longer in the store")
				continue
			}
			if _, ok := prot.Match(sc, now); ok {
				p.protected++
				continue
			}
			if pc.Kind == jar.PendingDelete {
				p.change.Delete = append(p.change.Delete, *sc)
				p.removed[pc.Purpose]++
				continue
			}
			switch {
			case pc.Fields.Has(jar.FieldIdentity):
				p.skip("domain, name or path edited: the store knows a cookie by them")
				continue
			case sc.Encryption == cookie.EncV20:
				p.skip(oscrypt.ErrAppBoundWrite.Error())
				continue
			case pc.Cookie.ValueUnreadable && pc.Fields.Has(jar.FieldValue):
				p.skip("value unreadable in the jar")
				continue
			}
			n := *sc
			c := pc.Cookie
			if pc.Fields.Has(jar.FieldValue) {
				n.Value = c.Value
			}
			if pc.Fields.Has(jar.FieldExpires) {
				n.Expires, n.Session = c.Expires, c.Session
			}
			if pc.Fields.Has(jar.FieldSecure) {
				n.Secure = c.Secure
			}
			if pc.Fields.Has(jar.FieldHTTPOnly) {
				n.HTTPOnly = c.HTTPOnly
			}
			if pc.Fields.Has(jar.FieldSameSite) {
				n.SameSite = c.SameSite
			}
			p.change.Update = append(p.change.Update, importers.Edit{Old: *sc, New: n})
		}
		p.finish()
		src, upTo := src, upTo
		p.afterRun = func(ctx context.Context) error { return j.ClearPending(ctx, src, upTo) }
		if p.change.Empty() {
			// Nothing left to write (all gone or skipped): the pending rows
			// are done with unless the source was refused.
			p.emptyDone = true
		}
	}
	sortPlans(plans)
	return plans, nil
}
