#!/usr/bin/env bash
# Compositing benchmark: K visible speakers tiled into a 1920x1080 canvas, audio mixed, encoded into
# the 4-rung ladder, by Debian's FFmpeg CLI and (when given) by Amphi's ProgramBench (the bench-tools
# module's jar, built by `mvn package`: bench-tools/target/amphi-bench.jar), measured the
# same way. See bench/README.md ("Compositing").
#
#   bench/compose.sh [--speakers 1,9,25,49] [--connected 25:300,49:300] [--warmup 10] [--seconds 20]
#                    [--preset ultrafast] [--psnr-seconds 5 | --no-psnr] [--rounds 1]
#                    [--only cli|amphi] [--amphi-jar bench-tools/target/amphi-bench.jar | --amphi-cmd "java ..."]
#                    [--amphi-shortcuts all[,none,...]] [--input-seconds 20] [--work-dir /dev/shm] [--keep-work]
#
# Inputs are made once into bench/work/compose/ (git-ignored): one 640x360 30 fps H.264 + AAC MP4 per
# visible speaker, audio-only M4As for the "connected" runs. For every K in --speakers and every V:T
# in --connected (V of T speakers with video, the others audio only), each side makes the same
# program, the gallery page Amphi shows (placeholders for speakers without video, no name labels),
# from the same files read from disk as it goes, twice: --warmup seconds of program, then --warmup +
# --seconds. CPU (user + system of the whole process tree, from its exit status: GNU time) and wall
# time of the second run minus the first are the cost of --seconds of program after a warm-up of
# --warmup seconds, start-up, input opening and teardown cancelling out, the same for both sides.
# PSNR: every side's rungs (and Amphi's canvas) against one reference, the canvas drawn from the
# same files by FFmpeg at full quality (every frame decoded with the loop filter, bicubic scaling),
# losslessly. --amphi-shortcuts runs Amphi once per set of tile savings kept (all, none, or a '+'
# list of reduced-decoding and bilinear-scaling): "none" is Amphi's full-quality path.
# With --rounds N every measurement is repeated N times (the sides taking turns) and the table shows
# the median with the range. Results: bench/results/compose-<UTC stamp>.csv, .md (the table), .meta.txt.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")

SPEAKERS="1,9,25,49"
CONNECTED="25:300,49:300"
WARMUP_S=10
MEASURE_S=20
INPUT_S=20
PRESET=ultrafast
PSNR_S=5
ROUNDS=1
ONLY=""
AMPHI_CMD=""
SHORTCUT_SETS="all"
WORK_PARENT=""
KEEP_WORK=0
CANVAS_W=1920
CANVAS_H=1080
FPS=30
BACKGROUND=0x1c1c1c        # Amphi's background, Y 40 (BT.601 limited range), as FFmpeg converts it
PLACEHOLDER=0x5d5d5d       # Amphi's placeholder tile, Y 96
RUNGS="1080p:1920x1080:6000k,720p:1280x720:3000k,480p:852x480:1200k,360p:640x360:700k"
REF_FLAGS=bicubic          # scaler of the CLI side and the reference (tiles, rungs)
INPUT_TAG=v2               # bump when the input recipe changes: inputs are regenerated

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; exit "${1:-0}"; }

