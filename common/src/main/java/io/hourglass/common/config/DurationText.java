package io.hourglass.common.config;

import java.time.Duration;

/** A duration written the way the settings files write one ({@code 90m}, {@code 45s}, {@code -5m}), for messages. */
public final class DurationText {
  private DurationText() {}

  /** The largest whole unit of h, m, s and ms that states {@code d} exactly. */
  public static String of(Duration d) {
    long ms = d.toMillis();
    if (ms % 3_600_000 == 0 && ms != 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }
}
