#!/usr/bin/env python3
"""The `reference` preset (src/grid/presets/reference.toml) written as a user would write it,
in PyTorch eager (--impl torch), NumPy (--impl numpy) or JAX (--impl jax), single-threaded.

The workload, as optbench runs it:
  logreg2d: logistic regression, 2 features + bias, X ~ U[0,1]^2, y ~ Bernoulli(s(10(x0+x1-1))),
            1152 training / 288 validation / 288 test rows, a fresh data set per seed;
            weights start N(0, 0.01^2), bias 0 (the same start for every run of a seed)
  optimizers: sgd lr=0.1 | sgd lr=0.1 momentum=0.9 | adagrad lr=0.1 | adadelta lr=1.0 |
              rmsprop lr=0.01 | adam lr=0.01 | rprop lr=0.01 (torch's rules and defaults)
  batch modes: full (1 update/epoch) | minibatch 128 reshuffled each epoch (9 updates/epoch) |
               stochastic, batch size 1 reshuffled each epoch (1152 updates/epoch)
  schedules (stepped once per epoch): constant | StepLR(10, 0.5) | ExponentialLR(0.95) |
               inverse time lr0/(1 + 0.1 t)
  rprop: full batch and constant only (schedules do not affect it; it assumes exact gradients)
  3 seeds x 20 epochs: 219 runs, 1,673,340 updates, 5,045,760 sample-gradients.

Per run, the work optbench does (src/run/mod.rs) and every version here mirrors:
  at the start: the full training gradient (its norm) and the loss and accuracy on the
    train, validation and test splits;
  every update: the batch loss and gradient, the squared gradient norm (optbench records
    the epoch's RMS gradient norm), the optimizer step;
  after every epoch: the distance moved in the epoch, the loss and accuracy on all three
    splits, a divergence check (non-finite, or train loss > 1e6 max(1, |initial loss|)),
    the schedule step, the best validation epoch;
  at the end: one JSON record per run with the per-epoch curves, written to --records.

The result is one JSON line (stdout, or appended to --json) with the wall seconds (from
after the imports to the records written: data setup included), the process CPU seconds,
and the work counted as it was done: runs, updates, sample-gradients, split evaluations.
JAX also reports its compile seconds separately.
"""

import argparse
import json
import math
import os
import sys
import time

# Single-threaded BLAS and XLA, set before numpy, torch or jax is imported.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

TRAIN, HELD_OUT = 1152, 288
ROWS = TRAIN + 2 * HELD_OUT
SHARPNESS = 10.0
INIT_SCALE = 0.01
BLOWUP = 1e6

OPTIMIZERS = [
    ("sgd:lr=0.1", "sgd", {"lr": 0.1}),
    ("sgd:lr=0.1,momentum=0.9", "sgd", {"lr": 0.1, "momentum": 0.9}),
    ("adagrad:lr=0.1", "adagrad", {"lr": 0.1}),
    ("adadelta:lr=1.0", "adadelta", {"lr": 1.0}),
    ("rmsprop:lr=0.01", "rmsprop", {"lr": 0.01}),
    ("adam:lr=0.01", "adam", {"lr": 0.01}),
    ("rprop", "rprop", {"lr": 0.01}),
]
BATCH_MODES = [("full", None), ("minibatch:size=128", 128), ("stochastic", 1)]
SCHEDULES = ["constant", "step:step_size=10,gamma=0.5", "exponential:gamma=0.95",
             "inverse_time:decay_rate=0.1"]


