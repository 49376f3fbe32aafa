#!/usr/bin/env bash
# Ingest + HLS packaging benchmark: N concurrent RTMP publishers against Amphi and against
# nginx with nginx-rtmp-module, on loopback, in the same run. See bench/README.md.
#
#   bench/run.sh [--streams 1,10,50,100] [--warmup 10] [--measure 30]
#                [--amphi-jar server/target/amphi.jar] [--only amphi|nginx]
#                [--java-opts "..."] [--build] [--keep-work] [--work-dir /dev/shm]
#
# For every N and every server it starts a fresh server, starts N `ffmpeg -re -stream_loop -1
# -c copy` publishers replaying one pre-encoded 2 Mbit/s H.264+AAC FLV, waits --warmup seconds,
# then measures for --measure seconds: the server's CPU (utime+stime of its processes from
# /proc/PID/stat), its RSS (VmRSS sampled every second, VmHWM at the end), the publishers' CPU and
# whether they kept real time (ffmpeg -progress out_time), and the machine's busy CPU (/proc/stat).
# Each stream's media playlist is fetched before and after the window and must have advanced.
# Raw rows go to bench/results/results-<timestamp>.csv, a Markdown table next to it.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

STREAMS="1,10,50,100"
WARMUP=10
MEASURE=30
AMPHI_JAR="$REPO_DIR/server/target/amphi.jar"
ONLY=""
JAVA_OPTS=""
BUILD=0
KEEP_WORK=0
WORK_PARENT=""
SEGMENT_S=2          # both servers cut 2 s segments; playlists are re-fetched >= 2 segments apart
REALTIME_MIN=0.95    # a publisher below this speed over the window did not keep real time

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }

ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --streams)   STREAMS="$2"; shift 2 ;;
    --warmup)    WARMUP="$2"; shift 2 ;;
    --measure)   MEASURE="$2"; shift 2 ;;
    --amphi-jar) AMPHI_JAR="$2"; shift 2 ;;
    --only)      ONLY="$2"; shift 2 ;;
    --java-opts) JAVA_OPTS="$2"; shift 2 ;;
    --build)     BUILD=1; shift ;;
    --keep-work) KEEP_WORK=1; shift ;;
    --work-dir)  WORK_PARENT="$2"; shift 2 ;;
    -h|--help)   usage 0 ;;
    *) echo "run.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

[[ "$STREAMS" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--streams must be a comma-separated list of counts, got '$STREAMS'"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "--warmup must be whole seconds, got '$WARMUP'"
[[ "$MEASURE" =~ ^[0-9]+$ && "$MEASURE" -ge 1 ]] || die "--measure must be whole seconds >= 1, got '$MEASURE'"
case "$ONLY" in ""|amphi|nginx) ;; *) die "--only must be 'amphi' or 'nginx', got '$ONLY'" ;; esac
SERVERS=(nginx amphi)
[ -n "$ONLY" ] && SERVERS=("$ONLY")
IFS=, read -ra COUNTS <<< "$STREAMS"

# ---------------------------------------------------------------- dependencies
ensure_deps() {
  local need=()
  command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
  command -v curl >/dev/null 2>&1 || need+=(curl)
  command -v ss >/dev/null 2>&1 || need+=(iproute2)
  if [[ " ${SERVERS[*]} " == *" nginx "* ]]; then
    command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
    [ -f /usr/lib/nginx/modules/ngx_rtmp_module.so ] || need+=(libnginx-mod-rtmp)
  fi
  if [[ " ${SERVERS[*]} " == *" amphi "* ]]; then
    command -v java >/dev/null 2>&1 || need+=(openjdk-17-jdk-headless)   # jdk: jcmd reads the heap
  fi
  if [ "$BUILD" = 1 ]; then
    command -v rsync >/dev/null 2>&1 || need+=(rsync)
    command -v mvn >/dev/null 2>&1 || need+=(maven)
  fi
  apt_install "${need[@]}"
}
ensure_deps
NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)

