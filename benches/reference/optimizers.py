#!/usr/bin/env python3
"""PyTorch's CPU optimizer steps, timed the way `benches/kernels.rs` times optbench's
`update/<spec>` kernels: one `opt.step()` on a single float64 parameter tensor of n elements
whose gradient is fixed, single-threaded.

For each rule optbench benchmarks (lion and the lecture's `momentum` have no torch.optim
counterpart and are skipped) and each implementation torch offers:

  foreach=False   the per-parameter for-loop (torch's default on CPU)
  foreach=True    the multi-tensor `torch._foreach_*` path
  fused=True      a single fused kernel, where torch has one on CPU (else reported as n/a)

The hyperparameters are optbench's defaults (which are torch's), with lr=1e-9 as in the
criterion bench; the gradient is the bench's ((i mod 17) - 8)·1e-3. Each case runs a few
warm-up steps (the first step allocates the state), then times single steps with
perf_counter_ns until at least --min-seconds have passed and at least --min-reps steps were
taken; the figure is the median step.

Output: JSON lines on stdout (or --out), one per (rule, impl, n):
  {"tool": "torch", "rule": ..., "spec": <optbench spec>, "impl": ..., "n": ...,
   "median_ns": ..., "reps": ..., "torch": <version>}
with "median_ns": null and "error" where torch refuses the implementation.
"""

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import torch  # noqa: E402

# (name in the table, optbench spec as in benches/kernels.rs, constructor)
RULES = [
    ("sgd", "sgd", lambda p, **k: torch.optim.SGD(p, lr=1e-9, **k)),
    ("sgd momentum", "sgd:momentum=0.9",
     lambda p, **k: torch.optim.SGD(p, lr=1e-9, momentum=0.9, **k)),
    ("sgd nesterov", "sgd:momentum=0.9,nesterov=true",
     lambda p, **k: torch.optim.SGD(p, lr=1e-9, momentum=0.9, nesterov=True, **k)),
    ("adagrad", "adagrad", lambda p, **k: torch.optim.Adagrad(p, lr=1e-9, **k)),
    ("adadelta", "adadelta", lambda p, **k: torch.optim.Adadelta(p, lr=1e-9, **k)),
    ("rmsprop", "rmsprop", lambda p, **k: torch.optim.RMSprop(p, lr=1e-9, **k)),
    ("rmsprop centered+momentum", "rmsprop:centered=true,momentum=0.9",
     lambda p, **k: torch.optim.RMSprop(p, lr=1e-9, centered=True, momentum=0.9, **k)),
    ("rprop", "rprop", lambda p, **k: torch.optim.Rprop(p, lr=1e-9, **k)),
    ("adam", "adam", lambda p, **k: torch.optim.Adam(p, lr=1e-9, **k)),
    ("adam amsgrad", "adam:amsgrad=true",
     lambda p, **k: torch.optim.Adam(p, lr=1e-9, amsgrad=True, **k)),
    ("adamw", "adamw", lambda p, **k: torch.optim.AdamW(p, lr=1e-9, weight_decay=0.01, **k)),
    ("nadam", "nadam", lambda p, **k: torch.optim.NAdam(p, lr=1e-9, **k)),
    ("radam", "radam", lambda p, **k: torch.optim.RAdam(p, lr=1e-9, **k)),
    ("adamax", "adamax", lambda p, **k: torch.optim.Adamax(p, lr=1e-9, **k)),
]

IMPLS = [
    ("foreach=False", {"foreach": False}),
    ("foreach=True", {"foreach": True}),
    ("fused=True", {"fused": True}),
]


def time_case(make, kwargs, n, grad, min_seconds, min_reps, max_reps):
    p = torch.full((n,), 0.5, dtype=torch.float64, requires_grad=True)
    p.grad = grad
    opt = make([p], **kwargs)
    for _ in range(3):  # state allocation and first-step handling
        opt.step()
    times = []
    clock = time.perf_counter_ns
    deadline = clock() + int(min_seconds * 1e9)
    while len(times) < max_reps and (len(times) < min_reps or clock() < deadline):
        t0 = clock()
        opt.step()
        times.append(clock() - t0)
    return statistics.median(times), len(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="1000,100000,10000000",
                    help="comma-separated parameter counts")
    ap.add_argument("--min-seconds", type=float, default=0.5,
                    help="time at least this long per case")
    ap.add_argument("--min-reps", type=int, default=5)
    ap.add_argument("--max-reps", type=int, default=20000)
    ap.add_argument("--rules", default="", help="comma-separated subset of rule names")
    ap.add_argument("--out", help="write JSON lines here instead of stdout")
    args = ap.parse_args()

    torch.set_num_threads(1)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    wanted = {r.strip() for r in args.rules.split(",") if r.strip()}
    out = open(args.out, "w") if args.out else sys.stdout
    for n in sizes:
        i = torch.arange(n, dtype=torch.float64)
        grad = (torch.remainder(i, 17) - 8.5) * 1e-3
        del i
        for rule, spec, make in RULES:
            if wanted and rule not in wanted:
                continue
            for impl, kwargs in IMPLS:
                row = {"tool": "torch", "rule": rule, "spec": spec, "impl": impl, "n": n,
                       "torch": torch.__version__, "threads": torch.get_num_threads()}
                try:
                    median, reps = time_case(make, kwargs, n, grad, args.min_seconds,
                                             args.min_reps, args.max_reps)
                    row.update(median_ns=median, reps=reps)
                except (RuntimeError, ValueError, TypeError) as e:
                    row.update(median_ns=None, reps=0, error=str(e).splitlines()[0][:200])
                print(json.dumps(row), file=out, flush=True)
                shown = f"{row['median_ns'] / 1e3:12.1f} us" if row["median_ns"] else \
                    "         n/a"
                print(f"  torch {rule:26s} {impl:14s} n={n:<9d}{shown}", file=sys.stderr,
                      flush=True)
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
