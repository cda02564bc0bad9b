#!/usr/bin/env bash
# The GPU check: every reference case and sample model on --backend cuda against the
# interpreter, then the GPU benchmark, with a short table last. Two halves:
#
#   scripts/gpu-check.sh prepare     on a machine with Maven and a JDK 25 (no GPU needed): builds
#                                    cli/target/modelc.jar, the check tools (modelc-cuda-checks' jar)
#                                    and a jlink'd Java runtime into target/gpu-check/ (about 50 MB;
#                                    carry that folder)
#   scripts/gpu-check.sh [run]       on the GPU machine, which needs no Java: runs the check with
#                                    the carried runtime and jar; logs go to $OUT (or target/gpu-check/out)
#
# Options of run: --no-bench (the checks only), --no-checks (the benchmark only), --bench-scale S (shrink the benchmark's sizes),
# --dry-run (print what would run, check the carried files, run nothing).
# Exit: 0 all checks passed, 1 a check failed, 2 a usage or setup mistake, 3 no GPU, driver or NVRTC.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dir="$root/target/gpu-check"
mode="run"
dry=0
args=()

usage() { sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

while [ $# -gt 0 ]; do
  case "$1" in
    prepare|run) mode="$1" ;;
    --dry-run) dry=1 ;;
    --no-bench) args+=("--no-bench") ;;
    --no-checks) args+=("--no-checks") ;;
    --bench-scale)
      [ $# -ge 2 ] || { echo "gpu-check: --bench-scale needs a number" >&2; exit 2; }
      args+=("--bench-scale" "$2"); shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "gpu-check: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
  shift
done

find_jdk() { # a JDK 25 with jlink: JAVA_HOME, then /usr/lib/jvm/*
  local d
  for d in ${JAVA_HOME:-} /usr/lib/jvm/*; do
    [ -x "$d/bin/jlink" ] || continue
    if "$d/bin/java" -version 2>&1 | grep -Eq 'version "(2[5-9]|[3-9][0-9])'; then echo "$d"; return 0; fi
  done
  return 1
}

if [ "$mode" = prepare ]; then
  jdk="$(find_jdk)" || { echo "gpu-check: prepare needs a JDK 25 with jlink (JAVA_HOME or /usr/lib/jvm/*)" >&2; exit 2; }
  # What modelc.jar needs (jdeps: java.base, java.compiler, java.sql), plus java.logging (JCuda's
  # LibUtils) and jdk.unsupported. Not jdk.compiler: the check never uses --backend java.
  modules="java.base,java.compiler,java.sql,java.logging,jdk.unsupported"
  build=(mvn -B -q -DskipTests -pl cli,cuda-checks -am package)
  link=("$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-9
        --output "$dir/runtime")
  if [ "$dry" = 1 ]; then
    echo "would run: (cd $root && ${build[*]})"
    echo "would run: rm -rf $dir && ${link[*]}"
    echo "would copy: $root/cli/target/modelc.jar -> $dir/modelc.jar"
    echo "would copy: $root/cuda-checks/target/modelc-cuda-checks-*.jar -> $dir/gpu-check.jar"
    exit 0
  fi
  (cd "$root" && "${build[@]}")
  rm -rf "$dir"
  mkdir -p "$dir"
  "${link[@]}"
  cp "$root/cli/target/modelc.jar" "$dir/modelc.jar"
  # The check tools are modelc-cuda-checks (they compile models, and modelc-cuda has no compiler in
  # any scope); modelc.jar has the compiler and the CUDA runtime they run on.
  tools=("$root"/cuda-checks/target/modelc-cuda-checks-*.jar)
  if [ ${#tools[@]} -ne 1 ] || [ ! -f "${tools[0]}" ]; then
    echo "gpu-check: expected one jar cuda-checks/target/modelc-cuda-checks-*.jar after the build, found: ${tools[*]}" >&2
    exit 2
  fi
  cp "${tools[0]}" "$dir/gpu-check.jar"
  echo "gpu-check: prepared $dir ($(du -sh "$dir" | cut -f1)); carry target/gpu-check and run scripts/gpu-check.sh there"
  exit 0
fi

java="$dir/runtime/bin/java"
jar="$dir/modelc.jar"
tools="$dir/gpu-check.jar"
out="${OUT:-$dir/out}"
for f in "$java" "$jar" "$tools"; do
  if [ ! -e "$f" ]; then
    echo "gpu-check: $f is missing; run scripts/gpu-check.sh prepare first (on a machine with a JDK 25) and carry target/gpu-check" >&2
    exit 2
  fi
done
command=("$java" --enable-native-access=ALL-UNNAMED -XX:+UseParallelGC -cp "$jar:$tools" dev.modelc.cuda.check.GpuCheck
         --root "$root" --out "$out" ${args[@]+"${args[@]}"})
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || true
else
  echo "gpu-check: no nvidia-smi on the PATH"
fi
if [ "$dry" = 1 ]; then
  echo "would run: ${command[*]}"
  exit 0
fi
mkdir -p "$out"
# A kernel cache of its own (not under $out: the device tool brings back only a few files from
# there), so the first run's log shows compile times and a second run in the same place reads it.
export MODELC_CUDA_CACHE="${MODELC_CUDA_CACHE:-${TMPDIR:-/tmp}/modelc-gpu-check-kernels}"
"${command[@]}" 2>&1 | tee "$out/gpu-check.out"
exit "${PIPESTATUS[0]}"
