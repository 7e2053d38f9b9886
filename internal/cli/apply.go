package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/importers/writeback"
	"github.com/crumbs-dev/crumbs/internal/writeplan"
	"github.com/crumbs-dev/crumbs/jar"
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
				env, err := a.planEnv(a.password(password))
				if err != nil {
					return err
				}
				srcs, notes, err := writeplan.PendingSources(ctx, env, j, args)
				if err != nil {
					return err
				}
				for _, n := range notes {
					fmt.Fprintln(a.env.Stderr, oneLine(n))
				}
				if len(srcs) == 0 {
					if asJSON {
						fmt.Fprintln(a.env.Stdout, "[]")
					}
					fmt.Fprintln(a.env.Stderr, "no pending changes: nothing to apply")
					return nil
				}
				plans, err := writeplan.Apply(ctx, env, j, srcs)
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
