#!/usr/bin/env bash
# Side-by-side speed baselines: optbench against PyTorch, NumPy and JAX on one CPU core.
# See benches/reference/README.md.
#
#   benches/reference/run.sh            full: kernels at 1e3, 1e5, 1e7; reference on 3 seeds
#   benches/reference/run.sh --quick    kernels at 1e3, 1e5 only, shorter torch timing; the
#                                       reference workload on 1 seed for PyTorch and NumPy
#                                       (scaled ×3 in the table), JAX and optbench in full
#   --only kernels|reference            run one half
#
# Environment:
#   OPTBENCH_REF_VENV   the virtualenv (default target/reference-venv; created, or reused)
#   OPTBENCH_REF_OUT    output folder (default target/reference/<date-time>)
#   OPTBENCH_REF_CPU    the CPU every timed command is pinned to with taskset (default: the
#                       last one); "none" to not pin
#   TORCH_CPU_INDEX     PyTorch's CPU-only wheel index, tried first when reachable
#   PYTHON              the interpreter the venv is made from (default python3)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"

quick=0
only=all
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1 ;;
        --only) only=$2; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done
case "$only" in all|kernels|reference) ;; *) echo "run.sh: --only kernels|reference" >&2; exit 2 ;; esac

venv=${OPTBENCH_REF_VENV:-target/reference-venv}
out=${OPTBENCH_REF_OUT:-target/reference/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
torch_cpu_index=${TORCH_CPU_INDEX:-https://download.pytorch.org/whl/cpu}

if [ "$quick" = 1 ]; then
    sizes=1000,100000
    torch_seconds=0.2
    ref_seeds=1
else
    sizes=1000,100000,10000000
    torch_seconds=0.5
    ref_seeds=3
fi

cpu=${OPTBENCH_REF_CPU:-$(( $(nproc) - 1 ))}
if [ "$cpu" = none ] || ! command -v taskset >/dev/null; then
    cpu=""
fi
pin() {
    if [ -n "$cpu" ]; then taskset -c "$cpu" "$@"; else "$@"; fi
}
step() { printf '\n== %s\n' "$*" >&2; }

{
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "git: $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet 2>/dev/null || echo ' (dirty)')"
    echo "mode: $([ "$quick" = 1 ] && echo quick || echo full); pinned to CPU: ${cpu:-no}"
    lscpu | head -20
} > "$out/machine.txt"
cat "$out/machine.txt" >&2

# (i) The virtualenv, created once and reused.
step "python environment: $venv"
if [ ! -x "$venv/bin/python" ]; then
    "${PYTHON:-python3}" -m venv "$venv"
fi
py="$venv/bin/python"
pip_install() { "$py" -m pip install --disable-pip-version-check -q "$@"; }
if ! "$py" -c 'import torch, numpy' 2>/dev/null; then
    base=$(grep -E '^(torch|numpy)' "$here/requirements.txt")
    if "$py" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=5)" \
        "$torch_cpu_index/torch/" 2>/dev/null; then
        echo "installing torch from the CPU-only index $torch_cpu_index" >&2
        # shellcheck disable=SC2086
        pip_install --extra-index-url "$torch_cpu_index" $base
    else
        echo "$torch_cpu_index is not reachable: installing torch from PyPI (CUDA build, ~4 GB)" >&2
        # shellcheck disable=SC2086
        pip_install $base
    fi
fi
if ! "$py" -c 'import jax' 2>/dev/null; then
    pip_install "$(grep -E '^jax' "$here/requirements.txt")" \
        || echo "JAX could not be installed: its row is skipped" >&2
fi
have_jax=0
"$py" -c 'import jax' 2>/dev/null && have_jax=1
"$py" -c 'import sys, torch, numpy; print("python", sys.version.split()[0], "torch", torch.__version__, "numpy", numpy.__version__)' | tee -a "$out/machine.txt" >&2
if [ "$have_jax" = 1 ]; then
    "$py" -c 'import jax; print("jax", jax.__version__)' | tee -a "$out/machine.txt" >&2
fi

# (ii) optbench itself.
step "cargo build --release"
cargo build --release --quiet

kernels=()
reference=()
if [ "$only" != kernels ]; then
    step "optbench run --preset reference --jobs 1 (median of 5)"
    python3 "$here/compare.py" optbench --bin target/release/optbench --reps 5 \
        ${cpu:+--cpu "$cpu"} --out "$out/reference.jsonl"
    reference+=("$out/reference.jsonl")
fi

if [ "$only" != reference ]; then
    # (iii) optbench's update kernels through criterion, same rules and sizes.
    filter='^update/(sgd|adagrad|adadelta|rmsprop|rprop|adam|adamw|nadam|radam|adamax)([:/]|$)'
    # The bench sets its own warm-up and measurement times per size (benches/kernels.rs).
    bench_args=("$filter" --noplot)
    step "criterion: update kernels at $sizes"
    cargo bench --bench kernels --no-run --quiet
    : > "$out/kernels-optbench.jsonl"
    if grep -q OPTBENCH_BENCH_DIMS benches/kernels.rs; then
        since=$(date +%s)
        OPTBENCH_BENCH_DIMS=$sizes pin cargo bench --quiet --bench kernels -- "${bench_args[@]}" \
            > "$out/criterion.log" 2>&1 || { cat "$out/criterion.log" >&2; exit 1; }
        python3 "$here/compare.py" criterion --root target/criterion --since "$since" \
            --out "$out/kernels-optbench.jsonl"
    else
        # A bench that takes one size (OPTBENCH_BENCH_DIM): one criterion run per size,
        # each collected before the next overwrites it.
        for n in ${sizes//,/ }; do
            since=$(date +%s)
            OPTBENCH_BENCH_DIM=$n pin cargo bench --quiet --bench kernels -- "${bench_args[@]}" \
                >> "$out/criterion.log" 2>&1 || { cat "$out/criterion.log" >&2; exit 1; }
            python3 "$here/compare.py" criterion --root target/criterion --since "$since" \
                --n "$n" --out "$out/kernels-optbench.jsonl"
        done
    fi
    kernels+=("$out/kernels-optbench.jsonl")

    # (iv) PyTorch's optimizer steps.
    step "torch.optim steps at $sizes"
    pin "$py" "$here/optimizers.py" --sizes "$sizes" --min-seconds "$torch_seconds" \
        --out "$out/kernels-torch.jsonl"
    kernels+=("$out/kernels-torch.jsonl")
fi

if [ "$only" != kernels ]; then
    step "reference workload: NumPy ($ref_seeds seeds)"
    pin "$py" "$here/reference.py" --impl numpy --seeds "$ref_seeds" \
        --records "$out/records-numpy.jsonl" --json "$out/reference.jsonl" > /dev/null
    if [ "$have_jax" = 1 ]; then
        step "reference workload: JAX (3 seeds; compile timed apart)"
        pin "$py" "$here/reference.py" --impl jax --seeds 3 \
            --records "$out/records-jax.jsonl" --json "$out/reference.jsonl" > /dev/null
    fi
    step "reference workload: PyTorch eager ($ref_seeds seeds; the long one)"
    pin "$py" "$here/reference.py" --impl torch --seeds "$ref_seeds" \
        --records "$out/records-torch.jsonl" --json "$out/reference.jsonl" > /dev/null
fi

# (v) The table.
step "results ($out)"
python3 "$here/compare.py" table --kernels "${kernels[@]}" --reference "${reference[@]}" \
    | tee "$out/table.md"
