# Sourced by bench/compose.sh: the inputs, the gallery's geometry (as Amphi's LayoutEngine places
# it), the FFmpeg filter graphs of the CLI side and the reference canvas, and PSNR.
# Uses the settings compose.sh defines (CANVAS_W, CANVAS_H, FPS, BACKGROUND, PLACEHOLDER, RUNGS,
# REF_FLAGS, INPUT_DIR, INPUT_TAG, INPUT_S, FONT, MAX_VISIBLE, MAX_AUDIO_ONLY).

even() { echo $(( $1 / 2 * 2 )); }
calc() { awk "BEGIN { printf \"%.${2:-3}f\", $1 }"; }

# ---------------------------------------------------------------- inputs (made once)
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

# ---------------------------------------------------------------- the gallery
# gallery_geometry TILES: "cols rows tw th x0 y0": the gallery page of TILES speakers as Amphi's
# LayoutEngine places it: ceil(sqrt(TILES)) columns, the largest even 16:9 tile that fits with a
# gap of min(W, H) / 135 (8 px at 1080p) between and around the tiles, the grid centred.
gallery_gap() { local m=$(( CANVAS_W < CANVAS_H ? CANVAS_W : CANVAS_H )); m=$(( m / 135 )); even $(( m < 2 ? 2 : m )); }
gallery_geometry() {
  local k=$1 gap cols rows w0 h0 tw th
  gap=$(gallery_gap)
  cols=$(awk -v k="$k" 'BEGIN { n = int(sqrt(k)); if (n * n < k) n++; print n }')
  rows=$(( (k + cols - 1) / cols ))
  w0=$(even $(( (CANVAS_W - (cols + 1) * gap) / cols ))); h0=$(even $(( (CANVAS_H - (rows + 1) * gap) / rows )))
  [ "$w0" -lt 2 ] && w0=2; [ "$h0" -lt 2 ] && h0=2
  if [ $(( w0 * 9 )) -le $(( h0 * 16 )) ]; then tw=$w0; th=$(( w0 * 9 / 16 )); else th=$h0; tw=$(( h0 * 16 / 9 )); fi
  tw=$(even "$tw"); th=$(even "$th"); [ "$tw" -lt 2 ] && tw=2; [ "$th" -lt 2 ] && th=2
  echo "$cols $rows $tw $th $(even $(( (CANVAS_W - (cols * tw + (cols - 1) * gap)) / 2 ))) $(even $(( (CANVAS_H - (rows * th + (rows - 1) * gap)) / 2 )))"
}

# canvas_graph VISIBLE TILES: filter text from inputs 0..VISIBLE-1 to the label [canvas]: the first
# gallery page of a room whose first VISIBLE speakers send video and the others audio only. Each
# video is decoded in full (FFmpeg's decoder, loop filter on, every frame) and scaled to its tile with
# REF_FLAGS (bicubic); a speaker without video is Amphi's placeholder, a flat mid-grey tile; no
# names are drawn (ProgramBench runs with AMPHI_BENCH_LABELS=0). Both the CLI side and the
# reference canvas use it.
canvas_graph() {
  local v=$1 k=$2 cols rows tw th x0 y0 i gap layout="" row col in_row shift
  read -r cols rows tw th x0 y0 <<< "$(gallery_geometry "$k")"
  gap=$(gallery_gap)
  for ((i = 0; i < k; i++)); do
    if [ "$i" -lt "$v" ]; then
      printf '[%d:v]scale=%d:%d:flags=%s,setsar=1[t%d];' "$i" "$tw" "$th" "$REF_FLAGS" "$i"
    else
      printf 'color=c=%s:s=%dx%d:r=%d,format=yuv420p,setsar=1[t%d];' "$PLACEHOLDER" "$tw" "$th" "$FPS" "$i"
    fi
    row=$(( i / cols )); col=$(( i % cols ))
    in_row=$(( k - row * cols )); [ "$in_row" -gt "$cols" ] && in_row=$cols
    shift=$(even $(( (cols - in_row) * (tw + gap) / 2 )))   # the last row centred
    layout+="${layout:+|}$(( shift + col * (tw + gap) ))_$(( row * (th + gap) ))"
  done
  if [ "$k" -eq 1 ]; then
    printf '[t0]'
  else
    for ((i = 0; i < k; i++)); do printf '[t%d]' "$i"; done
    printf 'xstack=inputs=%d:layout=%s:fill=%s,' "$k" "$layout" "$BACKGROUND"
  fi
  printf 'pad=%d:%d:%d:%d:color=%s,format=yuv420p[canvas]' "$CANVAS_W" "$CANVAS_H" "$x0" "$y0" "$BACKGROUND"
}

