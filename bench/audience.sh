#!/usr/bin/env bash
# Audience benchmark: N simulated viewers of one live room, pull design (playlists, segments and
# comment objects through the caching edge in deploy/nginx) side by side with the push design (one
# Server-Sent Events stream per viewer straight from the origin), while comments are posted at a
# fixed rate. See bench/README.md, "Audience".
#
#   bench/audience.sh [--viewers 1000,5000,10000] [--designs pull,push] [--warmup 20] [--measure 30]
#                     [--drain 5] [--post-rate 1000] [--room-rate N] [--segment-bytes 4096]
#                     [--check-every 20] [--connections 512]
#                     [--amphi-jar server/target/amphi.jar] [--bench-jar bench-tools/target/amphi-bench.jar]
#                     [--amphi-args "..."] [--java-opts "..."] [--client-opts "-Xmx2g -XX:TieredStopAtLevel=1"]
#                     [--nginx-workers auto] [--edge-log] [--origin-warmup 60] [--keep-work] [--work-dir /dev/shm]
#
# One origin (Amphi, passthrough room `hall`, one ffmpeg publisher of a 640x360 ~570 kbit/s input)
# and one edge (nginx, `deploy/nginx/edge.sh run`) serve every step; for every N and design the
# client (`dev.amphi.bench.audience.AudienceBench` in the bench jar) starts the posting load and
# the viewers, warms up, measures, drains and checks. Rows go to bench/results/audience-<stamp>.csv,
# a Markdown table and the machine's description next to it.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

VIEWERS="1000,5000,10000"
DESIGNS="pull,push"
WARMUP=20
MEASURE=30
DRAIN=5
POST_RATE=1000
ROOM_RATE=""
SEGMENT_BYTES=4096
CHECK_EVERY=20
CONNECTIONS=512
AMPHI_JAR="$REPO_DIR/server/target/amphi.jar"
BENCH_JAR="$REPO_DIR/bench-tools/target/amphi-bench.jar"
AMPHI_ARGS=""
JAVA_OPTS=""
CLIENT_OPTS="-Xmx2g -XX:TieredStopAtLevel=1"
NGINX_WORKERS=auto
EDGE_LOG=0
ORIGIN_WARMUP=60
KEEP_WORK=0
WORK_PARENT=""
ROOM=hall
KEY=hall-bench-stream-key-0123

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }

ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --viewers)       VIEWERS="$2"; shift 2 ;;
    --designs)       DESIGNS="$2"; shift 2 ;;
    --warmup)        WARMUP="$2"; shift 2 ;;
    --measure)       MEASURE="$2"; shift 2 ;;
    --drain)         DRAIN="$2"; shift 2 ;;
    --post-rate)     POST_RATE="$2"; shift 2 ;;
    --room-rate)     ROOM_RATE="$2"; shift 2 ;;
    --segment-bytes) SEGMENT_BYTES="$2"; shift 2 ;;
    --check-every)   CHECK_EVERY="$2"; shift 2 ;;
    --connections)   CONNECTIONS="$2"; shift 2 ;;
    --amphi-jar)     AMPHI_JAR="$2"; shift 2 ;;
    --bench-jar)     BENCH_JAR="$2"; shift 2 ;;
    --amphi-args)    AMPHI_ARGS="$2"; shift 2 ;;
    --java-opts)     JAVA_OPTS="$2"; shift 2 ;;
    --client-opts)   CLIENT_OPTS="$2"; shift 2 ;;
    --nginx-workers) NGINX_WORKERS="$2"; shift 2 ;;
    --edge-log)      EDGE_LOG=1; shift ;;
    --origin-warmup) ORIGIN_WARMUP="$2"; shift 2 ;;
    --keep-work)     KEEP_WORK=1; shift ;;
    --work-dir)      WORK_PARENT="$2"; shift 2 ;;
    -h|--help)       usage 0 ;;
    *) echo "audience.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

[[ "$VIEWERS" =~ ^[0-9]+(,[0-9]+)*$ ]] || die "--viewers must be a comma-separated list of counts, got '$VIEWERS'"
[[ "$DESIGNS" =~ ^(pull|push)(,(pull|push))*$ ]] || die "--designs must list pull and/or push, got '$DESIGNS'"
for v in "$WARMUP" "$MEASURE" "$DRAIN" "$SEGMENT_BYTES" "$CHECK_EVERY" "$CONNECTIONS" "$ORIGIN_WARMUP"; do
  [[ "$v" =~ ^[0-9]+$ ]] || die "--warmup, --measure, --drain, --segment-bytes, --check-every, --connections and --origin-warmup take whole numbers, got '$v'"
