#!/usr/bin/env bash
# Runs each fuzz target of tests/integration/fuzz.rs for a time budget (default 600 s each, the
# "10-minute run"): the target is run again and again, OPTBENCH_FUZZ_CASES cases a round, with
# a fresh random seed each round, until its budget is spent. A failure stops the script; the
# minimized input is saved to proptest-regressions/integration/fuzz.txt (commit it).
#
#   tests/fuzz/run.sh                 # every target, 600 s each
#   tests/fuzz/run.sh 5               # every target, 5 s each (what .ci/run does)
#   tests/fuzz/run.sh 600 csv_loader  # one target family
#   OPTBENCH_FUZZ_BIN=/tmp/integration tests/fuzz/run.sh   # with a binary built and copied aside
set -euo pipefail
cd "$(dirname "$0")/../.."

budget="${1:-600}"
shift || true
targets=("${@:-spec_parsers grid_loader csv_loader results_reader}")
cases="${OPTBENCH_FUZZ_CASES:-500}"

# OPTBENCH_FUZZ_BIN: an integration test binary built already (copied aside, so that a
# rebuild during a long run cannot replace it); else it is built here.
bin="${OPTBENCH_FUZZ_BIN:-}"
if [ -z "$bin" ]; then
    bin=$(cargo test --release --test integration --no-run 2>&1 | grep -o 'target/release/deps/integration-[0-9a-f]*' | tail -1)
fi
[ -x "$bin" ] || { echo "cannot build the integration test binary" >&2; exit 1; }
# The results target makes a real results file with the optbench binary; cargo tells a test
# where it is only when cargo runs the test, so say it here.
export CARGO_BIN_EXE_optbench="${CARGO_BIN_EXE_optbench:-$PWD/target/release/optbench}"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for target in ${targets[*]}; do
    start=$(date +%s)
    rounds=0
    while :; do
        now=$(date +%s)
        left=$((start + budget - now))
        [ "$left" -le 0 ] && break
        # Each round is cut at the time left, so the budget holds even if a round is slow.
        status=0
        OPTBENCH_FUZZ_CASES="$cases" timeout "$left" "$bin" --quiet "fuzz::$target" >"$log" 2>&1 || status=$?
        if [ "$status" -eq 124 ]; then
            break
        elif [ "$status" -ne 0 ]; then
            cat "$log"
            echo "fuzz target $target FAILED (minimized case in proptest-regressions/integration/fuzz.txt)" >&2
            exit 1
        fi
        rounds=$((rounds + 1))
    done
    # Each target has two tests (arbitrary input, edited valid input), each run $cases cases a round.
    total=$((rounds * cases * 2))
    echo "fuzz target $target: $rounds complete rounds, $total cases in ${budget} s ($((total / budget)) cases/s), no failure"
done
