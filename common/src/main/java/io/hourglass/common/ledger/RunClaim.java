package io.hourglass.common.ledger;

import java.time.Instant;
import java.util.Objects;

/**
 * Proof that a run holds the lock of its key until {@code leaseUntil}. The run keeps it alive with
 * {@link JdbcRunLedger#heartbeat} and gives it back with succeeded, empty or failed.
 */
public record RunClaim(RunKey key, String runId, int attempt, Instant leaseUntil) {
  public RunClaim {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(runId, "runId");
    Objects.requireNonNull(leaseUntil, "leaseUntil");
    if (attempt < 1) {
      throw new IllegalArgumentException("A run's attempt must be at least 1, cannot be: " + attempt);
    }
  }
}
