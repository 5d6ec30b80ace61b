#!/usr/bin/env bash
# JVM flags, or commits, side by side: our ingest job on one generated hour under two or more sets of JVM options,
# each perhaps at another commit, the runs interleaved round by round so that a noisy machine disturbs every set
# alike. Not a test.
#
#   bench/jvm-flags.sh [--records N[,N...]] [--repeat R] [--files F] [--seed S] -- 'OPTS A' 'OPTS B' ...
#
# Each set is given whole, as HOURGLASS_JAVA_OPTS; the word "default" in a set stands for the launcher's default
# (conf/java-opts.sh on this machine): pass "default" first to compare against it. A set that starts with @REV
# runs the job of that commit instead of this working tree's: a worktree of it under target/bench-trees/<sha>,
# built by its own launcher the first time and kept for later comparisons (rm -rf target/bench-trees, then
# git worktree prune, to drop them); "default" in it is still this tree's default, and a set of @REV alone runs
# with that commit's own default. Records as in ingest-bench
# (100k, 1M, 5M; default 1M), default 3 rounds. The hour is ingest-bench's cached one (target/bench-data/r<N>-f<F>-s<S>, the same
# generator and seed) or is generated there. Every set first runs once untimed (the class-data archive, the
# page cache); then each round runs every size under every set, each a fresh ./hourglass ingest under GNU
# time, local[2], email hashed with a bench key. A run that fails, or writes other than N rows, stops the
# comparison. Prints a Markdown table: median wall and CPU seconds, min-max, peak RSS, and each set's wall
# and CPU against the first set's.
#
#   bench/jvm-flags.sh --records 100k,1M,5M -- default "default -XX:CompileThresholdScaling=4"
#   bench/jvm-flags.sh --records 100k,1M --repeat 6 -- "@HEAD~1 default" default   # a change against the commit before
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; }
fail() { echo "jvm-flags: $*" >&2; exit 2; }

records=1M repeat=3 files=8 seed=42
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --records) records="${2:?--records needs a value}"; shift 2 ;;
    --repeat) repeat="${2:?--repeat needs a value}"; shift 2 ;;
    --files) files="${2:?--files needs a value}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a value}"; shift 2 ;;
    --) shift; break ;;
    *) fail "unknown option '$1' (the option sets come after --); see --help" ;;
  esac
done
source "$here/conf/java-opts.sh"
default_opts="$(hourglass_java_opts)"
sets=() trees=() labels=()
for set in "$@"; do
  read -ra given <<< "$set"
  words=() tree="$here" label=""
  if [[ "${given[0]:-}" == @* ]]; then # only the first word names a commit
    rev="${given[0]#@}" given=("${given[@]:1}")
    sha="$(git -C "$here" rev-parse --verify --quiet "$rev^{commit}")" || fail "no commit '$rev' in $here (in set '$set')"
    tree="$here/target/bench-trees/$sha" label="$rev = ${sha:0:10}"
  fi
  for w in "${given[@]}"; do [[ "$w" == default ]] && words+=($default_opts) || words+=("$w"); done
  sets+=("${words[*]}") trees+=("$tree") labels+=("$label")
done
[[ ${#sets[@]} -ge 2 ]] || fail "give at least two sets of JVM options after --, the baseline first; see --help"
[[ "$repeat" =~ ^[1-9][0-9]*$ ]] || fail "--repeat must be 1 or more, cannot be: '$repeat'"
[[ "$files" =~ ^[1-9][0-9]*$ ]] || fail "--files must be 1 or more, cannot be: '$files'"
[[ "$seed" =~ ^[0-9]+$ ]] || fail "--seed must be a whole number, cannot be: '$seed'"
/usr/bin/time -V 2>&1 | grep -q GNU || fail "needs GNU time (apt-get install -y time)"

count() { # 100k -> 100000, 1M -> 1000000, 250000 -> 250000
  local v="${1,,}"
  case "$v" in
    *k) v="${v%k}"; [[ "$v" =~ ^[0-9]+$ ]] && echo $((v * 1000)) && return ;;
    *m) v="${v%m}"; [[ "$v" =~ ^[0-9]+$ ]] && echo $((v * 1000000)) && return ;;
    *) [[ "$v" =~ ^[0-9]+$ ]] && echo "$v" && return ;;
  esac
  fail "--records takes counts like 100k, 1M or 250000, cannot be: '$1'"
}
sizes=()
IFS=, read -ra parts <<< "$records"
for p in "${parts[@]}"; do sizes+=("$(count "$p")"); done

hour=2026-11-20T10
note() { echo "jvm-flags $(date +%H:%M:%S): $*" >&2; }
while IFS= read -r tree; do
  if [[ "$tree" != "$here" && ! -x "$tree/hourglass" ]]; then
    note "checking out ${tree##*/} into $tree"
    mkdir -p "${tree%/*}"
    git -C "$here" worktree add --detach --force "$tree" "${tree##*/}" >&2 || fail "cannot check out ${tree##*/} into $tree"
  fi
  # builds if the sources are newer than the jar: no timed run pays for it
  "$tree/hourglass" --version >/dev/null || fail "the launcher in $tree failed (building it?)"
