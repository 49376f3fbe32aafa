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

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

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
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} with apt-get"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}
ensure_deps
NGINX_BIN=$(command -v nginx 2>/dev/null || echo /usr/sbin/nginx)
CLK_TCK=$(getconf CLK_TCK)
NPROC=$(nproc)

# ---------------------------------------------------------------- children and cleanup
CHILDREN=()          # every pid this script started (publishers, servers); killed on exit
WORK=""
cleanup() {
  local rc=$? p
  trap - EXIT INT TERM
  if [ ${#CHILDREN[@]} -gt 0 ]; then
    local deadline=$((SECONDS + 5))
    for p in "${CHILDREN[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${CHILDREN[@]}"; do
      while alive "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
      kill -KILL "$p" 2>/dev/null || true
    done
  fi
  if [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ "$KEEP_WORK" = 1 ] || [ "$rc" -ne 0 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Stops the given pids: TERM, up to $2 seconds of grace, then KILL.
stop_pids() {
  local grace=$1; shift
  local p deadline=$((SECONDS + grace))
  for p in "$@"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "$@"; do
    while alive "$p" && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
    kill -KILL "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
}

# ---------------------------------------------------------------- /proc readers
# alive PID: the process exists and is not a zombie.
alive() {
  local line
  read -r line 2>/dev/null < "/proc/$1/stat" || return 1
  line=${line##*) }
  [ "${line:0:1}" != Z ]
}
# children_of PID: pids whose parent is PID.
children_of() {
  local pp=$1 f line a
  for f in /proc/[0-9]*/stat; do
    read -r line 2>/dev/null < "$f" || continue
    read -ra a <<< "${line##*) }"
    if [ "${a[1]}" = "$pp" ]; then f=${f#/proc/}; echo "${f%/stat}"; fi
  done
}
# cpu_ticks PID...: summed utime+stime (clock ticks) of the live processes.
cpu_ticks() {
  local t=0 p line a
  for p in "$@"; do
    read -r line 2>/dev/null < "/proc/$p/stat" || continue
    read -ra a <<< "${line##*) }"
    t=$((t + a[11] + a[12]))
  done
  echo "$t"
}
# status_kb FIELD PID...: summed FIELD (VmRSS, VmHWM) of /proc/PID/status in KiB.
status_kb() {
  local field=$1 t=0 p k v u; shift
  for p in "$@"; do
    while read -r k v u; do
      if [ "$k" = "$field:" ]; then t=$((t + v)); break; fi
    done 2>/dev/null < "/proc/$p/status" || true
  done
  echo "$t"
}
# machine_ticks: "busy total" jiffies summed over all CPUs.
# thread_ticks PID: "tid ticks name" for every thread of PID (JVM threads carry their names in comm).
thread_ticks() {
  local f line a name tid
  for f in /proc/"$1"/task/[0-9]*/stat; do
    read -r line 2>/dev/null < "$f" || continue
    name=${line#*(}; name=${name%)*}; name=${name// /_}
    read -ra a <<< "${line##*) }"
    tid=${f%/stat}; tid=${tid##*/}
    echo "$tid $((a[11] + a[12])) $name"
  done
}
# heap_used_kib PID: the JVM's used heap in KiB (jcmd GC.heap_info), 0 when unavailable.
heap_used_kib() {
  timeout 30 jcmd "$1" GC.heap_info 2>/dev/null |
    awk '/ heap / && /used/ { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); print v + 0; exit } }
         END { if (!v) print 0 }' | head -n1
}
machine_ticks() {
  local cpu user nice sys idle iowait irq softirq steal rest
  read -r cpu user nice sys idle iowait irq softirq steal rest < /proc/stat
  echo "$((user + nice + sys + irq + softirq + steal)) $((user + nice + sys + idle + iowait + irq + softirq + steal))"
}
now() { echo "$EPOCHREALTIME"; }   # bash 5

# ---------------------------------------------------------------- ports
USED_PORTS=" "
free_port() {
  local p listening
  listening=" $(ss -Hltn 2>/dev/null | awk '{n=split($4,a,":"); printf "%s ", a[n]}') "
  while :; do
    p=$((20000 + RANDOM % 40000))
    [[ "$listening" == *" $p "* || "$USED_PORTS" == *" $p "* ]] && continue
    USED_PORTS+="$p "
    echo "$p"; return
  done
}
listening() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

# ---------------------------------------------------------------- input stream
INPUT_DIR="$BENCH_DIR/work"
INPUT="$INPUT_DIR/stream.flv"
ensure_input() {
  [ -s "$INPUT" ] && return
  mkdir -p "$INPUT_DIR"
  log "encoding the input once: $INPUT (30 s, 1280x720 30 fps H.264 2 Mbit/s, keyint 2 s, B-frames, AAC 128k 48 kHz)"
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i testsrc2=size=1280x720:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t 30 -map 0:v -map 1:a \
    -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p \
    -b:v 2M -maxrate 2M -bufsize 4M -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 \
    -c:a aac -b:a 128k -ar 48000 -ac 2 \
    -f flv "$INPUT.tmp" && mv "$INPUT.tmp" "$INPUT"
}

# ---------------------------------------------------------------- servers
# Each start_* sets SERVER_PIDS (the processes whose CPU and memory count), PUBLISH_BASE
# (rtmp://host:port/live) and PLAYLIST_FMT (printf format of stream i's media playlist URL,
# %s = index), or returns non-zero with NOT_RUN set to the reason.
SERVER_PIDS=()
SERVER_MAIN=""
NOT_RUN=""
METRICS_URL=""       # Amphi only: Prometheus metrics, read for the fan-out drop counters

start_nginx() {
  local dir=$1 n=$2 rtmp http user_line=""
  rtmp=$(free_port); http=$(free_port)
  mkdir -p "$dir/logs" "$dir/tmp" "$dir/hls"
  [ "$(id -u)" -eq 0 ] && user_line="user root root;"   # workers must write the HLS dir we own
  sed -e "s#@RTMP_MODULE@#/usr/lib/nginx/modules/ngx_rtmp_module.so#" \
      -e "s#@USER_LINE@#$user_line#" \
      -e "s#@WORKERS@#auto#" \
      -e "s#@PREFIX@#$dir#g" \
      -e "s#@HLS_DIR@#$dir/hls#g" \
      -e "s#@RTMP_PORT@#$rtmp#" \
      -e "s#@HTTP_PORT@#$http#" \
      "$BENCH_DIR/nginx.conf.template" > "$dir/nginx.conf"
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
  PLAYLIST_FMT="http://127.0.0.1:$http/hls/key%s.m3u8"
}

start_amphi() {
  local dir=$1 n=$2 rtmp http i rooms=()
  if [ ! -f "$AMPHI_JAR" ]; then
    NOT_RUN="no jar at $AMPHI_JAR (build with 'mvn -B -DskipTests package' or pass --build)"; return 1
  fi
  rtmp=$(free_port); http=$(free_port)
  mkdir -p "$dir/data"
  for ((i = 1; i <= n; i++)); do rooms+=(--room "bench$i=key$i"); done
  # shellcheck disable=SC2086  # JAVA_OPTS is a list of flags
  java $JAVA_OPTS -jar "$AMPHI_JAR" --bind 127.0.0.1 --http-port "$http" --rtmp-port "$rtmp" \
    --data-dir "$dir/data" --room-mode passthrough "${rooms[@]}" > "$dir/amphi.log" 2>&1 &
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

# wait_listening PID TIMEOUT PORT...: true once every port listens, false if PID dies or time runs out.
wait_listening() {
  local pid=$1 deadline=$((SECONDS + $2)) p ok; shift 2
  while [ $SECONDS -lt $deadline ]; do
    alive "$pid" || return 1
    ok=1
    for p in "$@"; do listening "$p" || { ok=0; break; }; done
    [ $ok = 1 ] && return 0
    sleep 0.2
  done
  return 1
}

# ---------------------------------------------------------------- publishers and playlists
PUB_PIDS=()
PUB_RESTARTS=0
PUB_BATCH=10         # publishers started together; the next batch waits until these are sending
# launch_publisher DIR I: (re)starts publisher I, replaying the input in a loop at its real rate.
launch_publisher() {
  local dir=$1 i=$2
  ffmpeg -nostdin -hide_banner -loglevel error -progress "$dir/pub/$i.progress" -stats_period 0.5 \
    -re -stream_loop -1 -i "$INPUT" -c copy -f flv "$PUBLISH_BASE/key$i" \
    >> "$dir/pub/$i.log" 2>&1 &
  PUB_PIDS[i - 1]=$!
  CHILDREN+=($!)
}
# start_publishers DIR N: starts N publishers in batches of PUB_BATCH, each batch given up to 60 s
# to be sending before the next starts (100 ffmpeg start-ups at once swamp 2 cores). A publisher
# that exits while starting (e.g. refused, handshake timeout) is restarted, up to 3 times each;
# restarts are counted in the results.
start_publishers() {
  local dir=$1 n=$2 i j from deadline tries=()
  PUB_PIDS=(); PUB_RESTARTS=0
  mkdir -p "$dir/pub"
  for ((from = 1; from <= n; from += PUB_BATCH)); do
    for ((i = from; i < from + PUB_BATCH && i <= n; i++)); do
      launch_publisher "$dir" "$i"; tries[i]=0
      sleep 0.05
    done
    deadline=$((SECONDS + 60))
    while [ $SECONDS -lt $deadline ]; do
      local waiting=0
      while read -r j v; do
        [ "$j" -lt "$i" ] || continue
        if ! alive "${PUB_PIDS[j - 1]}"; then
          wait "${PUB_PIDS[j - 1]}" 2>/dev/null || true
          if [ "${tries[j]}" -lt 3 ]; then
            tries[j]=$((tries[j] + 1)); PUB_RESTARTS=$((PUB_RESTARTS + 1))
            log "publisher $j exited while starting ($(tail -n 1 "$dir/pub/$j.log" 2>/dev/null)); restarting"
            : > "$dir/pub/$j.progress"
            launch_publisher "$dir" "$j"; waiting=1
          fi
        elif [ "$v" = 0 ]; then waiting=1
        fi
      done < <(pub_out_us "$dir" "$((i - 1))")
      [ $waiting = 0 ] && break
      sleep 0.5
    done
  done
}
# pub_out_us DIR N: "index out_time_us" for each publisher, from the last block of its -progress
# file (0 when it has reported nothing yet). One awk for all files: cheap even on a saturated machine.
pub_out_us() {
  local dir=$1 n=$2 i files=()
  for ((i = 1; i <= n; i++)); do files+=("$dir/pub/$i.progress"); done
  awk 'BEGIN { for (i = 1; i < ARGC; i++) {
                 v = 0
                 while ((getline line < ARGV[i]) > 0) if (line ~ /^out_time_us=[0-9]+$/) v = substr(line, 13)
                 close(ARGV[i]); print i, v } }' "${files[@]}"
}
# fetch_playlists N OUTDIR: fetches every stream's media playlist (one curl process for all) and
# prints "index media_sequence last_uri" per stream (- when unavailable).
fetch_playlists() {
  local n=$1 out=$2 i args=()
  mkdir -p "$out"
  for ((i = 1; i <= n; i++)); do
    # shellcheck disable=SC2059
    args+=("$(printf "$PLAYLIST_FMT" "$i")" -o "$out/$i.m3u8")
  done
  curl -s --fail --max-time 20 --connect-timeout 5 "${args[@]}" 2>/dev/null || true
  awk 'BEGIN { for (i = 1; i < ARGC; i++) {
                 seq = "-"; last = "-"
                 while ((getline line < ARGV[i]) > 0) {
                   if (line ~ /^#EXT-X-MEDIA-SEQUENCE:[0-9]+/) seq = substr(line, 23) + 0
                   else if (line !~ /^#/ && line ~ /[^ \t\r]/) { sub(/[ \t\r]+$/, "", line); last = line }
                 }
                 close(ARGV[i]); print i, seq, last } }' \
    $(for ((i = 1; i <= n; i++)); do echo "$out/$i.m3u8"; done)
}
# playlists_advanced BEFORE AFTER: how many streams show a higher media sequence or a new last segment.
playlists_advanced() {
  awk 'NR==FNR { s[$1]=$2; l[$1]=$3; next }
       $3 != "-" && l[$1] != "-" && (($2 != "-" && s[$1] != "-" && $2 > s[$1]) || $3 != l[$1]) { c++ }
       END { print c + 0 }' "$1" "$2"
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
    sleep "$left"
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
  [ $gap -gt 0 ] && sleep "$gap"
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
