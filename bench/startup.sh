#!/usr/bin/env bash
# Lifeboat start-up benchmark: the fixed cost of a command, beside a JVM that prints one line.
#
#   hello   : java -cp DIR Hello                              (the same java; the floor of any JVM tool)
#   version : ./lifeboat --version
#   list    : ./lifeboat list --repo REPO                     (a local repository with a few backups)
#   backup  : ./lifeboat backup examples/shop.db --repo REPO --no-encrypt   (a 92 KB SQLite database)
#   age     : ./lifeboat backup examples/shop.db --repo REPO --recipient AGE1
#   run-all : ./lifeboat run --all --config CONFIG --jobs 2   (JOBS small databases, one process)
#             vs  JOBS x ./lifeboat backup DB --repo REPO --no-encrypt, one after another
#
# Each is run REPEAT times after one untimed warm-up (which also makes the launcher's class-data
# archive); wall time and CPU time (user + system) are measured with /usr/bin/time, and the report
# shows the median, the best, and the ratio to hello's median.
#
# Usage: bench/startup.sh [-h]
# Environment:
#   REPEAT=10        timed runs of each command
#   JOBS=20          jobs in the run --all comparison (0 to leave it out)
#   LIFEBOAT=PATH    the launcher to measure (default: ./lifeboat of this checkout)
#   LIFEBOAT_JAVA_OPTS, JAVA_HOME   as for the launcher
# Targets on a quiet 2-core machine: --version <= 0.25 s, list <= 0.35 s, backup <= 0.45 s wall and
# <= 0.6 s CPU. On a loaded machine read the ratios to hello.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/args.sh" "$@"

REPEAT=${REPEAT:-10}
JOBS=${JOBS:-20}
[[ $REPEAT =~ ^[0-9]+$ && $REPEAT -ge 1 ]] || { echo "REPEAT must be an integer >= 1" >&2; exit 2; }
[[ $JOBS =~ ^[0-9]+$ ]] || { echo "JOBS must be an integer >= 0" >&2; exit 2; }

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
lifeboat=${LIFEBOAT:-$root/lifeboat}
java="${JAVA_HOME:+$JAVA_HOME/bin/}java"
die() { echo "bench: $*" >&2; exit 1; }
[[ -x /usr/bin/time ]] || die "/usr/bin/time is missing; install the 'time' package (apt-get install -y time)"
command -v age-keygen >/dev/null || die "age is not installed: apt-get install -y age"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export LIFEBOAT_STATE_DIR="$work/state" LIFEBOAT_SCRATCH_DIR="$work/scratch"
db="$work/shop.db"
cp "$root/examples/shop.db" "$db"
repo="$work/repo"
age-keygen -o "$work/age-key.txt" 2>/dev/null
recipient=$(age-keygen -y "$work/age-key.txt")

mkdir -p "$work/hello"
cat >"$work/hello/Hello.java" <<'JAVA'
public class Hello {
    public static void main(String[] args) {
        System.out.println("hello");
    }
}
JAVA
"${java%java}javac" -d "$work/hello" "$work/hello/Hello.java" 2>/dev/null \
  || "$java" "$work/hello/Hello.java" >/dev/null # no javac: a JRE; fall back to source launch below
hello=("$java" -cp "$work/hello" Hello)
[[ -f "$work/hello/Hello.class" ]] || hello=("$java" "$work/hello/Hello.java")