done < <(printf '%s\n' "${trees[@]}" | sort -u)
export HOURGLASS_HMAC_KEY="${HOURGLASS_BENCH_HMAC_KEY:-jvm-flags-bench-key-not-a-secret-0123456789}"
work="$(mktemp -d "${TMPDIR:-/tmp}/jvm-flags.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Each size's hour, found in ingest-bench's cache (its folder naming) or generated there, before any run.
declare -A raw_root
for n in "${sizes[@]}"; do
  dir="$here/target/bench-data/r$n-f$files-s$seed"
  if [[ ! -f "$dir/hour.properties" && ! -f "$dir/jvm-flags.done" ]]; then
    note "generating $n records in $files files (seed $seed) into $dir"
    rm -rf "$dir" && mkdir -p "$dir"
    "$here/hourglass" generate --hour "$hour" --records "$n" --files "$files" --seed "$seed" --raw-root "$dir/raw" \
      > "$dir/generate.log" 2>&1 || fail "generating the hour failed; see $dir/generate.log"
    touch "$dir/jvm-flags.done"
  fi
  raw_root[$n]="$dir/raw"
done

# run SET_INDEX RECORDS -> "wall cpu rssMB"; stops the comparison on a failure or a wrong row count
run() {
  local i=$1 n=$2 out="$work/run"
  rm -rf "$out" && mkdir -p "$out"
  if ! HOURGLASS_JAVA_OPTS="${sets[$i]}" /usr/bin/time -f "%e %U %S %M" -o "$out/time" \
      "${trees[$i]}/hourglass" ingest --dataset web_events --hour "$hour" --raw-root "${raw_root[$n]}" \
      --warehouse "$out/wh" --set "state-dir=$out/state" --set "spark.master=local[2]" \
      --set datasets.web_events.pii.email=hash > "$out/stdout" 2> "$out/stderr"; then
    tail -5 "$out/stderr" >&2
    fail "set $((i + 1)) ('${sets[$i]}') failed on $n records (above: the end of its stderr)"
  fi
  local written
  written="$(sed -n 's/.*read \([0-9]*\) = written \([0-9]*\) .*/\2/p' "$out/stdout")"
  [[ "$written" == "$n" ]] || fail "set $((i + 1)) wrote '${written:-?}' rows of $n records; see its output: $(head -3 "$out/stdout")"
  local e u s m
  read -r e u s m < "$out/time"
  awk -v e="$e" -v u="$u" -v s="$s" -v m="$m" 'BEGIN {printf "%s %.2f %d\n", e, u + s, m / 1024}'
}

for n in "${sizes[@]}"; do
  for i in "${!sets[@]}"; do
    note "set $((i + 1)), $n records: untimed first run"
    run "$i" "$n" > /dev/null
  done
done
for r in $(seq 1 "$repeat"); do
  for n in "${sizes[@]}"; do
    for i in "${!sets[@]}"; do
      result="$(run "$i" "$n")"
      echo "$n $i $result" >> "$work/results"
      read -r e c m <<< "$result"
      note "round $r/$repeat, $n records, set $((i + 1)): $e s wall, $c s CPU, peak RSS $m MB"
    done
  done
done

median() { sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
echo "# JVM flags (or commits) side by side"
echo
echo "Command: \`bench/jvm-flags.sh --records $records --repeat $repeat --files $files --seed $seed -- ...\`; $(nproc) cores," \
  "$(java -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.vm.version = //p'), load average at the end $(cut -d' ' -f1-3 /proc/loadavg)."
echo
for i in "${!sets[@]}"; do echo "- set $((i + 1)): \`${sets[$i]}\`${labels[$i]:+, at commit ${labels[$i]}}"; done
echo
echo "| records | set | wall s (median) | min-max | CPU s (median) | peak RSS MB | wall vs set 1 | CPU vs set 1 |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in "${sizes[@]}"; do
  base_w="" base_c=""
  for i in "${!sets[@]}"; do
    rows="$(awk -v n="$n" -v i="$i" '$1 == n && $2 == i' "$work/results")"
    w="$(awk '{print $3}' <<< "$rows" | median)"
    c="$(awk '{print $4}' <<< "$rows" | median)"
    m="$(awk '{print $5}' <<< "$rows" | median)"
    lo="$(awk '{print $3}' <<< "$rows" | sort -g | head -1)"
    hi="$(awk '{print $3}' <<< "$rows" | sort -g | tail -1)"
    [[ -z "$base_w" ]] && base_w="$w" base_c="$c"
    printf '| %s | %d | %.1f | %.1f-%.1f | %.1f | %.0f | %.2fx | %.2fx |\n' "$n" $((i + 1)) "$w" "$lo" "$hi" "$c" "$m" \
      "$(awk -v a="$w" -v b="$base_w" 'BEGIN {print a / b}')" "$(awk -v a="$c" -v b="$base_c" 'BEGIN {print a / b}')"
  done
done
