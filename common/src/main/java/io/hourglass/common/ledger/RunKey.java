package io.hourglass.common.ledger;

import io.hourglass.common.config.Hour;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** What a run is of: one job for one dataset and one UTC hour. At most one run of a key holds its lock. */
public record RunKey(String job, String dataset, Instant hourStart) {
  /** Longest job or dataset name the ledger stores. */
  public static final int MAX_NAME_LENGTH = 128;

  public RunKey {
    job = name("job", job);
    dataset = name("dataset", dataset);
    if (hourStart == null || !hourStart.truncatedTo(ChronoUnit.HOURS).equals(hourStart)) {
      throw new IllegalArgumentException("A run's hour must start on the hour (UTC), cannot be: " + hourStart);
    }
  }

  public static RunKey of(String job, String dataset, Hour hour) {
    return new RunKey(job, dataset, hour.start());
  }

  public Hour hour() {
    return new Hour(hourStart);
  }

  /** {@code job ingest, dataset web_events, hour 2026-11-20T10}: how messages name a key. */
  public String describe() {
    return "job " + job + ", dataset " + dataset + ", hour " + hour();
  }

  private static String name(String what, String value) {
    if (value == null || value.isBlank() || value.length() > MAX_NAME_LENGTH) {
      throw new IllegalArgumentException("A run's " + what + " must be 1 to " + MAX_NAME_LENGTH
          + " characters, cannot be: " + (value == null ? null : "'" + value + "'"));
    }
    return value;
  }
}
