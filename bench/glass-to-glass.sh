#!/usr/bin/env bash
# Glass-to-glass latency of the WebRTC speakers: a speaker's camera to another speaker's screen.
# See bench/README.md, "Glass to glass".
#
#   bench/glass-to-glass.sh [--warmup 15] [--measure 30] [--canvas 1280x720]
#                           [--amphi-jar server/target/amphi.jar] [--java-opts "..."] [--amphi-args "..."]
#                           [--label NAME] [--keep-work] [--work-dir /dev/shm]
#                           [--variant NAME=JAVA_OPTS]... [--rounds 1]
#
# One Amphi server (the packaged jar, one composited room, the canvas given, its default ladder and
# preset, the interactive rendition as built) runs with -Damphi.latencyTrace=FILE (the server's
# stages per video frame). Two headless Chromium speakers join its speaker page (bench/g2g/run.mjs,
# over the DevTools protocol): A sends a canvas with the wall clock drawn in it as a bar code
# (bench/g2g/clock-code.js), B sends a plain moving canvas and reads A's code back from every
# program frame it presents (requestVideoFrameCallback): one sample per new code, age = B's clock
# at display minus the code. Prints p50/p95/p99/max and the time per stage (bench/g2g/report.mjs);
# writes bench/results/g2g-<stamp>.{json,md}. Needs java, node >= 20 and Debian's chromium.
# --variant (repeatable) runs one fresh server per variant with these JVM flags added, in turn,
# --rounds times (e.g. --variant default= --variant jb50=-Damphi.bench.jitterBufferMs=50 --rounds 2:
# default, jb50, default, jb50), so settings are compared under the same machine conditions.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
# shellcheck source=bench/lib.sh
source "$BENCH_DIR/lib.sh"

WARMUP=15
MEASURE=30
CANVAS=1280x720
AMPHI_JAR="$REPO_DIR/server/target/amphi.jar"
JAVA_OPTS=""
AMPHI_ARGS=""
LABEL=""
KEEP_WORK=0
WORK_PARENT=""
ROOM=g2g
VARIANTS=()
ROUNDS=1
KEY=g2g-bench-room-key-0123

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }

ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --warmup)     WARMUP="$2"; shift 2 ;;
    --measure)    MEASURE="$2"; shift 2 ;;
    --canvas)     CANVAS="$2"; shift 2 ;;
    --amphi-jar)  AMPHI_JAR="$2"; shift 2 ;;
    --java-opts)  JAVA_OPTS="$2"; shift 2 ;;
    --amphi-args) AMPHI_ARGS="$2"; shift 2 ;;
    --label)      LABEL="$2"; shift 2 ;;
    --keep-work)  KEEP_WORK=1; shift ;;
    --work-dir)   WORK_PARENT="$2"; shift 2 ;;
    --variant)    VARIANTS+=("$2"); shift 2 ;;
    --rounds)     ROUNDS="$2"; shift 2 ;;
    -h|--help)    usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
done
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=("=")
[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive number, got '$ROUNDS'"
[[ "$CANVAS" =~ ^[0-9]+x[0-9]+$ ]] || die "--canvas must be WxH, got '$CANVAS'"
[ -f "$AMPHI_JAR" ] || die "no jar at $AMPHI_JAR (mvn -B -ntp -pl server -am package -DskipTests builds it)"
command -v node >/dev/null || die "node is needed (apt-get install nodejs)"
[ -x /usr/bin/chromium ] || apt_install chromium
command -v java >/dev/null || apt_install openjdk-17-jre-headless

if [ -z "$WORK_PARENT" ]; then [ -w /dev/shm ] && WORK_PARENT=/dev/shm || WORK_PARENT=/tmp; fi
WORK=$(mktemp -d "$WORK_PARENT/amphi-g2g-XXXXXX")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS="$BENCH_DIR/results"
mkdir -p "$RESULTS"

# run_variant NAME JAVA_OPTS ROUND: one server, two browsers, one report.
run_variant() {
  local name=$1 opts=$2 round=$3 dir http rtmp server out load_before load_after
  dir="$WORK/${name:-run}-$round"
  out="$RESULTS/g2g-$STAMP${LABEL:+-$LABEL}${name:+-$name}$([ "$ROUNDS" -gt 1 ] && echo "-r$round" || true)"
  mkdir -p "$dir/data"
  http=$(free_port); rtmp=$(free_port)
  log "${name:-run} round $round: load average $(cut -d' ' -f1-3 /proc/loadavg) on $NPROC cores"
  # shellcheck disable=SC2086  # JAVA_OPTS, opts and AMPHI_ARGS are lists of flags
  java $JAVA_OPTS $opts "-Damphi.latencyTrace=$dir/trace.txt" -jar "$AMPHI_JAR" --bind 127.0.0.1 --http-port "$http" \
    --rtmp-port "$rtmp" --webrtc-udp-port 0 --data-dir "$dir/data" --room-mode composite --canvas "$CANVAS" \
    --room "$ROOM=$KEY" $AMPHI_ARGS > "$dir/amphi.log" 2>&1 &
  server=$!
  CHILDREN+=("$server")
  wait_listening "$server" 90 "$http" || die "amphi did not start: $(tail -n 5 "$dir/amphi.log")"
  load_before=$(cut -d' ' -f1-3 /proc/loadavg)
  node --experimental-websocket --no-warnings "$BENCH_DIR/g2g/run.mjs" --base "http://127.0.0.1:$http" --room "$ROOM" \
    --key "$KEY" --warmup "$WARMUP" --measure "$MEASURE" --out "$dir/browsers.json" --profiles "$dir"
  load_after=$(cut -d' ' -f1-3 /proc/loadavg)
  sleep 1.5  # the trace is written once a second
  stop_pids 10 "$server"
  {
    echo "command: bench/glass-to-glass.sh $ARGS_ORIG"
    echo "variant: ${name:-(none)} round $round, JVM flags: ${JAVA_OPTS} ${opts}"
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "machine: $NPROC cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "load average: before $load_before, after $load_after"
    echo "java: $(java -version 2>&1 | head -1); chromium: $(/usr/bin/chromium --version 2>/dev/null)"
    echo "jar: $AMPHI_JAR sha256 $(sha256sum "$AMPHI_JAR" | cut -c1-16) built $(date -u -r "$AMPHI_JAR" +%Y-%m-%dT%H:%M:%SZ)"
    echo "tree: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO_DIR" diff --quiet 2>/dev/null || echo ' (modified)')"
    echo "server: --room-mode composite --canvas $CANVAS $AMPHI_ARGS; $(grep -m1 -o 'interactive video.*' "$dir/amphi.log" || true)"
    echo "overload: $(grep -c 'tiles shed video' "$dir/amphi.log" || true) changes of the tiles' shed level; last: $(grep 'shed video' "$dir/amphi.log" | tail -1 | cut -c1-160)"
  } > "$dir/meta.txt"
  node "$BENCH_DIR/g2g/report.mjs" "$dir/browsers.json" "$dir/trace.txt" "$dir/meta.txt" "$out"
  SUMMARY+=("${name:-run} round $round: $(grep -m1 -o '^\*\*p50.*\*\*' "$out.md" | tr -d '*') (load $load_before → $load_after)")
}

SUMMARY=()
for ((round = 1; round <= ROUNDS; round++)); do
  for v in "${VARIANTS[@]}"; do
    run_variant "${v%%=*}" "${v#*=}" "$round"
  done
done
printf '%s\n' "${SUMMARY[@]}"
