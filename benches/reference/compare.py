#!/usr/bin/env python3
"""Glue for benches/reference/run.sh (standard library only).

  compare.py criterion --root target/criterion --since EPOCH [--n N] --out FILE
      Reads criterion's `update/...` results written after EPOCH and appends one JSON line
      per benchmark to FILE: {"tool": "optbench", "spec", "n", "median_ns"}. The spec and n
      come from each result's benchmark.json (`update/<spec>/<n>`, or `update/<spec>` with
      --n for benches that take one size from OPTBENCH_BENCH_DIM), never from directory
      names, which criterion sanitizes (':' becomes '_') and may truncate.

  compare.py optbench --bin PATH --reps 5 --out FILE [--cpu C] [--workdir DIR]
      Times `PATH run --preset reference --jobs 1 --quiet --out <tmp>` REPS times and
      appends the median to FILE, with the work counted from the results file.

  compare.py table --kernels FILE... --reference FILE...
      Prints the markdown tables of ratios.
"""

import argparse
import glob
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

# torch rule name -> optbench spec (benches/kernels.rs)
SPECS = {
    "sgd": "sgd",
    "sgd momentum": "sgd:momentum=0.9",
    "sgd nesterov": "sgd:momentum=0.9,nesterov=true",
    "adagrad": "adagrad",
    "adadelta": "adadelta",
    "rmsprop": "rmsprop",
    "rmsprop centered+momentum": "rmsprop:centered=true,momentum=0.9",
    "rprop": "rprop",
    "adam": "adam",
    "adam amsgrad": "adam:amsgrad=true",
    "adamw": "adamw",
    "nadam": "nadam",
    "radam": "radam",
    "adamax": "adamax",
}
IMPLS = ["foreach=False", "foreach=True", "fused=True"]


def read_jsonl(paths):
    rows = []
    for path in paths:
        if not os.path.exists(path):
            continue
        with open(path) as f:
            rows.extend(json.loads(line) for line in f if line.strip())
    return rows


def cmd_criterion(args):
    found = 0
    with open(args.out, "a") as out:
        pattern = os.path.join(args.root, "update", "**", "new", "benchmark.json")
        for meta_path in sorted(glob.glob(pattern, recursive=True)):
            estimates = os.path.join(os.path.dirname(meta_path), "estimates.json")
            if not os.path.exists(estimates) or os.path.getmtime(estimates) < args.since:
                continue
            with open(meta_path) as f:
                meta = json.load(f)
            full_id = meta.get("full_id") or ""
            if meta.get("group_id") != "update":
                continue
            if meta.get("value_str"):
                spec, n = meta["function_id"], meta["value_str"]
            else:
                rest = full_id[len("update/"):]
                head, _, tail = rest.rpartition("/")
                if head and tail.isdigit():
                    spec, n = head, tail
                elif args.n is not None:
                    spec, n = rest, args.n
                else:
                    print(f"compare.py: no size in {full_id!r}; pass --n", file=sys.stderr)
                    continue
            with open(estimates) as f:
                median = json.load(f)["median"]["point_estimate"]
            out.write(json.dumps({"tool": "optbench", "spec": spec, "n": int(n),
                                  "median_ns": median, "id": full_id}) + "\n")
            found += 1
    print(f"compare.py: {found} criterion results collected into {args.out}", file=sys.stderr)
    if found == 0:
        sys.exit("compare.py: no fresh criterion results under " + args.root)


def count_work(results_path):
    work = {"runs": 0, "updates": 0, "sample_gradients": 0, "split_evaluations": 0,
            "diverged": 0}
    with open(results_path) as f:
        for line in f:
            if not line.strip():
                continue
            r = json.loads(line)
            if "spec" not in r:
                continue
            epochs = r.get("diverged_epoch") or r["spec"]["epochs"]
            work["runs"] += 1
            work["updates"] += r["per_epoch"]["updates"] * epochs
            work["sample_gradients"] += r["per_epoch"]["gradient_evals"] * epochs
            work["split_evaluations"] += 3 * (epochs + 1)
            work["diverged"] += r["status"] == "diverged"
    return work


def cmd_optbench(args):
    times, summary = [], ""
    with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
        results = os.path.join(tmp, "reference.jsonl")
        command = [args.bin, "run", "--preset", "reference", "--jobs", "1", "--quiet",
                   "--out", results]
        if args.cpu is not None:
            command = ["taskset", "-c", str(args.cpu)] + command
        for _ in range(args.reps):
            if os.path.exists(results):
                os.remove(results)
            started = time.perf_counter()
            done = subprocess.run(command, capture_output=True, text=True)
            times.append(time.perf_counter() - started)
            if done.returncode != 0:
                sys.exit(f"compare.py: {' '.join(command)} failed:\n{done.stderr}")
            summary = (done.stdout + done.stderr).strip().splitlines()[0]
        work = count_work(results)
    try:
        version = "git " + subprocess.run(["git", "rev-parse", "--short", "HEAD"],
                                          capture_output=True, text=True).stdout.strip()
    except OSError:
        version = ""
    row = {"tool": "optbench", "version": version, "workload": "reference",
           "seconds": statistics.median(times),
           "all_seconds": times, "command": " ".join(command[:-1] + ["<tmp>"]),
           "summary": summary, **work}
    with open(args.out, "a") as f:
        f.write(json.dumps(row) + "\n")
    print(f"optbench: {work['runs']} runs, {work['updates']} updates, "
          f"{work['sample_gradients']} sample-gradients, {work['split_evaluations']} split "
          f"evaluations, median {row['seconds']:.3f} s of {args.reps}", file=sys.stderr)


