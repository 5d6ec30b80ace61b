package io.hourglass.common.ledger;

import java.time.Instant;

/**
 * A run found that its lock is no longer its own: its lease expired and another run took the hour over
 * (its row is then already recorded as failed). The run must stop without publishing anything.
 */
public final class LeaseLostException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LeaseLostException(RunClaim claim, String holderRunId, Instant holderLeaseUntil) {
    super("run " + claim.runId() + " (" + claim.key().describe() + ") lost its lock: "
        + (holderRunId == null ? "no run holds it now" : "run " + holderRunId + " holds it until " + holderLeaseUntil)
        + "; its lease ran until " + claim.leaseUntil());
  }
}
