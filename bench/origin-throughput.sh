#!/usr/bin/env bash
# Origin throughput: Amphi's HLS origin next to nginx serving the very same objects from disk, in
# one run, with wrk over keep-alive connections. See bench/README.md, "Origin throughput".
#
#   bench/origin-throughput.sh [--duration 15] [--warmup 5] [--connections 64] [--threads 1]
#                              [--video-kbit 6000] [--amphi-jar server/target/amphi.jar]
#                              [--java-opts "..."] [--nginx-workers auto] [--keep-work]
#
# Amphi (passthrough room `hall`) packages a 20 s 1280x720 stream encoded at --video-kbit with
# 2 s segments, so a segment is about 1.5 MB at the default; the publisher then stops and the
# objects stay in the origin's memory. The script copies the video playlist (about 1 KB) and the
# largest segment byte for byte to a directory nginx serves (sendfile, open_file_cache, no access
# log), then for each object and each server: a warm-up, then a measured wrk run, the server's
# CPU read from /proc before and after. LL-HLS parts (300 KB) do not exist yet: not measured.
# Rows go to bench/results/origin-throughput-<stamp>.csv, a Markdown table and the machine next to it.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

DURATION=15
WARMUP=5
CONNECTIONS=64
THREADS=1
VIDEO_KBIT=6000
AMPHI_JAR="$REPO_DIR/server/target/amphi.jar"
JAVA_OPTS=""
NGINX_WORKERS=auto
KEEP_WORK=0
ROOM=hall
KEY=hall-throughput-stream-key-0123

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }

ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --duration)      DURATION="$2"; shift 2 ;;
    --warmup)        WARMUP="$2"; shift 2 ;;
    --connections)   CONNECTIONS="$2"; shift 2 ;;
    --threads)       THREADS="$2"; shift 2 ;;
    --video-kbit)    VIDEO_KBIT="$2"; shift 2 ;;
    --amphi-jar)     AMPHI_JAR="$2"; shift 2 ;;
    --java-opts)     JAVA_OPTS="$2"; shift 2 ;;
    --nginx-workers) NGINX_WORKERS="$2"; shift 2 ;;
    --keep-work)     KEEP_WORK=1; shift ;;
    -h|--help)       usage 0 ;;
    *) echo "unknown option $1" >&2; usage 2 ;;
  esac
done

# shellcheck source=lib.sh
. "$BENCH_DIR/lib.sh"

for n in DURATION WARMUP CONNECTIONS THREADS VIDEO_KBIT; do
  [[ "${!n}" =~ ^[1-9][0-9]*$ ]] || die "--$(echo "$n" | tr 'A-Z_' 'a-z-') must be a positive whole number, was '${!n}'"
done
[ -s "$AMPHI_JAR" ] || die "no $AMPHI_JAR: build it first (mvn -B -q install -DskipTests)"
missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v nginx >/dev/null 2>&1 || missing+=(nginx)
command -v ffmpeg >/dev/null 2>&1 || missing+=(ffmpeg)
command -v curl >/dev/null 2>&1 || missing+=(curl)
apt_install "${missing[@]}"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/amphi-throughput.XXXXXX")
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH_DIR/results"
CSV="$BENCH_DIR/results/origin-throughput-$STAMP.csv"
META="${CSV%.csv}.meta.txt"
{
  echo "command: bench/origin-throughput.sh $ARGS_ORIG"
  echo "start: $(date -u +%FT%TZ)"
  echo "nproc: $NPROC"
  echo "cpu: $(lscpu | awk -F: '/Model name/ { gsub(/^ +/, "", $2); print $2; exit }')"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "kernel: $(uname -r)"
  echo "java: $(java -version 2>&1 | head -n 1)"
  echo "nginx: $(nginx -v 2>&1)"
  echo "wrk: $(wrk --version 2>&1 | head -n 1)"
  echo "tree: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null)$(git -C "$REPO_DIR" diff --quiet 2>/dev/null || echo ' (modified)')"
  echo "settings: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP} s warm-up + ${DURATION} s measured per object and server; nginx workers $NGINX_WORKERS"
  echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} > "$META"