# ---------------------------------------------------------------- servers
# Each start_* sets SERVER_PIDS (the processes whose CPU and memory count), PUBLISH_BASE
# (rtmp://host:port/live) and PLAYLIST_FMT (printf format of stream i's media playlist URL,
# %s = index), or returns non-zero with NOT_RUN set to the reason.
SERVER_PIDS=()
SERVER_MAIN=""
NOT_RUN=""
METRICS_URL=""       # Amphi only: Prometheus metrics, read for the fan-out drop counters

start_nginx() {
  local dir=$1 n=$2 rtmp http
  rtmp=$(free_port); http=$(free_port)
  nginx_conf "$dir" "$rtmp" "$http"
  "$NGINX_BIN" -p "$dir" -e "$dir/logs/error.log" -c "$dir/nginx.conf" > "$dir/logs/stdout.log" 2>&1 &
  SERVER_MAIN=$!
  CHILDREN+=("$SERVER_MAIN")
  if ! wait_listening "$SERVER_MAIN" 20 "$rtmp" "$http"; then
    NOT_RUN="nginx did not start: $(tail -n 1 "$dir/logs/error.log" 2>/dev/null)"; return 1
  fi
  sleep 0.5   # let the workers fork
  mapfile -t SERVER_PIDS < <(echo "$SERVER_MAIN"; children_of "$SERVER_MAIN")
  CHILDREN+=("${SERVER_PIDS[@]:1}")
  PUBLISH_BASE="rtmp://127.0.0.1:$rtmp/live"
  PLAYLIST_FMT="http://127.0.0.1:$http/hls/bench-stream-key-%s.m3u8"
}

start_amphi() {
  local dir=$1 n=$2 rtmp http i rooms=()
  if [ ! -f "$AMPHI_JAR" ]; then
    NOT_RUN="no jar at $AMPHI_JAR (build with 'mvn -B -DskipTests package' or pass --build)"; return 1
  fi
  rtmp=$(free_port); http=$(free_port)
  mkdir -p "$dir/data"
  for ((i = 1; i <= n; i++)); do rooms+=(--room "bench$i=bench-stream-key-$i"); done
  # every publisher runs on this machine, so all share one address: no per-address limit
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
  java $JAVA_OPTS -jar "$AMPHI_JAR" --bind 127.0.0.1 --http-port "$http" --rtmp-port "$rtmp" --webrtc-udp-port off \
    --data-dir "$dir/data" --room-mode passthrough --rtmp-max-connections-per-address 0 \
      "${rooms[@]}" > "$dir/amphi.log" 2>&1 &
  SERVER_MAIN=$!
  CHILDREN+=("$SERVER_MAIN")
  if ! wait_listening "$SERVER_MAIN" 60 "$rtmp" "$http"; then
    NOT_RUN="amphi did not start: $(grep -m1 -iE 'exception|error|not implemented|unknown option' "$dir/amphi.log" | cut -c1-160)"
    [ "$NOT_RUN" = "amphi did not start: " ] && NOT_RUN+="$(tail -n 1 "$dir/amphi.log" | cut -c1-160)"
    return 1
  fi
  SERVER_PIDS=("$SERVER_MAIN")
  PUBLISH_BASE="rtmp://127.0.0.1:$rtmp/live"
  PLAYLIST_FMT="http://127.0.0.1:$http/live/bench%s/video/index.m3u8"
  METRICS_URL="http://127.0.0.1:$http/metrics"
}

