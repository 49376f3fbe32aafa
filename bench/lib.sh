# Helpers shared by the benchmark scripts (run.sh, steady.sh): sourced, not run.
# The caller sets BENCH_DIR, KEEP_WORK (1 keeps the work directory) and, once it has one, WORK;
# every process it starts goes into CHILDREN, and all of them are stopped when the script exits.
# shellcheck shell=bash

# ---------------------------------------------------------------- logging
log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# apt_install PACKAGE...: installs the packages with apt-get (sudo when not root); nothing when none.
apt_install() {
  [ $# -gt 0 ] || return 0
  log "installing $* with apt-get"
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
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

# Sleeps $1 seconds in a way a signal interrupts: bash runs a trap only after its foreground
# child ends, so a plain `sleep 600` would keep a `kill` of the script waiting for ten minutes.
nap() { sleep "$1" & wait $!; }

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
# thread_ticks PID: "tid ticks name" for every thread of PID (JVM threads carry their names in comm).
thread_ticks() {
  thread_ticks_sys "$1" | awk '{ print $1, $2, $4 }'
}
# thread_ticks_sys PID: "tid ticks system-ticks name": as thread_ticks, with the part spent in the kernel.
thread_ticks_sys() {
  local f line a name tid
  for f in /proc/"$1"/task/[0-9]*/stat; do
    read -r line 2>/dev/null < "$f" || continue
    name=${line#*(}; name=${name%)*}; name=${name// /_}
    read -ra a <<< "${line##*) }"
    tid=${f%/stat}; tid=${tid##*/}
    echo "$tid $((a[11] + a[12])) ${a[12]} $name"
  done
}
# heap_used_kib PID: the JVM's used heap in KiB (jcmd GC.heap_info), 0 when unavailable.
heap_used_kib() {
  timeout 30 jcmd "$1" GC.heap_info 2>/dev/null |
    awk '/ heap / && /used/ { for (i = 1; i < NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); print v + 0; exit } }
         END { if (!v) print 0 }' | head -n1
}
# udp_drops PID: datagrams the kernel dropped so far on the UDP sockets PID holds (a full receive
# buffer: the reader fell behind), summed; from the drops column of /proc/net/udp and udp6.
udp_drops() {
  local inodes
  inodes=$(find /proc/"$1"/fd -lname 'socket:*' -printf '%l\n' 2>/dev/null | tr -dc '0-9\n' | sort -u | tr '\n' ' ')
  [ -n "$inodes" ] || { echo 0; return; }
  awk -v list="$inodes" 'BEGIN { n = split(list, a, " "); for (i = 1; i <= n; i++) want[a[i]] = 1 }
    FNR > 1 && ($10 in want) { d += $NF } END { print d + 0 }' /proc/net/udp /proc/net/udp6
}
# machine_ticks: "busy total" jiffies summed over all CPUs.
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
# nginx_conf DIR RTMP_PORT HTTP_PORT: writes DIR/nginx.conf from nginx.conf.template (pid, logs,
# temp files and HLS fragments under DIR) and makes its directories.
nginx_conf() {
  local dir=$1 rtmp=$2 http=$3 user_line=""
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
# launch_publisher DIR I: (re)starts publisher I, replaying the input in a loop at its real rate,
# to $PUBLISH_BASE/bench-stream-key-I (PUBLISH_BASE: rtmp://host:port/live of the server under test).
launch_publisher() {
  local dir=$1 i=$2
  ffmpeg -nostdin -hide_banner -loglevel error -progress "$dir/pub/$i.progress" -stats_period 0.5 \
    -re -stream_loop -1 -i "$INPUT" -c copy -f flv "$PUBLISH_BASE/bench-stream-key-$i" \
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
# fetch_playlists N OUTDIR: fetches every stream's media playlist (URL: printf $PLAYLIST_FMT I;
# one curl process for all) and prints "index media_sequence last_uri" per stream (- when
# unavailable).
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