ARGS_ORIG="$*"
while [ $# -gt 0 ]; do
  case "$1" in
    --speakers)        SPEAKERS="$2"; shift 2 ;;
    --connected)       CONNECTED="$2"; shift 2 ;;
    --warmup)          WARMUP_S="$2"; shift 2 ;;
    --seconds)         MEASURE_S="$2"; shift 2 ;;
    --input-seconds)   INPUT_S="$2"; shift 2 ;;
    --preset)          PRESET="$2"; shift 2 ;;
    --psnr-seconds)    PSNR_S="$2"; shift 2 ;;
    --no-psnr)         PSNR_S=0; shift ;;
    --rounds)          ROUNDS="$2"; shift 2 ;;
    --only)            ONLY="$2"; shift 2 ;;
    --amphi-cmd)       AMPHI_CMD="$2"; shift 2 ;;
    --amphi-jar)       [ -f "$2" ] || { echo "compose.sh: no jar at '$2' (build it: mvn -B package -DskipTests)" >&2; exit 2; }
                       AMPHI_CMD="java -cp $2 dev.amphi.bench.ProgramBench"; shift 2 ;;
    --amphi-shortcuts) SHORTCUT_SETS="$2"; shift 2 ;;
    --work-dir)        WORK_PARENT="$2"; shift 2 ;;
    --keep-work)       KEEP_WORK=1; shift ;;
    -h|--help)         usage 0 ;;
    *) echo "compose.sh: unknown argument '$1'" >&2; usage 2 ;;
  esac
done

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

[[ "$ROUNDS" =~ ^[1-9][0-9]*$ ]] || die "--rounds must be a positive whole number, got '$ROUNDS'"
[[ "$SPEAKERS" =~ ^([0-9]+(,[0-9]+)*)?$ ]] || die "--speakers must be a comma-separated list of counts, got '$SPEAKERS'"
[[ "$CONNECTED" =~ ^([0-9]+:[0-9]+(,[0-9]+:[0-9]+)*)?$ ]] || die "--connected must be VISIBLE:TOTAL[,...], got '$CONNECTED'"
[[ "$WARMUP_S" =~ ^[0-9]+$ && "$WARMUP_S" -ge 1 ]] || die "--warmup must be whole seconds >= 1, got '$WARMUP_S'"
[[ "$MEASURE_S" =~ ^[0-9]+$ && "$MEASURE_S" -ge 1 ]] || die "--seconds must be whole seconds >= 1, got '$MEASURE_S'"
[[ "$INPUT_S" =~ ^[0-9]+$ && "$INPUT_S" -ge 2 ]] || die "--input-seconds must be whole seconds >= 2, got '$INPUT_S'"
[[ "$PSNR_S" =~ ^[0-9]+$ ]] || die "--psnr-seconds must be whole seconds, got '$PSNR_S'"
# Amphi keeps its PSNR frames in both runs; they must lie within the shorter one (1 s for its delay)
[ "$PSNR_S" -eq 0 ] || [ $((PSNR_S + 1)) -le "$WARMUP_S" ] || die "--psnr-seconds ($PSNR_S) must be at most --warmup - 1 ($((WARMUP_S - 1)))"
[[ "$PRESET" =~ ^(ultrafast|superfast|veryfast|faster|fast|medium|slow|slower|veryslow|placebo)$ ]] ||
  die "--preset must be an x264 preset, got '$PRESET'"
[[ "$SHORTCUT_SETS" =~ ^[a-z+-]+(,[a-z+-]+)*$ ]] || die "--amphi-shortcuts must be a comma-separated list of sets, got '$SHORTCUT_SETS'"
case "$ONLY" in ""|cli|amphi) ;; *) die "--only must be 'cli' or 'amphi', got '$ONLY'" ;; esac

# SIDES: "cli" and one "amphi" side per set of shortcuts ("amphi" for all, "amphi-SET" for the others).
SIDES=()
[ "$ONLY" != amphi ] && SIDES+=(cli)
if [ -n "$AMPHI_CMD" ] && [ "$ONLY" != cli ]; then
  IFS=, read -ra _sets <<< "$SHORTCUT_SETS"
  for s in "${_sets[@]}"; do if [ "$s" = all ]; then SIDES+=(amphi); else SIDES+=("amphi-$s"); fi; done
fi
[ "$ONLY" = amphi ] && [ -z "$AMPHI_CMD" ] && die "--only amphi needs --amphi-cmd or --amphi-jar"
shortcuts_of() { if [ "$1" = amphi ]; then echo all; else echo "${1#amphi-}"; fi; }

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

