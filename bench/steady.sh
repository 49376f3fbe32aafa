#!/usr/bin/env bash
# Steady-state ingest + HLS packaging cost, side by side: nginx-rtmp and one or more Amphi JVMs
# run at the same time, each with its own N publishers, and are measured in the same windows.
# See bench/README.md ("Steady state, side by side").
#
#   bench/steady.sh [--streams 1] [--warmup 1200] [--windows 5] [--measure 120]
#                   [--amphi NAME=JAVA_OPTS]... [--amphi-jar server/target/amphi.jar]
#                   [--keep-work] [--work-dir /dev/shm]
#
# run.sh measures one server after the other, minutes apart, with a short warm-up: at a few
# streams that shows mostly the JVM's start-up (its JIT compiles for many minutes) and this VM's
# changing speed (20-30 % within an hour). Here every server sees the same machine at the same
# moments, after a warm-up long enough for a server that runs for hours. Each --amphi adds one
# JVM with its own flags (default: "plain=", the quick start's java -jar, and "tuned=" the flags
# the README recommends for a server: -XX:+UseTransparentHugePages -XX:-UsePerfData -Xmx2g);
# nginx is always there as the reference. After --warmup seconds (playlists fetched a third of the way in,
# as players would), --windows consecutive windows of --measure seconds each read every server's
# CPU (utime+stime of its processes); per window: CPU-s per stream-s and the ratio to nginx.
# Checks: every playlist advanced over the measurement, every publisher kept real time
# (>= 0.95 x wall), Amphi's fan-out dropped nothing. Output: bench/results/steady-<stamp>.csv,
# .md (table), .meta.txt and -<name>-threads.txt (each JVM's CPU per thread over all windows).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
STREAMS=1
WARMUP=1200
WINDOWS=5
MEASURE=120
AMPHI_JAR="$REPO_DIR/server/target/amphi.jar"
VARIANTS=()
KEEP_WORK=0
WORK_PARENT=""
REALTIME_MIN=0.95

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }
ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --streams)   STREAMS="$2"; shift 2 ;;
    --warmup)    WARMUP="$2"; shift 2 ;;
    --windows)   WINDOWS="$2"; shift 2 ;;
    --measure)   MEASURE="$2"; shift 2 ;;
    --amphi)     VARIANTS+=("$2"); shift 2 ;;
    --amphi-jar) AMPHI_JAR="$2"; shift 2 ;;
    --keep-work) KEEP_WORK=1; shift ;;
    --work-dir)  WORK_PARENT="$2"; shift 2 ;;
    -h|--help)   usage 0 ;;
    *) echo "steady.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

[[ "$STREAMS" =~ ^[0-9]+$ && "$STREAMS" -ge 1 ]] || die "--streams must be one count >= 1, got '$STREAMS'"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be whole seconds, got '$WARMUP'"
[[ "$WINDOWS" =~ ^[0-9]+$ && "$WINDOWS" -ge 1 ]] || die "--windows must be a count >= 1, got '$WINDOWS'"
[[ "$MEASURE" =~ ^[0-9]+$ && "$MEASURE" -ge 4 ]] || die "--measure must be whole seconds >= 4 (two segments), got '$MEASURE'"
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=("plain=" "tuned=-XX:+UseTransparentHugePages -XX:-UsePerfData -Xmx2g")
NAMES=()
for v in "${VARIANTS[@]}"; do
  [[ "$v" =~ ^[a-z][a-z0-9_]*= ]] || die "--amphi must be NAME=JAVA_OPTS with a lower-case name, got '$v'"
  n=${v%%=*}
  [[ " nginx ${NAMES[*]} " != *" $n "* ]] || die "--amphi name '$n' is used twice (or is 'nginx')"
  NAMES+=("$n")
done
[ -f "$AMPHI_JAR" ] || die "no jar at $AMPHI_JAR (build with 'mvn -B -DskipTests package')"

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
[ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || need+=(libnginx-mod-rtmp)
command -v jcmd >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)
apt_install "${need[@]}"
NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
ensure_input

