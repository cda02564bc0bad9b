#!/usr/bin/env bash
# Builds makemore's training data from a word list, without Python: the words (lower-cased,
# words with an apostrophe skipped, since nearly all are possessives or contractions of words
# already in the list; words with letters outside a-z, such as "bogotá", skipped), then one CSV
# row per character of every word and its end: the three tokens before it and the token itself.
# Tokens: 0 is '.', the start padding and the end of a word; 1 to 26 are 'a' to 'z'. The word
# "emma" gives ... -> e, ..e -> m, .em -> m, emm -> a, mma -> . (five rows).
#
#   samples/makemore/data/make-dataset.sh [WORD_LIST [OUT_DIR [EVERY]]]
#
# WORD_LIST defaults to Debian's wamerican list, /usr/share/dict/american-english
# (apt-get install wamerican; licence in LICENSE beside this script). OUT_DIR (default: the
# current directory) receives words.txt (the cleaned, sorted, de-duplicated list), train.csv
# and val.csv: every 10th word of words.txt goes to val.csv (a held-out split by word, as the
# tutorial splits its names), the rest to train.csv. With EVERY = k only every k-th word of the
# cleaned list is kept first (the committed subset is EVERY = 50). The same input gives the same
# bytes (LC_ALL=C: bytewise case mapping and sorting).
set -euo pipefail
export LC_ALL=C
words="${1:-/usr/share/dict/american-english}"
out="${2:-.}"
every="${3:-1}"
[ -r "$words" ] || { echo "make-dataset.sh: cannot read the word list $words (apt-get install wamerican)" >&2; exit 1; }
mkdir -p "$out"
grep -v "'" "$words" | tr 'A-Z' 'a-z' | grep -x '[a-z][a-z]*' | sort -u \
  | awk -v k="$every" '(NR - 1) % k == 0' > "$out/words.txt.tmp"
mv "$out/words.txt.tmp" "$out/words.txt"
# split: which words (1 = every 10th word, 0 = the others) this call writes.
rows() {
  awk -v val="$1" 'BEGIN { print "c0,c1,c2,next" }
    (NR % 10 == 0) == val {
      a = 0; b = 0; c = 0
      for (i = 1; i <= length($0) + 1; i++) {
        t = i <= length($0) ? index("abcdefghijklmnopqrstuvwxyz", substr($0, i, 1)) : 0
        print a "," b "," c "," t
        a = b; b = c; c = t
      }
    }' "$out/words.txt"
}
rows 0 > "$out/train.csv.tmp" && mv "$out/train.csv.tmp" "$out/train.csv"
rows 1 > "$out/val.csv.tmp" && mv "$out/val.csv.tmp" "$out/val.csv"
echo "make-dataset.sh: $(wc -l < "$out/words.txt") words; $(($(wc -l < "$out/train.csv") - 1)) training rows in $out/train.csv, $(($(wc -l < "$out/val.csv") - 1)) held-out rows in $out/val.csv" >&2
