#!/usr/bin/env bash
# perf.sh — time crumbs against the sqlite3 floor, black box, in one run.
#
# Generates a Firefox and an encrypted Chromium store of N cookies with
# internal/gen, then times, each RUNS times (the best run counts):
#   floor     sqlite3 selecting every row of the store (SELECT *)
#   import    crumbs import of the store into an empty jar (classified)
#   reimport  the same store again: everything unchanged
#   purge     crumbs purge --purpose tracking --yes on that jar
#   undo      crumbs undo of the purge
# and prints wall and CPU (user+sys) seconds with the ratio to the floor.
# Budgets (docs/budgets.md): import ≤ 5×, re-import ≤ 3× the floor; purge
# and undo ≤ the re-import.
#
# Usage: scripts/perf.sh [N] [RUNS]     (defaults 100000 and 3)
# Needs bash 5 (EPOCHREALTIME), go, sqlite3, awk and GNU time (/usr/bin/time). Nothing leaves $TMPDIR.
set -euo pipefail
n=${1:-100000}
runs=${2:-3}
cd "$(dirname "$0")/.."
command -v sqlite3 >/dev/null || { echo "perf.sh: needs sqlite3"; exit 2; }
[ -x /usr/bin/time ] || { echo "perf.sh: needs GNU time at /usr/bin/time"; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go build -o "$work/crumbs" .
go build -o "$work/crumbs-gen" ./internal/gen/crumbs-gen
mkdir -p "$work/ff" "$work/ch/Default"
"$work/crumbs-gen" -kind firefox -n "$n" -o "$work/ff/cookies.sqlite"
"$work/crumbs-gen" -kind chromium -n "$n" -o "$work/ch/Default/Cookies"
export HOME="$work/home" XDG_DATA_HOME="$work/home/data" XDG_CONFIG_HOME="$work/home/config"
export CRUMBS_SAFE_STORAGE_PASSWORD=peanuts
mkdir -p "$HOME"

# best CMD...: runs CMD $runs times; prints "wall cpu maxrss_kb" of the
# fastest run (by wall time). $setup runs before each, untimed.
setup=true
best() {
  local bw="" bc="" bm=""
  for _ in $(seq "$runs"); do
    eval "$setup"
    # Wall time to the microsecond from bash's clock (GNU time's %e has
    # hundredths, a tenth of a 0.1 s floor); CPU and memory from GNU time.
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%U %S %M' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
    t1=$EPOCHREALTIME
    read -r u s m <"$work/t"
    w=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
    c=$(awk -v u="$u" -v s="$s" 'BEGIN { printf "%.2f", u + s }')
    if [ -z "$bw" ] || awk -v a="$w" -v b="$bw" 'BEGIN { exit !(a < b) }'; then bw=$w bc=$c bm=$m; fi
  done
  echo "$bw $bc $bm"
}

# verdict WALL LIMIT MEM MEMLIMIT TEXT: "met TEXT" when WALL ≤ LIMIT and
# MEM ≤ MEMLIMIT (give 0 0 for no memory budget), else "OVER TEXT".
verdict() { awk -v a="$1" -v b="$2" -v m="$3" -v n="$4" -v t="$5" 'BEGIN { printf "%s %s", (a <= b && m <= n ? "met" : "OVER"), t }'; }

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '%s, %s, %d cookies, best of %d\n' "$(date -u '+%Y-%m-%d %H:%M UTC')" "$(uname -m) $(nproc) cores" "$n" "$runs"
printf '%-10s %-9s %9s %8s %9s %8s %8s  %s\n' store work wall× wall-s cpu× cpu-s rss-MB budget
for kind in firefox chromium; do
  if [ $kind = firefox ]; then store="$work/ff/cookies.sqlite" table=moz_cookies; else store="$work/ch/Default/Cookies" table=cookies; fi
  jar="$work/$kind.db"
  setup=true
  read -r fw fc _ < <(best sqlite3 "$store" "SELECT * FROM $table")
  setup="rm -f '$jar' '$jar-wal' '$jar-shm'"
  read -r iw ic im < <(best "$work/crumbs" --jar "$jar" import "$store")
  setup=true
  read -r rw rc rm < <(best "$work/crumbs" --jar "$jar" import "$store")
  cp "$jar" "$work/base.db"
  setup="cp '$work/base.db' '$jar'; rm -f '$jar-wal' '$jar-shm'"
  read -r pw pc pm < <(best "$work/crumbs" --jar "$jar" purge --purpose tracking --yes)
  setup="cp '$work/base.db' '$jar'; rm -f '$jar-wal' '$jar-shm'; '$work/crumbs' --jar '$jar' purge --purpose tracking --yes >/dev/null 2>&1"
  read -r uw uc um < <(best "$work/crumbs" --jar "$jar" undo)
  row() { printf '%-10s %-9s %9s %8s %9s %8s %8s  %s\n' "$kind" "$1" "$(ratio "$2" "$fw")" "$2" "$(ratio "$3" "$fc")" "$3" "$(( $4 / 1024 ))" "$5"; }
  printf '%-10s %-9s %9s %8s %9s %8s %8s\n' "$kind" floor 1.00 "$fw" 1.00 "$fc" -
  f5=$(awk -v f="$fw" 'BEGIN { printf "%.3f", 5 * f }')
  f3=$(awk -v f="$fw" 'BEGIN { printf "%.3f", 3 * f }')
  peak="(≤ re-import, ≤ import's memory)"
  row import "$iw" "$ic" "$im" "$(verdict "$iw" "$f5" 0 0 "(≤ 5× floor)")"
  row reimport "$rw" "$rc" "$rm" "$(verdict "$rw" "$f3" 0 0 "(≤ 3× floor)")"
  row purge "$pw" "$pc" "$pm" "$(verdict "$pw" "$rw" "$pm" "$im" "$peak")"
  row undo "$uw" "$uc" "$um" "$(verdict "$uw" "$rw" "$um" "$im" "$peak")"
done
