#!/usr/bin/env bash
# Renders a small report and loads every page in headless Chromium at a desktop width
# (1280 px) and a phone width (390 px): each page must load every image, report no error (the
# pages count window errors, console.error calls and images that failed to load into
# <html data-errors>), have a heading, not be blank, and — at phone width — not scroll
# sideways (the pages record scrollWidth − clientWidth into <html data-overflow>).
#
# Usage: tests/browser/check.sh path/to/optbench [SCREENSHOT_DIR [REPORT_DIR [PAGE...]]]
#   (Chromium: Debian's `chromium` package.) With SCREENSHOT_DIR, the screenshots (the first
#   1280 × 900 or 390 × 844 pixels of each page: what a reader sees first) are kept there as
#   PAGE-desktop.png and PAGE-phone.png. With REPORT_DIR, that report is checked instead of a
#   fresh small one; with PAGEs (file names such as index.html), only those pages. The
#   README's screenshots come from:
#   tests/browser/check.sh target/release/optbench docs/screenshots reports/latest \
#       index.html problem-rosenbrock.html
set -euo pipefail
binary="$(realpath "$1")"
keep="${2:-}"
given="${3:-}"
shift $(( $# < 3 ? $# : 3 ))
only=("$@")
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
chromium="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$chromium" ]; then
    echo "browser check: chromium is not installed" >&2
    exit 1
fi

if [ -n "$given" ]; then
    report="$(realpath "$given")"
else
    report="$work/report"
    "$binary" report --grid "$here/grid.toml" --out "$report" --quiet > "$work/report.log"
fi
flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --hide-scrollbars --virtual-time-budget=10000)

attribute() { grep -o "$1=\"[0-9]*\"" <<<"$2" | head -n1 | tr -dc '0-9'; }

check_page() {
    local page="$1" width="$2" height="$3" name="$4" dom shot errors loaded overflow size
    dom="$("$chromium" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$work")" \
        --window-size="$width,1000" --dump-dom "file://$page" 2>/dev/null)"
    errors="$(attribute data-errors "$dom")"
    loaded="$(attribute data-loaded "$dom")"
    overflow="$(attribute data-overflow "$dom")"
    if [ -z "$loaded" ]; then
        echo "browser check: $page did not finish loading at $width px" >&2
        return 1
    fi
    if [ "$errors" != "0" ]; then
        echo "browser check: $page reported $errors error(s) (scripts, console or images)" >&2
        return 1
    fi
    if ! grep -q '<h1>' <<<"$dom"; then
        echo "browser check: $page has no heading" >&2
        return 1
    fi
    if [ "${overflow:-0}" -gt 1 ]; then
        echo "browser check: $page scrolls sideways by ${overflow} px at $width px" >&2
        return 1
    fi
    shot="$work/$(basename "$page" .html)-$name.png"
    "$chromium" "${flags[@]}" --user-data-dir="$(mktemp -d -p "$work")" --screenshot="$shot" \
        --window-size="$width,$height" "file://$page" >/dev/null 2>&1
    size="$(stat -c %s "$shot")"
    # A blank white page compresses to a few kilobytes; a rendered report is far larger.
    if [ "$size" -lt 20000 ]; then
        echo "browser check: $page looks blank at $width px ($size-byte screenshot)" >&2
        return 1
    fi
    if [ -n "$keep" ]; then
        mkdir -p "$keep"
        cp "$shot" "$keep/"
    fi
    echo "browser check: $(basename "$page") at $width px: $loaded images, 0 errors, no sideways scroll, ${size}-byte screenshot"
}

if [ "${#only[@]}" -gt 0 ]; then
    pages=()
    for name in "${only[@]}"; do
        pages+=("$report/$name")
    done
else
    pages=("$report"/*.html)
fi
for page in "${pages[@]}"; do
    if [ ! -f "$page" ]; then
        echo "browser check: $page does not exist" >&2
        exit 1
    fi
    check_page "$page" 1280 900 desktop
    check_page "$page" 390 844 phone
done
