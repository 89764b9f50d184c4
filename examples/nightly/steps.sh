#!/usr/bin/env bash
# The nightly flow's steps, shared by the project's nightly workflow
# (.github/workflows/nightly.yml) and the Slurm array script (slurm-array.sh), and run locally
# by tests/integration/compare.rs:
#
#   steps.sh shard I N          run shard I of N into $WORK/shards/shard-I.jsonl (resumable)
#   steps.sh fetch URL SITE     download the site published at URL (every file its files.txt
#                               lists) into SITE, and start $OPTBENCH_HISTORY from its
#                               history.jsonl; nothing published yet (files.txt not found) is
#                               an empty SITE, any other failure fails the step, so a
#                               half-fetched site is never published over the old one
#   steps.sh merge [BASELINE]   take the timing pass on this machine ($WORK/timing.json; render
#                               measures nothing), render every shard with it into $WORK/site
#                               with the history appended; then, if BASELINE (a published report
#                               folder, such as SITE/latest) exists, compare against it:
#                               $WORK/compare.md, $WORK/site/benchmark.json, and this script's
#                               exit code (1: a timing regression).
#   steps.sh publish SITE       put the merged report ($WORK/site) into SITE as SITE/DATE/ and
#                               SITE/latest/ (a rerun on the same day replaces that day's), copy
#                               the history to SITE/history.jsonl, drop the oldest dated reports
#                               beyond $OPTBENCH_KEEP, write the landing page (`optbench site
#                               SITE`) and SITE/files.txt, the list `fetch` reads next night.
#
# The published site:
#   index.html      the landing page: the latest report, the dated ones, the trend link
#   history.jsonl   one summary line per night (the trend charts' series)
#   latest/         the newest report
#   latest.results.jsonl.zst  its records, the baseline of the next night
#   YYYY-MM-DD/     the dated reports, the newest $OPTBENCH_KEEP of them
#   files.txt       every file of the site, for the next night's fetch
#
# Settings (environment):
#   OPTBENCH            the binary (default: optbench on PATH)
#   OPTBENCH_PRESET     the grid preset (default: standard), or
#   OPTBENCH_GRID       a grid file instead
#   OPTBENCH_JOBS       worker threads per shard (default: all cores)
#   OPTBENCH_WORK       working folder (default: nightly)
#   OPTBENCH_THRESHOLD  timing regression threshold (default: 25%: CI runners are noisy)
#   OPTBENCH_HISTORY    history file to append to (default: $WORK/history.jsonl; `fetch`
#                       starts it from the published one to keep the series going)
#   OPTBENCH_KEEP       dated reports the site keeps (default: 14)
#   OPTBENCH_DATE       the dated folder `publish` writes (default: today, UTC, YYYY-MM-DD)
set -euo pipefail

optbench=${OPTBENCH:-optbench}
work=${OPTBENCH_WORK:-nightly}
if [ -n "${OPTBENCH_GRID:-}" ]; then
    grid=(--grid "$OPTBENCH_GRID")
else
    grid=(--preset "${OPTBENCH_PRESET:-standard}")
fi
jobs=()
if [ -n "${OPTBENCH_JOBS:-}" ]; then
    jobs=(--jobs "$OPTBENCH_JOBS")
fi
history=${OPTBENCH_HISTORY:-$work/history.jsonl}

usage() {
    echo "usage: steps.sh shard I N | fetch URL SITE | merge [BASELINE] | publish SITE" >&2
    exit 2
}

