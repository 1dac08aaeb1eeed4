#!/usr/bin/env bash
# Lifeboat point-in-time recovery benchmark against pgBackRest, in the same run, on one throwaway cluster.
#
#   full backup : ./lifeboat backup URL --physical (zstd 3, age)   vs  pgbackrest backup --type=full (zst 3, process-max 2)
#   restore     : ./lifeboat restore latest --to-data-dir D --start  vs  pgbackrest restore + pg_ctl start
#                 (both to the end of the archived WAL on the backup's timeline, timed until the cluster is promoted)
#   archiving   : pgbench -c 4 -j 2 -T DURATION with archive_command = lifeboat wal-push, then pgbackrest
#                 archive-push: segments archived per second, the archive lag (.ready files) at the end, and how
#                 much it grew from the first to the last quarter of the load (sampled every 5 s)
# Backup and restore run in ROUNDS rounds after both archiving runs, the tools taking turns to go first; each
# tool's turn archives with its own command, backs up and restores that backup. The medians are compared:
# on a shared machine one run of either tool can be a third slower than the next.
#
# The cluster (initdb as the postgres OS user under WORK, pgbench scale SCALE, ~1 GB at 60) is built
# each run on a free port with its unix socket in WORK; the shared server on 5432 is never touched.
# pgBackRest is installed with apt-get when missing (Debian 12 ships 2.45).
#
# Usage: bench/pitr.sh [-h]     (as root)
# Environment:
#   SCALE=60          pgbench scale (about 16 MB each)
#   DURATION=60       seconds of pgbench load for the archiving test
#   ROUNDS=3          backup and restore rounds
#   WORK=bench/work/pitr   where the cluster and both repositories live (removed afterwards unless KEEP_RUN=1)
#   STRICT=1          exit 1 when a target is missed
# Targets: backup and restore time lifeboat / pgbackrest <= 1.0; archiving keeps up (no growing lag).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/args.sh" "$@"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCALE=${SCALE:-60}
DURATION=${DURATION:-60}
ROUNDS=${ROUNDS:-3}
WORK=${WORK:-$here/bench/work/pitr}
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
jar="$here/target/lifeboat.jar"
[[ -f "$jar" ]] || (cd "$here" && ./mvnw -q -B -DskipTests package)
command -v pgbackrest >/dev/null || { apt-get update -qq && apt-get install -y -qq pgbackrest >/dev/null; }