# gallery_tiles VISIBLE TOTAL: tiles on the first gallery page (Amphi shows up to 49 speakers, in join order).
gallery_tiles() { echo $(( $2 < 49 ? $2 : 49 )); }

IFS=, read -ra RUNG_SPECS <<< "$RUNGS"
rung_field() { local IFS=:; local a; read -ra a <<< "$1"; echo "${a[$2]}"; }   # 0 name, 1 WxH, 2 bitrate

# input_args VISIBLE TOTAL: ffmpeg input options, video speakers first, then audio-only ones.
input_args() {
  local v=$1 t=$2 i
  for ((i = 0; i < v; i++)); do printf -- '-stream_loop\n-1\n-i\n%s\n' "$(video_input "$i")"; done
  for ((i = 0; i < t - v; i++)); do printf -- '-stream_loop\n-1\n-i\n%s\n' "$(audio_input "$i")"; done
}

# amix_graph TOTAL: every speaker's audio mixed, no normalisation, into [aout].
amix_graph() {
  local t=$1 i
  for ((i = 0; i < t; i++)); do printf '[%d:a]' "$i"; done
  printf 'amix=inputs=%d:normalize=0:duration=longest[aout]' "$t"
}

# ---------------------------------------------------------------- the reference and PSNR
# render_reference VISIBLE TOTAL FRAMES OUT: the reference canvas: canvas_graph's picture from the
# same input files, its first FRAMES frames, losslessly (x264 qp 0) into OUT.
render_reference() {
  local v=$1 t=$2 frames=$3 out=$4
  local -a inputs; mapfile -t inputs < <(input_args "$v" "$v")
  ffmpeg -nostdin -hide_banner -loglevel error -y "${inputs[@]}" -filter_complex "$(canvas_graph "$v" "$(gallery_tiles "$v" "$t")")" \
    -map '[canvas]' -c:v libx264 -preset ultrafast -qp 0 -r "$FPS" -frames:v "$frames" "$out.part.mkv" && mv "$out.part.mkv" "$out"
}

# psnr_of DIST SKIP REF W H FRAMES: average PSNR (dB, all planes) of DIST's frames SKIP..SKIP+FRAMES-1
# against REF's first FRAMES frames scaled to WxH with REF_FLAGS, paired by frame number (Matroska
# rounds timestamps to milliseconds, Y4M does not); empty when it cannot be computed.
psnr_of() {
  local dist=$1 skip=$2 ref=$3 w=$4 h=$5 frames=$6
  ffmpeg -nostdin -hide_banner -i "$dist" -i "$ref" -filter_complex \
    "[0:v]trim=start_frame=$skip:end_frame=$(( skip + frames )),settb=1/$FPS,setpts=N,setsar=1[d];[1:v]trim=end_frame=$frames,settb=1/$FPS,setpts=N,scale=$w:$h:flags=$REF_FLAGS,setsar=1[r];[d][r]psnr=shortest=1" \
    -f null - 2>&1 | awk '/Parsed_psnr/ && /average:/ { for (i = 1; i <= NF; i++) if ($i ~ /^average:/) { sub(/average:/, "", $i); printf "%.2f\n", $i } }' | tail -n1
}

# psnr_side DIR SKIP REF FRAMES: "p1 p2 p3 p4 canvas": PSNR of DIR/<rung>.mkv (and DIR/canvas.y4m
# where there is one) against the reference REF, "-" where missing.
psnr_side() {
  local dir=$1 skip=$2 ref=$3 frames=$4 r name wh p out=()
  for r in "${RUNG_SPECS[@]}"; do
    name=$(rung_field "$r" 0); wh=$(rung_field "$r" 1)
    p=""; [ -s "$dir/$name.mkv" ] && p=$(psnr_of "$dir/$name.mkv" "$skip" "$ref" "${wh%x*}" "${wh#*x}" "$frames")
    out+=("${p:--}")
  done
  p=""; [ -s "$dir/canvas.y4m" ] && p=$(psnr_of "$dir/canvas.y4m" "$skip" "$ref" "$CANVAS_W" "$CANVAS_H" "$frames")
  out+=("${p:--}")
  echo "${out[*]}"
}
