#!/usr/bin/env bash
# Lifeboat SQLite benchmark: Lifeboat's backup and restore against the stock tools, in one go.
#
#   backup : ./lifeboat backup DB --repo R --compress zstd --level 3
#            vs  sqlite3 DB ".backup TMP" && zstd -3 -T0 TMP -c | sha256sum; rm TMP
#   restore: ./lifeboat restore latest --repo R --to NEW_PATH
#            vs  zstd -d -c R/backups/*/snapshot.sqlite.zst | cat > NEW_PATH
#   restore of a verified backup (after ./lifeboat verify latest: integrity_check is not run again
#            on the same bytes): ./lifeboat restore latest --repo R --to NEW_PATH
#            vs  zstd -d -c R/backups/*/snapshot.sqlite.zst > NEW_PATH
#   age    : ./lifeboat backup DB --repo R --level 3 --recipient AGE1
#            vs  sqlite3 DB ".backup TMP" && zstd -3 -T0 TMP -c | age -r AGE1 | sha256sum; rm TMP
#
# The database (4 million rows of text / numbers / JSON plus an index, ~630 MB, WAL mode with a
# final batch of inserts and updates left uncheckpointed in the -wal) is built once with the stock
# sqlite3 CLI and cached under bench/work/cache/. Every timed run works on a fresh copy of the
# cached files, because closing the last connection of a WAL database checkpoints its -wal away.
#
# Usage: bench/sqlite.sh [-h]
# Environment:
#   ROWS=4000000            rows in the database (e.g. ROWS=200000 for a quick run)
#   REPEAT=3                timed runs per tool and operation
#   STAT=best|median        which of the REPEAT times the ratio uses (default best)
#   LIFEBOAT_JAVA_OPTS      JVM options for Lifeboat (default -Xmx256m: a fixed, small heap)
#   REBUILD=1               rebuild the cached database even if it exists
#   KEEP_RUN=1              keep bench/work/run/ (copies, repository, restored files) afterwards
#   STRICT=1                exit 1 when a target is missed (default: report only)
# Targets: backup time ratio lifeboat/stock <= 1.1, Lifeboat peak RSS <= 300 MB, restore of a
# verified backup <= 3 x zstd -d.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/args.sh" "$@"

ROWS=${ROWS:-4000000}
REPEAT=${REPEAT:-3}
STAT=${STAT:-best}
LEVEL=3
export LIFEBOAT_JAVA_OPTS=${LIFEBOAT_JAVA_OPTS:--Xmx256m}
TARGET_RATIO=1.1
TARGET_RSS_MB=300
TARGET_VERIFIED_RESTORE_RATIO=3
DATASET_VERSION=1 # bump when the generator below changes, so stale caches are rebuilt

[[ $ROWS =~ ^[0-9]+$ && $ROWS -ge 1000 ]] || { echo "ROWS must be an integer >= 1000" >&2; exit 2; }
[[ $REPEAT =~ ^[0-9]+$ && $REPEAT -ge 1 ]] || { echo "REPEAT must be an integer >= 1" >&2; exit 2; }
[[ $STAT == best || $STAT == median ]] || { echo "STAT must be best or median" >&2; exit 2; }

bench="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$bench/.." && pwd)"
work="$bench/work"
cache="$work/cache"
run="$work/run"
db_name="events-${ROWS}-v${DATASET_VERSION}.db"
cached_db="$cache/$db_name"

log() { printf '%s\n' "$*" >&2; }
die() { log "bench: $*"; exit 1; }

# ---------------------------------------------------------------- tools
for tool in sqlite3 zstd sha256sum java cmp; do
  command -v "$tool" >/dev/null || die "'$tool' is missing; install it first"
done
if [[ ! -x /usr/bin/time ]]; then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    log "installing /usr/bin/time (Debian package 'time')..."
    apt-get install -y time >/dev/null || { apt-get update >/dev/null && apt-get install -y time >/dev/null; }
  fi
  [[ -x /usr/bin/time ]] || die "/usr/bin/time is missing; install the 'time' package (apt-get install -y time)"
fi
sqlite3 :memory: "SELECT count(*) FROM generate_series(1, 2)" >/dev/null 2>&1 \
  || die "this sqlite3 CLI lacks generate_series; use sqlite3 >= 3.34"

