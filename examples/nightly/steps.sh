#!/usr/bin/env bash
# The nightly flow's steps, shared by the GitHub Actions workflow (nightly.yml) and the Slurm
# array script (slurm-array.sh), and run locally by tests/integration/compare.rs:
#
#   steps.sh shard I N          run shard I of N into $WORK/shards/shard-I.jsonl (resumable)
#   steps.sh merge [BASELINE]   take the timing pass on this machine ($WORK/timing.json; render
#                               measures nothing), render every shard with it into $WORK/site
#                               with the history appended; then, if BASELINE (a published report
#                               folder) exists, compare against it: $WORK/compare.md,
#                               $WORK/site/benchmark.json, and this script's exit code (1: a
#                               timing regression).
#
# Settings (environment):
#   OPTBENCH            the binary (default: optbench on PATH)
#   OPTBENCH_PRESET     the grid preset (default: standard), or
#   OPTBENCH_GRID       a grid file instead
#   OPTBENCH_JOBS       worker threads per shard (default: all cores)
#   OPTBENCH_WORK       working folder (default: nightly)
#   OPTBENCH_THRESHOLD  timing regression threshold (default: 25%: CI runners are noisy)
#   OPTBENCH_HISTORY    history file to append to (default: $WORK/history.jsonl; put the
#                       published one there first to keep the series going)
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
    echo "usage: steps.sh shard I N | steps.sh merge [BASELINE]" >&2
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
    if [ -n "$baseline" ] && { [ -f "$baseline/results.jsonl.zst" ] || [ -f "$baseline/results.jsonl" ]; }; then
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
*)
    usage
    ;;
esac