rm -rf "$WORK"; mkdir -p "$WORK"; chown postgres: "$WORK"
cleanup() {
  for d in "$WORK"/data "$WORK"/restore-*; do
    [[ -f "$d/postmaster.pid" ]] && runuser -u postgres -- "$BIN/pg_ctl" -D "$d" -m immediate stop >/dev/null 2>&1 || true
  done
  [[ -n "${KEEP_RUN:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT
as_pg() { runuser -u postgres -- "$@"; }
now() { date +%s.%N; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sql() { as_pg "$BIN/psql" -h "$WORK" -p "$port" -U postgres -d postgres -Atqc "$1"; }

age-keygen -o "$WORK/key.txt" 2>/dev/null; chown postgres: "$WORK/key.txt"
recipient=$(age-keygen -y "$WORK/key.txt")
# Every Lifeboat command runs through the checkout's launcher, as a user's would (its class-data
# archive is made here, as root, before anything is timed), root and postgres each with their own
# state folder, as on a real server.
"$here/lifeboat" --version >/dev/null
cat > "$WORK/lifeboat" <<EOF
#!/bin/sh
export LIFEBOAT_STATE_DIR=$WORK/state-\$(id -u) LIFEBOAT_SCRATCH_DIR=$WORK/scratch-\$(id -u)
exec $here/lifeboat "\$@"
EOF
chmod 755 "$WORK/lifeboat"
lifeboat_push="test -f lifeboat-archived/%f && rm lifeboat-archived/%f || $WORK/lifeboat wal-push %p --push-ahead 8 --repo $WORK/lb-repo --recipient $recipient"
cat > "$WORK/pgbackrest.conf" <<EOF
[global]
repo1-path=$WORK/pgbr-repo
compress-type=zst
compress-level=3
process-max=2
log-level-console=warn
log-path=$WORK/pgbr-log
lock-path=$WORK/pgbr-lock
start-fast=y
repo1-retention-full=9999

[bench]
pg1-path=$WORK/data
pg1-port=$port
pg1-socket-path=$WORK
EOF
mkdir -p "$WORK/pgbr-log" "$WORK/pgbr-lock"
chown postgres: "$WORK/pgbackrest.conf" "$WORK/pgbr-log" "$WORK/pgbr-lock"
pgbr() { as_pg pgbackrest --config="$WORK/pgbackrest.conf" --stanza=bench "$@"; }

echo "building the cluster (scale $SCALE)..." >&2
as_pg "$BIN/initdb" -D "$WORK/data" -U postgres --auth=trust --data-checksums >/dev/null
cat >> "$WORK/data/postgresql.conf" <<EOF
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK'
archive_mode = on
archive_command = '$lifeboat_push'
max_wal_size = 1GB
EOF
as_pg "$BIN/pg_ctl" -D "$WORK/data" -l "$WORK/data.log" -w start >/dev/null
as_pg "$BIN/pgbench" -h "$WORK" -p "$port" -U postgres -i -q -s "$SCALE" postgres >/dev/null 2>&1
size=$(sql "SELECT pg_size_pretty(pg_database_size('postgres'))")
echo "cluster: $size in postgres" >&2

set_archive() { sql "ALTER SYSTEM SET archive_command = '${1//\'/\'\'}'" >/dev/null; sql "SELECT pg_reload_conf()" >/dev/null; sleep 1; }
drain() {  # wait until nothing is left to archive
  until [[ "$(ls "$WORK/data/pg_wal/archive_status" | grep -c '\.ready$' || true)" == 0 ]]; do sleep 1; done
}
ready() { ls "$WORK/data/pg_wal/archive_status" | grep -c '\.ready$' || true; }
archiving() {  # segments/s, the lag (.ready files) at the end, and its growth: the mean of the last
  # quarter of 5-second samples minus that of the first quarter (a batch in flight shows as a few)
  local before after lag load samples=()
  drain
  before=$(sql "SELECT archived_count FROM pg_stat_archiver")
  as_pg "$BIN/pgbench" -h "$WORK" -p "$port" -U postgres -c 4 -j 2 -T "$DURATION" postgres >/dev/null 2>&1 &
  load=$!
  while kill -0 "$load" 2>/dev/null; do samples+=("$(ready)"); sleep 5; done
  after=$(sql "SELECT archived_count FROM pg_stat_archiver")
  lag=$(ready)
  echo "$(echo "($after - $before) / $DURATION" | bc -l) $lag $(printf '%s\n' "${samples[@]}" | awk '
    { v[NR] = $1 } END { q = int(NR / 4); if (q < 1) { print 0; exit }
      for (i = 1; i <= q; i++) { a += v[i]; b += v[NR - q + i] } printf "%.1f", (b - a) / q }')"
}
restore_timed() {  # $1 = tool
  local dir="$WORK/restore-$1" rport start
  rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  rm -rf "$dir" "$dir".pre-restore-*
  # The current timeline: a cluster restored in an earlier round may have archived the history file of
  # the timeline it was promoted to, which the next round's backup is not a child of.
  start=$(now)
  if [[ $1 == lifeboat ]]; then
    "$WORK/lifeboat" restore latest --repo "$WORK/lb-repo" --to-data-dir "$dir" --identity-file "$WORK/key.txt" \
      --target-timeline current --start --port "$rport" --lifeboat-command "$WORK/lifeboat" >/dev/null
  else
    mkdir -m 700 "$dir"; chown postgres: "$dir"
    as_pg pgbackrest --config="$WORK/pgbackrest.conf" --stanza=bench --pg1-path="$dir" restore \
      --recovery-option="port=$rport" --type=default --target-timeline=current >/dev/null
    as_pg "$BIN/pg_ctl" -D "$dir" -l "$WORK/restore-$1.log" -W start >/dev/null
    until [[ ! -f "$dir/recovery.signal" ]] && as_pg "$BIN/pg_isready" -q -h "$WORK" -p "$rport"; do sleep 0.2; done
    until [[ "$(as_pg "$BIN/psql" -h "$WORK" -p "$rport" -U postgres -Atqc 'select pg_is_in_recovery()')" == f ]]; do sleep 0.2; done
  fi
  echo "$(now) - $start" | bc -l
  as_pg "$BIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null
}

backup_timed() {  # $1 = tool
  local start
  start=$(now)
  if [[ $1 == lifeboat ]]; then
    as_pg "$WORK/lifeboat" backup "postgresql://postgres@127.0.0.1:$port/postgres" --physical --repo "$WORK/lb-repo" \
      --recipient "$recipient" >/dev/null
  else
    pgbr backup --type=full >/dev/null
  fi
  echo "$(now) - $start" | bc -l
}
turn() {  # $1 = tool: archive with its command, back up, restore; prints both times
  local b r
  set_archive "${push[$1]}"; drain  # the backup is timed alone, not the end of the other's archiving
  b=$(backup_timed "$1")
  sql "SELECT pg_switch_wal()" >/dev/null; drain
  r=$(restore_timed "$1")
  echo "$b $r"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

declare -A push=([lifeboat]="$lifeboat_push" [pgbackrest]="pgbackrest --config=$WORK/pgbackrest.conf --stanza=bench archive-push %p")
echo "lifeboat: archiving..." >&2
read -r lb_rate lb_lag lb_growth < <(archiving)
echo "pgbackrest: archiving..." >&2
set_archive "${push[pgbackrest]}"
pgbr stanza-create >/dev/null
read -r br_rate br_lag br_growth < <(archiving)
declare -A backups restores
for round in $(seq "$ROUNDS"); do
  order=(lifeboat pgbackrest); (( round % 2 )) || order=(pgbackrest lifeboat)
  for tool in "${order[@]}"; do
    read -r b r < <(turn "$tool")
    backups[$tool]+="$b "; restores[$tool]+="$r "
    printf 'round %d %-10s  backup %5.1f s  restore %5.1f s\n' "$round" "$tool" "$b" "$r" >&2
  done
done
lb_backup=$(printf '%s\n' ${backups[lifeboat]} | median); br_backup=$(printf '%s\n' ${backups[pgbackrest]} | median)
lb_restore=$(printf '%s\n' ${restores[lifeboat]} | median); br_restore=$(printf '%s\n' ${restores[pgbackrest]} | median)
lb_size=$(du -sb "$WORK/lb-repo/backups" | cut -f1); lb_size=$(( lb_size / ROUNDS ))
br_size=$(du -sb "$WORK/pgbr-repo/backup" | cut -f1); br_size=$(( br_size / ROUNDS ))

printf '\n%-28s %12s %12s %8s\n' "(times: medians of $ROUNDS)" lifeboat pgbackrest ratio
printf '%-28s %12.1f %12.1f %8.2f\n' "full backup (s)" "$lb_backup" "$br_backup" "$(echo "$lb_backup / $br_backup" | bc -l)"
printf '%-28s %12d %12d %8.2f\n' "stored backup (bytes)" "$lb_size" "$br_size" "$(echo "$lb_size / $br_size" | bc -l)"
printf '%-28s %12.1f %12.1f %8.2f\n' "restore to end of WAL (s)" "$lb_restore" "$br_restore" "$(echo "$lb_restore / $br_restore" | bc -l)"
printf '%-28s %12.2f %12.2f %8.2f\n' "segments archived per s" "$lb_rate" "$br_rate" "$(echo "$lb_rate / ($br_rate + 0.0001)" | bc -l)"
printf '%-28s %12d %12d\n' "archive lag at end (.ready)" "$lb_lag" "$br_lag"
printf '%-28s %12s %12s\n' "lag growth during the load" "$lb_growth" "$br_growth"
missed=0
(( $(echo "$lb_backup / $br_backup > 1.0" | bc -l) )) && { echo "target missed: backup slower than pgBackRest"; missed=1; }
(( $(echo "$lb_restore / $br_restore > 1.0" | bc -l) )) && { echo "target missed: restore slower than pgBackRest"; missed=1; }
(( $(echo "$lb_growth > 2" | bc -l) )) && { echo "target missed: archiving fell behind (lag grew by $lb_growth)"; missed=1; }
[[ -n "${STRICT:-}" && $missed == 1 ]] && exit 1
exit 0
