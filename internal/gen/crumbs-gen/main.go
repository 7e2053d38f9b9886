// Command crumbs-gen writes large realistic cookie stores and files for
// benchmarks and for timing the crumbs binary:
//
//	go run ./internal/gen/crumbs-gen -kind firefox  -n 100000 -o /tmp/ff/cookies.sqlite
//	go run ./internal/gen/crumbs-gen -kind chromium -n 100000 -o /tmp/ch/Default/Cookies
//	go run ./internal/gen/crumbs-gen -kind json     -n 100000 -o /tmp/cookies.json
//	go run ./internal/gen/crumbs-gen -kind netscape -n 100000 -o /tmp/cookies.txt
//	go run ./internal/gen/crumbs-gen -kind jar      -n 1000000 -o /tmp/jar.db
//
// A jar is made from any of the stores with `crumbs --jar J import FILE`;
// -kind jar writes one directly (classified, one source "gen:jar"), which
// is how a jar of a million cookies is made: no browser store holds that
// many, and crumbs refuses a store of more than 200,000 (docs/decisions.md).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/crumbs-dev/crumbs/importers/cookiejson"
	"github.com/crumbs-dev/crumbs/importers/netscape"
	"github.com/crumbs-dev/crumbs/internal/gen"
	"github.com/crumbs-dev/crumbs/jar"
	"github.com/crumbs-dev/crumbs/jar/purpose"
)

func main() {
	kind := flag.String("kind", "firefox", "firefox, chromium (v10, meta 24), json, netscape or jar")
	n := flag.Int("n", 100000, "number of cookies")
	seed := flag.Int64("seed", 1, "random seed (the output is deterministic)")
	out := flag.String("o", "", "output file (must not exist for the SQLite kinds)")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "crumbs-gen: -o is required")
		os.Exit(2)
	}
	if err := run(*kind, *n, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "crumbs-gen:", err)
		os.Exit(1)
	}
}

func run(kind string, n int, seed int64, out string) error {
	if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
		return err
	}
	cs := gen.Cookies(n, seed, time.Now().UTC(), "gen:"+kind)
	switch kind {
	case "firefox":
		return gen.WriteFirefoxStore(out, cs)
	case "chromium":
		return gen.WriteChromiumStore(out, cs, gen.ChromiumStoreOptions{})
	case "json":
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if err := cookiejson.Write(f, cs); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case "jar":
		if _, err := os.Stat(out); err == nil {
			return fmt.Errorf("%s exists: -kind jar writes a new jar", out)
		}
		j, err := jar.Open(out, jar.WithClassifier(purpose.Default()))
		if err != nil {
			return err
		}
		if _, err := j.Import(context.Background(), []jar.Batch{{Source: "gen:jar", File: "crumbs-gen", Cookies: cs}}, jar.ImportOptions{}); err != nil {
			j.Close()
			return err
		}
		return j.Close()
	case "netscape":
		f, err := os.OpenFile(out, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := netscape.Write(f, cs, netscape.WriteOptions{}); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	return fmt.Errorf("unknown -kind %q (firefox, chromium, json, netscape, jar)", kind)
}
