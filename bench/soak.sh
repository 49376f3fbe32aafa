#!/usr/bin/env bash
# Soak test of a composited room: does memory stay flat while speakers come and go for an hour?
#
#   bench/soak.sh [--duration 3600] [--warmup 600] [--demo 4] [--churn 20] [--sample 30]
#                 [--amphi-jar server/target/amphi.jar] [--heap 1g] [--max-growth 32]
#
# Starts Amphi (a copy of the jar, so rebuilding does not disturb the run) with a fixed,
# pre-touched heap (-Xms = -Xmx, -XX:+AlwaysPreTouch), so the process's RSS only moves with
# native memory (FFmpeg frames, packets and codec contexts, swscale/swresample contexts, thread
# stacks, direct buffers). The lobby is composited with the default canvas and ladder and holds
# --demo synthetic speakers. On top, every --churn seconds one of three named ffmpeg publishers
# (640x360 30 fps H.264 + AAC, replayed with -c copy from a file encoded once) connects, publishes
# for 1 to 3 churn periods and disconnects; every third one is a guest without a name, so new
# tiles are created, freed after the rejoin grace and rejoined. If the server has the layout API
# (PUT /api/rooms/lobby/layout), the layout is switched every minute between gallery and speaker.
#
# Every --sample seconds it records: VmRSS, heap used after a full GC (every fifth sample, by
# jcmd), thread count, the program's frame counters from /metrics, and the lobby's media
# sequence (the playlist must keep advancing). Verdict: the least-squares slope of RSS over the
# samples after --warmup, in MiB per hour, must be under --max-growth, and the program must have
# advanced. Output: bench/results/soak-<timestamp>.csv and .md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
DURATION=3600
WARMUP=600
DEMO=4
CHURN=20
SAMPLE=30
HEAP=1g
MAX_GROWTH=32
AMPHI_JAR="$REPO_DIR/server/target/amphi.jar"
ARGS_ORIG="$*"

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --duration)   DURATION="$2"; shift 2 ;;
    --warmup)     WARMUP="$2"; shift 2 ;;
    --demo)       DEMO="$2"; shift 2 ;;
    --churn)      CHURN="$2"; shift 2 ;;
    --sample)     SAMPLE="$2"; shift 2 ;;
    --heap)       HEAP="$2"; shift 2 ;;
    --max-growth) MAX_GROWTH="$2"; shift 2 ;;
    --amphi-jar)  AMPHI_JAR="$2"; shift 2 ;;
    -h|--help)    usage 0 ;;
    *) echo "soak.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done
for v in DURATION WARMUP DEMO CHURN SAMPLE MAX_GROWTH; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "soak.sh: --${v,,} must be a whole number, got '${!v}'" >&2; exit 2; }
done
[ "$WARMUP" -lt "$DURATION" ] || { echo "soak.sh: --warmup must be shorter than --duration" >&2; exit 2; }
[ -f "$AMPHI_JAR" ] || { echo "soak.sh: no jar at $AMPHI_JAR (build it: mvn -B package -DskipTests)" >&2; exit 2; }
for tool in ffmpeg curl java jcmd awk; do
  command -v "$tool" >/dev/null 2>&1 || { echo "soak.sh: needs $tool (apt-get install ffmpeg curl openjdk-17-jdk-headless)" >&2; exit 2; }
done

KEEP_WORK=1   # lib.sh's cleanup is replaced below; the soak keeps its own work directory
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"   # log, free_port

STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$BENCH_DIR/results"
mkdir -p "$RESULTS"
CSV="$RESULTS/soak-$STAMP.csv"
MD="$RESULTS/soak-$STAMP.md"
WORK=$(mktemp -d /tmp/amphi-soak.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${SERVER:-}" ] && kill "$SERVER" 2>/dev/null && wait "$SERVER" 2>/dev/null || true
  pkill -f "$WORK/speaker.flv" 2>/dev/null || true
}
trap cleanup EXIT

cp "$AMPHI_JAR" "$WORK/amphi.jar"
log "encoding the churn speakers' input (20 s, 640x360 30 fps H.264 + AAC)"
ffmpeg -nostdin -loglevel error -f lavfi -i "testsrc2=size=640x360:rate=30" -f lavfi -i "sine=frequency=660:sample_rate=48000" \
  -t 20 -c:v libx264 -preset veryfast -g 60 -b:v 800k -pix_fmt yuv420p -c:a aac -b:a 96k -f flv "$WORK/speaker.flv"

