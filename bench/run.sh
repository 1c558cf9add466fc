#!/usr/bin/env bash
# Benchmark: bulletin against Hugo on the same generated news corpus.
#
#   bench/run.sh [--sizes "1000 10000"] [--runs 5] [--dir /dev/shm/bench] [--smoke]
#
# For each size, a corpus is generated with ../shared/bench/gen_corpus.py (seed 1) in the
# bulletin and the Hugo flavour. Cases, each timed as a whole process with /usr/bin/time
# (wall seconds and peak memory), bulletin and Hugo alternating run by run:
#   full     build into an empty output folder
#   noop     build again with nothing changed
#   edit     build again after appending a paragraph to one article
#   add      build again after adding one article
# The median of the runs is reported, with bulletin/Hugo ratios. --smoke runs the smallest
# corpus once, as CI does: it checks that the script works, not how fast anything is.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
shared="${SHARED:-$root/../shared}"
sizes="1000"
runs=5
dir="/dev/shm/bulletin-bench"
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --smoke) smoke=1; runs=1; shift ;;
    *) echo "unknown option: $1" >&2; exit 2 ;;
  esac
done

generator="$shared/bench/gen_corpus.py"
peer="$shared/bench/peers/hugo-site"
[ -f "$generator" ] || { echo "error: $generator not found (set SHARED=...)" >&2; exit 1; }

if ! command -v hugo >/dev/null 2>&1; then
  echo "installing Debian's hugo..." >&2
  if [ "$(id -u)" = 0 ]; then apt-get update -qq >/dev/null && apt-get install -y -qq hugo >/dev/null
  else sudo apt-get update -qq >/dev/null && sudo apt-get install -y -qq hugo >/dev/null; fi
fi
[ -x /usr/bin/time ] || { apt-get install -y -qq time >/dev/null 2>&1 || true; }

(cd "$root" && cargo build --release --quiet)
bulletin="$root/target/release/bulletin"

results="$dir/results.tsv"
mkdir -p "$dir"
: > "$results"

# measure TOOL SIZE CASE COMMAND...: appends "tool size case seconds kib" to the results.
measure() {
  local tool="$1" size="$2" case="$3"; shift 3
  /usr/bin/time -o "$dir/time.txt" -f "%e %M" "$@" >/dev/null 2>&1 || {
    echo "error: $tool failed on the $case case ($size articles): $*" >&2; exit 1; }
  echo "$tool $size $case $(tail -n 1 "$dir/time.txt")" >> "$results"
}

new_article() { # FILE FLAVOR N
  local taxonomy='category = "News"'
  [ "$2" = hugo ] && taxonomy='categories = ["News"]'
  printf '+++\ntitle = "Benchmark addition %s"\ndate = 2026-01-0%sT09:00:00+08:00\nslug = "benchmark-addition-%s"\n%s\ntags = ["benchmark"]\n+++\nA paragraph added by the benchmark.\n' \
    "$3" "$(( $3 % 9 + 1 ))" "$3" "$taxonomy" > "$1"
}

for size in $sizes; do
  b="$dir/bulletin-$size"; h="$dir/hugo-$size"
  rm -rf "$b" "$h" "$dir/hugo-corpus-$size"
  python3 "$generator" "$size" "$b" --seed 1 --flavor bulletin >/dev/null
  cp -r "$root/themes" "$b/themes"
  printf 'title = "Benchmark"\nbase_url = "https://bulletin.example.org/"\ntimezone = "Asia/Shanghai"\n' > "$b/bulletin.toml"
  mkdir -p "$h"; cp -r "$peer/." "$h/"
  python3 "$generator" "$size" "$dir/hugo-corpus-$size" --seed 1 --flavor hugo >/dev/null
  cp -r "$dir/hugo-corpus-$size/content" "$h/content"
  edited_b=$(find "$b/content" -name '*.md' ! -name '_*' | sort | tail -n 1)
  edited_h=$(find "$h/content" -name '*.md' ! -name '_*' | sort | tail -n 1)

  for run in $(seq "$runs"); do
    rm -rf "$b/output" "$b"/.output.bulletin-* "$h/out"
    measure bulletin "$size" full "$bulletin" build --root "$b" --quiet
    measure hugo "$size" full hugo --quiet --source "$h" -d "$h/out"
    measure bulletin "$size" noop "$bulletin" build --root "$b" --quiet
    measure hugo "$size" noop hugo --quiet --source "$h" -d "$h/out"
    printf '\nA paragraph appended by benchmark run %s.\n' "$run" | tee -a "$edited_b" >> "$edited_h"
    measure bulletin "$size" edit "$bulletin" build --root "$b" --quiet
    measure hugo "$size" edit hugo --quiet --source "$h" -d "$h/out"
    new_article "$(dirname "$edited_b")/benchmark-addition-$run.md" bulletin "$run"
    new_article "$(dirname "$edited_h")/benchmark-addition-$run.md" hugo "$run"
    measure bulletin "$size" add "$bulletin" build --root "$b" --quiet
    measure hugo "$size" add hugo --quiet --source "$h" -d "$h/out"
  done
  echo "files: bulletin $(find "$b/output" -type f | wc -l), hugo $(find "$h/out" -type f | wc -l) ($size articles)"
done

python3 - "$results" "$smoke" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
data = {}
for tool, size, case, seconds, kib in rows:
    data.setdefault((int(size), case, tool), []).append((float(seconds), int(kib)))
print("| articles | case | bulletin s | Hugo s | time ratio | bulletin MiB | Hugo MiB | memory ratio |")
print("|---:|---|---:|---:|---:|---:|---:|---:|")
for size in sorted({k[0] for k in data}):
    for case in ["full", "noop", "edit", "add"]:
        b = data.get((size, case, "bulletin")); h = data.get((size, case, "hugo"))
        if not b or not h:
            continue
        bt, ht = statistics.median(x[0] for x in b), statistics.median(x[0] for x in h)
        bm, hm = statistics.median(x[1] for x in b) / 1024, statistics.median(x[1] for x in h) / 1024
        print(f"| {size:,} | {case} | {bt:.2f} | {ht:.2f} | {bt / ht if ht else 0:.2f} | {bm:.0f} | {hm:.0f} | {bm / hm if hm else 0:.2f} |")
if sys.argv[2] == "1":
    print("smoke run: the script works end to end; the figures above are one run each, not a benchmark.")
PY