[ -n "$WORK_PARENT" ] || { [ -d /dev/shm ] && [ -w /dev/shm ] && WORK_PARENT=/dev/shm || WORK_PARENT=/tmp; }
WORK=$(mktemp -d "$WORK_PARENT/amphi-steady.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="$BENCH_DIR/results/steady-$STAMP"

# Per server (index s: 0 = nginx, then the Amphi variants): its processes, publishers, URLs.
SERVERS=(nginx "${NAMES[@]}")
declare -A PIDS PUBS FMT METRICS MAINPID

start_server() {
  local s=$1 dir="$WORK/$1" rtmp http
  rtmp=$(free_port); http=$(free_port)
  mkdir -p "$dir"
  if [ "$s" = nginx ]; then
    nginx_conf "$dir" "$rtmp" "$http"
    "$NGINX_BIN" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" > "$dir/logs/stdout.log" 2>&1 &
    MAINPID[$s]=$!; CHILDREN+=($!)
    wait_listening "${MAINPID[$s]}" 20 "$rtmp" "$http" || die "nginx did not start: $(tail -n 1 "$dir/logs/error.log")"
    sleep 0.5   # let the workers fork
    local kids
    kids=$(children_of "${MAINPID[$s]}" | tr '\n' ' ')
    # shellcheck disable=SC2206
    CHILDREN+=($kids)
    PIDS[$s]="${MAINPID[$s]} $kids"
    FMT[$s]="http://127.0.0.1:$http/hls/bench-stream-key-%s.m3u8"
  else
    local opts="" v i rooms=()
    for v in "${VARIANTS[@]}"; do [ "${v%%=*}" = "$s" ] && opts=${v#*=}; done
    mkdir -p "$dir/data"
    for ((i = 1; i <= STREAMS; i++)); do rooms+=(--room "bench$i=bench-stream-key-$i"); done
    # every publisher runs on this machine, so all share one address: no per-address limit
    # shellcheck disable=SC2086  # opts is a list of JVM flags
    java $opts -jar "$AMPHI_JAR" --bind 127.0.0.1 --http-port "$http" --rtmp-port "$rtmp" --webrtc-udp-port off \
      --data-dir "$dir/data" --room-mode passthrough --rtmp-max-connections-per-address 0 \
      "${rooms[@]}" > "$dir/amphi.log" 2>&1 &
    MAINPID[$s]=$!; CHILDREN+=($!)
    wait_listening "${MAINPID[$s]}" 60 "$rtmp" "$http" || die "amphi '$s' did not start: $(tail -n 1 "$dir/amphi.log")"
    PIDS[$s]=${MAINPID[$s]}
    FMT[$s]="http://127.0.0.1:$http/live/bench%s/video/index.m3u8"
    METRICS[$s]="http://127.0.0.1:$http/metrics"
  fi
  PUBLISH_BASE="rtmp://127.0.0.1:$rtmp/live"
  start_publishers "$dir" "$STREAMS"
  PUBS[$s]="${PUB_PIDS[*]}"
  log "$s: server ${PIDS[$s]}, $STREAMS publishers sending ($PUB_RESTARTS restarts)"
}

# server_ticks S: CPU ticks of server S's processes.
server_ticks() {
  # shellcheck disable=SC2086
  cpu_ticks ${PIDS[$1]}
}
playlists() { # playlists S TAG: fetches S's playlists into its work dir, prints the summary file
  PLAYLIST_FMT=${FMT[$1]}
  fetch_playlists "$STREAMS" "$WORK/$1/playlists-$2" > "$WORK/$1/playlists-$2.txt"
  echo "$WORK/$1/playlists-$2.txt"
}

{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command: $0 $ARGS_ORIG"
  echo "tree: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?') + $(git -C "$REPO_DIR" status --porcelain 2>/dev/null | wc -l) uncommitted paths"
  echo "amphi_jar: $AMPHI_JAR sha256 $(sha256sum "$AMPHI_JAR" | cut -c1-16) built $(date -u -r "$AMPHI_JAR" +%Y-%m-%dT%H:%M:%SZ)"
  for v in "${VARIANTS[@]}"; do echo "amphi ${v%%=*}: java ${v#*=} -jar"; done
  echo "nproc: $NPROC"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "transparent_hugepage: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo '?')"
  echo "java: $(java -version 2>&1 | head -n1)"
  echo "nginx: $("$NGINX_BIN" -v 2>&1), libnginx-mod-rtmp $(dpkg-query -W -f '${Version}' libnginx-mod-rtmp 2>/dev/null)"
  echo "ffmpeg: $(ffmpeg -version | head -n1)"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$OUT.meta.txt"

log "work dir $WORK; ${SERVERS[*]} with $STREAMS publishers each"
for s in "${SERVERS[@]}"; do start_server "$s"; done
ALL_PUBS=$(for s in "${SERVERS[@]}"; do echo "${PUBS[$s]}"; done | tr '\n' ' ')

log "warming up ${WARMUP}s"
nap "$((WARMUP / 3))"
for s in "${SERVERS[@]}"; do playlists "$s" warmup > /dev/null; done
nap "$((WARMUP - WARMUP / 3))"

# Publishers' media time (out_time) per server before and after, for the real-time check.
declare -A OUT0
for s in "${SERVERS[@]}"; do OUT0[$s]=$(pub_out_us "$WORK/$s" "$STREAMS" | awk '{ print $2 }' | tr '\n' ' '); done
for s in "${SERVERS[@]}"; do playlists "$s" before > /dev/null; done
for s in "${SERVERS[@]}"; do [ -z "${METRICS[$s]:-}" ] || thread_ticks "${MAINPID[$s]}" > "$WORK/$s/threads-before.txt"; done

echo "window,server,start_utc,window_s,server_cpu_s,cpu_s_per_stream_s,ratio_to_nginx,machine_busy_pct" > "$OUT.csv"
T_START=$(now)
for ((w = 1; w <= WINDOWS; w++)); do
  declare -A C0=()
  m0=$(machine_ticks); start=$(date -u +%H:%M:%S)
  for s in "${SERVERS[@]}"; do C0[$s]=$(server_ticks "$s"); done
  t0=$(now)
  nap "$MEASURE"
  line="window $w:"
  declare -A C1=()
  for s in "${SERVERS[@]}"; do C1[$s]=$(server_ticks "$s"); done
  t1=$(now); m1=$(machine_ticks)
  ref=$(awk -v a="${C0[nginx]}" -v b="${C1[nginx]}" -v hz="$CLK_TCK" -v n="$STREAMS" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.6f", (b - a) / hz / (n * (t1 - t0)) }')
  busy=$(awk -v m0="$m0" -v m1="$m1" 'BEGIN { split(m0, a, " "); split(m1, b, " "); printf "%.1f", 100 * (b[1] - a[1]) / (b[2] - a[2]) }')
  for s in "${SERVERS[@]}"; do
    row=$(awk -v w="$w" -v s="$s" -v st="$start" -v a="${C0[$s]}" -v b="${C1[$s]}" -v hz="$CLK_TCK" -v n="$STREAMS" \
              -v t0="$t0" -v t1="$t1" -v ref="$ref" -v busy="$busy" '
      BEGIN { d = t1 - t0; c = (b - a) / hz; per = c / (n * d)
              printf "%d,%s,%s,%.3f,%.3f,%.6f,%.3f,%s", w, s, st, d, c, per, (ref > 0 ? per / ref : 0), busy }')
    echo "$row" >> "$OUT.csv"
    line+=" $s $(echo "$row" | cut -d, -f6)"
  done
  log "$line (machine busy $busy%)"
done
T_END=$(now)
for s in "${SERVERS[@]}"; do [ -z "${METRICS[$s]:-}" ] || thread_ticks "${MAINPID[$s]}" > "$WORK/$s/threads-after.txt"; done

# Checks over the whole measurement.
CHECKS=""
for s in "${SERVERS[@]}"; do
  before="$WORK/$s/playlists-before.txt"
  after=$(playlists "$s" after)
  adv=$(playlists_advanced "$before" "$after")
  rt=$(paste <(echo "${OUT0[$s]}" | tr ' ' '\n' | sed '/^$/d') <(pub_out_us "$WORK/$s" "$STREAMS" | awk '{ print $2 }') |
       awk -v w="$(awk -v a="$T_START" -v b="$T_END" 'BEGIN { print b - a }')" -v thr="$REALTIME_MIN" '($2 - $1) / 1e6 >= thr * w { c++ } END { print c + 0 }')
  alive_server=yes
  for p in ${PIDS[$s]}; do alive "$p" || alive_server=no; done
  dropped="-"
  if [ -n "${METRICS[$s]:-}" ]; then
    dropped=$(curl -s --max-time 10 "${METRICS[$s]}" 2>/dev/null |
      awk '/^amphi_fanout_dropped_total/ { d += $NF; seen = 1 } END { print (seen ? d + 0 : "?") }')
    awk -v hz="$CLK_TCK" 'NR == FNR { b[$1] = $2; next }
         { g = $3; gsub(/[0-9]+/, "#", g); c[g] += ($2 - b[$1]) / hz; t += ($2 - b[$1]) / hz }
         END { for (g in c) if (c[g] > 0) printf "%8.3f  %5.1f%%  %s\n", c[g], (t > 0 ? 100 * c[g] / t : 0), g }' \
      "$WORK/$s/threads-before.txt" "$WORK/$s/threads-after.txt" | sort -rn > "$OUT-$s-threads.txt"
  fi
  rss=$(status_kb VmRSS ${PIDS[$s]})
  CHECKS+="| $s | $adv/$STREAMS | $rt/$STREAMS | $dropped | $alive_server | $((rss / 1024)) MiB |"$'\n'
done

{
  echo "Side by side, $STREAMS publisher(s) per server, ${WARMUP} s warm-up, $WINDOWS windows of ${MEASURE} s."
  echo "CPU-s per stream-s (ratio to nginx in the same window):"
  echo
  printf '| window | start (UTC) | machine busy |'; for s in "${SERVERS[@]}"; do printf ' %s |' "$s"; done; echo
  printf '|---|---|---|'; for s in "${SERVERS[@]}"; do printf -- '---|'; done; echo
  awk -F, -v names="${SERVERS[*]}" '
    NR == 1 { next }
    { w[$1] = 1; st[$1] = $3; busy[$1] = $8; per[$1, $2] = $6; r[$1, $2] = $7 }
    END {
      k = split(names, S, " "); n = 0; for (x in w) n++
      for (i = 1; i <= n; i++) {
        printf "| %d | %s | %s%% |", i, st[i], busy[i]
        for (j = 1; j <= k; j++) printf (j == 1 ? " %.5f |" : " %.5f (%.2f) |"), per[i, S[j]], r[i, S[j]]
        print ""
      }
      printf "| median | | |"
      for (j = 1; j <= k; j++) {
        m = 0; for (i = 1; i <= n; i++) { m++; v[m] = per[i, S[j]]; q[m] = r[i, S[j]] }
        if (j == 1) printf " %.5f |", median(v, m)
        else printf " %.5f (%.2f) |", median(v, m), median(q, m)
      }
      print ""
    }
    function median(x, m,   a, b, t) {
      for (a = 1; a <= m; a++) for (b = a + 1; b <= m; b++) if (x[b] < x[a]) { t = x[a]; x[a] = x[b]; x[b] = t }
      return m % 2 ? x[(m + 1) / 2] : (x[m / 2] + x[m / 2 + 1]) / 2
    }' "$OUT.csv"
  echo
  echo "| server | playlists advancing | publishers real-time | fan-out drops | alive | RSS at the end |"
  echo "|---|---|---|---|---|---|"
  printf '%s' "$CHECKS"
} | tee "$OUT.md"
log "results: $OUT.csv, $OUT.md"
