#!/usr/bin/env bash
# Writes the committed subset of Fashion-MNIST into subset/: the first TRAIN (default 3000)
# training images and labels and the first TEST (default 1000) test images and labels, as gzipped
# IDX files named as the originals (so a command differs only in the directory). Reproducible:
# the same input gives the same bytes (gzip -n stores no name or time). The originals come from Debian's package dataset-fashion-mnist
# (apt-get install dataset-fashion-mnist); licence: MIT, see LICENSE beside this script.
#   samples/fashion-mnist/data/make-subset.sh [SOURCE_DIR]
set -euo pipefail
src="${1:-/usr/share/datasets/fashion-mnist}"
out="$(cd "$(dirname "$0")" && pwd)/subset"
mkdir -p "$out"
train="${TRAIN:-3000}" test="${TEST:-1000}"
be32() { printf "\\x$(printf %02x $(($1 >> 24 & 255)))\\x$(printf %02x $(($1 >> 16 & 255)))\\x$(printf %02x $(($1 >> 8 & 255)))\\x$(printf %02x $(($1 & 255)))"; }
subset() { # subset NAME COUNT RANK: header rewritten with COUNT rows, then COUNT rows of data
  local name="$1" count="$2" rank="$3" header=$((4 + 4 * $3)) row=1
  [ "$rank" = 3 ] && row=784
  { printf '\x00\x00\x08'; printf "\\x$(printf %02x "$rank")"; be32 "$count"
    [ "$rank" = 3 ] && { be32 28; be32 28; }
    # head stops reading early: zcat's SIGPIPE is expected, so that pipe is judged by head alone.
    (set +o pipefail; zcat "$src/$name.gz" | head -c $((header + count * row))) | tail -c +$((header + 1)); } | gzip -9n > "$out/$name-subset.gz.tmp"
  mv "$out/$name-subset.gz.tmp" "$out/$name.gz"
}
subset train-images-idx3-ubyte "$train" 3
subset train-labels-idx1-ubyte "$train" 1
subset t10k-images-idx3-ubyte "$test" 3
subset t10k-labels-idx1-ubyte "$test" 1
ls -l "$out"/*.gz
