#!/usr/bin/env bash
# Compositing benchmark (issue 3): K visible speakers tiled into a 1920x1080 canvas, audio mixed,
# encoded into the 4-rung ladder; the FFmpeg CLI reference and (when given) Amphi. See bench/README.md.
#
#   bench/compose.sh [--speakers 1,9,25,49] [--connected 25:300,49:300] [--seconds 20]
#                    [--preset ultrafast] [--psnr-seconds 5 | --no-psnr] [--rounds 1]
#                    [--only cli|amphi] [--amphi-cmd "java -cp ... Main"]
#                    [--input-seconds 20] [--work-dir /dev/shm] [--keep-work]
#
# It makes the inputs once into bench/work/compose/ (git-ignored): one 640x360 30 fps H.264
# (libx264 veryfast, 1 s GOP, 800 kbit/s) + AAC 48 kHz stereo MP4 per speaker, each with its
# own background colour, a moving test pattern, its name and a tone of its own pitch, plus
# audio-only M4A speakers for the "connected" runs. Then, for every K in --speakers and every
# V:T in --connected (V visible speakers out of T connected, the other T-V audio only), it runs
#   cli:   Debian's ffmpeg: decode the inputs, scale each to its gallery tile, xstack them on a
#          dark canvas, split into the 4 rungs (1080p 6M, 720p 3M, 480p 1.2M, 360p 0.7M), encode
#          each with libx264 --preset (GOP 60, no scenecut), amix every speaker's audio
#          (normalize off) into AAC 128k, as fast as it goes, for --seconds of program;
#   amphi: the command given with --amphi-cmd (see run_amphi below; the lead plugs in the Java
#          harness), which must print `RESULT rtf=X cpu_s_per_program_s=Y`.
# Each run records wall time, CPU seconds (user+sys of the process tree, /usr/bin/time), the real-
# time factor (program seconds / wall seconds), CPU seconds per program second, the machine load
# before it and the machine's busy cores during it (other processes disturb the numbers), and the
# PSNR of each rung against the canvas rendered losslessly (FFmpeg's psnr filter).
# With --rounds N every run is repeated N times (CLI and Amphi taking turns) and the table shows
# the median with the range: on this 2-core VM one run's CPU figure moves by up to 10 %. PSNR
# comes from the first round.
# Results: bench/results/compose-<UTC stamp>.csv, .md (the table) and .meta.txt.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

SPEAKERS="1,9,25,49"
CONNECTED="25:300,49:300"
PROGRAM_S=20
INPUT_S=20
PRESET=ultrafast
PSNR_S=5
ROUNDS=1
ONLY=""
AMPHI_CMD=""
WORK_PARENT=""
KEEP_WORK=0
CANVAS_W=1920
CANVAS_H=1080
FPS=30
GAP=8                      # pixels between gallery tiles and around the grid
BACKGROUND=0x202020        # canvas background (dark grey), as the Amphi compositor
RUNGS="1080p:1920x1080:6000k,720p:1280x720:3000k,480p:852x480:1200k,360p:640x360:700k"
PSNR_REF_FLAGS=bicubic     # scaler of the PSNR reference (canvas -> rung size); the CLI scales with it too
INPUT_TAG=v2               # bump when the input recipe changes: inputs are regenerated

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }

ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --speakers)      SPEAKERS="$2"; shift 2 ;;
    --connected)     CONNECTED="$2"; shift 2 ;;
    --seconds)       PROGRAM_S="$2"; shift 2 ;;
    --input-seconds) INPUT_S="$2"; shift 2 ;;
    --preset)        PRESET="$2"; shift 2 ;;
    --psnr-seconds)  PSNR_S="$2"; shift 2 ;;
    --no-psnr)       PSNR_S=0; shift ;;
    --rounds)        ROUNDS="$2"; shift 2 ;;
    --only)          ONLY="$2"; shift 2 ;;
    --amphi-cmd)     AMPHI_CMD="$2"; shift 2 ;;
    --work-dir)      WORK_PARENT="$2"; shift 2 ;;
    --keep-work)     KEEP_WORK=1; shift ;;
    -h|--help)       usage 0 ;;
    *) echo "compose.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive whole number, got '$ROUNDS'"
