package io.hourglass.common.ledger;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A process for {@link H2RunLedgerTest} that opens the embedded ledger, reads an hour's latest run and closes
 * it, over and over, as `status` commands and starting drivers do. Prints {@code OPENED <n> <run id>} per open.
 * Arguments: state folder, hour start, and the number of opens, or {@code die} to open it once and halt with
 * the ledger open (a driver killed mid-run: no shutdown hook, H2's lock file left behind).
 */
public final class LedgerOpenerProcess {
  /** The exit status of a process told to die. */
  static final int DIED = 9;

  private LedgerOpenerProcess() {}

  public static void main(String[] args) {
    LedgerSettings s = LedgerSettings.embedded(Path.of(args[0]), RunLedgerContract.LEASE);
    Instant hour = Instant.parse(args[1]);
    if (args[2].equals("die")) {
      JdbcRunLedger.open(s).latest("ingest", "web_events", hour).orElseThrow();
      Runtime.getRuntime().halt(DIED);
    }
    int opens = Integer.parseInt(args[2]);
    for (int i = 1; i <= opens; i++) {
      try (JdbcRunLedger ledger = JdbcRunLedger.open(s)) {
        String runId = ledger.latest("ingest", "web_events", hour).orElseThrow().runId();
        System.out.println("OPENED " + i + " " + runId);
        System.out.flush();
      }
    }
  }
}
