#!/usr/bin/env bash
# The danmaku overlay benchmark: Amphi's overlay and the npm `danmaku` renderer, side by side in
# headless Chromium, with 200 and 1,000 comments on screen; prints rAF frame times p50/p95.
# Needs node and npm (the peer is fetched once into bench/overlay/node_modules, git-ignored) and
# Debian's chromium. Extra arguments go to run.mjs (e.g. --ns 200 --measure 20000).
set -euo pipefail
cd "$(dirname "$0")/overlay"
PEER_VERSION=2.0.10
if [ ! -f node_modules/danmaku/package.json ] || ! grep -q "\"version\": \"$PEER_VERSION\"" node_modules/danmaku/package.json; then
  npm install --no-save --no-package-lock --prefix . "danmaku@$PEER_VERSION" >/dev/null
fi
echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p' | head -1)"
echo "load average before the run: $(cut -d" " -f1-3 /proc/loadavg)"
exec node run.mjs "$@"
