#!/usr/bin/env bash
# WebRTC load: one composited room with N speakers joined over WebRTC (WHIP, light Java speakers
# sending a pre-encoded clip, all receiving the program back unless --receivers says fewer), and the
# same room fed by N RTMP speakers sending the same clip (AAC instead of Opus), the sides taking
# turns on a fresh server each, with the same warm-up and window. See bench/README.md, "WebRTC load".
#
#   bench/webrtc-load.sh [--speakers 300] [--rounds 1] [--sides webrtc,rtmp] [--warmup 60] [--measure 60]
#                        [--talkers 3] [--receivers N] [--g2g] [--g2g-sender light|chromium] [--java-opts "..."]
#                        [--client-opts "-Xmx2g"] [--client-nice 10] [--amphi-args "..."] [--build] [--keep-work]
#
# The speakers' process (the load, which in a deployment runs on other machines) runs at nice 10 on
# both sides, so on a saturated machine it yields the CPU to the server under test; --client-nice 0
# runs it as the server runs (before 2026-12-07 it always did).
#
# Measured per side, over the window, from outside the server's JVM: its CPU (utime+stime of
# /proc/PID/stat), RSS (sampled every second; peak), per-thread CPU; from /metrics: program frames
# and late frames (real-time factor), speaker audio decoded / skipped as silent, drops and sheds,
# interactive rendition frames and subscriber drops; from the speakers' process: media sent, how
# late its pacers ran, RTP/NACKs that came back; from the kernel: datagrams dropped on the server's
# and the speakers' UDP sockets because their readers fell behind (/proc/net/udp). With --g2g (WebRTC side), two speakers of
# the glass-to-glass benchmark join first, so their tiles are on the gallery's first page, then N-2
# light speakers (the room admits 300): one sends a clock in its picture, the other, a headless
# Chromium on the speaker page (bench/g2g/run.mjs; another directory with --g2g-dir), reads it back
# from the program it receives, in the same window: the Chromium speaker's return stream's latency
# under load. The clock's sender is bench-tools' ClockSpeaker (x264 on the clock picture, sent over
# WHIP) by default; --g2g-sender chromium makes it a second Chromium (on two cores the two browsers
# and the load do not fit: its congestion control collapses, see bench/README.md).
# Results: bench/results/webrtc-load-<stamp>.{csv,md,meta.txt} and -<side>-<round>-threads.txt
# (per thread name: CPU seconds in the window, and the part of them spent in the kernel).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
SPEAKERS=300
ROUNDS=1
SIDES="webrtc,rtmp"
WARMUP=60
MEASURE=60
TALKERS=3
RECEIVERS=""
G2G=0
G2G_DIR=""
G2G_SENDER=light
JAVA_OPTS=""
CLIENT_OPTS="-Xmx2g"
CLIENT_NICE=10
AMPHI_ARGS=""
BUILD=0
KEEP_WORK=0
AMPHI_JAR="$REPO_DIR/server/target/amphi.jar"
BENCH_JAR="$REPO_DIR/bench-tools/target/amphi-bench.jar"
ROOM=load
KEY=load-bench-stream-key-0123
FPS=30

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }
ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --speakers)    SPEAKERS="$2"; shift 2 ;;
    --rounds)      ROUNDS="$2"; shift 2 ;;
    --sides)       SIDES="$2"; shift 2 ;;
    --warmup)      WARMUP="$2"; shift 2 ;;
    --measure)     MEASURE="$2"; shift 2 ;;
    --talkers)     TALKERS="$2"; shift 2 ;;
    --receivers)   RECEIVERS="$2"; shift 2 ;;
    --g2g)         G2G=1; shift ;;
    --g2g-dir)     G2G_DIR="$2"; shift 2 ;;
    --g2g-sender)  G2G_SENDER="$2"; shift 2 ;;
    --java-opts)   JAVA_OPTS="$2"; shift 2 ;;
    --client-opts) CLIENT_OPTS="$2"; shift 2 ;;
    --client-nice) CLIENT_NICE="$2"; shift 2 ;;
    --amphi-args)  AMPHI_ARGS="$2"; shift 2 ;;
    --build)       BUILD=1; shift ;;
    --keep-work)   KEEP_WORK=1; shift ;;
    -h|--help)     usage 0 ;;
    *) echo "unknown option $1" >&2; usage 1 ;;
  esac
