#!/usr/bin/env bash
# One call on a lent GPU machine, prepared here by `scripts/gpu-check.sh prepare` (carry
# target/gpu-check). In order, each phase under its own time limit so that a hang in one still
# leaves the others' output: the GPU check (every reference case and sample on cuda against the
# interpreter, f32 and f64), the GPU benchmark with per-kernel times, `modelc train` on cuda next to
# bytecode (the README's main job and the Fashion-MNIST samples on the committed subset), then
# PyTorch on the same card (scripts/gpu-torch-peer.py). Logs go to $OUT: session.log (the
# summary), checks.out, bench.out, train.out, torch.out.
#
#   scripts/gpu-session.sh [--checks-only | --bench-only]
# Environment: PHASES (a subset of "checks bench train torch"), CHECK_LIMIT, BENCH_LIMIT,
# TRAIN_LIMIT, TORCH_LIMIT (seconds; defaults below).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${OUT:-$root/target/gpu-check/out}"
mkdir -p "$out"
export MODELC_CUDA_CACHE="${MODELC_CUDA_CACHE:-/tmp/modelc-gpu-kernels}"
phases="${PHASES:-checks bench train torch}"
case "${1:-}" in
  --checks-only) phases="checks" ;;
  --bench-only) phases="bench torch" ;;
  "") ;;
  *) echo "gpu-session: unknown argument '$1'" >&2; exit 2 ;;
esac
java="$root/target/gpu-check/runtime/bin/java"
modelc=("$java" --enable-native-access=ALL-UNNAMED -cp "$root/target/gpu-check/modelc.jar" dev.modelc.cli.Main)
log="$out/session.log"
say() { echo "== $(date -u +%H:%M:%S) $*" | tee -a "$log"; }

say "$(nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv,noheader 2>&1)"
say "$(nproc) CPUs; $(uname -r)"
for phase in $phases; do
  case "$phase" in
    checks)
      say "checks (limit ${CHECK_LIMIT:-150} s)"
      OUT=/tmp/gpu-check-checks timeout -k 5 "${CHECK_LIMIT:-150}" scripts/gpu-check.sh run --no-bench > "$out/checks.out" 2>&1
      say "checks exit $?"; grep -E '^(FAIL|[0-9]+ passed)' "$out/checks.out" | head -40 | tee -a "$log"
      tail -c 1500 "$out/checks.out" | tr '\r' '\n' | tail -5 | tee -a "$log" ;;
    bench)
      say "benchmark (limit ${BENCH_LIMIT:-100} s)"
      OUT=/tmp/gpu-check-bench timeout -k 5 "${BENCH_LIMIT:-100}" scripts/gpu-check.sh run --no-checks > "$out/bench.out" 2>&1
      say "benchmark exit $?"; tail -120 "$out/bench.out" | tee -a "$log" ;;
    train)
      say "modelc train on cuda and bytecode (limit ${TRAIN_LIMIT:-25} s each)"
      d=samples/fashion-mnist/data/subset
      for b in cuda bytecode; do
        say "train on $b:"
        { timeout -k 5 "${TRAIN_LIMIT:-25}" "${modelc[@]}" train samples/crop-yield/crop_yield.model --model CropYieldLinear \
            --data x=samples/crop-yield/crop_yield.csv:temp,rainfall,humidity --data y=samples/crop-yield/crop_yield.csv:apples,oranges \
            --epochs 100 --backend "$b" 2>&1 | tail -3
          timeout -k 5 "${TRAIN_LIMIT:-25}" "${modelc[@]}" train samples/fashion-mnist/quickstart.model \
            --data x=$d/train-images-idx3-ubyte.gz --data y=$d/train-labels-idx1-ubyte.gz \
            --val x=$d/t10k-images-idx3-ubyte.gz --val y=$d/t10k-labels-idx1-ubyte.gz --epochs 2 --backend "$b" 2>&1 | tail -4
          timeout -k 5 "${TRAIN_LIMIT:-25}" "${modelc[@]}" train samples/fashion-mnist/cnn.model \
            --data x=$d/train-images-idx3-ubyte.gz --data y=$d/train-labels-idx1-ubyte.gz --epochs 1 --backend "$b" 2>&1 | tail -3
        } 2>&1 | tee -a "$out/train.out" "$log"
      done ;;
    torch)
      say "PyTorch on the same GPU (limit ${TORCH_LIMIT:-120} s)"
      PYTHONUNBUFFERED=1 timeout -k 5 "${TORCH_LIMIT:-120}" python3 scripts/gpu-torch-peer.py > "$out/torch.out" 2>&1
      say "torch exit $?"; tail -12 "$out/torch.out" | tee -a "$log" ;;
  esac
done
say "done"