log "work dir $WORK, results $CSV"

# ---------------------------------------------------------------- Amphi with a finished stream
HTTP_PORT=$(free_port); RTMP_PORT=$(free_port); NGINX_PORT=$(free_port)
mkdir -p "$WORK/amphi"
# shellcheck disable=SC2086
java $JAVA_OPTS -jar "$AMPHI_JAR" --bind 127.0.0.1 --http-port "$HTTP_PORT" --rtmp-port "$RTMP_PORT" --webrtc-udp-port off \
  --data-dir "$WORK/amphi" --room-mode passthrough --room "$ROOM=$KEY" --segment-duration 2s \
  > "$WORK/amphi.log" 2>&1 &
AMPHI_PID=$!; CHILDREN+=("$AMPHI_PID")
wait_listening "$AMPHI_PID" 60 "$HTTP_PORT" "$RTMP_PORT" || die "Amphi did not start: $(tail -n 5 "$WORK/amphi.log")"
log "publishing 20 s of 1280x720 at $VIDEO_KBIT kbit/s"
ffmpeg -nostdin -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=1280x720:rate=30 \
  -f lavfi -i sine=frequency=440:sample_rate=48000 -t 20 -map 0:v -map 1:a \
  -c:v libx264 -preset ultrafast -pix_fmt yuv420p -b:v "${VIDEO_KBIT}k" -minrate "${VIDEO_KBIT}k" -maxrate "${VIDEO_KBIT}k" \
  -bufsize "$((VIDEO_KBIT * 2))k" -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 \
  -c:a aac -b:a 128k -ar 48000 -f flv "rtmp://127.0.0.1:$RTMP_PORT/live/$KEY" > "$WORK/publisher.log" 2>&1 \
  || die "the publisher failed: $(tail -n 5 "$WORK/publisher.log")"

BASE="http://127.0.0.1:$HTTP_PORT/live/$ROOM/video"
curl -sf "$BASE/index.m3u8" -o "$WORK/index.m3u8" || die "no video playlist at $BASE/index.m3u8"
grep -q '#EXT-X-ENDLIST' "$WORK/index.m3u8" || log "warning: the playlist has not ended"
SEGMENT="" SEGMENT_BYTES=0
for seg in $(grep -E '^seg-.*\.m4s$' "$WORK/index.m3u8"); do
  curl -sf "$BASE/$seg" -o "$WORK/seg.tmp" || continue
  size=$(stat -c %s "$WORK/seg.tmp")
  if [ "$size" -gt "$SEGMENT_BYTES" ]; then SEGMENT=$seg; SEGMENT_BYTES=$size; mv "$WORK/seg.tmp" "$WORK/seg.m4s"; fi
done
[ -n "$SEGMENT" ] || die "no segment could be read from $BASE"
PLAYLIST_BYTES=$(stat -c %s "$WORK/index.m3u8")
log "objects: index.m3u8 ($PLAYLIST_BYTES B), $SEGMENT ($SEGMENT_BYTES B)"