def lr_at(schedule, lr0, t):
    """The lr of an epoch after t completed epochs (as optbench's schedules define it)."""
    if schedule.startswith("constant"):
        return lr0
    if schedule.startswith("step"):
        return lr0 * 0.5 ** (t // 10)
    if schedule.startswith("exponential"):
        return lr0 * 0.95 ** t
    if schedule.startswith("inverse_time"):
        return lr0 / (1.0 + 0.1 * t)
    raise ValueError(schedule)


def grid():
    """The runs of one seed, with the preset's skip rules (rprop: full and constant only)."""
    runs = []
    for label, name, hp in OPTIMIZERS:
        for batch, size in BATCH_MODES:
            for schedule in SCHEDULES:
                if name == "rprop" and (batch != "full" or schedule != "constant"):
                    continue
                runs.append((label, name, hp, batch, size, schedule))
    return runs


class Work:
    """The work counted as it is done."""

    def __init__(self):
        self.runs = self.updates = self.sample_gradients = self.evaluations = 0
        self.diverged = 0

    def finished(self, records, run_record):
        """Counts a finished run and keeps its record."""
        self.runs += 1
        self.diverged += run_record["status"] == "diverged"
        records.append(run_record)

    def as_dict(self):
        return {"runs": self.runs, "updates": self.updates,
                "sample_gradients": self.sample_gradients,
                "split_evaluations": self.evaluations, "diverged": self.diverged}


def record(seed, label, batch, schedule, epochs, curves, diverged_epoch):
    """A run's record: its spec and per-epoch curves (a subset of optbench's fields)."""
    val = curves["validation_loss"]
    best = min(range(len(val)), key=val.__getitem__)
    return {"optimizer": label, "batch": batch, "schedule": schedule, "seed_index": seed,
            "epochs": epochs, "status": "completed" if diverged_epoch is None else "diverged",
            "diverged_epoch": diverged_epoch,
            "best": {"epoch": curves["epoch"][best], "validation_loss": val[best],
                     "test_loss": curves["test_loss"][best]},
            "curves": curves}


def new_curves():
    return {k: [] for k in ("epoch", "lr", "train_loss", "validation_loss", "test_loss",
                            "correct_train", "correct_validation", "correct_test",
                            "gradient_norm", "update_norm", "seconds")}


def push(curves, epoch, m, lr, gnorm, moved, seconds):
    curves["epoch"].append(epoch)
    curves["lr"].append(lr)
    for (loss, correct), split in zip(m, ("train", "validation", "test")):
        curves[f"{split}_loss"].append(loss)
        curves[f"correct_{split}"].append(correct)
    curves["gradient_norm"].append(gnorm)
    curves["update_norm"].append(moved)
    curves["seconds"].append(seconds)


def diverges(m, limit, extra=()):
    return any(not math.isfinite(v) for v in [x for lc in m for x in lc] + list(extra)) \
        or m[0][0] > limit


# ---------------------------------------------------------------------------------------
# PyTorch eager: torch.optim, torch.optim.lr_scheduler, autograd, nn.Linear.
# ---------------------------------------------------------------------------------------

def run_torch(seeds, epochs, records_path):
    import torch
    import torch.nn.functional as F

    torch.set_num_threads(1)
    f64 = torch.float64
    started = time.perf_counter()
    cpu_started = time.process_time()
    work = Work()
    records = []

    def make_optimizer(name, hp, params):
        if name == "sgd":
            return torch.optim.SGD(params, lr=hp["lr"], momentum=hp.get("momentum", 0.0))
        cls = {"adagrad": torch.optim.Adagrad, "adadelta": torch.optim.Adadelta,
               "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam,
               "rprop": torch.optim.Rprop}[name]
        return cls(params, lr=hp["lr"])

    def make_scheduler(schedule, opt):
        if schedule == "constant":
            return None
        if schedule.startswith("step"):
            return torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.5)
        if schedule.startswith("exponential"):
            return torch.optim.lr_scheduler.ExponentialLR(opt, gamma=0.95)
        return torch.optim.lr_scheduler.LambdaLR(opt, lambda t: 1.0 / (1.0 + 0.1 * t))

    for seed in range(seeds):
        gen = torch.Generator().manual_seed(1000 + seed)
        X = torch.rand(ROWS, 2, generator=gen, dtype=f64)
        p_true = torch.sigmoid(SHARPNESS * (X[:, 0] + X[:, 1] - 1.0))
        y = (torch.rand(ROWS, generator=gen, dtype=f64) < p_true).to(f64).unsqueeze(1)
        Xtr, ytr = X[:TRAIN], y[:TRAIN]
        splits = [(Xtr, ytr), (X[TRAIN:TRAIN + HELD_OUT], y[TRAIN:TRAIN + HELD_OUT]),
                  (X[TRAIN + HELD_OUT:], y[TRAIN + HELD_OUT:])]
        w0 = INIT_SCALE * torch.randn(1, 2, generator=gen, dtype=f64)

        for label, name, hp, batch, size, schedule in grid():
            run_started = time.perf_counter()
            model = torch.nn.Linear(2, 1, dtype=f64)
            with torch.no_grad():
                model.weight.copy_(w0)
                model.bias.zero_()
            params = list(model.parameters())
            opt = make_optimizer(name, hp, params)
            sched = make_scheduler(schedule, opt)
            order = torch.Generator().manual_seed(2000 + seed)

            @torch.no_grad()
            def measure():
                out = []
                for Xs, ys in splits:
                    z = model(Xs)
                    loss = F.binary_cross_entropy_with_logits(z, ys).item()
                    out.append((loss, int(((z > 0) == (ys > 0.5)).sum())))
                return out

            # The start: full training gradient norm, and the three splits.
            model.zero_grad()
            F.binary_cross_entropy_with_logits(model(Xtr), ytr).backward()
            start_gnorm = math.sqrt(sum(float(p.grad.square().sum()) for p in params))
            m = measure()
            work.evaluations += 3
            limit = BLOWUP * max(1.0, abs(m[0][0]))
            curves = new_curves()
            push(curves, 0, m, opt.param_groups[0]["lr"], start_gnorm, 0.0,
                 time.perf_counter() - run_started)
            previous = [p.detach().clone() for p in params]
            diverged_epoch = None
            for epoch in range(1, epochs + 1):
                lr = opt.param_groups[0]["lr"]
                if size is None:
                    batches = [None]
                else:
                    batches = torch.randperm(TRAIN, generator=order).split(size)
                gsq = torch.zeros((), dtype=f64)
                for idx in batches:
                    Xb, yb = (Xtr, ytr) if idx is None else (Xtr[idx], ytr[idx])
                    opt.zero_grad()
                    loss = F.binary_cross_entropy_with_logits(model(Xb), yb)
                    loss.backward()
                    with torch.no_grad():
                        for p in params:
                            gsq += p.grad.square().sum()
                    opt.step()
                    work.updates += 1
                    work.sample_gradients += len(yb)
                with torch.no_grad():
                    moved = math.sqrt(sum(float((p - q).square().sum())
                                          for p, q in zip(params, previous)))
                    for p, q in zip(params, previous):
                        q.copy_(p)
                gnorm = math.sqrt(float(gsq) / len(batches))
                m = measure()
                work.evaluations += 3
                if diverges(m, limit, (gnorm, moved)):
                    diverged_epoch = epoch
                    break
                if sched is not None:
                    sched.step()
                push(curves, epoch, m, lr, gnorm, moved, time.perf_counter() - run_started)
            work.finished(records, record(seed, label, batch, schedule, epochs, curves,
                                          diverged_epoch))
    return finish(records, records_path, started, cpu_started, work,
                  version=torch.__version__, threads=torch.get_num_threads())


