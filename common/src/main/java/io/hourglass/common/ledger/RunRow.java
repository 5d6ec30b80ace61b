package io.hourglass.common.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * One recorded run. {@code endedAt} and {@code error} are null while it runs; a running row has
 * {@link RunMetrics#none()}. Instants have millisecond precision.
 */
public record RunRow(
    String runId,
    RunKey key,
    int attempt,
    String status,
    Instant startedAt,
    Instant endedAt,
    RunMetrics metrics,
    String error) {

  /** The driver holds (or held, if it died) the lock and has not reported an outcome yet. */
  public static final String RUNNING = "running";
  public static final String SUCCEEDED = "succeeded";
  public static final String FAILED = "failed";
  /** The hour had no input: nothing was written and existing output was left alone. */
  public static final String EMPTY = "empty";

  public RunRow {
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(metrics, "metrics");
  }

  public boolean isRunning() {
    return RUNNING.equals(status);
  }

  public boolean isSucceeded() {
    return SUCCEEDED.equals(status);
  }
}