# ---------------------------------------------------------------- nginx with the same bytes on disk
NG="$WORK/nginx"
mkdir -p "$NG/logs" "$NG/tmp" "$NG/www/live/$ROOM/video"
cp "$WORK/index.m3u8" "$NG/www/live/$ROOM/video/index.m3u8"
cp "$WORK/seg.m4s" "$NG/www/live/$ROOM/video/$SEGMENT"
user_line=""; [ "$(id -u)" -eq 0 ] && user_line="user root root;"
cat > "$NG/nginx.conf" <<EOF
$user_line
daemon off;
worker_processes $NGINX_WORKERS;
pid $NG/nginx.pid;
error_log $NG/logs/error.log warn;
events { worker_connections 4096; }
http {
    types { application/vnd.apple.mpegurl m3u8; video/iso.segment m4s; }
    default_type application/octet-stream;
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 1000000;
    open_file_cache max=1000 inactive=60s;
    client_body_temp_path $NG/tmp/body;
    proxy_temp_path $NG/tmp/proxy;
    fastcgi_temp_path $NG/tmp/fastcgi;
    uwsgi_temp_path $NG/tmp/uwsgi;
    scgi_temp_path $NG/tmp/scgi;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $NG/www;
        location ~ \.m3u8\$ { add_header Cache-Control "public, max-age=1"; }
        location ~ \.m4s\$ { add_header Cache-Control "public, max-age=31536000, immutable"; }
    }
}
EOF
nginx -p "$NG" -e "$NG/logs/error.log" -c "$NG/nginx.conf" > "$WORK/nginx.out" 2>&1 &
NGINX_PID=$!; CHILDREN+=("$NGINX_PID")
wait_listening "$NGINX_PID" 20 "$NGINX_PORT" || die "nginx did not start: $(cat "$WORK/nginx.out" "$NG/logs/error.log" 2>/dev/null | tail -n 5)"
cmp -s <(curl -sf "http://127.0.0.1:$NGINX_PORT/live/$ROOM/video/$SEGMENT") <(curl -sf "$BASE/$SEGMENT") \
  || die "nginx and Amphi do not serve the same segment bytes"

# ---------------------------------------------------------------- measure
# tree_ticks PID: CPU ticks of PID and its children (nginx's workers)
tree_ticks() {
  # shellcheck disable=SC2046
  cpu_ticks "$1" $(children_of "$1")
}

echo "server,object,bytes,requests_s,mbytes_s,p50_ms,p99_ms,errors,cpu_s,cpu_s_per_gb" > "$CSV"
measure() { # SERVER PID URL OBJECT BYTES
  local server=$1 pid=$2 url=$3 object=$4 bytes=$5 out before after
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" "$url" > /dev/null
  before=$(tree_ticks "$pid")
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency "$url")
  after=$(tree_ticks "$pid")
  echo "$out" > "$WORK/wrk-$server-$object.txt"
  awk -v server="$server" -v object="$object" -v bytes="$bytes" -v ticks=$((after - before)) -v hz="$CLK_TCK" '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /requests in/ { requests = $1 }
    /Requests\/sec/ { rps = $2 }
    /Non-2xx|Socket errors/ { errors += $NF + 0 }
    END {
      cpu = ticks / hz; gb = requests * bytes / 1e9
      perGb = gb > 0 ? cpu / gb : 0
      printf "%s,%s,%d,%.0f,%.1f,%.2f,%.2f,%d,%.1f,%.2f\n", server, object, bytes, rps, rps * bytes / 1e6, p50, p99, errors, cpu, perGb
    }' <<< "$out" >> "$CSV"
  log "$(tail -n 1 "$CSV")"
}
for object in playlist segment; do
  if [ "$object" = playlist ]; then path="index.m3u8"; bytes=$PLAYLIST_BYTES; else path=$SEGMENT; bytes=$SEGMENT_BYTES; fi
  measure amphi "$AMPHI_PID" "$BASE/$path" "$object" "$bytes"
  measure nginx "$NGINX_PID" "http://127.0.0.1:$NGINX_PORT/live/$ROOM/video/$path" "$object" "$bytes"
done

# ---------------------------------------------------------------- report
MD="${CSV%.csv}.md"
{
  echo "| server | object | bytes | requests/s | MB/s | p50 ms | p99 ms | errors | server CPU s | CPU s per GB |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  tail -n +2 "$CSV" | awk -F, '{ printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 }'
  echo
  awk -F, 'NR > 1 { r[$1 "," $2] = $4 } END {
    split("playlist segment", objs, " ")
    for (i = 1; i <= 2; i++) if (r["nginx," objs[i]] > 0)
      printf "Amphi / nginx, %s requests/s: %.2fx\n", objs[i], r["amphi," objs[i]] / r["nginx," objs[i]]
  }' "$CSV"
} > "$MD"
cat "$MD" >&2
echo "end: $(date -u +%FT%TZ)" >> "$META"
log "results: $CSV, $MD, $META"