def write_records(records, path):
    with open(path, "w") as f:
        for r in records:
            f.write(json.dumps(r))
            f.write("\n")


def finish(records, path, started, cpu_started, work, **extra):
    """Writes the records and returns the timing and work summary of a whole reference run."""
    write_records(records, path)
    return {"seconds": time.perf_counter() - started,
            "cpu_seconds": time.process_time() - cpu_started, **extra, **work.as_dict()}


# ---------------------------------------------------------------------------------------
# NumPy: hand-written gradient and optimizer updates on the parameter vector (w0, w1, b).
# ---------------------------------------------------------------------------------------

def numpy_optimizers():
    import numpy as np

    class SGD:
        def __init__(self, lr, momentum=0.0):
            self.momentum, self.buf = momentum, np.zeros(3)

        def step(self, theta, g, lr):
            if self.momentum:
                self.buf *= self.momentum
                self.buf += g
                g = self.buf
            theta -= lr * g

    class Adagrad:
        def __init__(self, lr, eps=1e-10):
            self.eps, self.sum = eps, np.zeros(3)

        def step(self, theta, g, lr):
            self.sum += g * g
            theta -= lr * g / (np.sqrt(self.sum) + self.eps)

    class Adadelta:
        def __init__(self, lr, rho=0.9, eps=1e-6):
            self.rho, self.eps = rho, eps
            self.sq, self.acc = np.zeros(3), np.zeros(3)

        def step(self, theta, g, lr):
            rho, eps = self.rho, self.eps
            self.sq = rho * self.sq + (1 - rho) * g * g
            delta = np.sqrt(self.acc + eps) / np.sqrt(self.sq + eps) * g
            self.acc = rho * self.acc + (1 - rho) * delta * delta
            theta -= lr * delta

    class RMSprop:
        def __init__(self, lr, alpha=0.99, eps=1e-8):
            self.alpha, self.eps, self.sq = alpha, eps, np.zeros(3)

        def step(self, theta, g, lr):
            self.sq = self.alpha * self.sq + (1 - self.alpha) * g * g
            theta -= lr * g / (np.sqrt(self.sq) + self.eps)

    class Adam:
        def __init__(self, lr, beta1=0.9, beta2=0.999, eps=1e-8):
            self.b1, self.b2, self.eps = beta1, beta2, eps
            self.m, self.v, self.t = np.zeros(3), np.zeros(3), 0

        def step(self, theta, g, lr):
            self.t += 1
            b1, b2 = self.b1, self.b2
            self.m = b1 * self.m + (1 - b1) * g
            self.v = b2 * self.v + (1 - b2) * g * g
            bc1, bc2 = 1 - b1 ** self.t, 1 - b2 ** self.t
            theta -= (lr / bc1) * self.m / (np.sqrt(self.v) / math.sqrt(bc2) + self.eps)

    class Rprop:
        def __init__(self, lr, etas=(0.5, 1.2), step_sizes=(1e-6, 50.0)):
            self.etas, self.limits = etas, step_sizes
            self.prev, self.size = np.zeros(3), np.full(3, lr)

        def step(self, theta, g, lr):  # the lr is read once, at construction, as in torch
            s = g * self.prev
            factor = np.where(s > 0, self.etas[1], np.where(s < 0, self.etas[0], 1.0))
            self.size = np.clip(self.size * factor, *self.limits)
            g = np.where(s < 0, 0.0, g)
            theta -= np.sign(g) * self.size
            self.prev = g

    return {"sgd": SGD, "adagrad": Adagrad, "adadelta": Adadelta, "rmsprop": RMSprop,
            "adam": Adam, "rprop": Rprop}


