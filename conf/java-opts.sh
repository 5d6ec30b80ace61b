# The JVM options ./hourglass starts the job with when HOURGLASS_JAVA_OPTS is not set, shared by the launcher and
# the benchmarks (bench/*.sh), which give every Java engine the same. Sourced, not run: defines hourglass_java_opts.
#
# -Xmx1g: enough for a 5M-record hour in-process (no step caches wide rows).
# -XX:InlineSmallCode=500 -XX:FreqInlineSize=70 (defaults 2500 and 325): C2 inlines less, so a short-lived JVM (an
#   hourly ingest) spends less CPU compiling: C2 time on the 1M-record hour 14 s -> 10 s -> 3.8 s of CPU, 9-11% less
#   wall and CPU from 100k to 1M records, 7% at 5M, the warm rate unchanged (bench/jvm-flags.sh, bench/RESULTS.md "JIT settings").
# -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch, where the kernel offers transparent huge pages (madvise or
#   always in /sys/kernel/mm/transparent_hugepage/enabled; without it the JVM would warn and ignore the first): the
#   heap in 2 MB pages, its first part touched as the JVM starts. A 1M-record hour took 175,000 page faults and
#   2.4 s of system time, now 35,000 and 1.7 s; 0.84x / 0.89x-0.96x / 0.98x-1.05x wall at 100k / 1M / 5M records
#   (bench/jvm-flags.sh, bench/RESULTS.md "Huge pages"). Peak RSS grows by the touched part (about 60-160 MB).
hourglass_java_opts() {
  local opts="-Xmx1g -XX:+UseParallelGC -XX:InlineSmallCode=500 -XX:FreqInlineSize=70"
  if grep -qsE '\[(always|madvise)\]' /sys/kernel/mm/transparent_hugepage/enabled; then
    opts+=" -XX:+UseTransparentHugePages -XX:+AlwaysPreTouch"
  fi
  printf '%s\n' "$opts"
}
