#!/usr/bin/env bash
# Ingest benchmark (issue 7): our ingest job against stock Spark and DuckDB on the same generated hour.
# Not a test: timings depend on the machine and on what else runs on it.
#
#   bench/ingest-bench.sh [--records N[,N...]] [--files F] [--repeat R] [options]
#
# Generates ONE deterministic hour (default 1,000,000 records in 8 gzipped files, seed 42; cached under
# target/bench-data/r<records>-f<files>-s<seed>/ or $HOURGLASS_BENCH_CACHE, reused by later runs), then
# runs each engine R times (default 3), round by round, each run a fresh child process under GNU time:
#   ours    ./hourglass ingest --set spark.master=local[2], email hashed with a bench key
#           (HOURGLASS_BENCH_HMAC_KEY, or a fixed bench-only key), fresh warehouse and state each run
#   spark   stock Spark 3.5 in the same kind of JVM: read().schema(explicit).json -> partitionBy(dt, hour).parquet
#   duckdb  DuckDB (org.duckdb:duckdb_jdbc, Maven profile 'bench' only): COPY (SELECT ... FROM read_json(...))
#           TO ... (FORMAT PARQUET, PARTITION_BY (dt, hour)), SET threads=2
# and prints a Markdown report (also saved as report.md in the work folder): median/min/max wall seconds,
# MB/s of raw JSON per core, records/s, peak RSS, rows and files written, the ratios ours/stock Spark and
# ours/DuckDB against the issue's targets, the machine, and each engine's milestones.
#
# Other sizes, to show how cost grows with input:
#   bench/ingest-bench.sh --records 100k --repeat 1      # a quick check (a few minutes)
#   bench/ingest-bench.sh --records 5M                    # 5,000,000 records (about 2.5 GB of JSON)
#   bench/ingest-bench.sh --records 100k,1M,5M            # all three, then a scaling table
# Options: --files F, --repeat R, --seed S, --dirty (the generator's bad records mixed in), --repeats RATE (a clean
# hour but for RATE of its records delivered twice, as a Firehose retry does; ours drops them), --rejects RATE
# (a clean hour but for RATE of its records bad in the ways the ingest rejects; ours quarantines them), --cores C,
# --engines ours,spark,duckdb (also ours-nocds, spark-nocds: without class-data archives; ours-sparkwriter:
# ours with writer = spark), --timeout SECONDS (per run), --stages (one extra untimed run of each Spark
# engine with the event log on, summarised as jobs and stages; with --repeat 0 only those), --cache DIR,
# --work DIR, --keep, --report FILE.
# JVM options for every Java engine: $HOURGLASS_JAVA_OPTS (default: ./hourglass's, from conf/java-opts.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

case "${1:-}" in
  -h|--help) sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d' | sed 's/^# \{0,1\}//'; exit 0 ;;
esac

# Peak RSS and CPU come from GNU time (Debian package 'time').
if ! /usr/bin/time -V 2>&1 | grep -q 'GNU'; then
  echo "ingest-bench: installing GNU time (apt-get install -y time) for peak RSS..." >&2
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  $sudo apt-get install -y -q time >&2 || { $sudo apt-get update -q >&2 && $sudo apt-get install -y -q time >&2; } || {
    echo "ingest-bench: GNU time is needed for peak RSS and could not be installed; run: apt-get install -y time" >&2; exit 2; }
fi

# Our job runs through ./hourglass, which rebuilds when sources are newer than the jar: build now, so
# that no timed run pays for it.
"$here/hourglass" --version >/dev/null
jar="$here/jobs/target/hourglass.jar"
cp_file="$here/jobs/target/launcher-classpath.txt"

# DuckDB's JDBC jar, from the 'bench' profile of jobs/pom.xml (never on the default classpath nor in the jar).
# test-compile lets Maven resolve hourglass-common from this build rather than from ~/.m2.
bench_cp="$here/jobs/target/bench-classpath.txt"
if [[ ! -s "$bench_cp" || "$here/jobs/pom.xml" -nt "$bench_cp" ]] || ! [[ -f "$(cut -d: -f1 "$bench_cp")" ]]; then
  echo "ingest-bench: resolving DuckDB's JDBC driver (mvn -Pbench)..." >&2
  (cd "$here" && mvn -B -q -Dstyle.color=never -Pbench -pl jobs -am -DskipTests test-compile dependency:build-classpath \
      -DincludeGroupIds=org.duckdb -Dmdep.outputFile="$bench_cp") >&2
  [[ -s "$bench_cp" ]] || { echo "ingest-bench: mvn -Pbench did not resolve org.duckdb:duckdb_jdbc" >&2; exit 2; }
fi

# The JVM flags Spark needs on Java 17: a copy of the list in ./hourglass, for the stock Spark child.
opens=(
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
)
export HOURGLASS_BENCH_JVM_FLAGS="$(printf '%s\n' "${opens[@]}")"
source "$here/conf/java-opts.sh"
export HOURGLASS_JAVA_OPTS="${HOURGLASS_JAVA_OPTS:-$(hourglass_java_opts)}"

exec java -Xmx1g -Dhourglass.home="$here" -Dbench.duckdb.classpath="$(cat "$bench_cp")" \
  -Dlog4j2.configurationFile="$here/conf/log4j2-local.properties" \
  -cp "$jar:$(cat "$cp_file")" io.hourglass.jobs.bench.IngestBench "$@"
