# Sourced by each benchmark: prints the script's header comment for -h/--help and refuses arguments
# (every setting is an environment variable, listed in that header).
usage() { sed -n '2,/^set -euo/{/^set -euo/d;s/^# \{0,1\}//;p}' "$0"; }
case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  "") ;;
  *) usage >&2; exit 2 ;;
esac
