# Sourced by Lifeboat's launchers (POSIX sh). lifeboat_hand_off ARGS... hands a `wal-push` to a
# Lifeboat of this OS user that is already running (a base backup serves while it runs), so that
# PostgreSQL's archive_command starts no JVM; see WalPushServer for the protocol. It returns 0 once
# that Lifeboat archived the file durably (printing what wal-push prints), and 1 when there is none
# or it declined, gave no answer or went away: the launcher then runs wal-push as always, which
# archives the file or reports why not. LIFEBOAT_HAND_OFF=0 turns it off.
lifeboat_hand_off() {
  [ "${1:-}" = wal-push ] && [ "${LIFEBOAT_HAND_OFF:-1}" != 0 ] || return 1
  case "$*" in *'
'*) return 1 ;; esac
  lb_dir="${LIFEBOAT_RUNTIME_DIR:-/dev/shm}/lifeboat-wal-push-$(id -u)"
  [ -d "$lb_dir" ] && [ ! -L "$lb_dir" ] && [ -O "$lb_dir" ] && [ -f "$lb_dir/server.pid" ] || return 1
  lb_pid=
  read -r lb_pid < "$lb_dir/server.pid" 2>/dev/null || true
  [ -n "$lb_pid" ] && [ -d "/proc/$lb_pid" ] || return 1
  lb_request="$lb_dir/$$"  # the server compares this process's environment with its own
  rm -f "$lb_request.ok" "$lb_request.no"
  # private from the moment it exists (the umask in a subshell, so the launcher's own stays)
  (umask 077 && { echo "lifeboat-wal-push 1"; pwd -P; printf '%s\n' "$@"; } > "$lb_request.tmp") \
    && mv -f "$lb_request.tmp" "$lb_request.want" || { rm -f "$lb_request.tmp"; return 1; }
  lb_waited=0
  while [ -d "/proc/$lb_pid" ] && [ -f "$lb_dir/server.pid" ]; do
    if [ -f "$lb_request.ok" ]; then
      cat "$lb_request.ok" >&2
      rm -f "$lb_request.ok"
      return 0
    fi
    [ -f "$lb_request.no" ] && break
    if [ -f "$lb_request.want" ]; then  # not taken within about 2 s: the server is stuck
      lb_waited=$((lb_waited + 1))
      [ "$lb_waited" -lt 200 ] || break
    fi
    sleep 0.01
  done
  rm -f "$lb_request.want" "$lb_request.no"
  return 1
}