def run_numpy(seeds, epochs, records_path):
    import numpy as np

    started = time.perf_counter()
    cpu_started = time.process_time()
    work = Work()
    records = []
    optimizers = numpy_optimizers()

    def sigmoid(z):
        return 0.5 * (1.0 + np.tanh(0.5 * z))

    def loss_grad(theta, X, y):
        z = X @ theta[:2] + theta[2]
        r = sigmoid(z) - y
        g = np.empty(3)
        g[:2] = X.T @ r / len(y)
        g[2] = r.mean()
        return np.mean(np.logaddexp(0.0, z) - y * z), g

    def evaluate(theta, X, y):
        z = X @ theta[:2] + theta[2]
        return float(np.mean(np.logaddexp(0.0, z) - y * z)), int(np.sum((z > 0) == (y > 0.5)))

    for seed in range(seeds):
        rng = np.random.default_rng([1000, seed])
        X = rng.random((ROWS, 2))
        y = (rng.random(ROWS) < sigmoid(SHARPNESS * (X[:, 0] + X[:, 1] - 1.0))).astype(float)
        Xtr, ytr = X[:TRAIN], y[:TRAIN]
        splits = [(Xtr, ytr), (X[TRAIN:TRAIN + HELD_OUT], y[TRAIN:TRAIN + HELD_OUT]),
                  (X[TRAIN + HELD_OUT:], y[TRAIN + HELD_OUT:])]
        theta0 = np.array([*(INIT_SCALE * rng.standard_normal(2)), 0.0])

        for label, name, hp, batch, size, schedule in grid():
            run_started = time.perf_counter()
            theta = theta0.copy()
            opt = optimizers[name](**hp)
            order = np.random.default_rng([2000, seed])
            _, g0 = loss_grad(theta, Xtr, ytr)
            m = [evaluate(theta, Xs, ys) for Xs, ys in splits]
            work.evaluations += 3
            limit = BLOWUP * max(1.0, abs(m[0][0]))
            curves = new_curves()
            push(curves, 0, m, lr_at(schedule, hp["lr"], 0), float(np.linalg.norm(g0)), 0.0,
                 time.perf_counter() - run_started)
            previous = theta.copy()
            diverged_epoch = None
            for epoch in range(1, epochs + 1):
                lr = lr_at(schedule, hp["lr"], epoch - 1)
                gsq, calls = 0.0, 0
                if size is None:
                    batches = [(Xtr, ytr)]
                else:
                    perm = order.permutation(TRAIN)
                    batches = ((Xtr[idx], ytr[idx])
                               for idx in (perm[i:i + size] for i in range(0, TRAIN, size)))
                for Xb, yb in batches:
                    _, g = loss_grad(theta, Xb, yb)
                    gsq += float(g @ g)
                    calls += 1
                    opt.step(theta, g, lr)
                    work.updates += 1
                    work.sample_gradients += len(yb)
                moved = float(np.linalg.norm(theta - previous))
                previous[:] = theta
                gnorm = math.sqrt(gsq / calls)
                m = [evaluate(theta, Xs, ys) for Xs, ys in splits]
                work.evaluations += 3
                if diverges(m, limit, (gnorm, moved)) or not np.all(np.isfinite(theta)):
                    diverged_epoch = epoch
                    break
                push(curves, epoch, m, lr, gnorm, moved, time.perf_counter() - run_started)
            work.finished(records, record(seed, label, batch, schedule, epochs, curves,
                                          diverged_epoch))
    return finish(records, records_path, started, cpu_started, work, version=np.__version__)