# ---------------------------------------------------------------- dependencies, work dir
need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
[ -x /usr/bin/time ] || need+=(time)
[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf ] || need+=(fonts-dejavu-core)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]} with apt-get"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
NPROC=$(nproc)
INPUT_DIR="$BENCH_DIR/work/compose"
# shellcheck source=compose-graph.sh
. "$BENCH_DIR/compose-graph.sh"

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

# ---------------------------------------------------------------- measurement
# machine_ticks: "busy total" jiffies summed over all CPUs.
machine_ticks() {
  local cpu user nice sys idle iowait irq softirq steal rest
  read -r cpu user nice sys idle iowait irq softirq steal rest < /proc/stat
  echo "$((user + nice + sys + irq + softirq + steal)) $((user + nice + sys + idle + iowait + irq + softirq + steal))"
}
loadavg1() { cut -d' ' -f1 /proc/loadavg; }

# timed OUT CMD...: runs CMD (stdout+stderr to OUT.log) under GNU time and writes to OUT.time
# "wall_s cpu_s machine_busy_cores load1_before": CPU is user + system of CMD and every process
# under it (the rusage of the children it waited for); returns CMD's status.
timed() {
  local out=$1; shift
  local load m0 m1 rc=0 wall user sys b0 t0 b1 t1
  load=$(loadavg1); m0=$(machine_ticks)
  /usr/bin/time -f '%e %U %S' -o "$out.rawtime" "$@" > "$out.log" 2>&1 &
  CHILD=$!
  wait "$CHILD" || rc=$?
  CHILD=""
  m1=$(machine_ticks)
  read -r wall user sys < <(tail -n1 "$out.rawtime")
  read -r b0 t0 <<< "$m0"; read -r b1 t1 <<< "$m1"
  echo "$wall $(calc "$user + $sys" 2) $(calc "($b1 - $b0) / ($t1 - $t0) * $NPROC" 2) $load" > "$out.time"
  return $rc
}