done
RECEIVERS=${RECEIVERS:-$SPEAKERS}
G2G_DIR=${G2G_DIR:-$BENCH_DIR/g2g}
if [ "$G2G" = 1 ]; then
  [ -f "$G2G_DIR/run.mjs" ] && [ -f "$G2G_DIR/report.mjs" ] || { echo "--g2g needs $G2G_DIR/run.mjs and report.mjs" >&2; exit 2; }
  command -v node >/dev/null || { echo "--g2g needs node >= 20" >&2; exit 2; }
  case "$G2G_SENDER" in light|chromium) ;; *) echo "--g2g-sender is light or chromium, got $G2G_SENDER" >&2; exit 2 ;; esac
fi

# shellcheck source=lib.sh
source "$BENCH_DIR/lib.sh"
command -v ffmpeg >/dev/null 2>&1 || apt_install ffmpeg
if [ "$BUILD" = 1 ]; then
  log "building the server and bench-tools (mvn -o)"
  (cd "$REPO_DIR" && mvn -B -ntp -o -q -pl server,bench-tools -am package -DskipTests)
fi
[ -f "$AMPHI_JAR" ] && [ -f "$BENCH_JAR" ] || die "build first: mvn -B -ntp -o -q -pl server,bench-tools -am package -DskipTests"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/amphi-webrtc-load.XXXXXX")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH_DIR/results" "$BENCH_DIR/work/webrtc-load"
OUT="$BENCH_DIR/results/webrtc-load-$STAMP"
CLIP="$BENCH_DIR/work/webrtc-load/clip.mkv"

# The clip every speaker sends: 10 s of testsrc2 320x180 30 fps, H.264 Constrained Baseline
# 300 kbit/s (no B-frames, SPS/PPS before every keyframe, one every 2 s), a 440 Hz tone and silence,
# each as Opus 32k and AAC-LC 64k, 48 kHz stereo.
if [ ! -s "$CLIP" ]; then
  log "encoding the clip once: $CLIP"
  ffmpeg -v error -y -f lavfi -i "testsrc2=s=320x180:r=$FPS" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -f lavfi -i "anullsrc=r=48000:cl=stereo" -t 10 -map 0:v -map 1:a -map 1:a -map 2:a -map 2:a \
    -c:v libx264 -profile:v baseline -preset veryfast -pix_fmt yuv420p \
    -x264-params "bframes=0:repeat-headers=1:keyint=60:min-keyint=60:scenecut=0" -b:v 300k -maxrate 300k -bufsize 300k \
    -ac 2 -ar 48000 -c:a:0 libopus -b:a:0 32k -c:a:1 aac -b:a:1 64k -c:a:2 libopus -b:a:2 32k -c:a:3 aac -b:a:3 64k \
    "$CLIP.tmp.mkv"
  mv "$CLIP.tmp.mkv" "$CLIP"
fi

{
  echo "command: bench/webrtc-load.sh $ARGS_ORIG"
  echo "date: $(date -u +%FT%TZ)"
  echo "machine: $(nproc) cores, $(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo), kernel $(uname -r)"
  echo "java: $(java -version 2>&1 | head -n1)"
  echo "tree: $(git -C "$REPO_DIR" rev-parse --short HEAD)$(git -C "$REPO_DIR" diff --quiet || echo ' (modified)')"
  echo "jar: sha256 $(sha256sum "$AMPHI_JAR" | cut -c1-16), built $(date -u -r "$AMPHI_JAR" +%FT%TZ)"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "speakers' process: nice $CLIENT_NICE"
} > "$OUT.meta.txt"

# metrics PORT: "name value" of the room's series; a loaded server may answer slowly: three tries of 30 s
metrics() {
  local body="" i
  for i in 1 2 3; do body=$(curl -s --max-time 30 "http://127.0.0.1:$1/metrics") && break; done
  [ -n "$body" ] || log "warning: no /metrics from port $1"
  awk -v r="room=\"$ROOM\"" 'index($0, r) && $1 !~ /^#/ { split($1, a, "{"); print a[1], $2 }' <<< "$body"
}
metric() { awk -v k="$2" '$1 == k { print $2; f = 1 } END { if (!f) print 0 }' "$1"; }
# stat_field FILE FIELD: FIELD=value from the last STATS line of the speakers' log
stat_field() { grep '^STATS' "$1" | tail -n1 | tr ' ' '\n' | awk -F= -v k="$2" '$1 == k { print $2 }'; }