RTMP=$(free_port); HTTP=$(free_port)
KEY="soak-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"  # configured keys need 16 characters or more
log "starting Amphi: lobby composited, --demo $DEMO, heap $HEAP pre-touched, http $HTTP rtmp $RTMP"
java -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch -jar "$WORK/amphi.jar" --bind 127.0.0.1 --http-port "$HTTP" \
  --rtmp-port "$RTMP" --webrtc-udp-port off --data-dir "$WORK/data" --lobby-key "$KEY" --demo "$DEMO" > "$WORK/amphi.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 120); do
  curl -fs "http://127.0.0.1:$HTTP/live/lobby/master.m3u8" -o /dev/null && break
  kill -0 "$SERVER" 2>/dev/null || { tail -20 "$WORK/amphi.log" >&2; echo "soak.sh: the server died" >&2; exit 1; }
  sleep 1
done
curl -fs "http://127.0.0.1:$HTTP/live/lobby/master.m3u8" -o /dev/null || { echo "soak.sh: the lobby never went live" >&2; exit 1; }
RUNG0=$(curl -fs "http://127.0.0.1:$HTTP/live/lobby/master.m3u8" | grep -v '^#' | head -n1)
LAYOUT_API=0
if curl -s -o /dev/null -w '%{http_code}' -X PUT -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
     --data '{"layout":"gallery"}' "http://127.0.0.1:$HTTP/api/rooms/lobby/layout" | grep -q '^2'; then
  LAYOUT_API=1
fi
log "live; rung 0 playlist $RUNG0; layout API: $LAYOUT_API"

# Churn: one publisher at a time per slot, three slots (ada, bob, guest).
churn() {
  local i=0 names=(ada bob "") n life url
  local end=$((SECONDS + DURATION))
  while [ $SECONDS -lt $end ]; do
    n=${names[$((i % 3))]}
    life=$(( CHURN * (1 + i % 3) ))
    url="rtmp://127.0.0.1:$RTMP/live/$KEY"
    [ -n "$n" ] && url="$url?name=$n"
    timeout --signal=INT "$life" ffmpeg -nostdin -loglevel error -re -stream_loop -1 -i "$WORK/speaker.flv" -c copy -f flv "$url" \
      >> "$WORK/churn.log" 2>&1 &
    nap "$CHURN"
    i=$((i + 1))
  done
  wait
}
churn &
PIDS+=($!)

if [ "$LAYOUT_API" = 1 ]; then
  ( end=$((SECONDS + DURATION)); k=0
    while [ $SECONDS -lt $end ]; do
      sleep 60; k=$((k + 1))
      l=gallery; [ $((k % 2)) = 1 ] && l=speaker
      curl -s -o /dev/null -X PUT -H "Authorization: Bearer $KEY" -H 'Content-Type: application/json' \
        --data "{\"layout\":\"$l\"}" "http://127.0.0.1:$HTTP/api/rooms/lobby/layout" || true
    done ) &
  PIDS+=($!)
fi

