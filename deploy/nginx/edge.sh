#!/usr/bin/env bash
# Renders Amphi's caching edge configuration for nginx, and runs it in the foreground.
#
#   edge.sh render --listen ADDR:PORT --origin HOST:PORT --cache-dir DIR [--cache-max SIZE]
#                  [--room-secrets FILE]
#       prints the server configuration (goes inside nginx's http block, e.g. Debian's
#       /etc/nginx/conf.d/amphi-edge.conf); FILE (default /etc/nginx/amphi-room-secrets.map) is
#       the origin's room-secrets.map, for private rooms: reload nginx when it changes
#   edge.sh run --listen ADDR:PORT --origin HOST:PORT --prefix DIR [--cache-dir DIR]
#               [--cache-max SIZE] [--workers N|auto] [--access-log FILE|off] [--room-secrets FILE]
#       writes DIR/amphi-edge.conf and DIR/nginx.conf and replaces itself with nginx in the
#       foreground (stop it with SIGTERM or SIGQUIT): pid, logs, temporary files and, unless
#       --cache-dir says otherwise, the cache live under DIR, so no root is needed. Run as root,
#       the workers run as root too (they must write DIR); a system-wide edge runs under Debian's
#       nginx service instead, with `render`.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[ $# -ge 1 ] || usage
cmd=$1; shift
listen="" origin="" cache_dir="" cache_max="2g" prefix="" workers="auto" access_log="" room_secrets=""
while [ $# -gt 0 ]; do
  case "$1" in
    --listen) listen=$2; shift 2 ;;
    --origin) origin=$2; shift 2 ;;
    --cache-dir) cache_dir=$2; shift 2 ;;
    --cache-max) cache_max=$2; shift 2 ;;
    --prefix) prefix=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --access-log) access_log=$2; shift 2 ;;
    --room-secrets) room_secrets=$2; shift 2 ;;
    *) echo "edge.sh: unknown option $1" >&2; usage ;;
  esac
done

fail() { echo "edge.sh: $*" >&2; exit 2; }
[[ "$listen" =~ ^([0-9.]+:|\[[0-9a-fA-F:]+\]:)?[0-9]{1,5}$ ]] || fail "--listen must be PORT or ADDRESS:PORT, was '$listen'"
[[ "$origin" =~ ^[A-Za-z0-9.-]+:[0-9]{1,5}$|^\[[0-9a-fA-F:]+\]:[0-9]{1,5}$ ]] || fail "--origin must be HOST:PORT, was '$origin'"
[[ "$cache_max" =~ ^[0-9]+[kKmMgG]?$ ]] || fail "--cache-max must be a size like 512m or 2g, was '$cache_max'"
[[ "$workers" =~ ^([1-9][0-9]*|auto)$ ]] || fail "--workers must be a number or auto, was '$workers'"

# site_conf CACHE_DIR ROOM_SECRETS: the server configuration on stdout
site_conf() {
  [[ "$1" = /* && "$1" != *[[:space:]\;\#]* ]] || fail "the cache directory must be an absolute path without spaces, ';' or '#', was '$1'"
  [[ "$2" = /* && "$2" != *[[:space:]\;\#]* ]] || fail "--room-secrets must be an absolute path without spaces, ';' or '#', was '$2'"
  sed -e "s#@LISTEN@#$listen#" -e "s#@ORIGIN@#$origin#" -e "s#@CACHE_DIR@#$1#" -e "s#@CACHE_MAX@#$cache_max#" \
    -e "s#@ROOM_SECRETS@#$2#" "$here/amphi-edge.conf.template"
}

case "$cmd" in
  render)
    [ -n "$cache_dir" ] || fail "render needs --cache-dir"
    site_conf "$cache_dir" "${room_secrets:-/etc/nginx/amphi-room-secrets.map}"
    ;;
  run)
    [ -n "$prefix" ] || fail "run needs --prefix DIR"
    command -v nginx >/dev/null 2>&1 || fail "nginx is not installed (Debian: apt-get install nginx)"
    mkdir -p "$prefix/logs" "$prefix/tmp"
    prefix=$(cd "$prefix" && pwd)
    [[ "$prefix" != *[[:space:]\;\#]* ]] || fail "--prefix must not contain spaces, ';' or '#'"
    [ -n "$cache_dir" ] || cache_dir="$prefix/cache"
    [ -n "$access_log" ] || access_log="$prefix/logs/access.log"
    [[ "$access_log" = off || ( "$access_log" = /* && "$access_log" != *[[:space:]\;\#]* ) ]] \
      || fail "--access-log must be off or an absolute path without spaces, ';' or '#', was '$access_log'"
    if [ "$access_log" = off ]; then log_line="off"; else log_line="$access_log amphi_edge buffer=64k flush=1s"; fi
    user_line=""
    [ "$(id -u)" -eq 0 ] && user_line="user root root;"
    if [ -z "$room_secrets" ]; then
      room_secrets="$prefix/room-secrets.map"
      [ -e "$room_secrets" ] || : > "$room_secrets"  # no private room yet
    fi
    site_conf "$cache_dir" "$room_secrets" > "$prefix/amphi-edge.conf"
    sed -e "s#@USER_LINE@#$user_line#" -e "s#@WORKERS@#$workers#" -e "s#@PREFIX@#$prefix#g" \
        -e "s#@ACCESS_LOG@#$log_line#" "$here/nginx-main.conf.template" > "$prefix/nginx.conf"
    exec nginx -p "$prefix" -e "$prefix/logs/error.log" -c "$prefix/nginx.conf"
    ;;
  *) usage ;;
esac