# run_cli VISIBLE TOTAL SECONDS DIR: the FFmpeg CLI makes SECONDS of program into DIR.
# Prints "wall_s cpu_s busy_cores load1 - - 0" (no self-measurement; its frames are not delayed).
run_cli() {
  local v=$1 t=$2 secs=$3 dir=$4 i name wh br
  mkdir -p "$dir"
  local -a inputs; mapfile -t inputs < <(input_args "$v" "$t")
  {
    canvas_graph "$v" "$(gallery_tiles "$v" "$t")"; printf ';[canvas]split=%d' "${#RUNG_SPECS[@]}"
    for ((i = 0; i < ${#RUNG_SPECS[@]}; i++)); do printf '[c%d]' "$i"; done
    for ((i = 0; i < ${#RUNG_SPECS[@]}; i++)); do
      wh=$(rung_field "${RUNG_SPECS[$i]}" 1)
      if [ "$wh" = "${CANVAS_W}x${CANVAS_H}" ]; then printf ';[c%d]null[r%d]' "$i" "$i"
      else printf ';[c%d]scale=%s:%s:flags=%s[r%d]' "$i" "${wh%x*}" "${wh#*x}" "$REF_FLAGS" "$i"; fi
    done
    printf ';'; amix_graph "$t"
  } > "$dir/graph.txt"
  local -a outs=()
  for ((i = 0; i < ${#RUNG_SPECS[@]}; i++)); do
    name=$(rung_field "${RUNG_SPECS[$i]}" 0); br=$(rung_field "${RUNG_SPECS[$i]}" 2)
    outs+=(-map "[r$i]" -c:v libx264 -preset "$PRESET" -b:v "$br" -maxrate "$br" -bufsize "$(( ${br%k} * 2 ))k"
           -g 60 -keyint_min 60 -sc_threshold 0 -bf 0 -r "$FPS" -t "$secs" "$dir/$name.mkv")
  done
  outs+=(-map '[aout]' -c:a aac -b:a 128k -ar 48000 -t "$secs" "$dir/audio.m4a")
  timed "$dir/run" ffmpeg -nostdin -hide_banner -y "${inputs[@]}" -filter_complex_script "$dir/graph.txt" "${outs[@]}" ||
    die "ffmpeg CLI failed for $v visible / $t connected: see $dir/run.log"
  echo "$(cat "$dir/run.time") - 0"
}

# run_amphi VISIBLE TOTAL SECONDS DIR SHORTCUTS: --amphi-cmd makes SECONDS of program into DIR, with
# (besides {V} {T} {SECONDS} {INPUTS} {OUT} {PRESET} replaced in the command text) in its environment:
#   AMPHI_BENCH_VISIBLE=V  AMPHI_BENCH_CONNECTED=T  AMPHI_BENCH_SECONDS=program seconds to make
#   AMPHI_BENCH_INPUTS=file with T input paths, one a line: the V video+audio MP4s (gallery order)
#     then T-V audio-only M4As; the harness reads them from disk as it goes, looping them
#   AMPHI_BENCH_PRESET, AMPHI_BENCH_RUNGS=name:WxH:bitrate,...  AMPHI_BENCH_FPS  AMPHI_BENCH_CANVAS=WxH
#   AMPHI_BENCH_SHORTCUTS=tile savings kept  AMPHI_BENCH_LABELS=0 (no names on the tiles)
#   AMPHI_BENCH_WARMUP=--warmup (where its own cross-check window starts)
#   AMPHI_BENCH_PSNR_SECONDS, AMPHI_BENCH_OUT=directory: it writes OUT/canvas.y4m and OUT/<rung>.h264
#     (Annex B) for the first D + PSNR seconds of program, and prints "ALIGN delay_frames=D" (its frame
#     n + D shows the inputs' frame n); optionally "RESULT ... cpu_s_per_program_s=X" (its own view).
# Prints "wall_s cpu_s busy_cores load1 self_cpu_per_program_s delay_frames".
run_amphi() {
  local v=$1 t=$2 secs=$3 dir=$4 set=$5 i f
  mkdir -p "$dir/out"
  { for ((i = 0; i < v; i++)); do video_input "$i"; echo; done
    for ((i = 0; i < t - v; i++)); do audio_input "$i"; echo; done; } > "$dir/inputs.txt"
  local cmd=$AMPHI_CMD
  cmd=${cmd//\{V\}/$v}; cmd=${cmd//\{T\}/$t}; cmd=${cmd//\{SECONDS\}/$secs}
  cmd=${cmd//\{INPUTS\}/$dir/inputs.txt}; cmd=${cmd//\{OUT\}/$dir/out}; cmd=${cmd//\{PRESET\}/$PRESET}
  AMPHI_BENCH_VISIBLE=$v AMPHI_BENCH_CONNECTED=$t AMPHI_BENCH_SECONDS=$secs AMPHI_BENCH_WARMUP=$WARMUP_S \
  AMPHI_BENCH_INPUTS="$dir/inputs.txt" AMPHI_BENCH_PRESET=$PRESET AMPHI_BENCH_RUNGS=$RUNGS \
  AMPHI_BENCH_FPS=$FPS AMPHI_BENCH_CANVAS="${CANVAS_W}x${CANVAS_H}" AMPHI_BENCH_OUT="$dir/out" \
  AMPHI_BENCH_PSNR_SECONDS=$PSNR_S AMPHI_BENCH_SHORTCUTS=$set AMPHI_BENCH_LABELS=0 \
    timed "$dir/run" bash -c "cd '$REPO_DIR' && $cmd" || die "amphi command failed for $v visible / $t connected: see $dir/run.log"
  for f in "$dir/out"/*.h264; do   # Annex B at FPS frames a second -> Matroska, as the CLI's rungs
    [ -s "$f" ] || continue
    ffmpeg -nostdin -hide_banner -loglevel error -y -fflags +genpts -r "$FPS" -i "$f" -c copy "${f%.h264}.mkv" && rm -f "$f"
  done
  local self delay
  self=$(sed -nE 's/^RESULT .*cpu_s_per_program_s=([0-9.]+).*/\1/p' "$dir/run.log" | tail -n1)
  delay=$(sed -nE 's/^ALIGN delay_frames=([0-9]+).*/\1/p' "$dir/run.log" | tail -n1)
  [ -n "$delay" ] || { [ "$PSNR_S" -eq 0 ] && delay=0; } || die "amphi command printed no 'ALIGN delay_frames=D' line: see $dir/run.log"
  echo "$(cat "$dir/run.time") ${self:--} $delay"
}

# ---------------------------------------------------------------- main
make_inputs
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$BENCH_DIR/results"
CSV="$BENCH_DIR/results/compose-$STAMP.csv"
MD="${CSV%.csv}.md"
RUNG_NAMES=(); for r in "${RUNG_SPECS[@]}"; do RUNG_NAMES+=("$(rung_field "$r" 0)"); done
{ printf 'side,visible,connected,preset,warmup_s,measured_s,round,wall_short_s,cpu_short_s,wall_long_s,cpu_long_s,'
  printf 'rtf,cpu_s_per_program_s,self_cpu_s_per_program_s,machine_busy_cores,load1_before'
  for n in "${RUNG_NAMES[@]}"; do printf ',psnr_%s' "$n"; done; echo ',psnr_canvas,delay_frames'; } > "$CSV"

# median_range "x1 x2 ...": the median (the lower middle for an even count) and, for several values, " (min-max)".
median_range() {
  local -a xs; mapfile -t xs < <(tr ' ' '\n' <<< "$1" | grep -E '^-?[0-9.]+$' | sort -g)
  local n=${#xs[@]}
  if [ "$n" -eq 0 ]; then echo -; elif [ "$n" -eq 1 ]; then echo "${xs[0]}"; else echo "${xs[$(( (n - 1) / 2 ))]} (${xs[0]}-${xs[$((n - 1))]})"; fi
}
with_x() { if [[ "$1" == *" "* ]]; then echo "${1/ /x }"; elif [ "$1" = - ]; then echo -; else echo "${1}x"; fi; }

declare -A CPUS RTFS PSNR COND
PSNR_FRAMES=$((PSNR_S * FPS))
LONG_S=$((WARMUP_S + MEASURE_S))
for r in "${RUNS[@]}"; do
  read -r v t <<< "$r"
  ref="$WORK/reference-$v-$t.mkv"
  if [ "$PSNR_S" -gt 0 ]; then
    log "reference canvas: $v visible / $t connected, $PSNR_S s, full quality, lossless"
    render_reference "$v" "$t" "$PSNR_FRAMES" "$ref" || die "reference render failed for $v visible / $t connected"
  fi
  for ((round = 1; round <= ROUNDS; round++)); do
    declare -A LINE=()
    for len in short long; do
      secs=$WARMUP_S; [ "$len" = long ] && secs=$LONG_S
      for side in "${SIDES[@]}"; do
        dir="$WORK/$side-$v-$t-r$round-$len"
        log "$side: $v visible / $t connected, $secs s of program, round $round of $ROUNDS (load $(loadavg1))"
        if [ "$side" = cli ]; then LINE["$side $len"]=$(run_cli "$v" "$t" "$secs" "$dir")
        else LINE["$side $len"]=$(run_amphi "$v" "$t" "$secs" "$dir" "$(shortcuts_of "$side")"); fi
        [ "$len" = short ] && [ "$KEEP_WORK" -eq 0 ] && rm -rf "$dir"
      done
    done
    for side in "${SIDES[@]}"; do
      read -r ws cs _ _ _ _ <<< "${LINE["$side short"]}"
      read -r wl cl busy load self delay <<< "${LINE["$side long"]}"
      dir="$WORK/$side-$v-$t-r$round-long"; pdir=$dir; [ "$side" != cli ] && pdir=$dir/out
      wall=$(calc "$wl - $ws" 2); cpu=$(calc "$cl - $cs" 2)
      rtf=$(awk -v m="$MEASURE_S" -v w="$wall" 'BEGIN { if (w > 0) printf "%.3f", m / w; else print "-" }')
      cpu_pp=$(awk -v m="$MEASURE_S" -v c="$cpu" 'BEGIN { if (c > 0) printf "%.3f", c / m; else print "-" }')
      if [ "$round" -eq 1 ]; then
        psnr="- - - - -"
        [ "$PSNR_S" -gt 0 ] && psnr=$(psnr_side "$pdir" "$delay" "$ref" "$PSNR_FRAMES")
        PSNR["$side $v $t"]=$psnr; COND["$side $v $t"]="$load / $busy"
      fi
      psnr=${PSNR["$side $v $t"]}
      log "$side: ${rtf}x real time, $cpu_pp CPU-s per program-s over the last $MEASURE_S s (own view: $self), PSNR ${psnr// / / } dB"
      echo "$side,$v,$t,$PRESET,$WARMUP_S,$MEASURE_S,$round,$ws,$cs,$wl,$cl,$rtf,$cpu_pp,$self,$busy,$load,${psnr// /,},$delay" >> "$CSV"
      CPUS["$side $v $t"]+=" $cpu_pp"; RTFS["$side $v $t"]+=" $rtf"
      [ "$KEEP_WORK" -eq 0 ] && { [ "$round" -gt 1 ] || [ "$PSNR_S" -eq 0 ]; } && rm -rf "$dir"
    done
    unset LINE
  done
  [ "$KEEP_WORK" -eq 0 ] && rm -rf "$WORK"/*-"$v"-"$t"-r1-long "$ref"
done

# Markdown table: one row per side and run.
{
  echo "Compositing benchmark $STAMP: $CANVAS_W x $CANVAS_H canvas, $FPS fps, ladder $RUNGS, x264 preset $PRESET;"
  echo "each side made $WARMUP_S s and $((WARMUP_S + MEASURE_S)) s of program: figures are the difference (the last $MEASURE_S s);"
  echo "$NPROC cores, $ROUNDS round(s): median (range). PSNR against the full-quality reference canvas, first $PSNR_S s."
  echo
  printf '| visible | connected | side | rtf | CPU-s/program-s | CPU ratio to CLI | PSNR %s (dB) | canvas PSNR (dB) | load before / busy cores |\n' "$(IFS=/; echo "${RUNG_NAMES[*]}")"
  echo '|---:|---:|---|---:|---:|---:|---|---:|---|'
  for r in "${RUNS[@]}"; do
    read -r v t <<< "$r"
    ccpu=$(median_range "${CPUS["cli $v $t"]:-}")
    for side in "${SIDES[@]}"; do
      cpu=$(median_range "${CPUS["$side $v $t"]}"); rtf=$(median_range "${RTFS["$side $v $t"]}")
      ratio=-; [ "$ccpu" != - ] && [ "$cpu" != - ] && ratio=$(calc "${cpu%% *} / ${ccpu%% *}" 2)
      read -r p1 p2 p3 p4 pc <<< "${PSNR["$side $v $t"]}"
      [ "$side" = cli ] && pc="(reference)"
      printf '| %s | %s | %s | %s | %s | %s | %s / %s / %s / %s | %s | %s |\n' "$v" "$t" "$side" "$(with_x "$rtf")" "$cpu" \
        "$ratio" "$p1" "$p2" "$p3" "$p4" "$pc" "${COND["$side $v $t"]}"
    done
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
