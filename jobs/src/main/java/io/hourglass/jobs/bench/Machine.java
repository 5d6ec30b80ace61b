package io.hourglass.jobs.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The machine a benchmark ran on, as the report states it: cores, CPU model, memory, Java, load. */
record Machine(int cores, String cpu, long memKb, String java, String os, String load) {
  static Machine describe() {
    String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name").orElse(System.getProperty("os.arch"));
    long mem = firstValue(Path.of("/proc/meminfo"), "MemTotal").map(v -> Long.parseLong(v.replaceAll("[^0-9]", ""))).orElse(-1L);
    String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
    String os = System.getProperty("os.name") + " " + System.getProperty("os.version");
    return new Machine(Runtime.getRuntime().availableProcessors(), cpu, mem, java, os, loadAverage());
  }

  /** 1, 5 and 15 minute load averages: on a shared machine they say how much the numbers can be trusted. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  String markdown() {
    return String.format(Locale.ROOT, "%d cores (nproc), %s, %.1f GiB memory, %s, %s; load average at the start %s.",
        cores, cpu, memKb / 1048576.0, java, os, load);
  }

  private static Optional<String> firstValue(Path file, String key) {
    try {
      return Files.readAllLines(file).stream()
          .filter(l -> l.startsWith(key))
          .map(l -> l.substring(l.indexOf(':') + 1).trim())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
