package io.hourglass.common.ledger;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * A second process for {@link H2RunLedgerTest}: opens the embedded ledger first (so it serves the file),
 * claims an hour, answers {@code CLAIMED <attempt>}, and on {@code release} records success.
 * Arguments: state folder, run id, hour start, now.
 */
public final class LedgerChildProcess {
  private LedgerChildProcess() {}

  public static void main(String[] args) throws Exception {
    LedgerSettings s = LedgerSettings.embedded(Path.of(args[0]), RunLedgerContract.LEASE);
    Instant now = Instant.parse(args[3]);
    // The ledger keeps the database open while it is open, so this process serves it to the test.
    try (JdbcRunLedger ledger = JdbcRunLedger.open(s);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
      RunClaim claim = ledger.claim(new RunKey("ingest", "web_events", Instant.parse(args[2])), args[1], now);
      System.out.println("CLAIMED " + claim.attempt());
      System.out.flush();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("release")) {
          ledger.succeeded(claim, RunLedgerContract.METRICS, now.plusSeconds(60));
          System.out.println("RELEASED");
          System.out.flush();
        }
      }
    }
  }
}