done
[[ "$POST_RATE" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "--post-rate must be a number of posts a second, got '$POST_RATE'"
# the origin's ceiling for one room (--comment-room-rate) must not be what limits the posting load
[ -n "$ROOM_RATE" ] || ROOM_RATE=$(awk -v r="$POST_RATE" 'BEGIN { printf "%d", (r < 100 ? 200 : 2 * r) }')
[[ "$ROOM_RATE" =~ ^[1-9][0-9]*$ ]] || die "--room-rate must be a whole number of comments a second, got '$ROOM_RATE'"
[ -f "$AMPHI_JAR" ] || die "no $AMPHI_JAR: build it with mvn -B -pl server -am package -DskipTests"
[ -f "$BENCH_JAR" ] || die "no $BENCH_JAR: build it with mvn -B -pl bench-tools -am package -DskipTests"
IFS=, read -ra COUNTS <<< "$VIEWERS"
IFS=, read -ra DESIGN_LIST <<< "$DESIGNS"
# every push viewer gets its stream: the origin's cap on event streams must not be what is measured
MAX_STREAMS=$(( $(printf '%s\n' "${COUNTS[@]}" | sort -n | tail -n 1) + 100 ))

need=()
command -v nginx >/dev/null 2>&1 || need+=(nginx)
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v ss >/dev/null 2>&1 || need+=(iproute2)
apt_install "${need[@]}"

# ---------------------------------------------------------------- input: low bitrate, so segments are small
AUDIENCE_INPUT="$INPUT_DIR/audience.flv"
if [ ! -s "$AUDIENCE_INPUT" ]; then
  mkdir -p "$INPUT_DIR"
  log "encoding the input once: $AUDIENCE_INPUT (30 s, 640x360 30 fps H.264 500 kbit/s, keyint 2 s, AAC 64k)"
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i testsrc2=size=640x360:rate=30 -f lavfi -i sine=frequency=440:sample_rate=48000 \
    -t 30 -map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p \
    -b:v 500k -maxrate 500k -bufsize 1M -g 60 -keyint_min 60 -sc_threshold 0 -bf 2 \
    -c:a aac -b:a 64k -ar 48000 -ac 2 -f flv "$AUDIENCE_INPUT.tmp" && mv "$AUDIENCE_INPUT.tmp" "$AUDIENCE_INPUT"
fi

# ---------------------------------------------------------------- work dir, results
if [ -z "$WORK_PARENT" ]; then
  if [ -w /dev/shm ]; then WORK_PARENT=/dev/shm; else WORK_PARENT=/tmp; fi
fi
WORK=$(mktemp -d "$WORK_PARENT/amphi-audience.XXXXXX")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH_DIR/results"
CSV="$BENCH_DIR/results/audience-$STAMP.csv"
META="${CSV%.csv}.meta.txt"
{
  echo "command: bench/audience.sh $ARGS_ORIG"
  echo "start: $(date -u +%FT%TZ)"
  echo "nproc: $NPROC"
  echo "cpu: $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -n 1)"
  echo "nginx: $(nginx -v 2>&1)"
  echo "tree: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO_DIR" diff --quiet 2>/dev/null || echo ' (modified)')"
  echo "amphi jar: $AMPHI_JAR sha256 $(sha256sum "$AMPHI_JAR" | cut -c1-16)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "busiest processes before:"; ps -eo pcpu,etime,args --sort=-pcpu | head -n 8 | cut -c1-160
} > "$META"
log "work dir $WORK, results $CSV"

# ---------------------------------------------------------------- origin, publisher, edge
HTTP_PORT=$(free_port); RTMP_PORT=$(free_port); METRICS_PORT=$(free_port); EDGE_PORT=$(free_port)
mkdir -p "$WORK/amphi" "$WORK/edge"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$AMPHI_JAR" --bind 127.0.0.1 --http-port "$HTTP_PORT" --rtmp-port "$RTMP_PORT" --webrtc-udp-port off \
  --metrics-port "$METRICS_PORT" --data-dir "$WORK/amphi" --room-mode passthrough --room "$ROOM=$KEY" \
  --comment-room-rate "$ROOM_RATE" --max-event-streams "$MAX_STREAMS" $AMPHI_ARGS \
  > "$WORK/amphi.log" 2>&1 &
ORIGIN_PID=$!; CHILDREN+=("$ORIGIN_PID")
wait_listening "$ORIGIN_PID" 60 "$HTTP_PORT" "$RTMP_PORT" "$METRICS_PORT" || die "Amphi did not start: $(tail -n 5 "$WORK/amphi.log")"
ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$AUDIENCE_INPUT" -c copy -f flv \
  "rtmp://127.0.0.1:$RTMP_PORT/live/$KEY" > "$WORK/publisher.log" 2>&1 &
CHILDREN+=($!)
edge_log=off; [ "$EDGE_LOG" = 1 ] && edge_log="$WORK/edge/logs/access.log"
"$REPO_DIR/deploy/nginx/edge.sh" run --listen "127.0.0.1:$EDGE_PORT" --origin "127.0.0.1:$HTTP_PORT" \
  --prefix "$WORK/edge" --workers "$NGINX_WORKERS" --access-log "$edge_log" > "$WORK/edge.out" 2>&1 &
NGINX_PID=$!; CHILDREN+=("$NGINX_PID")
wait_listening "$NGINX_PID" 20 "$EDGE_PORT" || die "nginx did not start: $(cat "$WORK/edge.out" "$WORK/edge/logs/error.log" 2>/dev/null | tail -n 5)"
deadline=$((SECONDS + 60))
until curl -sf "http://127.0.0.1:$EDGE_PORT/live/$ROOM/video/index.m3u8" 2>/dev/null | grep -q '\.m4s'; do
  [ $SECONDS -lt $deadline ] || die "the room's playlist never appeared through the edge"
  sleep 0.5
done
log "origin pid $ORIGIN_PID (http $HTTP_PORT, metrics $METRICS_PORT), edge pid $NGINX_PID (port $EDGE_PORT): live"

# ---------------------------------------------------------------- steps
# run_client DESIGN N CSV LABEL WARMUP MEASURE DRAIN: one client run; its log in WORK/client-DESIGN-N-LABEL.log
run_client() {
  local design=$1 n=$2 csv=$3 label=$4 warm=$5 measure=$6 drain=$7 client log
  log="$WORK/client-$design-$n-$label.log"
  # shellcheck disable=SC2086
  java $CLIENT_OPTS -cp "$BENCH_JAR" dev.amphi.bench.audience.AudienceBench --mode "$design" \
    --edge "http://127.0.0.1:$EDGE_PORT" --origin "http://127.0.0.1:$HTTP_PORT" \
    --metrics "http://127.0.0.1:$METRICS_PORT/metrics" --room "$ROOM" --viewers "$n" --post-addresses 200 \
    --connections "$CONNECTIONS" --loops "$NPROC" --warmup "$warm" --measure "$measure" --drain "$drain" \
    --post-rate "$POST_RATE" --segment-bytes "$SEGMENT_BYTES" \
    --check-every "$CHECK_EVERY" --origin-pid "$ORIGIN_PID" --nginx-pid "$NGINX_PID" \
    --clk-tck "$CLK_TCK" --csv "$csv" --label "$label" > "$log" 2>&1 &
  client=$!; CHILDREN+=("$client")
  wait "$client" || die "the client failed: $(tail -n 5 "$log")"
  alive "$ORIGIN_PID" || die "the origin died: $(tail -n 5 "$WORK/amphi.log")"
  alive "$NGINX_PID" || die "nginx died: $(tail -n 5 "$WORK/edge/logs/error.log")"
  nap 3   # the push streams' connections close, the origin settles
}

# The origin's JIT compiles the posting, publishing, edge-miss and event-stream paths in its first
# minute: both designs run once, unmeasured, with a few viewers and the full posting load.
if [ "$ORIGIN_WARMUP" -gt 0 ]; then
  for design in "${DESIGN_LIST[@]}"; do
    log "origin warm-up: $design, 200 viewers, $((ORIGIN_WARMUP / ${#DESIGN_LIST[@]}))s, $POST_RATE posts/s (not measured)"
    run_client "$design" 200 "$WORK/warmup.csv" warmup 0 "$((ORIGIN_WARMUP / ${#DESIGN_LIST[@]}))" 2
  done
fi
for n in "${COUNTS[@]}"; do
  for design in "${DESIGN_LIST[@]}"; do
    log "$design, $n viewers: ${WARMUP}s warm-up, ${MEASURE}s measured, ${DRAIN}s drain, $POST_RATE posts/s"
    run_client "$design" "$n" "$CSV" "load1=$(cut -d' ' -f1 /proc/loadavg)" "$WARMUP" "$MEASURE" "$DRAIN"
    grep '^RESULT' "$WORK/client-$design-$n-"*.log | tail -n 1 | tr ' ' '\n' \
      | grep -E '^(origin_|post_p|exactly|missing|dupl|streams|viewer_req|edge_|machine)' | paste -sd' ' | sed 's/^/  /' >&2
  done
done

# ---------------------------------------------------------------- table
MD="${CSV%.csv}.md"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; n = split("mode viewers viewer_req_s origin_live_req_s origin_api_req_s origin_cpu nginx_cpu client_cpu machine_busy_pct accepted_s post_p50_ms post_p99_ms exactly_once missing duplicated edge_delay_p50_ms edge_delay_max_ms edge_1s_fetchable origin_delay_p50_ms origin_delay_max_ms streams_open streams_refused pushed_comments_s", cols, " ")
           h = "|"; s = "|"; for (j = 1; j <= n; j++) { h = h " " cols[j] " |"; s = s "---|" } print h; print s; next }
         { row = "|"; for (j = 1; j <= n; j++) row = row " " $(c[cols[j]]) " |"; print row }' "$CSV" > "$MD"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$META"
cat "$MD"
log "results: $CSV, $MD, $META"