[[ "$SPEAKERS" =~ ^([0-9]+(,[0-9]+)*)?$ ]] || die "--speakers must be a comma-separated list of counts, got '$SPEAKERS'"
[[ "$CONNECTED" =~ ^([0-9]+:[0-9]+(,[0-9]+:[0-9]+)*)?$ ]] || die "--connected must be VISIBLE:TOTAL[,...], got '$CONNECTED'"
[[ "$PROGRAM_S" =~ ^[0-9]+$ && "$PROGRAM_S" -ge 1 ]] || die "--seconds must be whole seconds >= 1, got '$PROGRAM_S'"
[[ "$INPUT_S" =~ ^[0-9]+$ && "$INPUT_S" -ge 2 ]] || die "--input-seconds must be whole seconds >= 2, got '$INPUT_S'"
[[ "$PSNR_S" =~ ^[0-9]+$ ]] || die "--psnr-seconds must be whole seconds, got '$PSNR_S'"
[ "$PSNR_S" -le "$PROGRAM_S" ] || die "--psnr-seconds ($PSNR_S) must not exceed --seconds ($PROGRAM_S)"
[[ "$PRESET" =~ ^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow|placebo)$ ]] ||
  die "--preset must be an x264 preset, got '$PRESET'"
case "$ONLY" in ""|cli|amphi) ;; *) die "--only must be 'cli' or 'amphi', got '$ONLY'" ;; esac
IMPLS=(cli)
[ -n "$AMPHI_CMD" ] && IMPLS+=(amphi)
if [ -n "$ONLY" ]; then
  [ "$ONLY" = amphi ] && [ -z "$AMPHI_CMD" ] && die "--only amphi needs --amphi-cmd"
  IMPLS=("$ONLY")
fi

# RUNS: "visible total" pairs, in order.
RUNS=()
IFS=, read -ra _ks <<< "$SPEAKERS"
for k in "${_ks[@]}"; do
  [ "$k" -ge 1 ] && [ "$k" -le 49 ] || die "--speakers counts must be 1..49 (one gallery page), got $k"
  RUNS+=("$k $k")