# ---------------------------------------------------------------- one measurement
RSS_PEAK=0; RSS_SUM=0; RSS_N=0
# sample_for SECONDS [count]: sleeps SECONDS while sampling the server's RSS every second;
# with "count", the samples also feed the window's average.
sample_for() {
  local end rss
  end=$(awk -v n="$(now)" -v d="$1" 'BEGIN { printf "%.3f", n + d }')
  while :; do
    rss=$(status_kb VmRSS "${SERVER_PIDS[@]}")
    [ "$rss" -gt "$RSS_PEAK" ] && RSS_PEAK=$rss
    if [ "${2:-}" = count ]; then RSS_SUM=$((RSS_SUM + rss)); RSS_N=$((RSS_N + 1)); fi
    local left
    left=$(awk -v e="$end" -v n="$(now)" 'BEGIN { l = e - n; print (l <= 0 ? 0 : (l > 1 ? 1 : l)) }')
    [ "$left" = 0 ] && break
    nap "$left"
  done
}

CSV=""
run_one() {
  local server=$1 n=$2 dir="$WORK/$1-$2"
  mkdir -p "$dir"
  SERVER_PIDS=(); SERVER_MAIN=""; NOT_RUN=""; PUB_PIDS=(); METRICS_URL=""
  RSS_PEAK=0; RSS_SUM=0; RSS_N=0
  log "$server N=$n: starting server"
  if ! "start_$server" "$dir" "$n"; then
    log "$server N=$n: not run ($NOT_RUN)"
    [ -n "$SERVER_MAIN" ] && stop_pids 5 "$SERVER_MAIN"
    local reason=${NOT_RUN//,/;}; reason=${reason//\"/}
    echo "$server,$n,$WARMUP,$MEASURE,,,,,,,,,,,,,,,,,,,,,,not run: $reason" >> "$CSV"
    return 0
  fi
  log "$server N=$n: server pids ${SERVER_PIDS[*]}; starting $n publishers"
  start_publishers "$dir" "$n"
  local sending
  sending=$(pub_out_us "$dir" "$n" | awk '$2 > 0 { c++ } END { print c + 0 }')
  log "$server N=$n: $sending of $n publishers sending ($PUB_RESTARTS restarts); warming up ${WARMUP}s"
  # Every playlist is also fetched a third of the way into the warm-up, as players would: the HTTP
  # path's first requests (class loading, then the JIT compiling it) belong to the warm-up: a first
  # fetch after 90 s cost Amphi's JIT about 0.25 CPU-s in the next 30 s at 10 streams.
  local third
  third=$(awk -v w="$WARMUP" 'BEGIN { printf "%.3f", w / 3 }')
  sample_for "$third"
  fetch_playlists "$n" "$dir/playlists-warmup" > /dev/null
  sample_for "$(awk -v w="$WARMUP" -v t="$third" 'BEGIN { printf "%.3f", w - t }')"
  fetch_playlists "$n" "$dir/playlists-before" > "$dir/playlists-before.txt"

  # window start
  local t0 t1 cpu0 cpu1 pcpu0 pcpu1 m0 m1
  pub_out_us "$dir" "$n" > "$dir/out-before.txt"
  thread_ticks "$SERVER_MAIN" > "$dir/threads-before.txt"
  m0=$(machine_ticks); pcpu0=$(cpu_ticks "${PUB_PIDS[@]}"); cpu0=$(cpu_ticks "${SERVER_PIDS[@]}"); t0=$(now)
  log "$server N=$n: measuring ${MEASURE}s"
  sample_for "$MEASURE" count
  cpu1=$(cpu_ticks "${SERVER_PIDS[@]}"); t1=$(now); pcpu1=$(cpu_ticks "${PUB_PIDS[@]}"); m1=$(machine_ticks)
  pub_out_us "$dir" "$n" > "$dir/out-after.txt"
  thread_ticks "$SERVER_MAIN" > "$dir/threads-after.txt"
  # window end

  # Amphi drops video (to the next keyframe) or audio for a consumer that falls behind and counts
  # it; dropped packets mean less work was done, so a drop-free run is required for a fair number.
  local dropped="-1 -1"
  if [ -n "$METRICS_URL" ]; then
    dropped=$(curl -s --max-time 10 "$METRICS_URL" 2>/dev/null |
      awk '/^amphi_fanout_dropped_total/ { if ($0 ~ /kind="video"/) v += $NF; else if ($0 ~ /kind="audio"/) a += $NF; seen = 1 }
           END { if (seen) printf "%d %d", v, a; else print "-1 -1" }')
  fi
  local gap=$((2 * SEGMENT_S - MEASURE))
  [ $gap -gt 0 ] && nap "$gap"
  fetch_playlists "$n" "$dir/playlists-after" > "$dir/playlists-after.txt"
  local advanced alive_pubs=0 server_alive=yes hwm p
  advanced=$(playlists_advanced "$dir/playlists-before.txt" "$dir/playlists-after.txt")
  for p in "${PUB_PIDS[@]}"; do alive "$p" && alive_pubs=$((alive_pubs + 1)); done
  for p in "${SERVER_PIDS[@]}"; do alive "$p" || server_alive=no; done
  hwm=$(status_kb VmHWM "${SERVER_PIDS[@]}")
  # For the JVM: heap in use at the end of the window, then live data after a full GC (jcmd, after
  # the window so it costs nothing measured). RSS alone mostly shows how far G1 let the heap grow.
  local heap_used=0 heap_live=0
  if [ "$server" = amphi ] && command -v jcmd >/dev/null 2>&1; then
    heap_used=$(heap_used_kib "$SERVER_MAIN")
    timeout 30 jcmd "$SERVER_MAIN" GC.run >/dev/null 2>&1 || true
    heap_live=$(heap_used_kib "$SERVER_MAIN")
  fi
  local files_kib=0   # nginx's HLS fragments live in files (page cache / tmpfs), outside its RSS
  # nginx deletes old fragments while du walks the directory: du then fails (pipefail) though its total is right
  [ -d "$dir/hls" ] && files_kib=$(du -sk "$dir/hls" 2>/dev/null | cut -f1 || true)
  [[ "$files_kib" =~ ^[0-9]+$ ]] || files_kib=0

  local speeds
  speeds=$(awk -v w="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v thr="$REALTIME_MIN" '
      NR == FNR { before[$1] = $2; next }
      { d = ($2 - before[$1]) / 1e6; media += d; s = d / w; sum += s; if (FNR == 1 || s < min) min = s; if (s >= thr) rt++ }
      END { printf "%.3f %.3f %d %.3f", min, sum / (FNR ? FNR : 1), rt, media }' "$dir/out-before.txt" "$dir/out-after.txt")
  local row
  row=$(awk -v server="$server" -v n="$n" -v warm="$WARMUP" -v meas="$MEASURE" -v t0="$t0" -v t1="$t1" \
      -v c0="$cpu0" -v c1="$cpu1" -v p0="$pcpu0" -v p1="$pcpu1" -v hz="$CLK_TCK" \
      -v m0="$m0" -v m1="$m1" -v ncpu="$NPROC" -v peak="$RSS_PEAK" -v rsum="$RSS_SUM" -v rn="$RSS_N" -v hwm="$hwm" \
      -v adv="$advanced" -v alive="$alive_pubs" -v files="$files_kib" -v hused="$heap_used" -v hlive="$heap_live" -v dropped="$dropped" -v restarts="$PUB_RESTARTS" -v salive="$server_alive" -v speeds="$speeds" '
    BEGIN {
      w = t1 - t0; cpu = (c1 - c0) / hz; pcpu = (p1 - p0) / hz
      split(m0, a, " "); split(m1, b, " "); busy = 100 * (b[1] - a[1]) / (b[2] - a[2])
      other = busy - 100 * (cpu + pcpu) / (w * ncpu); if (other < 0) other = 0
      split(speeds, s, " ")
      status = (salive == "yes") ? "ok" : "server died"
      split(dropped, dr, " ")
      printf "%s,%d,%d,%d,%.3f,%.3f,%.6f,%.6f,%.0f,%.0f,%.0f,%d,%d,%d,%d,%d,%d,%.3f,%.3f,%d,%.4f,%.1f,%.1f,%d,%d,%s\n",
        server, n, warm, meas, w, cpu, cpu / (n * w), (s[4] > 0 ? cpu / s[4] : 0), peak, rsum / (rn ? rn : 1), hwm, files, hused, hlive,
        adv, alive, restarts, s[1], s[2], s[3], pcpu / (n * w), busy, other, dr[1], dr[2], status
    }')
  echo "$row" >> "$CSV"
  if [ "$server" = amphi ]; then
    # Where the server's CPU went: per-thread CPU seconds in the window, grouped by thread name
    # (digits folded, so the event-loop threads "amphi-rtmp-io-3-1", "-3-2"... add up).
    awk -v hz="$CLK_TCK" 'NR == FNR { b[$1] = $2; next }
         { g = $3; gsub(/[0-9]+/, "#", g); c[g] += ($2 - b[$1]) / hz; t += ($2 - b[$1]) / hz }
         END { for (g in c) if (c[g] > 0) printf "%8.3f  %5.1f%%  %s\n", c[g], (t > 0 ? 100 * c[g] / t : 0), g }' \
      "$dir/threads-before.txt" "$dir/threads-after.txt" | sort -rn > "${CSV%.csv}-$server-$n-threads.txt"
  fi
  log "$server N=$n: $row"
  stop_pids 5 "${PUB_PIDS[@]}"
  stop_pids 10 "${SERVER_PIDS[@]}"
  [ "$KEEP_WORK" = 1 ] || rm -rf "$dir/hls" "$dir/data"
}

# ---------------------------------------------------------------- summary
summary() {
  local csv=$1
  awk -F, '
    NR == 1 { next }
    { key = $2; ns[key] = 1
      if ($NF ~ /not run/) { nr[$1, key] = $NF; next }
      cpu[$1, key] = $7; peak[$1, key] = $9; files[$1, key] = $12; live[$1, key] = $14; adv[$1, key] = $15; rt[$1, key] = $20; busy[$1, key] = $22; other[$1, key] = $23; dv[$1, key] = $24; da[$1, key] = $25 }
    function cell_cpu(s, k) { return ((s, k) in cpu) ? sprintf("%.5f", cpu[s, k]) : (((s, k) in nr) ? "not run" : "-") }
    function cell_mem(s, k) { return ((s, k) in peak) ? sprintf("%.0f MiB", peak[s, k] / 1024) (files[s, k] > 0 ? sprintf(" + %.0f MiB HLS files", files[s, k] / 1024) : "") (live[s, k] > 0 ? sprintf(" (live heap %.0f MiB)", live[s, k] / 1024) : "") : "-" }
    function cell_adv(s, k) { return ((s, k) in adv) ? adv[s, k] "/" k (dv[s, k] >= 0 ? " (dropped " dv[s, k] " video, " da[s, k] " audio)" : "") : "-" }
    function cell_rt(s, k)  { return ((s, k) in rt) ? rt[s, k] "/" k : "-" }
    function cell_busy(s, k){ return ((s, k) in busy) ? busy[s, k] "% (" other[s, k] "%)" : "-" }
    END {
      print "| N | Amphi CPU-s per stream-s | nginx CPU-s per stream-s | ratio Amphi/nginx | Amphi peak RSS | nginx peak RSS | playlists advancing Amphi | playlists advancing nginx | publishers real-time Amphi / nginx | machine busy (of it other processes) Amphi / nginx |"
      print "|---|---|---|---|---|---|---|---|---|---|"
      m = 0; for (k in ns) order[++m] = k + 0
      for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (order[j] < order[i]) { t = order[i]; order[i] = order[j]; order[j] = t }
      for (i = 1; i <= m; i++) {
        k = order[i]
        ratio = (("amphi", k) in cpu && ("nginx", k) in cpu && cpu["nginx", k] > 0) ? sprintf("%.2f", cpu["amphi", k] / cpu["nginx", k]) : "-"
        printf "| %d | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s / %s |\n", k,
          cell_cpu("amphi", k), cell_cpu("nginx", k), ratio, cell_mem("amphi", k), cell_mem("nginx", k),
          cell_adv("amphi", k), cell_adv("nginx", k), cell_rt("amphi", k), cell_rt("nginx", k),
          cell_busy("amphi", k), cell_busy("nginx", k)
      }
      for (k in nr) { split(k, p, SUBSEP); notes[p[1] " N=" p[2] ": " nr[k]] = 1 }
      for (x in notes) print "\n" x
    }' "$csv"
}

# ---------------------------------------------------------------- main
if [ "$BUILD" = 1 ]; then
  log "building the jar in a private copy (/tmp/amphi-bench-build)"
  rsync -a --delete --exclude target "$REPO_DIR/" /tmp/amphi-bench-build/
  (cd /tmp/amphi-bench-build && mvn -B -o -q package -DskipTests)
  AMPHI_JAR=/tmp/amphi-bench-build/server/target/amphi.jar
fi
ensure_input
# tmpfs when there is one: nginx-rtmp writes its HLS fragments to files (the usual advice is a
# tmpfs hls_path) and Amphi keeps them in memory, so neither pays for disk I/O.
[ -n "$WORK_PARENT" ] || { [ -d /dev/shm ] && [ -w /dev/shm ] && WORK_PARENT=/dev/shm || WORK_PARENT=/tmp; }
WORK=$(mktemp -d "$WORK_PARENT/amphi-bench.XXXXXX")
chmod 755 "$WORK"
mkdir -p "$BENCH_DIR/results"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
CSV="$BENCH_DIR/results/results-$STAMP.csv"
echo "server,streams,warmup_s,measure_s,window_s,server_cpu_s,cpu_s_per_stream_s,cpu_s_per_media_s,peak_rss_kib,avg_rss_kib,hwm_kib,hls_files_kib,heap_used_kib,heap_live_kib,playlists_advanced,publishers_alive,publisher_restarts,publisher_speed_min,publisher_speed_avg,publishers_realtime,publisher_cpu_s_per_stream_s,machine_busy_pct,other_busy_pct,dropped_video,dropped_audio,status" > "$CSV"
{
  echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "command: $0 $ARGS_ORIG"
  echo "tree: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?') + $(git -C "$REPO_DIR" status --porcelain 2>/dev/null | wc -l) uncommitted paths"
  if [[ " ${SERVERS[*]} " == *" amphi "* ]] && [ -f "$AMPHI_JAR" ]; then
    echo "amphi_jar: $AMPHI_JAR sha256 $(sha256sum "$AMPHI_JAR" | cut -c1-16) built $(date -u -r "$AMPHI_JAR" +%Y-%m-%dT%H:%M:%SZ)"
    echo "java_opts: ${JAVA_OPTS:-(none: plain java -jar)}"
  fi
  echo "nproc: $NPROC"
  echo "cpu: $(lscpu 2>/dev/null | sed -n 's/^Model name:[[:space:]]*//p' | head -n1)"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -n1)"
  echo "nginx: $("$NGINX_BIN" -v 2>&1), libnginx-mod-rtmp $(dpkg-query -W -f '${Version}' libnginx-mod-rtmp 2>/dev/null)"
  echo "ffmpeg: $(ffmpeg -version | head -n1)"
  echo "load_before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "${CSV%.csv}.meta.txt"
log "work dir $WORK, results $CSV"
for n in "${COUNTS[@]}"; do
  for s in "${SERVERS[@]}"; do run_one "$s" "$n"; done
done
summary "$CSV" | tee "${CSV%.csv}.md"
log "raw results: $CSV"
