package cli

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/cookie"
)

func (a *app) editCommand() *cobra.Command {
	var sets []string
	cmd := &cobra.Command{
		Use:   "edit FILTER... --set FIELD=VALUE...",
		Short: "Change fields of the matching cookies in the jar (apply writes them back)",
		Long: `Set fields of every live cookie that matches the filter, in the jar, with the
validation of the UI's edit form, as one undo step. The fields:

  value=TEXT           the value (no ';' or control characters)
  expires=WHEN         RFC 3339 (2027-01-02T15:04:05Z), a date (2027-01-02),
                       unix seconds, or "session"
  secure=BOOL          true/false, yes/no, 1/0
  httponly=BOOL
  samesite=MODE        unspecified, none, lax, strict

The browser's own store is not changed: 'crumbs apply' writes the edits of
cookies read from a browser (see its --help).

` + filterHelp,
		Example: `  crumbs edit domain:example.com name:theme --set value=light
  crumbs edit name:consent --set expires=2027-06-01 --set samesite=lax
  crumbs apply --yes`,
		Args: cobra.MinimumNArgs(1),
		RunE: a.run(func(cmd *cobra.Command, args []string) error {
			if len(sets) == 0 {
				return usageErrorf("edit: give at least one --set FIELD=VALUE")
			}
			f, err := parseFilter(args)
			if err != nil {
				return err
			}
			apply := make([]func(c *cookie.Cookie), 0, len(sets))
			var what []string
			for _, s := range sets {
				fn, err := parseSet(s)
				if err != nil {
					return &usageError{err}
				}
				apply = append(apply, fn)
				k, _, _ := strings.Cut(s, "=")
				what = append(what, strings.ToLower(k))
			}
			return a.withJar(func(j *jar.Jar) error {
				ctx := cmd.Context()
				cs, err := matching(ctx, j, f)
				if err != nil {
					return err
				}
				if len(cs) == 0 {
					fmt.Fprintln(a.env.Stderr, "no cookie matches: nothing edited")
					return nil
				}
				for i := range cs {
					for _, fn := range apply {
						fn(&cs[i])
					}
				}
				summary := fmt.Sprintf("edit %s of %s", strings.Join(what, ", "), plural(len(cs), "cookie", "cookies"))
				n, err := j.UpdateAll(ctx, cs, summary)
				if err != nil {
					return err
				}
				fmt.Fprintf(a.env.Stderr, "edited %s in the jar — crumbs apply writes it into the browsers, crumbs undo reverts it\n",
					plural(n, "cookie", "cookies"))
				return nil
			})
		}),
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "FIELD=VALUE to set (repeatable): value, expires, secure, httponly, samesite")
	return cmd
}

// parseSet parses one --set FIELD=VALUE into the change it makes.
func parseSet(s string) (func(c *cookie.Cookie), error) {
	k, v, ok := strings.Cut(s, "=")
	if !ok {
		return nil, fmt.Errorf("--set %q: want FIELD=VALUE", s)
	}
	switch strings.ToLower(strings.TrimSpace(k)) {
	case "value":
		return func(c *cookie.Cookie) { c.Value, c.ValueUnreadable, c.UnreadableReason = v, false, "" }, nil
	case "expires", "expiry":
		if strings.EqualFold(v, "session") {
			return func(c *cookie.Cookie) { c.Session, c.Expires = true, cookie.Time{} }, nil
		}
		t, err := parseWhen(v)
		if err != nil {
			return nil, fmt.Errorf("--set expires=%q: %v", v, err)
		}
		return func(c *cookie.Cookie) { c.Session, c.Expires = false, cookie.TimeOf(t) }, nil
	case "secure", "httponly", "http_only":
		b, err := parseBool(v)
		if err != nil {
			return nil, fmt.Errorf("--set %s: %v", s, err)
		}
		if strings.EqualFold(k, "secure") {
			return func(c *cookie.Cookie) { c.Secure = b }, nil
		}
		return func(c *cookie.Cookie) { c.HTTPOnly = b }, nil
	case "samesite", "same_site":
		ss, ok := cookie.ParseSameSite(v)
		if !ok {
			return nil, fmt.Errorf("--set samesite=%q: want unspecified, none, lax or strict", v)
		}
		return func(c *cookie.Cookie) { c.SameSite = ss }, nil
	case "domain", "name", "path":
		return nil, fmt.Errorf("--set %s: edit changes value, expires, secure, httponly and samesite; a cookie's domain, name and path are its identity in the browser's store (change them in the UI)", k)
	}
	return nil, fmt.Errorf("--set %q: unknown field (want value, expires, secure, httponly or samesite)", k)
}

func parseWhen(v string) (time.Time, error) {
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		return time.Unix(n, 0).UTC(), nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("not a time (RFC 3339, YYYY-MM-DD, unix seconds or session)")
}

func parseBool(v string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes", "on", "y":
		return true, nil
	case "0", "false", "no", "off", "n":
		return false, nil
	}
	return false, fmt.Errorf("%q is not true or false", v)
}
