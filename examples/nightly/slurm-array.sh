#!/usr/bin/env bash
# The nightly flow on a Slurm cluster: one array task per shard, then a merge job that starts
# when every shard succeeded. Submit from the folder that should hold the results:
#
#   OPTBENCH=/path/to/optbench bash examples/nightly/slurm-array.sh [SHARDS] [BASELINE]
#
# Run without Slurm's variables, the script submits itself: the array (SHARDS tasks, default
# 16) and the merge job (--dependency=afterok on the array). Inside the array each task runs
# `steps.sh shard $SLURM_ARRAY_TASK_ID $SHARDS`; the merge job runs `steps.sh merge BASELINE`.
# Every task writes its own results file and resumes it if requeued, so a preempted task
# loses at most the runs in flight. Settings: see steps.sh.
#
#SBATCH --job-name=optbench
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=02:00:00
#SBATCH --requeue
#SBATCH --output=optbench-%A_%a.log
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
steps="$here/steps.sh"
if [ -n "${SLURM_SUBMIT_DIR:-}" ] && [ -f "${OPTBENCH_STEPS:-}" ]; then
    steps=$OPTBENCH_STEPS # Slurm runs a copy of this script: use the path given at submission.
fi

case "${OPTBENCH_STAGE:-submit}" in
submit)
    shards=${1:-16}
    baseline=${2:-}
    export OPTBENCH_STEPS="$steps" OPTBENCH_SHARDS="$shards" OPTBENCH_BASELINE="$baseline"
    array=$(sbatch --parsable --array="0-$((shards - 1))" \
        --export=ALL,OPTBENCH_STAGE=shard "$0")
    merge=$(sbatch --parsable --dependency="afterok:${array%%;*}" --cpus-per-task=2 \
        --export=ALL,OPTBENCH_STAGE=merge "$0")
    echo "submitted shards as job $array, merge as job $merge"
    ;;
shard)
    export OPTBENCH_JOBS=${OPTBENCH_JOBS:-${SLURM_CPUS_PER_TASK:-}}
    bash "$steps" shard "$SLURM_ARRAY_TASK_ID" "$OPTBENCH_SHARDS"
    ;;
merge)
    bash "$steps" merge ${OPTBENCH_BASELINE:+"$OPTBENCH_BASELINE"}
    ;;
*)
    echo "slurm-array.sh: unknown OPTBENCH_STAGE=$OPTBENCH_STAGE" >&2
    exit 2
    ;;
esac
