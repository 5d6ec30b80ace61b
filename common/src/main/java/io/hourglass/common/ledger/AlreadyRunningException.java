package io.hourglass.common.ledger;

import java.time.Instant;

/**
 * A second run of a job/dataset/hour was refused because another run holds its lock (the double-fire
 * guard). The message is one line naming the key, the holder and when its lease runs out.
 */
public final class AlreadyRunningException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient RunKey key;
  private final String holderRunId;
  private final transient Instant leaseUntil;

  public AlreadyRunningException(RunKey key, String holderRunId, Instant leaseUntil) {
    super(key.describe() + " is already running: run " + holderRunId + " holds its lock until " + leaseUntil
        + " (a run whose driver died is taken over once its lease has expired)");
    this.key = key;
    this.holderRunId = holderRunId;
    this.leaseUntil = leaseUntil;
  }

  public RunKey key() {
    return key;
  }

  public String holderRunId() {
    return holderRunId;
  }

  public Instant leaseUntil() {
    return leaseUntil;
  }
}
