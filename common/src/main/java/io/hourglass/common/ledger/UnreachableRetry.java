package io.hourglass.common.ledger;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A ledger write tried again while the ledger cannot be reached, for a bounded time. For the outcome of a run:
 * a PostgreSQL failover at the end of a run (tens of seconds) would otherwise fail a run whose data is published,
 * and leave its hour locked until the lease runs out, so that a retry soon after is refused as "already running"
 * by the run's own earlier attempt. Anything but {@link LedgerUnavailableException} is not retried.
 */
public final class UnreachableRetry {
  private static final long FIRST_WAIT_MS = 1000;
  private static final long LONGEST_WAIT_MS = 10_000;

  private UnreachableRetry() {}

  /**
   * @param what what is written, for the lines told while waiting (e.g. "the outcome of run X")
   * @param patience how long to keep trying; the last failure is thrown once it has passed
   * @param told one line per failed try
   */
  public static void write(String what, Runnable write, Duration patience, Consumer<String> told) {
    long giveUp = System.nanoTime() + patience.toNanos();
    for (long wait = FIRST_WAIT_MS; ; wait = Math.min(LONGEST_WAIT_MS, wait * 2)) {
      try {
        write.run();
        return;
      } catch (LedgerUnavailableException e) {
        long left = (giveUp - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          throw e;
        }
        long pause = Math.min(wait, left);
        told.accept(String.format("cannot record %s yet (%s); trying again in %.1f s, for %d s more", what, e.getMessage(),
            pause / 1000.0, left / 1000));
        try {
          Thread.sleep(pause);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          e.addSuppressed(ie);
          throw e;
        }
      }
    }
  }
}