case "${1:-}" in
shard)
    [ $# -eq 3 ] || usage
    mkdir -p "$work/shards"
    "$optbench" run "${grid[@]}" "${jobs[@]}" --shard "$2/$3" \
        --out "$work/shards/shard-$2.jsonl" --resume --quiet
    ;;
merge)
    [ $# -le 2 ] || usage
    shopt -s nullglob
    shards=("$work"/shards/shard-*.jsonl)
    if [ ${#shards[@]} -eq 0 ]; then
        echo "steps.sh merge: no shard results in $work/shards" >&2
        exit 2
    fi
    # The step costs compared night to night come from this one machine, not from the shards'.
    "$optbench" timing --out "$work/timing.json"
    "$optbench" render "${shards[@]}" --out "$work/site" --name nightly --history "$history" \
        --timing "$work/timing.json"
    cp "$history" "$work/site/history.jsonl"
    baseline=${2:-}
    # A report's records are beside its folder (BASELINE.results.jsonl.zst).
    if [ -n "$baseline" ] && [ -f "$baseline.results.jsonl.zst" ]; then
        threshold=${OPTBENCH_THRESHOLD:-25%}
        status=0
        "$optbench" compare "$baseline" "$work/site" --threshold "$threshold" \
            --format json >"$work/site/benchmark.json" || status=$?
        "$optbench" compare "$baseline" "$work/site" --threshold "$threshold" \
            >"$work/compare.md" || true
        cat "$work/compare.md"
        exit "$status"
    fi
    echo "steps.sh merge: no baseline to compare with (first night?)"
    ;;
fetch)
    [ $# -eq 3 ] || usage
    url=${2%/}
    site=$3
    mkdir -p "$site"
    config=$(mktemp)
    trap 'rm -f "$config" "$config.err"' EXIT
    # 404 (or, for a file:// URL, no such file: curl's 37): nothing is published yet.
    status=0
    code=$(curl -sSL --retry 3 -o "$site/files.txt" -w '%{http_code}' "$url/files.txt" \
        2>"$config.err") || status=$?
    if [ "$code" = 404 ] || [ "$status" -eq 37 ]; then
        rm -f "$site/files.txt"
        echo "steps.sh fetch: nothing published at $url yet (first night?)"
        exit 0
    fi
    if [ "$status" -ne 0 ] || { [ "$code" != 200 ] && [ "$code" != 000 ]; }; then
        cat "$config.err" >&2
        echo "steps.sh fetch: $url/files.txt: HTTP $code, curl exit $status" >&2
        exit 1
    fi
    while IFS= read -r f; do
        case "$f" in
        "" | /* | *..* | *[!A-Za-z0-9._/-]*)
            echo "steps.sh fetch: $url/files.txt lists an odd path: $f" >&2
            exit 1
            ;;
        esac
        printf 'url = "%s/%s"\noutput = "%s/%s"\n' "$url" "$f" "$site" "$f" >>"$config"
    done <"$site/files.txt"
    if [ -s "$config" ]; then
        curl -fsSL --no-progress-meter --retry 3 --create-dirs --parallel --parallel-max 16 \
            -K "$config"
    fi
    if [ -f "$site/history.jsonl" ] && [ ! -e "$history" ]; then
        mkdir -p "$(dirname "$history")"
        cp "$site/history.jsonl" "$history"
    fi
    echo "steps.sh fetch: $(wc -l <"$site/files.txt") files from $url"
    ;;
publish)
    [ $# -eq 2 ] || usage
    site=$2
    keep=${OPTBENCH_KEEP:-14}
    day=${OPTBENCH_DATE:-$(date -u +%Y-%m-%d)}
    if ! [[ "$keep" =~ ^[1-9][0-9]*$ ]]; then
        echo "steps.sh publish: OPTBENCH_KEEP=$keep: give a number of reports, 1 or more" >&2
        exit 2
    fi
    if ! [[ "$day" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
        echo "steps.sh publish: OPTBENCH_DATE=$day: give a date as YYYY-MM-DD" >&2
        exit 2
    fi
    if [ ! -f "$work/site/manifest.json" ]; then
        echo "steps.sh publish: no report in $work/site (run merge first)" >&2
        exit 2
    fi
    mkdir -p "$site"
    rm -rf "${site:?}/$day" "${site:?}/latest"
    cp -R "$work/site" "$site/$day"
    cp -R "$work/site" "$site/latest"
    # The records (every run's curves, several times a report's size) are published for the
    # latest report only: they are the next night's baseline. Each dated report keeps its
    # table of runs (runs.csv.gz).
    cp "$work/site.results.jsonl.zst" "$site/latest.results.jsonl.zst"
    if [ -f "$history" ]; then
        cp "$history" "$site/history.jsonl"
    fi
    # The dated folders, oldest first (their names sort by date); drop all but the last $keep.
    shopt -s nullglob
    dated=("$site"/[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]/)
    for ((i = 0; i < ${#dated[@]} - keep; i++)); do
        rm -rf "${dated[$i]}"
    done
    "$optbench" site "$site"
    files=$(cd "$site" && find . -type f ! -name files.txt | sed 's|^\./||' | LC_ALL=C sort)
    printf '%s\n' "$files" >"$site/files.txt"
    ;;
*)
    usage
    ;;
esac
