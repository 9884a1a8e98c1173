#!/usr/bin/env bash
# The province map's first frame for N areas, in Debian's headless Chromium (see index.html). Prints one line a run.
#   bench/map/run.sh [n ...]      default: 102 1000 10000 areas, polygons and points, at 1920×1080 and 3840×2160
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
[ -d ../../dashboard/IocCenter.Dashboard/client/node_modules/d3-geo ] || (cd ../../dashboard/IocCenter.Dashboard/client && npm ci --silent)
sizes=("${@:-102 1000 10000}")
for n in ${sizes[@]}; do
  for kind in polygon point; do
    for size in 1920,1080 3840,2160; do
      chromium --headless=new --no-sandbox --disable-gpu --allow-file-access-from-files --window-size="$size" \
        --dump-dom "file://$PWD/index.html?n=$n&kind=$kind" 2>/dev/null | sed -n 's/.*<pre id="result">\(.*\)<\/pre>.*/\1/p'
    done
  done
done
