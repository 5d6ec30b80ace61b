#!/usr/bin/env bash
# Evaluates the sizer (issue 5) on a simulated year of hourly runs and prints a Markdown table.
# Usage: bench/sizer-eval.sh [--seed 42] [--hours 8760] [--deadline-minutes 60] [--min-executors 2]
#          [--max-executors 160] [--cores 4] [--quantile 0.995] [--trials 200] [--trial-hours 60] [--csv FILE]
# Builds the common jar first when it is missing or older than the sizer's sources.
set -euo pipefail
cd "$(dirname "$0")/.."

jar() {
  # The main jar, not the -tests or -sources one.
  ls common/target/hourglass-common-*.jar 2>/dev/null | grep -v -e '-tests\.jar$' -e '-sources\.jar$' | head -n 1 || true
}

JAR="$(jar)"
if [[ -z "$JAR" ]] || [[ -n "$(find common/src/main/java/io/hourglass/common/sizer -newer "$JAR" -name '*.java' -print -quit)" ]]; then
  echo "sizer-eval: building common (mvn -B -q -pl common -DskipTests package)" >&2
  mvn -B -q -pl common -DskipTests package >&2
  JAR="$(jar)"
fi

exec java -cp "$JAR" io.hourglass.common.sizer.sim.SizerEvaluation "$@"
