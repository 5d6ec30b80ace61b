#!/usr/bin/env bash
# The sizer on real runs: generated hours of several sizes ingested with 1 and 2 cores (each a fresh
# ./hourglass process recorded in a temporary ledger); the runtime model is fitted on half the runs and
# its prediction error reported on the others. Not a test: timings depend on the machine.
#   bench/sizer-real.sh [records ...]      (default: 25000 50000 100000 200000)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$here/hourglass" --version >/dev/null   # builds the jar if needed
jar="$here/jobs/target/hourglass.jar"
exec java -Dhourglass.home="$here" -cp "$jar:$(cat "$here/jobs/target/launcher-classpath.txt")" \
  io.hourglass.jobs.bench.SizerRealBench "$@"