metric() { # name -> summed value over the lobby's series
  awk -v m="$1" '$1 ~ "^"m"(\\{|$)" && $0 ~ /lobby/ { s += $NF } END { printf "%.0f", s }' "$WORK/metrics.txt"
}
echo "t_s,rss_mib,heap_used_after_gc_mib,threads,program_frames,frames_late,tile_video_dropped,audio_dropped,media_sequence" > "$CSV"
START=$SECONDS
k=0
HEAP_USED=""
while [ $((SECONDS - START)) -lt "$DURATION" ]; do
  nap "$SAMPLE"
  kill -0 "$SERVER" 2>/dev/null || { log "the server died"; tail -30 "$WORK/amphi.log" >&2; exit 1; }
  t=$((SECONDS - START))
  rss=$(awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status")
  threads=$(awk '/^Threads/ { print $2 }' "/proc/$SERVER/status")
  if [ $((k % 5)) = 0 ]; then
    jcmd "$SERVER" GC.run > /dev/null 2>&1 || true
    HEAP_USED=$(jcmd "$SERVER" GC.heap_info 2>/dev/null | awk '/garbage-first heap|used/ { for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i+1); sub(/K,?/, "", v); printf "%.1f", v / 1024; exit } }')
  fi
  curl -fs "http://127.0.0.1:$HTTP/metrics" -o "$WORK/metrics.txt" || : > "$WORK/metrics.txt"
  seq=$(curl -fs "http://127.0.0.1:$HTTP/live/lobby/$RUNG0" | awk -F: '/^#EXT-X-MEDIA-SEQUENCE/ { print $2 }')
  echo "$t,$rss,$HEAP_USED,$threads,$(metric amphi_program_frames_total),$(metric amphi_program_frames_late_total),$(metric amphi_program_video_dropped_total),$(metric amphi_program_audio_dropped_total),${seq:-}" >> "$CSV"
  [ $((k % 10)) = 0 ] && log "t=${t}s rss=${rss} MiB heap=${HEAP_USED} MiB threads=$threads seq=${seq:-?}"
  k=$((k + 1))
done

PUBLISHES=$(awk '$1 ~ /^amphi_rtmp_publishes_total/ { s += $NF } END { printf "%.0f", s }' "$WORK/metrics.txt")
# Least-squares slope of RSS after the warm-up, in MiB per hour; first and last media sequence.
read -r SLOPE RSS_W RSS_END RSS_MAX SEQ0 SEQ1 THR0 THR1 < <(awk -F, -v w="$WARMUP" 'NR > 1 {
    if ($9 != "") { if (s0 == "") s0 = $9; s1 = $9 }
    if ($1 >= w) { n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2; if (rw == "") { rw = $2; t0 = $4 }; re = $2; t1 = $4; if ($2 > mx) mx = $2 }
  } END { slope = (n > 1) ? (n * sxy - sx * sy) / (n * sxx - sx * sx) * 3600 : 0; printf "%.1f %s %s %s %s %s %s %s\n", slope, rw, re, mx, s0, s1, t0, t1 }' "$CSV")
VERDICT=pass
awk -v s="$SLOPE" -v m="$MAX_GROWTH" 'BEGIN { exit !(s < m) }' || VERDICT=fail
[ -n "$SEQ0" ] && [ -n "$SEQ1" ] && [ "$SEQ1" -gt "$SEQ0" ] || VERDICT=fail
{
  echo "# Soak $STAMP"
  echo
  echo "- command: \`bench/soak.sh $ARGS_ORIG\`"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(awk -F: '/model name/ { print $2; exit }' /proc/cpuinfo | sed 's/^ *//')"
  echo "- java: $(java -version 2>&1 | head -n1); heap -Xms$HEAP -Xmx$HEAP, pre-touched"
  echo "- jar: sha256 $(sha256sum "$WORK/amphi.jar" | cut -c1-16)…, layout API used: $LAYOUT_API"
  echo "- load: lobby composited (default canvas and ladder), $DEMO demo speakers, one churn publisher joining every ${CHURN} s for ${CHURN}–$((3 * CHURN)) s (ada, bob, guest)"
  echo "- duration ${DURATION} s, samples every ${SAMPLE} s, slope fitted after ${WARMUP} s"
  echo
  echo "| RSS at warm-up end | RSS at end | max RSS after warm-up | RSS slope after warm-up | threads warm-up end / end | media sequence first / last | verdict (slope < ${MAX_GROWTH} MiB/h, playlist advancing) |"
  echo "|---:|---:|---:|---:|---:|---:|---|"
  echo "| ${RSS_W} MiB | ${RSS_END} MiB | ${RSS_MAX} MiB | ${SLOPE} MiB/h | $THR0 / $THR1 | $SEQ0 / $SEQ1 | **$VERDICT** |"
  echo
  echo "Publish sessions started: $PUBLISHES; ffmpeg errors from the churn publishers other than their own stop: $(grep -v -c "Immediate exit requested" "$WORK/churn.log" 2>/dev/null || true)."
  echo "Raw samples: \`$(basename "$CSV")\`."
} > "$MD"
cat "$MD"
[ "$VERDICT" = pass ]
