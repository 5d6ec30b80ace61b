package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import io.hourglass.common.ledger.RunRow;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run under the embedded ledger, its heartbeat busy when the job ends. */
class RecordedIngestTest {
  @TempDir
  Path dir;

  @Test
  void theEndOfARunWaitsForTheHeartbeatInFlightInsteadOfInterruptingIt() throws Exception {
    IngestFixture f = new IngestFixture(dir, TableFormat.PARQUET);
    Hour hour = Hour.parse("2026-11-20T10");
    f.generate(hour, 2000, false, 7);
    // Lease 1 s: a heartbeat every 333 ms, each held 500 ms in the clock, so one is in flight when the job ends.
    AtomicInteger beats = new AtomicInteger();
    AtomicInteger interrupted = new AtomicInteger();
    Clock slowHeartbeats = new Clock() {
      @Override
      public Instant instant() {
        if (Thread.currentThread().getName().startsWith("ledger-heartbeat-")) {
          beats.incrementAndGet();
          try {
            Thread.sleep(500);
          } catch (InterruptedException e) {
            interrupted.incrementAndGet();
            Thread.currentThread().interrupt(); // as a JDBC write would meet it
          }
        }
        return Instant.now();
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };

    try (JdbcRunLedger ledger = JdbcRunLedger.open(LedgerSettings.embedded(dir.resolve("state"), Duration.ofSeconds(1)))) {
      List<String> lines = Collections.synchronizedList(new ArrayList<>()); // the heartbeat thread reports here too
      IngestJob.Result result = new RecordedIngest(ledger, slowHeartbeats, lines::add).run(f.job(), hour, 0);

      assertFalse(result.empty());
      assertTrue(beats.get() >= 1, "the job outlived a heartbeat period: " + beats.get());
      assertEquals(0, interrupted.get(), "heartbeats interrupted");
      RunRow row = ledger.latest(RecordedIngest.JOB, "web_events", hour.start()).orElseThrow();
      assertEquals(RunRow.SUCCEEDED, row.status(), row.toString());
      assertTrue(lines.stream().noneMatch(l -> l.startsWith("ledger heartbeat failed")), lines.toString());
    }
  }
}