CSV="$OUT.csv"
echo "round,side,speakers,window_s,load1,machine_busy_pct,server_cpu_s,cores,cpu_s_per_speaker_s,rss_peak_mib,rtf,late_frames,frames,audio_decoded,audio_silent_skipped,video_dropped,video_shed,ladder_dropped,interactive_frames,interactive_subscriber_drops,tiles,speakers_in_room,client_cpu_s,client_late_max_ms,client_video_sent,client_audio_sent,rtp_back,nacks_in,rtx_sent,send_dropped,dtls_closed,g2g_samples,g2g_p50_ms,g2g_p95_ms,g2g_max_ms,server_udp_drops,client_udp_drops" > "$CSV"

run_side() {
  local round=$1 side=$2 dir="$WORK/$side-$round" http rtmp udp pid cpid
  mkdir -p "$dir"
  http=$(free_port); rtmp=$(free_port); udp=$(free_port)
  # shellcheck disable=SC2086
  java $JAVA_OPTS -jar "$AMPHI_JAR" --bind 127.0.0.1 --http-port "$http" --rtmp-port "$rtmp" --webrtc-udp-port "$udp" \
    --data-dir "$dir/data" --room-mode composite --room "$ROOM=$KEY" --rtmp-max-connections-per-address 0 \
    --max-speakers "$SPEAKERS" $AMPHI_ARGS > "$dir/server.log" 2>&1 &
  pid=$!; CHILDREN+=("$pid")
  wait_listening "$pid" 90 "$http" "$rtmp" || die "$side: the server did not start (see $dir/server.log)"
  local light=$SPEAKERS g2g_pid="" clock_pid=""
  if [ "$side" = webrtc ] && [ "$G2G" = 1 ]; then
    light=$((SPEAKERS - 2))
    if [ "$G2G_SENDER" = light ]; then
      # the clock's sender: one live x264 encoder, at the server's priority as a browser would be
      java -cp "$BENCH_JAR" dev.amphi.bench.speakers.ClockSpeaker --http "http://127.0.0.1:$http" --room "$ROOM" \
        --key "$KEY" --name Clock > "$dir/clock.log" 2>&1 &
      clock_pid=$!; CHILDREN+=("$clock_pid")
      local until=$((SECONDS + 60))
      until grep -q '^SENDING' "$dir/clock.log"; do
        alive "$clock_pid" && [ $SECONDS -lt $until ] || die "the clock speaker did not join (see $dir/clock.log)"
        nap 1
      done
    fi
    # its warm-up lasts until we touch g2g-go (the light speakers joined and warmed up): its window is ours
    node --experimental-websocket --no-warnings "$G2G_DIR/run.mjs" --base "http://127.0.0.1:$http" --room "$ROOM" \
      --key "$KEY" --go "$dir/g2g-go" --measure "$MEASURE" --out "$dir/browsers.json" \
      --profiles "$dir" --sender "$G2G_SENDER" > "$dir/g2g.log" 2>&1 &
    g2g_pid=$!; CHILDREN+=("$g2g_pid")
    local until=$((SECONDS + 180))
    until grep -q "B reads A's clock" "$dir/g2g.log" 2>/dev/null; do
      alive "$g2g_pid" && [ $SECONDS -lt $until ] || die "g2g browsers did not start (see $dir/g2g.log)"
      nap 1
    done
    log "$side: the Chromium speaker reads the clock of the $G2G_SENDER sender"
  fi
  log "round $round, $side: server $pid up, joining $light speakers"
  # shellcheck disable=SC2086
  nice -n "$CLIENT_NICE" java $CLIENT_OPTS -cp "$BENCH_JAR" dev.amphi.bench.speakers.SpeakerLoad --side "$side" --speakers "$light" \
    --http "http://127.0.0.1:$http" --rtmp-port "$rtmp" --room "$ROOM" --key "$KEY" --clip "$CLIP" \
    --talkers "$TALKERS" --receivers "$RECEIVERS" > "$dir/speakers.log" 2>&1 &
  cpid=$!; CHILDREN+=("$cpid")
  local deadline=$((SECONDS + 600))
  until grep -q '^JOINED' "$dir/speakers.log"; do
    alive "$cpid" || die "$side: the speakers' process ended (see $dir/speakers.log)"
    [ $SECONDS -lt $deadline ] || die "$side: speakers not joined after 600 s"
    nap 1
  done
  log "$side: $(grep '^JOINED' "$dir/speakers.log")"
  grep '^JOIN-FAILED' "$dir/speakers.log" | sort | uniq -c | head -n 5 >&2 || true
  nap "$WARMUP"
  if [ -n "$g2g_pid" ]; then
    touch "$dir/g2g-go"
    until grep -q "measuring" "$dir/g2g.log"; do
      alive "$g2g_pid" || die "g2g browsers stopped (see $dir/g2g.log)"
      nap 0.2
    done
  fi
  # the window
  local m0="$dir/metrics0" m1="$dir/metrics1" c0 c1 k0 k1 mt0 mt1 t0 t1 rss=0 r s0 s1
  metrics "$http" > "$m0"
  thread_ticks_sys "$pid" > "$dir/threads0"
  cp "$dir/speakers.log" "$dir/speakers0.log"
  local load1; load1=$(cut -d' ' -f1 /proc/loadavg)
  local ud0 uc0 ud1 uc1; ud0=$(udp_drops "$pid"); uc0=$(udp_drops "$cpid")
  c0=$(cpu_ticks "$pid"); k0=$(cpu_ticks "$cpid"); mt0=$(machine_ticks); t0=$(now)
  local end=$((SECONDS + MEASURE))
  while [ $SECONDS -lt $end ]; do
    r=$(status_kb VmRSS "$pid"); [ "$r" -gt "$rss" ] && rss=$r
    nap 1
  done
  c1=$(cpu_ticks "$pid"); k1=$(cpu_ticks "$cpid"); mt1=$(machine_ticks); t1=$(now)
  ud1=$(udp_drops "$pid"); uc1=$(udp_drops "$cpid")
  metrics "$http" > "$m1"
  thread_ticks_sys "$pid" > "$dir/threads1"
  sleep 5.5   # the next STATS line of the speakers
  cp "$dir/speakers.log" "$dir/speakers1.log"
  alive "$pid" || die "$side: the server died in the window (see $dir/server.log)"
  local win; win=$(echo "$t1 - $t0" | bc -l)
  d() { echo "$(metric "$m1" "$1") - $(metric "$m0" "$1")" | bc -l; }
  local frames late cpu; frames=$(d amphi_program_frames_total); late=$(d amphi_program_frames_late_total)
  cpu=$(echo "($c1 - $c0) / $CLK_TCK" | bc -l)
  local busy; busy=$(echo "$mt0 $mt1" | awk '{ printf "%.1f", 100 * ($3 - $1) / ($4 - $2) }')
  sf() { echo "$(stat_field "$dir/speakers1.log" "$1") - $(stat_field "$dir/speakers0.log" "$1")" | bc -l; }
  local chrome=",,,"
  if [ -n "$g2g_pid" ]; then
    local until=$((SECONDS + 120))
    while alive "$g2g_pid" && [ $SECONDS -lt $until ]; do nap 1; done
    if [ -s "$dir/browsers.json" ]; then
      { echo "WebRTC load, $SPEAKERS speakers ($light light + these two: the clock's sender ($G2G_SENDER) and the Chromium reader), round $round; $(cut -d' ' -f1-3 /proc/loadavg)"
        [ -z "$clock_pid" ] || echo "clock speaker at the window's end: $(grep '^CLOCK' "$dir/clock.log" | tail -n1)"
      } > "$dir/g2g-meta.txt"
      node "$G2G_DIR/report.mjs" "$dir/browsers.json" /dev/null "$dir/g2g-meta.txt" "$OUT-g2g-$round" > /dev/null 2>&1 || true
      [ -s "$OUT-g2g-$round.json" ] && chrome=$(node -e 'const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
        const f = (x) => Number.isFinite(x) ? x.toFixed(0) : ""; console.log([r.g2g.n, r.g2g.p50, r.g2g.p95, r.g2g.max].map(f).join(","))' "$OUT-g2g-$round.json")
    else
      log "$side: the g2g browsers wrote no result (see $dir/g2g.log)"
    fi
  fi
  printf '%s,%s,%s,%.1f,%s,%s,%.2f,%.3f,%.5f,%.0f,%.3f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.2f,%s,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%s,%s,%s\n' \
    "$round" "$side" "$SPEAKERS" "$win" "$load1" "$busy" "$cpu" "$(echo "$cpu / $win" | bc -l)" \
    "$(echo "$cpu / $win / $SPEAKERS" | bc -l)" "$((rss / 1024))" "$(echo "$frames / ($win * $FPS)" | bc -l)" \
    "$late" "$frames" "$(d amphi_program_audio_decoded_total)" "$(d amphi_program_audio_silent_skipped_total)" \
    "$(d amphi_program_video_dropped_total)" "$(d amphi_program_video_shed_total)" "$(d amphi_program_ladder_dropped_total)" \
    "$(d amphi_interactive_frames_total)" "$(d amphi_interactive_subscriber_drops_total)" \
    "$(metric "$m1" amphi_program_tiles)" "$(metric "$m1" amphi_program_speakers)" \
    "$(echo "($k1 - $k0) / $CLK_TCK" | bc -l)" "$(grep '^STATS' "$dir/speakers1.log" | tail -n 14 | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^late_max_ms=/) { split($i, a, "="); if (a[2] > m) m = a[2] } } END { print m + 0 }')" \
    "$(sf video)" "$(sf audio)" "$(sf rtp_back)" "$(sf nacks_in)" "$(sf rtx_sent)" "$(sf send_dropped)" \
    "$(stat_field "$dir/speakers1.log" dtls_closed)" "$chrome" "$((ud1 - ud0))" "$((uc1 - uc0))" >> "$CSV"
  join -1 1 -2 1 <(sort "$dir/threads0") <(sort "$dir/threads1") |
    awk -v tck="$CLK_TCK" '{ n = $7; sub(/-[0-9]+$/, "-N", n); s[n] += ($5 - $2) / tck; k[n] += ($6 - $3) / tck }
      END { for (x in s) printf "%8.2f %8.2f %s\n", s[x], k[x], x }' |
    sort -rn > "$OUT-$side-$round-threads.txt"
  log "$side: $(tail -n1 "$CSV")"
  [ -z "$g2g_pid" ] || stop_pids 10 "$g2g_pid"
  [ -z "$clock_pid" ] || stop_pids 10 "$clock_pid"
  stop_pids 30 "$cpid"
  stop_pids 20 "$pid"
  [ "$KEEP_WORK" = 1 ] && cp "$dir/server.log" "$dir/speakers.log" "$OUT-$side-$round-logs/" 2>/dev/null || true
}

for round in $(seq 1 "$ROUNDS"); do
  for side in ${SIDES//,/ }; do
    run_side "$round" "$side"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >> "$OUT.meta.txt"

# the table: one row per side and round
{
  echo "| round | side | speakers | load | machine busy | server cores | CPU-s per speaker-s | RSS peak MiB | rtf | late frames | audio decoded / skipped | drops (video, shed, ladder, return) | pacer late max ms | UDP drops server / speakers | NACKs in / RTX sent (speakers) | Chromium glass to glass p50 / p95 / max ms (samples) |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|---|---|"
  tail -n +2 "$CSV" | awk -F, '{ printf "| %s | %s | %s | %s | %s%% | %.3f | %.5f | %s | %.3f | %s / %s | %s / %s | %s, %s, %s, %s | %s | %s / %s | %s / %s | %s |\n",
    $1, $2, $3, $5, $6, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $20, $24, $36, $37, $28, $29, ($33 == "" ? "-" : $33 " / " $34 " / " $35 " (" $32 ")") }'
} > "$OUT.md"
cat "$OUT.md"
log "results: $OUT.{csv,md,meta.txt}"
