package io.hourglass.common.sizer;

import java.util.Locale;

/** Human formats for the sizer's sentences and charts. */
final class Fmt {
  private Fmt() {}

  /** 45s, 41m 12s, 1h 02m. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "forever";
    }
    long s = Math.round(seconds);
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return String.format(Locale.ROOT, "%dm %02ds", s / 60, s % 60);
    }
    long m = Math.round(seconds / 60.0);
    return String.format(Locale.ROOT, "%dh %02dm", m / 60, m % 60);
  }

  /** A duration rounded up to whole minutes, for "raise the deadline to at least ...": 61m, 1h 42m. */
  static String durationUp(double seconds) {
    if (!Double.isFinite(seconds)) {
      return "forever";
    }
    long m = (long) Math.ceil(seconds / 60.0 - 1e-9);
    return m < 60 ? m + "m" : String.format(Locale.ROOT, "%dh %02dm", m / 60, m % 60);
  }

  /** 512 B, 3.4 MiB, 412.0 GiB, 1.21 TiB. */
  static String bytes(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : "%.1f %s", v, units[u]);
  }

  static String throughput(double mibPerSecond) {
    return Double.isFinite(mibPerSecond) ? String.format(Locale.ROOT, "%.2f MiB/s", mibPerSecond) : "unbounded MiB/s";
  }
}
