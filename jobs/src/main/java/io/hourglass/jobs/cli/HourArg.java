package io.hourglass.jobs.cli;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import java.time.Instant;

/**
 * An hour given on the command line: a UTC hour, or {@code last}, which means the latest hour whose raw folder has
 * settled ({@link DatasetSettings#lastSettled}), so it depends on the dataset and is resolved once the command knows it.
 *
 * @param fixed the hour given, or null for {@code last}
 */
record HourArg(Hour fixed) {
  static final HourArg LAST = new HourArg(null);

  Hour resolve(DatasetSettings ds, Instant now) {
    return fixed != null ? fixed : ds.lastSettled(now);
  }

  @Override
  public String toString() {
    return fixed != null ? fixed.toString() : "last";
  }
}
