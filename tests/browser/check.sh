#!/usr/bin/env bash
# Renders a small report and loads it in headless Chromium: index.html and one problem page
# must load every image, report no error (the pages count window errors, console.error calls
# and images that failed to load into <html data-errors>), and not be blank.
#
# Usage: tests/browser/check.sh path/to/optbench   (Chromium: Debian's `chromium` package)
set -euo pipefail
binary="$(realpath "$1")"
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
    echo "browser check: chromium is not installed" >&2
    exit 1
fi

"$binary" report --grid "$here/grid.toml" --out "$work/report" --quiet > "$work/report.log"
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --virtual-time-budget=10000)

check_page() {
    local page="$1" dom shot errors loaded size
    dom="$("$chromium" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$work")" --dump-dom "file://$page" 2>/dev/null)"
    errors="$(grep -o 'data-errors="[0-9]*"' <<<"$dom" | head -n1 | tr -dc '0-9')"
    loaded="$(grep -o 'data-loaded="[0-9]*"' <<<"$dom" | head -n1 | tr -dc '0-9')"
    if [ -z "$loaded" ]; then
        echo "browser check: $page did not finish loading" >&2
        return 1
    fi
    if [ "$errors" != "0" ]; then
        echo "browser check: $page reported $errors error(s) (scripts, console or images)" >&2
        return 1
    fi
    if [ "$loaded" -lt 1 ]; then
        echo "browser check: $page shows no figure" >&2
        return 1
    fi
    if ! grep -q '<h1>' <<<"$dom"; then
        echo "browser check: $page has no heading" >&2
        return 1
    fi
    shot="$work/$(basename "$page" .html).png"
    "$chromium" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$work")" --screenshot="$shot" \
        --window-size=1280,2000 "file://$page" >/dev/null 2>&1
    size="$(stat -c %s "$shot")"
    # A blank white page compresses to a few kilobytes; a rendered report is far larger.
    if [ "$size" -lt 40000 ]; then
        echo "browser check: $page looks blank ($size-byte screenshot)" >&2
        return 1
    fi
    echo "browser check: $(basename "$page"): $loaded images, 0 errors, ${size}-byte screenshot"
}

check_page "$work/report/index.html"
check_page "$(ls "$work"/report/problem-*.html | head -n1)"
check_page "$work/report/methodology.html"
