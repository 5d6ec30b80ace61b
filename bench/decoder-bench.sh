#!/usr/bin/env bash
# The fast path's decoder alone: CPU time per record on one core, JIT warmed up (issue 7's per-core cost,
# without Spark's fixed costs and writer). Not a test: a measurement; compare runs side by side.
#
#   bench/decoder-bench.sh [--records N] [--rounds R] [--email hash|drop] [--input FILE]
#
# Decodes the same records R times (default 12) in one thread of one JVM and prints each round's CPU time a
# record, then the median of the later half. Input: FILE (JSON lines, gzipped or not), or by default one
# object of a generated clean hour of N records (default 125,000; seed 42; cached under
# target/bench-data/decoder-r<N>/). JVM options: $HOURGLASS_JAVA_OPTS (default as ./hourglass).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

records=125000
input=""
pass=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --records) records="$2"; shift 2 ;;
    --input) input="$2"; shift 2 ;;
    --rounds|--email) pass+=("$1" "$2"); shift 2 ;;
    *) echo "decoder-bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

"$here/hourglass" --version >/dev/null # builds when sources are newer than the jar
if [[ -z "$input" ]]; then
  cache="$here/target/bench-data/decoder-r$records"
  if [[ ! -d "$cache/raw" ]]; then
    echo "decoder-bench: generating $records records into $cache" >&2
    rm -rf "$cache"
    "$here/hourglass" generate --hour 2026-11-20T10 --records "$records" --files 1 --seed 42 \
      --raw-root "$cache/raw" --warehouse "$cache/wh" >&2
  fi
  input="$(find "$cache/raw" -type f -name '*.gz' | head -1)"
fi

source "$here/conf/java-opts.sh"
exec java ${HOURGLASS_JAVA_OPTS:-$(hourglass_java_opts)} \
  -Dlog4j2.configurationFile="$here/conf/log4j2-local.properties" \
  -cp "$here/jobs/target/hourglass.jar:$(cat "$here/jobs/target/launcher-classpath.txt")" \
  io.hourglass.jobs.bench.DecoderBench --input "$input" "${pass[@]}"
