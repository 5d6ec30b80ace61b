package io.hourglass.common.io;

/**
 * Named points in a run where a test can make the process die at once, as a killed driver would:
 * {@code -Dhourglass.fault.halt-at=<point>} halts the JVM (no shutdown hooks, no finally blocks) when
 * the run reaches that point. Unset in production; reaching a point then costs one property read.
 *
 * <p>Points, in run order: {@code staged} (the hour's rows are in _staging, nothing published),
 * {@code withdrawn} (the hour's manifest was withdrawn), {@code old-deleted} (the hour's old directories
 * are gone, the new ones not yet moved), {@code half-moved} (some new directories moved),
 * {@code published} (all moved, no manifest yet), {@code manifest-written} (before the ledger records
 * success).
 */
public final class FaultPoints {
  public static final String PROPERTY = "hourglass.fault.halt-at";
  /** Exit status of a halted run, like a SIGKILLed process. */
  public static final int HALT_STATUS = 137;

  private FaultPoints() {}

  public static void reach(String point) {
    reach(null, point);
  }

  /** A point of one table's write: matches {@code <point>} or {@code <table>:<point>} (e.g. {@code events:staged}). */
  public static void reach(String table, String point) {
    String target = System.getProperty(PROPERTY);
    if (target != null && (target.equals(point) || (table != null && target.equals(table + ":" + point)))) {
      System.err.println("[fault] halting at " + point);
      System.err.flush();
      Runtime.getRuntime().halt(HALT_STATUS);
    }
  }
}
