#!/usr/bin/env bash
# Render check of a run report: opens REPORT_DIR/index.html in headless Chromium and fails unless
#   1. every <img> loaded (checked in a scratch copy of the report with a small onload script that
#      writes the broken images into the DOM, read back with --dump-dom; the report has no script),
#   2. a full-page screenshot is not blank (enough non-white pixels and colours, decoded with the
#      Python standard library).
# Chromium is Debian's `chromium` package; when the binary is missing it is installed with apt-get.
# Usage: tests/report_render.sh REPORT_DIR [SCREENSHOT_PNG]   (default REPORT_DIR/screenshot.png)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="${1:?usage: tests/report_render.sh REPORT_DIR [SCREENSHOT_PNG]}"
dir="$(cd "$dir" && pwd)"
shot="${2:-$dir/screenshot.png}"
fail() { echo "RENDER CHECK FAILED: $*" >&2; exit 1; }
[[ -f "$dir/index.html" ]] || fail "no index.html in $dir"

chromium_bin="$(command -v chromium || command -v chromium-browser || true)"
if [[ -z "$chromium_bin" ]]; then
  echo "render check: chromium is not installed; installing Debian's chromium package (apt-get install -y chromium)"
  ((EUID == 0)) || fail "chromium is missing and installing it needs root (apt-get install -y chromium)"
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 chromium; } \
    > /tmp/report-render-apt.log 2>&1 || fail "apt-get install chromium failed, see /tmp/report-render-apt.log"
  chromium_bin="$(command -v chromium)" || fail "chromium still not on PATH after apt-get install"
fi

scratch="$(mktemp -d /tmp/report-render.XXXXXX)"
trap 'rm -rf "$scratch"' EXIT
# Root in a container: no sandbox; its own profile so that parallel runs do not share one.
chrome() {
  timeout 120 "$chromium_bin" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --user-data-dir="$scratch/profile" "$@" 2> "$scratch/chromium.log"
}

# 1. Images: a copy of the page (beside the same PNGs) with the check added at the end of <body>.
cp -r "$dir"/. "$scratch/page/" 2>/dev/null || { mkdir -p "$scratch/page" && cp -r "$dir"/. "$scratch/page/"; }
check='<script>window.addEventListener("load", function () {
  var imgs = Array.from(document.images);
  var broken = imgs.filter(function (i) { return !i.complete || i.naturalWidth === 0; })
                   .map(function (i) { return i.getAttribute("src"); });
  var p = document.createElement("pre"); p.id = "render-check";
  p.textContent = "RENDER-CHECK images=" + imgs.length + " broken=" + broken.length + " [" + broken.join(",") + "]";
  document.body.appendChild(p);
});</script>'
python3 - "$scratch/page/index.html" "$check" <<'PY'
import sys
path, script = sys.argv[1], sys.argv[2]
html = open(path, encoding="utf-8").read()
if "</body>" not in html:
    sys.exit("index.html has no </body>")
open(path, "w", encoding="utf-8").write(html.replace("</body>", script + "\n</body>", 1))
PY
dom="$(chrome --virtual-time-budget=15000 --dump-dom "file://$scratch/page/index.html")" \
  || fail "chromium --dump-dom failed: $(tail -5 "$scratch/chromium.log")"
result="$(grep -o '<pre id="render-check">RENDER-CHECK [^<]*' <<< "$dom" | sed 's/^.*RENDER-CHECK //' || true)"
[[ -n "$result" ]] || fail "the page's load event never ran (no render-check element in the dumped DOM)"
echo "render check: $result"
images="$(sed -E 's/.*images=([0-9]+).*/\1/' <<< "$result")"
broken="$(sed -E 's/.*broken=([0-9]+).*/\1/' <<< "$result")"
((images > 0)) || fail "the report has no image"
((broken == 0)) || fail "$broken of $images images did not load: $result"

# 2. Screenshot of the untouched page; tall enough for the charts and tables.
chrome --window-size=1100,4000 --screenshot="$shot" "file://$dir/index.html" \
  || fail "chromium --screenshot failed: $(tail -5 "$scratch/chromium.log")"
python3 "$ROOT/tests/png_nonblank.py" "$shot" --width 1100 --height 4000 || fail "the screenshot $shot looks blank"
echo "render check: OK ($images images loaded, screenshot $shot)"