# ---------------------------------------------------------------------------------------
# JAX: each (optimizer, batch mode) is one jit-compiled program: lax.scan over epochs and
# over the batches of an epoch, vmap over seeds and schedules. Update rules written out
# (torch's, as in the NumPy version); gradients by jax.value_and_grad.
# ---------------------------------------------------------------------------------------

def run_jax(seeds, epochs, records_path, reps):
    import jax
    import jax.numpy as jnp
    import numpy as np
    from jax import lax

    jax.config.update("jax_enable_x64", True)
    f64 = jnp.float64

    def init_sgd(hp):
        mom = hp.get("momentum", 0.0)

        def update(state, theta, g, lr):
            if mom:
                state = mom * state + g
                g = state
            return state, theta - lr * g
        return (lambda theta: jnp.zeros_like(theta)), update

    def init_adagrad(hp):
        def update(s, theta, g, lr):
            s = s + g * g
            return s, theta - lr * g / (jnp.sqrt(s) + 1e-10)
        return (lambda theta: jnp.zeros_like(theta)), update

    def init_adadelta(hp):
        rho, eps = 0.9, 1e-6

        def update(state, theta, g, lr):
            sq, acc = state
            sq = rho * sq + (1 - rho) * g * g
            delta = jnp.sqrt(acc + eps) / jnp.sqrt(sq + eps) * g
            acc = rho * acc + (1 - rho) * delta * delta
            return (sq, acc), theta - lr * delta
        return (lambda theta: (jnp.zeros_like(theta), jnp.zeros_like(theta))), update

    def init_rmsprop(hp):
        def update(sq, theta, g, lr):
            sq = 0.99 * sq + 0.01 * g * g
            return sq, theta - lr * g / (jnp.sqrt(sq) + 1e-8)
        return (lambda theta: jnp.zeros_like(theta)), update

    def init_adam(hp):
        b1, b2, eps = 0.9, 0.999, 1e-8

        def update(state, theta, g, lr):
            m, v, t = state
            t = t + 1
            m = b1 * m + (1 - b1) * g
            v = b2 * v + (1 - b2) * g * g
            bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
            theta = theta - (lr / bc1) * m / (jnp.sqrt(v) / jnp.sqrt(bc2) + eps)
            return (m, v, t), theta
        return (lambda theta: (jnp.zeros_like(theta), jnp.zeros_like(theta),
                               jnp.zeros((), f64))), update

    def init_rprop(hp):
        lr0 = hp["lr"]

        def update(state, theta, g, lr):
            prev, size = state
            s = g * prev
            factor = jnp.where(s > 0, 1.2, jnp.where(s < 0, 0.5, 1.0))
            size = jnp.clip(size * factor, 1e-6, 50.0)
            g = jnp.where(s < 0, 0.0, g)
            return (g, size), theta - jnp.sign(g) * size
        return (lambda theta: (jnp.zeros_like(theta), jnp.full_like(theta, lr0))), update

    inits = {"sgd": init_sgd, "adagrad": init_adagrad, "adadelta": init_adadelta,
             "rmsprop": init_rmsprop, "adam": init_adam, "rprop": init_rprop}

    def loss_fn(theta, X, y):
        z = X @ theta[:2] + theta[2]
        return jnp.mean(jax.nn.softplus(z) - y * z)

    value_and_grad = jax.value_and_grad(loss_fn)

    def evaluate(theta, X, y):
        z = X @ theta[:2] + theta[2]
        return jnp.mean(jax.nn.softplus(z) - y * z), jnp.sum((z > 0) == (y > 0.5))

    def make_data(key):
        kx, ky, kw = jax.random.split(key, 3)
        X = jax.random.uniform(kx, (ROWS, 2), f64)
        p = jax.nn.sigmoid(SHARPNESS * (X[:, 0] + X[:, 1] - 1.0))
        y = (jax.random.uniform(ky, (ROWS,), f64) < p).astype(f64)
        theta0 = jnp.concatenate([INIT_SCALE * jax.random.normal(kw, (2,), f64),
                                  jnp.zeros(1, f64)])
        return X, y, theta0

    data_fn = jax.jit(jax.vmap(make_data))

    def program(name, hp, size):
        init, update = inits[name](hp)
        per_epoch = 1 if size is None else TRAIN // size  # 1152 = 9 * 128: no partial batch

        def one_run(X, y, theta0, key, lrs):
            Xtr, ytr = X[:TRAIN], y[:TRAIN]
            splits = [(Xtr, ytr), (X[TRAIN:TRAIN + HELD_OUT], y[TRAIN:TRAIN + HELD_OUT]),
                      (X[TRAIN + HELD_OUT:], y[TRAIN + HELD_OUT:])]

            def measure(theta):
                losses, correct = zip(*(evaluate(theta, Xs, ys) for Xs, ys in splits))
                return jnp.stack(losses), jnp.stack(correct)

            _, g0 = value_and_grad(theta0, Xtr, ytr)
            m0 = measure(theta0)

            def epoch(carry, lr):
                theta, state, key, counts = carry
                if size is None:
                    _, g = value_and_grad(theta, Xtr, ytr)
                    state, new = update(state, theta, g, lr)
                    gsq = g @ g
                    counts = counts + jnp.array([1, TRAIN])
                else:
                    key, sub = jax.random.split(key)
                    perm = jax.random.permutation(sub, TRAIN).reshape(per_epoch, size)

                    def step(c, idx):
                        th, st, gsq, counts = c
                        _, g = value_and_grad(th, Xtr[idx], ytr[idx])
                        st, th = update(st, th, g, lr)
                        return (th, st, gsq + g @ g, counts + jnp.array([1, size])), None

                    (new, state, gsq, counts), _ = lax.scan(
                        step, (theta, state, jnp.zeros((), f64), counts), perm)
                moved = jnp.linalg.norm(new - theta)
                losses, correct = measure(new)
                finite = jnp.all(jnp.isfinite(losses)) & jnp.all(jnp.isfinite(new))
                return (new, state, key, counts), \
                    (losses, correct, jnp.sqrt(gsq / per_epoch), moved, finite)

            carry = (theta0, init(theta0), key, jnp.zeros(2, jnp.int64))
            (_, _, _, counts), ys = lax.scan(epoch, carry, lrs)
            return jnp.linalg.norm(g0), m0, ys, counts

        # seeds (data, start, batch order) outside, schedules (lr per epoch) inside.
        return jax.jit(jax.vmap(jax.vmap(one_run, in_axes=(None, None, None, None, 0)),
                                in_axes=(0, 0, 0, 0, None)))

    groups = []
    for label, name, hp in OPTIMIZERS:
        for batch, size in BATCH_MODES:
            scheds = [s for s in SCHEDULES
                      if name != "rprop" or (batch == "full" and s == "constant")]
            if name == "rprop" and batch != "full":
                continue
            lrs = np.array([[lr_at(s, hp["lr"], t) for t in range(epochs)] for s in scheds])
            groups.append((label, name, hp, batch, size, scheds, lrs))

    key = jax.random.PRNGKey(0)
    data_keys = jax.random.split(key, seeds)
    order_keys = jax.random.split(jax.random.fold_in(key, 1), seeds)

    # Compile every program (timed apart from the runs).
    compile_started = time.perf_counter()
    data_exe = data_fn.lower(data_keys).compile()
    X_s = jax.ShapeDtypeStruct((seeds, ROWS, 2), f64)
    y_s = jax.ShapeDtypeStruct((seeds, ROWS), f64)
    t_s = jax.ShapeDtypeStruct((seeds, 3), f64)
    exes = []
    for label, name, hp, batch, size, scheds, lrs in groups:
        exes.append(program(name, hp, size).lower(X_s, y_s, t_s, order_keys, lrs).compile())
    compile_seconds = time.perf_counter() - compile_started

    def execute():
        work = Work()
        records = []
        X, y, theta0 = data_exe(data_keys)
        outputs = [exe(X, y, theta0, order_keys, lrs)
                   for exe, (*_, lrs) in zip(exes, groups)]
        outputs = jax.device_get(outputs)
        executed.append(time.perf_counter() - started)
        for (label, name, hp, batch, size, scheds, lrs), out in zip(groups, outputs):
            g0, (l0, c0), (losses, correct, gnorm, moved, finite), counts = out
            for seed in range(seeds):
                for k, schedule in enumerate(scheds):
                    curves = new_curves()
                    m = list(zip(l0[seed, k].tolist(), c0[seed, k].tolist()))
                    limit = BLOWUP * max(1.0, abs(m[0][0]))
                    push(curves, 0, m, float(lrs[k, 0]), float(g0[seed, k]), 0.0, None)
                    work.evaluations += 3
                    diverged_epoch = None
                    for e in range(epochs):
                        m = list(zip(losses[seed, k, e].tolist(), correct[seed, k, e].tolist()))
                        work.evaluations += 3
                        if not finite[seed, k, e] or diverges(
                                m, limit, (gnorm[seed, k, e], moved[seed, k, e])):
                            diverged_epoch = e + 1
                            break
                        push(curves, e + 1, m, float(lrs[k, e]), float(gnorm[seed, k, e]),
                             float(moved[seed, k, e]), None)
                    work.updates += int(counts[seed, k, 0])
                    work.sample_gradients += int(counts[seed, k, 1])
                    work.finished(records, record(seed, label, batch, schedule, epochs, curves,
                                                  diverged_epoch))
        write_records(records, records_path)
        return work

    times, cpu_times, executed = [], [], []
    for _ in range(reps):
        started, cpu_started = time.perf_counter(), time.process_time()
        work = execute()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    order = sorted(range(reps), key=times.__getitem__)
    mid = order[reps // 2]
    # execute_seconds: data, the compiled programs and the copy to the host, without
    # building and writing the records in Python.
    return {"seconds": times[mid], "cpu_seconds": cpu_times[mid], "all_seconds": times,
            "execute_seconds": executed[mid],
            "compile_seconds": compile_seconds, "programs": len(exes) + 1,
            "version": jax.__version__, "devices": str(jax.devices()), **work.as_dict()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--impl", required=True, choices=["torch", "numpy", "jax"])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--reps", type=int, default=3, help="JAX: timed executions after compile")
    ap.add_argument("--records", default=os.devnull, help="write the run records here")
    ap.add_argument("--json", help="append the result line here (default: stdout)")
    args = ap.parse_args()

    if args.impl == "torch":
        result = run_torch(args.seeds, args.epochs, args.records)
    elif args.impl == "numpy":
        result = run_numpy(args.seeds, args.epochs, args.records)
    else:
        result = run_jax(args.seeds, args.epochs, args.records, args.reps)
    result = {"tool": args.impl, "workload": "reference", "seeds": args.seeds,
              "epochs": args.epochs, **result}
    line = json.dumps(result)
    if args.json:
        with open(args.json, "a") as f:
            f.write(line + "\n")
    print(line)
    print(f"{args.impl}: {result['runs']} runs, {result['updates']} updates, "
          f"{result['sample_gradients']} sample-gradients, {result['split_evaluations']} split "
          f"evaluations, {result['seconds']:.2f} s wall, {result['cpu_seconds']:.2f} s CPU",
          file=sys.stderr)


if __name__ == "__main__":
    main()