def fmt_us(ns):
    if ns is None:
        return "n/a"
    us = ns / 1e3
    return f"{us:.3g}" if us < 1000 else f"{us:,.0f}"


def ratio(a, b):
    return "n/a" if a is None or not b else f"{a / b:.2f}×"


def cmd_table(args):
    rows = read_jsonl(args.kernels)
    ours = {(r["spec"], r["n"]): r["median_ns"] for r in rows if r["tool"] == "optbench"}
    torch = {(r["rule"], r["impl"], r["n"]): r.get("median_ns") for r in rows
             if r["tool"] == "torch"}
    sizes = sorted({n for _, _, n in torch} | {n for _, n in ours})
    versions = sorted({r.get("torch") for r in rows if r["tool"] == "torch"} - {None})
    out = []
    if torch or ours:
        out.append(f"### Update kernels: one step, float64, single-threaded "
                   f"(torch {', '.join(versions) or '?'})\n")
        out.append("Times in µs per step (medians); × = torch time ÷ optbench time "
                   "(above 1: optbench is faster).\n")
        out.append("| rule | n | optbench µs | torch for-loop µs | × | torch foreach µs | × "
                   "| torch fused µs | × |")
        out.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        summary = {impl: [] for impl in IMPLS}
        for n in sizes:
            for rule, spec in SPECS.items():
                o = ours.get((spec, n))
                cells = [rule, f"{n:.0e}".replace("e+0", "e"), fmt_us(o)]
                any_torch = False
                for impl in IMPLS:
                    t = torch.get((rule, impl, n))
                    any_torch |= (rule, impl, n) in torch
                    cells += [fmt_us(t), ratio(t, o)]
                    if t is not None and o:
                        summary[impl].append((n, t / o))
                if o is None and not any_torch:
                    continue
                out.append("| " + " | ".join(cells) + " |")
        out.append("")
        out.append("Geometric mean of torch ÷ optbench per size:\n")
        out.append("| n | for-loop | foreach | fused (adam, adamw, sgd, adagrad only) |")
        out.append("|---:|---:|---:|---:|")
        for n in sizes:
            cells = [f"{n:.0e}".replace("e+0", "e")]
            for impl in IMPLS:
                vals = [v for m, v in summary[impl] if m == n]
                cells.append(f"{statistics.geometric_mean(vals):.2f}× ({len(vals)})"
                             if vals else "n/a")
            out.append("| " + " | ".join(cells) + " |")
        out.append("")

    ref = read_jsonl(args.reference)
    if ref:
        base = next((r for r in ref if r["tool"] == "optbench"), None)
        full_runs = base["runs"] if base else None
        out.append("### The `reference` workload (219 runs of logreg2d), single-threaded\n")
        out.append("Wall seconds from after the imports to the records written (data setup "
                   "included); × = tool ÷ optbench. Rows run on fewer seeds are scaled to "
                   "the full run count (every seed runs the same 73 runs).\n")
        out.append("| tool | version | runs | updates | sample-gradients | split evaluations "
                   "| seconds | µs / update | CPU s | compile s | × optbench | × with compile |")
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in ref:
            scale = (full_runs / r["runs"]) if full_runs and r["runs"] else 1.0
            secs = r["seconds"] * scale
            comp = r.get("compile_seconds")
            label = r["tool"] + (f" (×{scale:g} from {r['runs']} runs)" if scale != 1 else "")
            cells = [label, str(r.get("version", "")), str(r["runs"]), f"{r['updates']:,}",
                     f"{r['sample_gradients']:,}", f"{r['split_evaluations']:,}",
                     f"{secs:.3f}", f"{r['seconds'] / r['updates'] * 1e6:.2f}",
                     f"{r['cpu_seconds'] * scale:.3f}" if "cpu_seconds" in r else "",
                     f"{comp:.1f}" if comp is not None else "",
                     f"{secs / base['seconds']:.2f}×" if base else "",
                     f"{(secs + comp) / base['seconds']:.1f}×" if base and comp else ""]
            out.append("| " + " | ".join(cells) + " |")
        for r in ref:
            if r.get("execute_seconds") is not None:
                out.append(f"\n{r['tool']}: {r['execute_seconds']:.3f} s of its "
                           f"{r['seconds']:.3f} s run the compiled programs (data, "
                           f"{r.get('programs', '?')} programs, copy to the host); the rest "
                           f"builds and writes the records in Python.")
        if base:
            same = [r["tool"] for r in ref if r is not base and all(
                r[k] * (full_runs / r["runs"]) == base[k]
                for k in ("runs", "updates", "sample_gradients", "split_evaluations"))]
            differ = [r["tool"] for r in ref if r is not base and r["tool"] not in same]
            out.append("")
            out.append(f"Same work as optbench (runs, updates, sample-gradients, split "
                       f"evaluations): {', '.join(same) or 'none'}"
                       + (f"; DIFFERENT: {', '.join(differ)}" if differ else "") + ".")
        out.append("")
    print("\n".join(out))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("criterion")
    c.add_argument("--root", default="target/criterion")
    c.add_argument("--since", type=float, default=0.0)
    c.add_argument("--n", type=int)
    c.add_argument("--out", required=True)
    o = sub.add_parser("optbench")
    o.add_argument("--bin", default="target/release/optbench")
    o.add_argument("--reps", type=int, default=5)
    o.add_argument("--cpu")
    o.add_argument("--workdir")
    o.add_argument("--out", required=True)
    t = sub.add_parser("table")
    t.add_argument("--kernels", nargs="*", default=[])
    t.add_argument("--reference", nargs="*", default=[])
    args = ap.parse_args()
    {"criterion": cmd_criterion, "optbench": cmd_optbench, "table": cmd_table}[args.cmd](args)


if __name__ == "__main__":
    main()