done
IFS=, read -ra _cs <<< "$CONNECTED"
for c in "${_cs[@]}"; do
  v=${c%:*}; t=${c#*:}
  [ "$v" -ge 1 ] && [ "$v" -le 49 ] && [ "$t" -ge "$v" ] && [ "$t" -le 300 ] ||
    die "--connected wants 1 <= VISIBLE <= 49 and VISIBLE <= TOTAL <= 300, got $c"
  RUNS+=("$v $t")
done
[ ${#RUNS[@]} -gt 0 ] || die "nothing to run: --speakers and --connected are both empty"
MAX_VISIBLE=0; MAX_AUDIO_ONLY=0
for r in "${RUNS[@]}"; do
  read -r v t <<< "$r"
  [ "$v" -gt "$MAX_VISIBLE" ] && MAX_VISIBLE=$v
  [ $((t - v)) -gt "$MAX_AUDIO_ONLY" ] && MAX_AUDIO_ONLY=$((t - v))
done

# ---------------------------------------------------------------- dependencies
ensure_deps() {
  local need=()
  command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
  [ -x /usr/bin/time ] || need+=(time)
  [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]} with apt-get"
    local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}
ensure_deps
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
NPROC=$(nproc)

# ---------------------------------------------------------------- work dir and cleanup
INPUT_DIR="$BENCH_DIR/work/compose"
if [ -z "$WORK_PARENT" ]; then
  if [ -d /dev/shm ] && [ -w /dev/shm ]; then WORK_PARENT=/dev/shm; else WORK_PARENT=/tmp; fi
fi
WORK=$(mktemp -d "$WORK_PARENT/amphi-compose.XXXXXX")
CHILD=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [ -n "$CHILD" ]; then kill -TERM "$CHILD" 2>/dev/null || true; wait "$CHILD" 2>/dev/null || true; fi
  if [ "$KEEP_WORK" = 1 ] || [ "$rc" -ne 0 ]; then log "work dir kept: $WORK"; else rm -rf "$WORK"; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers
# machine_ticks: "busy total" jiffies summed over all CPUs.
machine_ticks() {
  local cpu user nice sys idle iowait irq softirq steal rest
  read -r cpu user nice sys idle iowait irq softirq steal rest < /proc/stat
  echo "$((user + nice + sys + irq + softirq + steal)) $((user + nice + sys + idle + iowait + irq + softirq + steal))"
}
loadavg1() { cut -d' ' -f1 /proc/loadavg; }
even() { echo $(( $1 / 2 * 2 )); }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

# speaker_rgb I: background colour of speaker I: hue steps by the golden angle (any first K speakers
# get well-spread hues), saturation 0.7, value 0.8.
speaker_rgb() {
  awk -v i="$1" 'BEGIN {
    h = (i * 0.381966) % 1 * 6; s = 0.7; v = 0.8; c = v * s; d = (h % 2) - 1; if (d < 0) d = -d; x = c * (1 - d); m = v - c
    if (h < 1) { r = c; g = x; b = 0 } else if (h < 2) { r = x; g = c; b = 0 } else if (h < 3) { r = 0; g = c; b = x }
    else if (h < 4) { r = 0; g = x; b = c } else if (h < 5) { r = x; g = 0; b = c } else { r = c; g = 0; b = x }
    printf "0x%02X%02X%02X", (r + m) * 255, (g + m) * 255, (b + m) * 255 }'
}
# speaker_hz I: tone of speaker I, 220 Hz x 2^(I*5/12) folded by octaves into [200, 1600) Hz
# (the rule of dev.amphi.transcode.demo.DemoSpeaker, which also rounds to a multiple of 0.625 Hz).
speaker_hz() {
  awk -v i="$1" 'BEGIN { f = 220 * 2 ^ (i * 5 / 12); while (f >= 1600) f /= 8; printf "%.2f", f }'
}

# ---------------------------------------------------------------- inputs (made once)
video_input() { printf '%s/speaker-%s-%ss-%02d.mp4' "$INPUT_DIR" "$INPUT_TAG" "$INPUT_S" "$1"; }
audio_input() { printf '%s/audio-%s-%ss-%03d.m4a' "$INPUT_DIR" "$INPUT_TAG" "$INPUT_S" "$1"; }

# Speaker I talks (tone at -18 dBFS) in its 4 s slot of the input's 5 slots, else at -58 dBFS.
talk_volume() {
  local slot=$(( ($1 % 5) * 4 ))
  echo "volume=volume='if(between(t,$slot,$((slot + 4))),1,0.01)':eval=frame"
}

make_inputs() {
  mkdir -p "$INPUT_DIR"
  local i f tmp made=0
  local -a outs_a=()
  for ((i = 0; i < MAX_VISIBLE; i++)); do
    f=$(video_input "$i"); [ -s "$f" ] && continue
    tmp="$f.part.mp4"
    local rgb hz
    rgb=$(speaker_rgb "$i"); hz=$(speaker_hz "$i")
    ffmpeg -nostdin -hide_banner -loglevel error -y \
      -f lavfi -i "color=c=$rgb:s=640x360:r=$FPS:d=$INPUT_S" \
      -f lavfi -i "testsrc2=s=320x180:r=$FPS:d=$INPUT_S" \
      -f lavfi -i "sine=frequency=$hz:sample_rate=48000:duration=$INPUT_S" \
      -filter_complex "[0:v][1:v]overlay=x='(W-w)*(0.5+0.5*sin(t*1.3+$i))':y='(H-h)*(0.5+0.5*cos(t*0.9+$i))',drawtext=fontfile=$FONT:text='Speaker $i':fontsize=44:fontcolor=white:borderw=3:x=24:y=H-th-24,format=yuv420p[v];[2:a]$(talk_volume "$i"),aformat=channel_layouts=stereo[a]" \
      -map '[v]' -map '[a]' \
      -c:v libx264 -preset veryfast -profile:v high -b:v 800k -maxrate 800k -bufsize 1600k \
      -g "$FPS" -keyint_min "$FPS" -sc_threshold 0 \
      -c:a aac -b:a 96k -ar 48000 -movflags +faststart "$tmp"
    mv "$tmp" "$f"; made=$((made + 1))
  done
  # Audio-only speakers: up to 20 per ffmpeg run (starting one ffmpeg each costs more than encoding).
  local -a args=() parts=()
  for ((i = 0; i < MAX_AUDIO_ONLY; i++)); do
    f=$(audio_input "$i")
    if [ ! -s "$f" ]; then
      local j=$(( ${#parts[@]} ))
      args+=(-f lavfi -i "sine=frequency=$(speaker_hz $((i + 49))):sample_rate=48000:duration=$INPUT_S")
      parts+=("$f")
      outs_a+=(-map "$j:a" -af "$(talk_volume "$i"),aformat=channel_layouts=stereo" -c:a aac -b:a 64k "$f.part.m4a")
    fi
    if [ ${#parts[@]} -gt 0 ] && { [ ${#parts[@]} -eq 20 ] || [ "$i" -eq $((MAX_AUDIO_ONLY - 1)) ]; }; then
      ffmpeg -nostdin -hide_banner -loglevel error -y "${args[@]}" "${outs_a[@]}"
      for f in "${parts[@]}"; do mv "$f.part.m4a" "$f"; done
      made=$((made + ${#parts[@]})); args=(); parts=(); outs_a=()
    fi
  done
  log "inputs: $MAX_VISIBLE video+audio, $MAX_AUDIO_ONLY audio-only in $INPUT_DIR ($made made now)"
}

# ---------------------------------------------------------------- the CLI filter graph
# gallery_geometry K: "n rows tw th gx gy" (grid columns, rows, tile size, grid origin on the
# canvas), 16:9 tiles with GAP pixels between and around them, the grid centred.
gallery_geometry() {
  local k=$1 n rows tw th
  n=$(awk -v k="$k" 'BEGIN { n = int(sqrt(k)); if (n * n < k) n++; print n }')
  rows=$(( (k + n - 1) / n ))
  tw=$(even $(( (CANVAS_W - (n + 1) * GAP) / n ))); th=$(even $(( tw * 9 / 16 )))
  if [ $(( rows * th + (rows + 1) * GAP )) -gt "$CANVAS_H" ]; then
    th=$(even $(( (CANVAS_H - (rows + 1) * GAP) / rows ))); tw=$(even $(( th * 16 / 9 )))
  fi
  local gw=$(( n * tw + (n - 1) * GAP )) gh=$(( rows * th + (rows - 1) * GAP ))
  echo "$n $rows $tw $th $(even $(( (CANVAS_W - gw) / 2 ))) $(even $(( (CANVAS_H - gh) / 2 )))"
}

# canvas_graph K: filter text from inputs 0..K-1 to the label [canvas].
canvas_graph() {
  local k=$1 n rows tw th gx gy i layout=""
  read -r n rows tw th gx gy <<< "$(gallery_geometry "$k")"
  for ((i = 0; i < k; i++)); do
    printf '[%d:v]scale=%d:%d:flags=%s,setsar=1[t%d];' "$i" "$tw" "$th" "$PSNR_REF_FLAGS" "$i"
    layout+="${layout:+|}$(( (i % n) * (tw + GAP) ))_$(( (i / n) * (th + GAP) ))"
  done
  if [ "$k" -eq 1 ]; then
    printf '[t0]'
  else
    for ((i = 0; i < k; i++)); do printf '[t%d]' "$i"; done
    printf 'xstack=inputs=%d:layout=%s:fill=%s,' "$k" "$layout" "$BACKGROUND"
  fi
  printf 'pad=%d:%d:%d:%d:color=%s,format=yuv420p[canvas]' "$CANVAS_W" "$CANVAS_H" "$gx" "$gy" "$BACKGROUND"
}

IFS=, read -ra RUNG_SPECS <<< "$RUNGS"
rung_field() { local IFS=:; local a; read -ra a <<< "$1"; echo "${a[$2]}"; }   # 0 name, 1 WxH, 2 bitrate

# input_args VISIBLE TOTAL: ffmpeg input options, video speakers first, then audio-only ones.
input_args() {
  local v=$1 t=$2 i
  for ((i = 0; i < v; i++)); do printf -- '-stream_loop\n-1\n-i\n%s\n' "$(video_input "$i")"; done
  for ((i = 0; i < t - v; i++)); do printf -- '-stream_loop\n-1\n-i\n%s\n' "$(audio_input "$i")"; done
}

# amix_graph VISIBLE TOTAL: every speaker's audio mixed, no normalisation, into [aout].
amix_graph() {
  local v=$1 t=$2 i
  for ((i = 0; i < t; i++)); do printf '[%d:a]' "$i"; done
  printf 'amix=inputs=%d:normalize=0:duration=longest[aout]' "$t"
}

# ---------------------------------------------------------------- measurement
# timed OUTFILE CMD...: runs CMD (stdout+stderr to OUTFILE.log) and writes to OUTFILE.time
# "wall_s cpu_s machine_busy_cores load1_before"; returns CMD's status.
timed() {
  local out=$1; shift
  local load m0 m1 rc=0
  load=$(loadavg1); m0=$(machine_ticks)
  /usr/bin/time -f '%e %U %S' -o "$out.rawtime" "$@" > "$out.log" 2>&1 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  m1=$(machine_ticks)
  local wall user sys
  read -r wall user sys < <(tail -n1 "$out.rawtime")
  read -r b0 t0 <<< "$m0"; read -r b1 t1 <<< "$m1"
  echo "$wall $(calc "$user + $sys" 2) $(calc "($b1 - $b0) / ($t1 - $t0) * $NPROC" 2) $load" > "$out.time"
  return $rc
}

# psnr_of DIST REF W H: average PSNR (dB) of DIST against REF scaled to WxH, over PSNR_S seconds.
psnr_of() {
  local dist=$1 ref=$2 w=$3 h=$4
  ffmpeg -nostdin -hide_banner -t "$PSNR_S" -i "$dist" -t "$PSNR_S" -i "$ref" \
    -filter_complex "[1:v]scale=$w:$h:flags=$PSNR_REF_FLAGS,setsar=1[ref];[0:v]setsar=1[d];[d][ref]psnr" \
    -f null - 2>&1 | awk '/Parsed_psnr/ && /average:/ { for (i = 1; i <= NF; i++) if ($i ~ /^average:/) { sub(/average:/, "", $i); printf "%.2f\n", $i } }' | tail -n1
}

# psnr_rungs DIR: "p1 p2 p3 p4" PSNR of DIR/<rung>.mkv against DIR/canvas.mkv ("-" where missing).
psnr_rungs() {
  local dir=$1 r out=() name wh p
  for r in "${RUNG_SPECS[@]}"; do
    name=$(rung_field "$r" 0); wh=$(rung_field "$r" 1)
    if [ "$PSNR_S" -gt 0 ] && [ -s "$dir/$name.mkv" ] && [ -s "$dir/canvas.mkv" ]; then
      p=$(psnr_of "$dir/$name.mkv" "$dir/canvas.mkv" "${wh%x*}" "${wh#*x}")
      out+=("${p:--}")
    else
      out+=("-")
    fi
  done
  echo "${out[*]}"
}

# ---------------------------------------------------------------- the FFmpeg CLI reference
# run_cli VISIBLE TOTAL DIR: prints "wall_s cpu_s busy_cores load1 rtf cpu_per_program_s".
run_cli() {
  local v=$1 t=$2 dir=$3 i r name wh br
  mkdir -p "$dir"
  local -a inputs; mapfile -t inputs < <(input_args "$v" "$t")
  local graph="$dir/graph.txt"
  {
    canvas_graph "$v"; printf ';[canvas]split=%d' "${#RUNG_SPECS[@]}"
    for ((i = 0; i < ${#RUNG_SPECS[@]}; i++)); do printf '[c%d]' "$i"; done
    for ((i = 0; i < ${#RUNG_SPECS[@]}; i++)); do
      wh=$(rung_field "${RUNG_SPECS[$i]}" 1)
      if [ "$wh" = "${CANVAS_W}x${CANVAS_H}" ]; then printf ';[c%d]null[r%d]' "$i" "$i"
      else printf ';[c%d]scale=%s:%s:flags=%s[r%d]' "$i" "${wh%x*}" "${wh#*x}" "$PSNR_REF_FLAGS" "$i"; fi
    done
    printf ';'; amix_graph "$v" "$t"
  } > "$graph"
  local -a outs=()
  for ((i = 0; i < ${#RUNG_SPECS[@]}; i++)); do
    name=$(rung_field "${RUNG_SPECS[$i]}" 0); br=$(rung_field "${RUNG_SPECS[$i]}" 2)
    outs+=(-map "[r$i]" -c:v libx264 -preset "$PRESET" -b:v "$br" -maxrate "$br" -bufsize "$(( ${br%k} * 2 ))k"
           -g 60 -keyint_min 60 -sc_threshold 0 -bf 0 -r "$FPS" -t "$PROGRAM_S" "$dir/$name.mkv")
  done
  outs+=(-map '[aout]' -c:a aac -b:a 128k -ar 48000 -t "$PROGRAM_S" "$dir/audio.m4a")
  timed "$dir/cli" ffmpeg -nostdin -hide_banner -y "${inputs[@]}" -filter_complex_script "$graph" "${outs[@]}" ||
    die "ffmpeg CLI failed for $v visible / $t connected: see $dir/cli.log"
  # The canvas once more, lossless, for PSNR (not timed).
  if [ "$PSNR_S" -gt 0 ]; then
    mapfile -t inputs < <(input_args "$v" "$v")
    ffmpeg -nostdin -hide_banner -loglevel error -y "${inputs[@]}" -filter_complex "$(canvas_graph "$v")" \
      -map '[canvas]' -c:v libx264 -preset ultrafast -qp 0 -r "$FPS" -t "$PSNR_S" "$dir/canvas.mkv" ||
      die "lossless canvas render failed for K=$v"
  fi
  read -r wall cpu busy load < "$dir/cli.time"
  echo "$wall $cpu $busy $load $(calc "$PROGRAM_S / $wall") $(calc "$cpu / $PROGRAM_S")"
}

# ---------------------------------------------------------------- the Amphi side
# >>> AMPHI HOOK: the lead's Java harness plugs in here. <<<
# run_amphi VISIBLE TOTAL DIR: runs --amphi-cmd once for this run, with these in its environment:
#   AMPHI_BENCH_VISIBLE=V  AMPHI_BENCH_CONNECTED=T  AMPHI_BENCH_SECONDS=program seconds
#   AMPHI_BENCH_INPUTS=file with T input paths, one a line: the V video+audio MP4s (visible
#     speakers, gallery order) then T-V audio-only M4As (connected, hidden)
#   AMPHI_BENCH_PRESET=x264 preset  AMPHI_BENCH_RUNGS=name:WxH:bitrate,...  AMPHI_BENCH_FPS=30
#   AMPHI_BENCH_CANVAS=1920x1080  AMPHI_BENCH_OUT=directory for optional outputs
#   AMPHI_BENCH_PSNR_SECONDS=seconds of canvas wanted for PSNR (0 = none)
# and {V} {T} {SECONDS} {INPUTS} {OUT} {PRESET} replaced in the command text. Instead of the .mkv
# files below it may write OUT/canvas.y4m and OUT/<rung>.h264 (Annex B); the script wraps them. The harness runs the
# program as fast as it can (not paced) and prints one line
#   RESULT rtf=<program seconds / wall seconds> cpu_s_per_program_s=<process CPU s / program s>
# measured over the program only (after JVM start and input loading). For PSNR it may also write
# $AMPHI_BENCH_OUT/canvas.mkv (first PSNR seconds of its canvas, lossless, e.g. H.264 qp 0 or FFV1)
# and $AMPHI_BENCH_OUT/<rung>.mkv (its encoded rungs); missing files leave the PSNR cells empty.
# The script also times the whole command (JVM start included) as a cross-check.
# Prints "wall_s cpu_s busy_cores load1 rtf cpu_per_program_s" (the last two from RESULT).
run_amphi() {
  local v=$1 t=$2 dir=$3 i
  mkdir -p "$dir/out"
  { for ((i = 0; i < v; i++)); do video_input "$i"; echo; done
    for ((i = 0; i < t - v; i++)); do audio_input "$i"; echo; done; } > "$dir/inputs.txt"
  local cmd=$AMPHI_CMD
  cmd=${cmd//\{V\}/$v}; cmd=${cmd//\{T\}/$t}; cmd=${cmd//\{SECONDS\}/$PROGRAM_S}
  cmd=${cmd//\{INPUTS\}/$dir/inputs.txt}; cmd=${cmd//\{OUT\}/$dir/out}; cmd=${cmd//\{PRESET\}/$PRESET}
  AMPHI_BENCH_VISIBLE=$v AMPHI_BENCH_CONNECTED=$t AMPHI_BENCH_SECONDS=$PROGRAM_S \
  AMPHI_BENCH_INPUTS="$dir/inputs.txt" AMPHI_BENCH_PRESET=$PRESET AMPHI_BENCH_RUNGS=$RUNGS \
  AMPHI_BENCH_FPS=$FPS AMPHI_BENCH_CANVAS="${CANVAS_W}x${CANVAS_H}" AMPHI_BENCH_OUT="$dir/out" \
  AMPHI_BENCH_PSNR_SECONDS=$PSNR_S \
    timed "$dir/amphi" bash -c "cd '$REPO_DIR' && $cmd" || die "amphi command failed for $v visible / $t connected: see $dir/amphi.log"
  # The harness may write its canvas as Y4M and its rungs as Annex B H.264 (FPS frames a second):
  # wrap them in Matroska (canvas losslessly) so psnr_rungs reads them as it reads the CLI's.
  local out=$dir/out f
  if [ -s "$out/canvas.y4m" ]; then
    ffmpeg -nostdin -hide_banner -loglevel error -y -i "$out/canvas.y4m" -c:v libx264 -preset ultrafast -qp 0 "$out/canvas.mkv" \
      && rm -f "$out/canvas.y4m"
  fi
  for f in "$out"/*.h264; do
    [ -s "$f" ] || continue
    ffmpeg -nostdin -hide_banner -loglevel error -y -fflags +genpts -r "$FPS" -i "$f" -c copy "${f%.h264}.mkv" && rm -f "$f"
  done
  local result rtf cpu_pp
  result=$(grep -E '^RESULT ' "$dir/amphi.log" | tail -n1) || true
  [ -n "$result" ] || die "amphi command printed no 'RESULT rtf=… cpu_s_per_program_s=…' line: see $dir/amphi.log"
  rtf=$(sed -nE 's/.*rtf=([0-9.]+).*/\1/p' <<< "$result")
  cpu_pp=$(sed -nE 's/.*cpu_s_per_program_s=([0-9.]+).*/\1/p' <<< "$result")
  [ -n "$rtf" ] && [ -n "$cpu_pp" ] || die "cannot parse '$result' (want RESULT rtf=X cpu_s_per_program_s=Y)"
  read -r wall cpu busy load < "$dir/amphi.time"
  echo "$wall $cpu $busy $load $rtf $cpu_pp"
}

# ---------------------------------------------------------------- main
make_inputs
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH_DIR/results"
CSV="$BENCH_DIR/results/compose-$STAMP.csv"
MD="${CSV%.csv}.md"
RUNG_NAMES=(); for r in "${RUNG_SPECS[@]}"; do RUNG_NAMES+=("$(rung_field "$r" 0)"); done
{ printf 'impl,visible,connected,preset,program_s,wall_s,cpu_s,rtf,cpu_s_per_program_s,machine_busy_cores,load1_before'
  for n in "${RUNG_NAMES[@]}"; do printf ',psnr_%s' "$n"; done; echo ',round'; } > "$CSV"

# median_range "x1 x2 ...": the median (the lower middle for an even count) and, for several values, " (min-max)".
median_range() {
  local -a xs; mapfile -t xs < <(tr ' ' '\n' <<< "$1" | grep . | sort -g)
  local n=${#xs[@]}
  if [ "$n" -le 1 ]; then echo "${xs[0]:--}"; else echo "${xs[$(( (n - 1) / 2 ))]} (${xs[0]}-${xs[$((n - 1))]})"; fi
}

# with_x "2.1 (2.0-2.2)" -> "2.1x (2.0-2.2)"; "2.1" -> "2.1x"
with_x() { if [[ "$1" == *" "* ]]; then echo "${1/ /x }"; elif [ "$1" = - ]; then echo -; else echo "${1}x"; fi; }

declare -A RESULT CPUS RTFS
for r in "${RUNS[@]}"; do
  read -r v t <<< "$r"
  for ((round = 1; round <= ROUNDS; round++)); do
    for impl in "${IMPLS[@]}"; do
      dir="$WORK/$impl-$v-$t"; [ "$round" -gt 1 ] && dir="$dir-r$round"
      log "$impl: $v visible / $t connected, $PROGRAM_S s of program, preset $PRESET, round $round of $ROUNDS (load $(loadavg1))"
      if [ "$impl" = cli ]; then line=$(run_cli "$v" "$t" "$dir"); pdir=$dir; else line=$(run_amphi "$v" "$t" "$dir"); pdir=$dir/out; fi
      read -r wall cpu busy load rtf cpu_pp <<< "$line"
      if [ "$round" -eq 1 ]; then psnr=$(psnr_rungs "$pdir"); else psnr=${RESULT["$impl $v $t"]#* * * * }; fi
      log "$impl: rtf ${rtf}x, ${cpu_pp} CPU-s per program-s, PSNR ${psnr// / / } dB (wall ${wall}s, machine busy ${busy} cores)"
      echo "$impl,$v,$t,$PRESET,$PROGRAM_S,$wall,$cpu,$rtf,$cpu_pp,$busy,$load,${psnr// /,},$round" >> "$CSV"
      [ "$round" -eq 1 ] && RESULT["$impl $v $t"]="$rtf $cpu_pp $busy $load $psnr"
      CPUS["$impl $v $t"]+=" $cpu_pp"; RTFS["$impl $v $t"]+=" $rtf"
      [ "$round" -gt 1 ] && [ "$KEEP_WORK" -eq 0 ] && rm -rf "$dir"
    done
  done
done

# Markdown table: one row per run, CLI and Amphi side by side.
{
  echo "Compositing benchmark $STAMP: $CANVAS_W x $CANVAS_H canvas, $FPS fps, ladder $RUNGS, x264 preset $PRESET, $PROGRAM_S s of program per run, $NPROC cores, $ROUNDS round(s): median (range)."
  echo
  printf '| visible | connected | CLI rtf | CLI CPU-s/program-s | CLI PSNR %s (dB) | load before / busy cores |' "$(IFS=/; echo "${RUNG_NAMES[*]}")"
  [ -n "$AMPHI_CMD" ] && printf ' Amphi rtf | Amphi CPU-s/program-s | Amphi PSNR (dB) | CPU ratio Amphi/CLI |'
  echo
  printf '|---:|---:|---:|---:|---|---:|'; [ -n "$AMPHI_CMD" ] && printf -- '---:|---:|---|---:|'; echo
  for r in "${RUNS[@]}"; do
    read -r v t <<< "$r"
    c=${RESULT["cli $v $t"]:-}; a=${RESULT["amphi $v $t"]:-}
    if [ -n "$c" ]; then
      read -r crtf ccpu cbusy cload cp1 cp2 cp3 cp4 <<< "$c"
      crtf=$(median_range "${RTFS["cli $v $t"]}"); ccpu=$(median_range "${CPUS["cli $v $t"]}")
    else crtf=-; ccpu=-; cbusy=-; cload=-; cp1=-; cp2=-; cp3=-; cp4=-; fi
    printf '| %s | %s | %s | %s | %s / %s / %s / %s | %s / %s |' "$v" "$t" "$(with_x "$crtf")" "$ccpu" "$cp1" "$cp2" "$cp3" "$cp4" "$cload" "$cbusy"
    if [ -n "$AMPHI_CMD" ]; then
      if [ -n "$a" ]; then
        read -r artf acpu abusy aload ap1 ap2 ap3 ap4 <<< "$a"
        artf=$(median_range "${RTFS["amphi $v $t"]}"); acpu=$(median_range "${CPUS["amphi $v $t"]}")
        ratio=-; [ -n "$c" ] && ratio=$(calc "${acpu%% *} / ${ccpu%% *}" 2)
        printf ' %s | %s | %s / %s / %s / %s | %s |' "$(with_x "$artf")" "$acpu" "$ap1" "$ap2" "$ap3" "$ap4" "$ratio"
      else printf ' - | - | - | - |'; fi
    fi
    echo
  done
} > "$MD"

{
  echo "stamp: $STAMP"
  echo "command: bench/compose.sh $ARGS_ORIG"
  echo "machine: $(uname -srm), $NPROC cores, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)"
  echo "memory: $(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
  echo "ffmpeg: $(ffmpeg -version | head -n1)"
  echo "tree: $(git -C "$REPO_DIR" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$REPO_DIR" status --porcelain 2>/dev/null | grep -q . && echo ' (dirty)')"
  [ -n "$AMPHI_CMD" ] && echo "amphi command: $AMPHI_CMD"
  echo "loadavg at end: $(cat /proc/loadavg)"
} > "${CSV%.csv}.meta.txt"

cat "$MD"
log "results: $CSV, $MD"