# One timed run: appends "wall cpu" (seconds) to the file named by $1; output goes away.
timed() {
  local out=$1 t0 t1; shift
  t0=$(date +%s%N)
  /usr/bin/time -f '%U %S' -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; die "failed: $*"; }
  t1=$(date +%s%N)
  awk -v ns=$(( t1 - t0 )) '{ printf "%.3f %.2f\n", ns / 1e9, $1 + $2 }' "$work/t" >>"$out"
}
# median and best of column $2 (1 = wall, 2 = cpu) of the file $1
median() { sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
best() { sort -n -k"$2" "$1" | awk -v c="$2" 'NR == 1 { print $c }'; }

measure() {
  local name=$1; shift
  rm -f "$work/$name.times"
  "$@" >/dev/null 2>&1 || true # warm-up (page cache, class-data archive)
  for (( i = 1; i <= REPEAT; i++ )); do timed "$work/$name.times" "$@"; done
}

"$lifeboat" backup "$db" --repo "$repo" --no-encrypt >/dev/null 2>&1 # the repository list reads
measure hello "${hello[@]}"
measure version "$lifeboat" --version
measure list "$lifeboat" list --repo "$repo"
measure backup "$lifeboat" backup "$db" --repo "$repo" --no-encrypt
measure age "$lifeboat" backup "$db" --repo "$work/repo-age" --recipient "$recipient"

echo "== Lifeboat start-up benchmark =="
echo "machine : $(nproc) CPU(s), load average $(cut -d' ' -f1-3 /proc/loadavg); $("$java" -version 2>&1 | head -1)"
echo "lifeboat: $("$lifeboat" --version 2>/dev/null | head -1) via $lifeboat${LIFEBOAT_JAVA_OPTS:+, LIFEBOAT_JAVA_OPTS=$LIFEBOAT_JAVA_OPTS}; $REPEAT run(s) each"
hello_wall=$(median "$work/hello.times" 1)
fmt='%-34s %9s %9s %9s %9s %9s %8s\n'
# shellcheck disable=SC2059
printf "$fmt" "command" "wall med" "wall best" "cpu med" "x hello" "target" "result"
row() {
  local name=$1 label=$2 target=${3:--} cpu_target=${4:-}
  local wall cpu verdict=-
  wall=$(median "$work/$name.times" 1); cpu=$(median "$work/$name.times" 2)
  if [[ $target != - ]]; then
    verdict=ok
    awk -v a="$wall" -v b="$target" 'BEGIN { exit !(a > b) }' && verdict=MISSED
    [[ -n $cpu_target ]] && awk -v a="$cpu" -v b="$cpu_target" 'BEGIN { exit !(a > b) }' && verdict=MISSED
  fi
  # shellcheck disable=SC2059
  printf "$fmt" "$label" "$wall" "$(best "$work/$name.times" 1)" "$cpu" \
    "$(awk -v a="$wall" -v b="$hello_wall" 'BEGIN { printf "%.2f", a / b }')" \
    "${target/#-/-}${cpu_target:+/$cpu_target}" "$verdict"
}
row hello "java -cp ... Hello"
row version "lifeboat --version" 0.25
row list "lifeboat list (local repository)" 0.35
row backup "lifeboat backup 92 KB SQLite" 0.45 0.6
row age "lifeboat backup 92 KB SQLite, age" 0.45 0.6
echo "(target: wall seconds, and CPU seconds after the slash; for a quiet 2-core machine)"

if (( JOBS > 0 )); then
  config="$work/lifeboat.yaml"
  echo "jobs:" >"$config"
  for (( j = 1; j <= JOBS; j++ )); do
    cp "$root/examples/shop.db" "$work/user-$j.db"
    printf '  user-%s:\n    source: %s\n    repositories: [ "%s" ]\n    encryption: none\n' \
      "$j" "$work/user-$j.db" "$work/jobs-repo" >>"$config"
  done
  t0=$(date +%s%N)
  for (( j = 1; j <= JOBS; j++ )); do
    "$lifeboat" backup "$work/user-$j.db" --repo "$work/loop-repo" --no-encrypt >/dev/null 2>&1
  done
  loop_ns=$(( $(date +%s%N) - t0 ))
  t0=$(date +%s%N)
  "$lifeboat" run --all --config "$config" --jobs 2 >"$work/run-all.out" 2>&1 \
    || { cat "$work/run-all.out" >&2; die "run --all failed"; }
  all_ns=$(( $(date +%s%N) - t0 ))
  echo
  echo "$JOBS small databases: one backup command each $(awk -v n="$loop_ns" 'BEGIN { printf "%.2f", n / 1e9 }') s;" \
    "run --all --jobs 2 $(awk -v n="$all_ns" 'BEGIN { printf "%.2f", n / 1e9 }') s" \
    "($(awk -v a="$loop_ns" -v b="$all_ns" 'BEGIN { printf "%.1f", a / b }')x faster)"
fi