# ---------------------------------------------------------------- helpers
now_ns() { date +%s%N; }
secs() { awk -v ns="$1" 'BEGIN { printf "%.3f", ns / 1e9 }'; }
mb() { awk -v b="$1" 'BEGIN { printf "%.1f", b / 1048576 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
fsize() { if [[ -e $1 ]]; then stat -c %s "$1"; else echo 0; fi; }
# Whether two database files are the same but for header bytes 19 and 20 (1-based), the file format
# versions, which say WAL mode: Lifeboat gives a restored file its source's journal mode.
same_db() { [[ $(fsize "$1") == "$(fsize "$2")" ]] && ! cmp -l "$1" "$2" | awk '$1 != 19 && $1 != 20 { found = 1 } END { exit !found }'; }

# The STAT (best or median) of the nanosecond values given as arguments.
pick() {
  printf '%s\n' "$@" | sort -n | awk -v stat="$STAT" '
    { v[NR] = $1 }
    END { if (stat == "best") print v[1]; else print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'
}
all_secs() { local s=""; for t in "$@"; do s+="$(secs "$t") "; done; echo "${s% }"; }
max_rss_kb() { sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$1"; }

# ---------------------------------------------------------------- build (or reuse) the database
build_db() {
  local rows=$1 out=$2
  local wal_rows=$(( rows / 20 ))
  local base_rows=$(( rows - wal_rows ))
  rm -f "$out" "$out-wal" "$out-shm" "$out.ok"
  mkdir -p "$(dirname "$out")"
  log "building $out: $base_rows rows + index, then $wal_rows rows and updates left in the -wal..."
  local t0; t0=$(now_ns)
  # Bulk part: no journal and no syncs (it is a throw-away file until the .ok marker exists),
  # one INSERT ... SELECT over generate_series, the index built once afterwards.
  sqlite3 "$out" >/dev/null <<SQL
PRAGMA page_size = 4096;
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
PRAGMA cache_size = -131072;
CREATE TABLE events (
  id         INTEGER PRIMARY KEY,
  created_at INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  amount     REAL    NOT NULL,
  status     TEXT    NOT NULL,
  title      TEXT    NOT NULL,
  payload    TEXT    NOT NULL CHECK (json_valid(payload))
);
INSERT INTO events
SELECT value,
       1700000000 + value * 7 + abs(random() % 5),
       abs(random() % 50000),
       round(abs(random() % 1000000) / 100.0, 2),
       CASE value % 4 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' WHEN 2 THEN 'shipped' ELSE 'refunded' END,
       'order ' || value || ' cust ' || (value * 7919 % 50000) || ' ' || lower(hex(randomblob(4))),
       json_object('sku', 'SKU-' || (value % 9973), 'qty', 1 + value % 7,
                   'tags', json_array('t' || (value % 13), 't' || (value % 17)),
                   'ref', lower(hex(randomblob(8))))
FROM generate_series(1, $base_rows);
CREATE INDEX events_user_created ON events (user_id, created_at);
SQL
  local t1; t1=$(now_ns)
  # WAL part: switch to WAL, disable automatic checkpoints and the checkpoint on close, so the
  # last batch (new rows, and updates spread over the whole table) stays in the -wal file.
  sqlite3 "$out" >/dev/null <<SQL
PRAGMA journal_mode = WAL;
.dbconfig no_ckpt_on_close on
PRAGMA wal_autocheckpoint = 0;
BEGIN;
INSERT INTO events
SELECT value,
       1700000000 + value * 7,
       abs(random() % 50000),
       round(abs(random() % 1000000) / 100.0, 2),
       'new',
       'order ' || value || ' cust ' || (value * 7919 % 50000) || ' ' || lower(hex(randomblob(4))),
       json_object('sku', 'SKU-' || (value % 9973), 'qty', 1 + value % 7,
                   'tags', json_array('wal'), 'ref', lower(hex(randomblob(8))))
FROM generate_series($base_rows + 1, $rows);
UPDATE events SET status = 'audited', amount = amount + 0.01 WHERE id % 1000 = 0;
COMMIT;
SQL
  local t2; t2=$(now_ns)
  [[ -s "$out-wal" ]] || die "the build left no -wal file beside $out (sqlite3 checkpointed it?)"
  rm -f "$out-shm"
  printf 'rows=%s bulk_ns=%s wal_ns=%s\n' "$rows" $(( t1 - t0 )) $(( t2 - t1 )) >"$out.ok"
}

if [[ ${REBUILD:-0} == 1 || ! -f "$cached_db.ok" || ! -s "$cached_db" || ! -s "$cached_db-wal" ]]; then
  # Rough disk need: the cache, one working copy, the snapshot scratch (twice, for both tools),
  # the repository and two restored copies; ~160 bytes a row each.
  need_kb=$(( ROWS * 160 * 7 / 1024 ))
  avail_kb=$(df -Pk "$bench" | awk 'NR == 2 { print $4 }')
  (( avail_kb > need_kb )) || die "about $(( need_kb / 1024 )) MB of free disk needed under $work, $(( avail_kb / 1024 )) MB free"
  build_db "$ROWS" "$cached_db"
  built=1
else
  built=0
fi
# shellcheck disable=SC1090
source <(sed 's/ /\n/g' "$cached_db.ok")
build_ns=$(( bulk_ns + wal_ns ))

# ---------------------------------------------------------------- Lifeboat jar
jar="$root/target/lifeboat.jar"
if [[ ! -f "$jar" || -n "$(find "$root/src/main" "$root/pom.xml" -newer "$jar" -print -quit 2>/dev/null)" ]]; then
  log "building $jar..."
  (cd "$root" && ./mvnw -q -B -o -DskipTests package) >&2
fi
lifeboat="$root/lifeboat"

# ---------------------------------------------------------------- run area
cleanup() { [[ ${KEEP_RUN:-0} == 1 ]] || rm -rf "$run"; }
trap cleanup EXIT
rm -rf "$run"
mkdir -p "$run/scratch"
export LIFEBOAT_SCRATCH_DIR="$run/scratch" # same file system as the stock pipeline's temp file
src="$run/src/app.db"

# A fresh copy of the cached database with its uncheckpointed -wal, flushed so that writeback
# of the copy does not run into the timed part.
fresh_source() {
  rm -rf "$run/src"
  mkdir -p "$run/src"
  cp "$cached_db" "$src"
  cp "$cached_db-wal" "$src-wal"
  sync "$src" "$src-wal"
}

db_bytes=$(fsize "$cached_db")
wal_bytes=$(fsize "$cached_db-wal")
cpu="$(nproc) CPU(s)"
echo "== Lifeboat SQLite benchmark =="
echo "database : $cached_db ($( ((built)) && echo built || echo cached))"
echo "           $ROWS rows, $(mb "$db_bytes") MB + $(mb "$wal_bytes") MB uncheckpointed -wal"
echo "build    : $(secs "$build_ns") s (bulk $(secs "$bulk_ns") s, wal batch $(secs "$wal_ns") s)"
if (( ROWS < 4000000 )); then
  echo "           estimate for the full 4000000 rows: ~$(awk -v ns="$build_ns" -v r="$ROWS" \
    'BEGIN { printf "%.0f", ns / 1e9 * 4000000 / r * 1.15 }') s (linear in rows, +15% for the larger index sort)"
fi
echo "machine  : $cpu, load average $(cut -d' ' -f1-3 /proc/loadavg); sqlite3 $(sqlite3 --version | cut -d' ' -f1), zstd $(zstd --version | grep -o 'v[0-9.]*' | head -1), $(java -version 2>&1 | head -1)"
echo "lifeboat : LIFEBOAT_JAVA_OPTS=$LIFEBOAT_JAVA_OPTS, zstd level $LEVEL; $REPEAT run(s) each, ratio on the $STAT time"
echo

# JVM start-up floor, for reading small-scale figures.
"$lifeboat" --version >/dev/null
t0=$(now_ns); "$lifeboat" --version >/dev/null; jvm_ns=$(( $(now_ns) - t0 ))

# ---------------------------------------------------------------- backup
lb_backup=(); st_backup=(); lb_inproc=(); lb_backup_rss=0
repo=""
run_lifeboat_backup() {
  local i=$1
  fresh_source
  repo="$run/repo-$i"
  rm -rf "$repo"
  local t0 t1
  t0=$(now_ns)
  /usr/bin/time -v -o "$run/time-backup.txt" \
    "$lifeboat" backup "$src" --repo "$repo" --compress zstd --level "$LEVEL" --no-encrypt --json >"$run/backup.json"
  t1=$(now_ns)
  lb_backup+=( $(( t1 - t0 )) )
  local rss; rss=$(max_rss_kb "$run/time-backup.txt")
  (( rss > lb_backup_rss )) && lb_backup_rss=$rss
  lb_inproc+=( $(( $(sed -n 's/^ *"durationMillis" : \([0-9]*\).*/\1/p' "$run/backup.json") * 1000000 )) )
  local counted; counted=$(sed -n 's/^ *"events" : \([0-9]*\).*/\1/p' "$run/backup.json")
  [[ $counted == "$ROWS" ]] || die "Lifeboat's manifest counts ${counted:-no} rows in events, expected $ROWS"
  log "  lifeboat backup #$i: $(secs $(( t1 - t0 ))) s, peak RSS $(( (rss + 1023) / 1024 )) MB"
  # Keep only the latest repository (the restore uses it).
  (( i > 1 )) && rm -rf "$run/repo-$(( i - 1 ))"
  return 0
}
run_stock_backup() {
  local i=$1
  fresh_source
  local tmp="$run/stock-backup.tmp" t0 t1
  t0=$(now_ns)
  # = sqlite3 DB ".backup TMP" && zstd -3 -T0 TMP -c | sha256sum (set -e stops on a failure)
  sqlite3 "$src" ".backup '$tmp'"
  zstd -q -$LEVEL -T0 "$tmp" -c | sha256sum >"$run/stock.sha256"
  rm -f "$tmp"
  t1=$(now_ns)
  st_backup+=( $(( t1 - t0 )) )
  log "  stock    backup #$i: $(secs $(( t1 - t0 ))) s"
}
echo "backup: $REPEAT run(s) each, alternating which tool goes first..." >&2
for (( i = 1; i <= REPEAT; i++ )); do
  if (( i % 2 )); then run_lifeboat_backup "$i"; run_stock_backup "$i"
  else run_stock_backup "$i"; run_lifeboat_backup "$i"; fi
done
rm -rf "$run/src"

# ---------------------------------------------------------------- restore
shopt -s nullglob
objects=( "$repo"/backups/*/snapshot.sqlite.zst )
shopt -u nullglob
(( ${#objects[@]} == 1 )) || die "expected one stored object under $repo/backups/*/, found ${#objects[@]}"
object=${objects[0]}
object_bytes=$(fsize "$object")
plain_bytes=$(sed -n 's/^ *"plainSize" : \([0-9]*\).*/\1/p' "$run/backup.json")

lb_restore=(); st_restore=(); lb_restore_rss=0
run_lifeboat_restore() {
  local i=$1 to="$run/restored-lifeboat.db" t0 t1
  rm -f "$to"
  t0=$(now_ns)
  /usr/bin/time -v -o "$run/time-restore.txt" \
    "$lifeboat" restore latest --repo "$repo" --to "$to" >"$run/restore.out"
  t1=$(now_ns)
  lb_restore+=( $(( t1 - t0 )) )
  local rss; rss=$(max_rss_kb "$run/time-restore.txt")
  (( rss > lb_restore_rss )) && lb_restore_rss=$rss
  log "  lifeboat restore #$i: $(secs $(( t1 - t0 ))) s, peak RSS $(( (rss + 1023) / 1024 )) MB"
}
run_stock_restore() {
  local i=$1 to="$run/restored-stock.db" t0 t1
  rm -f "$to"
  t0=$(now_ns)
  zstd -q -d -c "$object" | cat >"$to"
  t1=$(now_ns)
  st_restore+=( $(( t1 - t0 )) )
  log "  stock    restore #$i: $(secs $(( t1 - t0 ))) s"
}
echo "restore of $object: $REPEAT run(s) each..." >&2
for (( i = 1; i <= REPEAT; i++ )); do
  if (( i % 2 )); then run_lifeboat_restore "$i"; run_stock_restore "$i"
  else run_stock_restore "$i"; run_lifeboat_restore "$i"; fi
done
same_db "$run/restored-lifeboat.db" "$run/restored-stock.db" \
  || die "Lifeboat's restored file differs from zstd -d of the stored object"
restored_rows=$(sqlite3 "file:$run/restored-stock.db?mode=ro" "SELECT count(*) FROM events")
[[ $restored_rows == "$ROWS" ]] || die "the restored database has $restored_rows rows, expected $ROWS"
echo "checked: both restores are byte-identical (but for the journal mode) and hold all $ROWS rows (the -wal batch included)" >&2
echo >&2

# ---------------------------------------------------------------- restore of a verified backup
t0=$(now_ns)
"$lifeboat" verify latest --repo "$repo" >/dev/null
verify_ns=$(( $(now_ns) - t0 ))
log "  lifeboat verify: $(secs "$verify_ns") s"
lb_vrestore=(); st_vrestore=()
run_lifeboat_verified_restore() {
  local i=$1 to="$run/restored-verified.db" t0 t1
  rm -f "$to"
  t0=$(now_ns)
  "$lifeboat" restore latest --repo "$repo" --to "$to" >"$run/restore-verified.out"
  t1=$(now_ns)
  grep -q "structural check skipped: verified" "$run/restore-verified.out" \
    || die "the restore of the verified backup ran the structural check: $(cat "$run/restore-verified.out")"
  lb_vrestore+=( $(( t1 - t0 )) )
  log "  lifeboat restore (verified) #$i: $(secs $(( t1 - t0 ))) s"
}
run_stock_plain_restore() {
  local i=$1 to="$run/restored-zstd.db" t0 t1
  rm -f "$to"
  t0=$(now_ns)
  zstd -q -d -c "$object" >"$to"
  t1=$(now_ns)
  st_vrestore+=( $(( t1 - t0 )) )
  log "  zstd -d -c > file    #$i: $(secs $(( t1 - t0 ))) s"
}
echo "restore of the same backup, verified: $REPEAT run(s) each..." >&2
for (( i = 1; i <= REPEAT; i++ )); do
  if (( i % 2 )); then run_lifeboat_verified_restore "$i"; run_stock_plain_restore "$i"
  else run_stock_plain_restore "$i"; run_lifeboat_verified_restore "$i"; fi
done
same_db "$run/restored-verified.db" "$run/restored-zstd.db" \
  || die "Lifeboat's restored file (verified backup) differs from zstd -d of the stored object"
rm -f "$run/restored-verified.db" "$run/restored-zstd.db"
echo >&2

# ---------------------------------------------------------------- age
command -v age-keygen >/dev/null || die "age is not installed: apt-get install -y age"
age-keygen -o "$run/age-key.txt" 2>/dev/null
recipient=$(age-keygen -y "$run/age-key.txt")
lb_age=(); st_age=()
run_lifeboat_age() {
  local i=$1 t0 t1
  fresh_source
  rm -rf "$run/repo-age"
  t0=$(now_ns)
  "$lifeboat" backup "$src" --repo "$run/repo-age" --compress zstd --level "$LEVEL" --recipient "$recipient" \
    >/dev/null
  t1=$(now_ns)
  lb_age+=( $(( t1 - t0 )) )
  log "  lifeboat backup+age #$i: $(secs $(( t1 - t0 ))) s"
}
run_stock_age() {
  local i=$1 tmp="$run/stock-age.tmp" t0 t1
  fresh_source
  t0=$(now_ns)
  sqlite3 "$src" ".backup '$tmp'"
  zstd -q -$LEVEL -T0 "$tmp" -c | age -r "$recipient" | sha256sum >"$run/stock-age.sha256"
  rm -f "$tmp"
  t1=$(now_ns)
  st_age+=( $(( t1 - t0 )) )
  log "  stock    backup+age #$i: $(secs $(( t1 - t0 ))) s"
}
echo "backup with age encryption: $REPEAT run(s) each..." >&2
for (( i = 1; i <= REPEAT; i++ )); do
  if (( i % 2 )); then run_lifeboat_age "$i"; run_stock_age "$i"
  else run_stock_age "$i"; run_lifeboat_age "$i"; fi
done
rm -rf "$run/src" "$run/repo-age"

# ---------------------------------------------------------------- report
lb_b=$(pick "${lb_backup[@]}"); st_b=$(pick "${st_backup[@]}")
lb_r=$(pick "${lb_restore[@]}"); st_r=$(pick "${st_restore[@]}")
lb_in=$(pick "${lb_inproc[@]}")
lb_v=$(pick "${lb_vrestore[@]}"); st_v=$(pick "${st_vrestore[@]}")
verified_ratio=$(ratio "$lb_v" "$st_v")
lb_a=$(pick "${lb_age[@]}"); st_a=$(pick "${st_age[@]}")
age_ratio=$(ratio "$lb_a" "$st_a")
backup_ratio=$(ratio "$lb_b" "$st_b")
restore_ratio=$(ratio "$lb_r" "$st_r")
backup_rss_mb=$(( (lb_backup_rss + 1023) / 1024 ))
restore_rss_mb=$(( (lb_restore_rss + 1023) / 1024 ))
verdict() { if le "$1" "$2"; then echo "ok"; else echo "MISSED"; fi; }
backup_verdict=$(verdict "$backup_ratio" "$TARGET_RATIO")
rss_verdict=$(verdict "$backup_rss_mb" "$TARGET_RSS_MB")
restore_rss_verdict=$(verdict "$restore_rss_mb" "$TARGET_RSS_MB")

echo "backup  (zstd -$LEVEL): lifeboat $(secs "$lb_b") s, stock $(secs "$st_b") s, ratio $backup_ratio (target <= $TARGET_RATIO: $backup_verdict)"
echo "        runs: lifeboat [$(all_secs "${lb_backup[@]}")] s, stock [$(all_secs "${st_backup[@]}")] s"
echo "        lifeboat peak RSS $backup_rss_mb MB (target <= $TARGET_RSS_MB MB: $rss_verdict)"
echo "restore (zstd -d)  : lifeboat $(secs "$lb_r") s, stock $(secs "$st_r") s, ratio $restore_ratio"
echo "        runs: lifeboat [$(all_secs "${lb_restore[@]}")] s, stock [$(all_secs "${st_restore[@]}")] s"
echo "        lifeboat peak RSS $restore_rss_mb MB"
echo "restore, verified  : lifeboat $(secs "$lb_v") s, zstd -d -c > file $(secs "$st_v") s, ratio $verified_ratio (target <= $TARGET_VERIFIED_RESTORE_RATIO: $(verdict "$verified_ratio" "$TARGET_VERIFIED_RESTORE_RATIO"))"
echo "        runs: lifeboat [$(all_secs "${lb_vrestore[@]}")] s, zstd [$(all_secs "${st_vrestore[@]}")] s; verify took $(secs "$verify_ns") s"
echo "backup + age       : lifeboat $(secs "$lb_a") s, stock $(secs "$st_a") s, ratio $age_ratio (target <= $TARGET_RATIO: $(verdict "$age_ratio" "$TARGET_RATIO"))"
echo
echo "== summary: $ROWS rows, $(mb "$db_bytes") MB db + $(mb "$wal_bytes") MB wal -> $(mb "$plain_bytes") MB snapshot -> $(mb "$object_bytes") MB stored; $STAT of $REPEAT; $LIFEBOAT_JAVA_OPTS =="
fmt='%-30s %10s %10s %8s %10s %7s\n'
# shellcheck disable=SC2059
{
  printf "$fmt" "measure" "lifeboat" "stock" "ratio" "target" "result"
  printf "$fmt" "backup time (s)" "$(secs "$lb_b")" "$(secs "$st_b")" "$backup_ratio" "<= $TARGET_RATIO" "$backup_verdict"
  printf "$fmt" "backup peak RSS (MB)" "$backup_rss_mb" "-" "-" "<= $TARGET_RSS_MB" "$rss_verdict"
  printf "$fmt" "restore time (s)" "$(secs "$lb_r")" "$(secs "$st_r")" "$restore_ratio" "-" "-"
  printf "$fmt" "restore, verified (s)" "$(secs "$lb_v")" "$(secs "$st_v")" "$verified_ratio" "<= $TARGET_VERIFIED_RESTORE_RATIO" "$(verdict "$verified_ratio" "$TARGET_VERIFIED_RESTORE_RATIO")"
  printf "$fmt" "backup + age time (s)" "$(secs "$lb_a")" "$(secs "$st_a")" "$age_ratio" "<= $TARGET_RATIO" "$(verdict "$age_ratio" "$TARGET_RATIO")"
  printf "$fmt" "restore peak RSS (MB)" "$restore_rss_mb" "-" "-" "<= $TARGET_RSS_MB" "$restore_rss_verdict"
  printf "$fmt" "backup in-process (s)" "$(secs "$lb_in")" "-" "$(ratio "$lb_in" "$st_b")" "-" "info"
  printf "$fmt" "JVM start, --version (s)" "$(secs "$jvm_ns")" "-" "-" "-" "info"
}
echo "(backup in-process = the manifest's durationMillis: wall time minus JVM start-up and CLI set-up)"

if [[ ${STRICT:-0} == 1 && ( $backup_verdict != ok || $rss_verdict != ok ) ]]; then
  exit 1
fi
