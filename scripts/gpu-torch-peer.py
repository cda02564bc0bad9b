#!/usr/bin/env python3
"""PyTorch on the same GPU as modelc's GPU benchmark (cuda-checks' GpuBenchmark), same workloads,
same sizes, f32, TF32 off. Run on the GPU machine (its python3 has PyTorch); prints a Markdown table.

Each workload twice where it matters: "device" times end at torch.cuda.synchronize(), "to host"
times also copy the results to host memory, which every call of modelc's Java API does (a
Tensor it returns lives on the heap). Medians of the timed repetitions after warm-ups.

    python3 scripts/gpu-torch-peer.py [--scale S] [--no-compile]
"""
import argparse
import statistics
import sys
import time

import torch

parser = argparse.ArgumentParser()
parser.add_argument("--scale", type=float, default=1.0, help="shrink the large workloads (a dry run)")
parser.add_argument("--no-compile", action="store_true", help="skip torch.compile (its first call takes tens of seconds)")
args = parser.parse_args()

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False
dev = torch.device("cuda")
torch.manual_seed(7)


def timed(fn, reps, warm=3):
    for _ in range(warm):
        fn()
    torch.cuda.synchronize()
    out = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        torch.cuda.synchronize()
        out.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(out)


rows = []

# The seed: 15 rows, 3 features, 2 targets, 100 epochs of SGD in shuffled batches of 5, lr 1e-5.
x15 = torch.randn(15, 3, device=dev)
y15 = torch.randn(15, 2, device=dev)
lin = torch.nn.Linear(3, 2).to(dev)
opt = torch.optim.SGD(lin.parameters(), lr=1e-5)


def seed_epochs(epochs=100):
    for _ in range(epochs):
        perm = torch.randperm(15, device=dev)
        for i in range(0, 15, 5):
            idx = perm[i:i + 5]
            loss = torch.nn.functional.mse_loss(lin(x15[idx]), y15[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()


rows.append(("seed regression, 15 rows, 100 epochs SGD batch 5 (ms per epoch)",
             timed(seed_epochs, 5, 1) / 100, None))

# Linear-regression step over 2^24 rows (x @ w.T + b, mean squared error, w -= 1e-5 grad).
n = max(16, int((1 << 24) * args.scale))
x = torch.randn(n, 3, device=dev)
y = torch.randn(n, 2, device=dev)
w = torch.randn(2, 3, device=dev, requires_grad=True)
b = torch.randn(2, device=dev, requires_grad=True)


def reg_step():
    loss = ((x @ w.T + b - y) ** 2).mean()
    gw, gb = torch.autograd.grad(loss, (w, b))
    with torch.no_grad():
        w.sub_(1e-5 * gw)
        b.sub_(1e-5 * gb)
    return loss


def reg_step_host():
    reg_step()
    w.detach().cpu(), b.detach().cpu()


row = ["linear regression step, %d rows (ms per step)" % n, timed(reg_step, 20), timed(reg_step_host, 20)]
rows.append(tuple(row))

# f(x) = sum(exp(sin x) x / (1 + x^2)) and df/dx over 2^26 elements.
e = max(16, int((1 << 26) * args.scale))
xe = torch.randn(e, device=dev)


def f_df(t):
    t = t.detach().requires_grad_(True)
    s = (torch.exp(torch.sin(t)) * t / (1 + t * t)).sum()
    (g,) = torch.autograd.grad(s, t)
    return s, g


rows.append(("f+df eager, %d elements (ms)" % e, timed(lambda: f_df(xe), 20),
             timed(lambda: [v.cpu() for v in f_df(xe)], 10)))
if not args.no_compile:
    t0 = time.perf_counter()
    cf = torch.compile(f_df)
    cf(xe)
    torch.cuda.synchronize()
    print("torch.compile of f+df: first call %.1f s" % (time.perf_counter() - t0), file=sys.stderr)
    rows.append(("f+df torch.compile, %d elements (ms)" % e, timed(lambda: cf(xe), 20),
                 timed(lambda: [v.cpu() for v in cf(xe)], 10)))

# MLP 784-1024-1024-10, batch 8192, cross-entropy, SGD lr 0.01, fp32 without TF32.
bsz = max(8, int(8192 * args.scale))
mlp = torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024), torch.nn.ReLU(),
                          torch.nn.Linear(1024, 10)).to(dev)
mopt = torch.optim.SGD(mlp.parameters(), lr=0.01)
xm = torch.randn(bsz, 784, device=dev)
ym = torch.randint(0, 10, (bsz,), device=dev)


def mlp_step():
    loss = torch.nn.functional.cross_entropy(mlp(xm), ym)
    mopt.zero_grad()
    loss.backward()
    mopt.step()
    return loss


def mlp_step_host():
    mlp_step()
    [p.detach().cpu() for p in mlp.parameters()]


rows.append(("MLP 784-1024-1024-10 step, batch %d (ms per step)" % bsz, timed(mlp_step, 10), timed(mlp_step_host, 10)))

print("| workload (PyTorch %s on %s) | device | to host |" % (torch.__version__, torch.cuda.get_device_name(0)))
print("|---|---:|---:|")
for name, d, h in rows:
    print("| %s | %.3f | %s |" % (name, d, "-" if h is None else "%.3f" % h))
