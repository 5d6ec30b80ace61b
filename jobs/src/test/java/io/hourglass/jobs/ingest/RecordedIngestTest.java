package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LeaseLostException;
import io.hourglass.common.ledger.LedgerSettings;
import io.hourglass.common.ledger.RunKey;
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

  @Test
  void aRunWhoseHourWasTakenOverWhileItWorkedPublishesNothing() throws Exception {
    IngestFixture f = new IngestFixture(dir, TableFormat.PARQUET);
    Hour hour = Hour.parse("2026-11-20T10");
    f.generate(hour, 2000, false, 7);
    // This run's clock is an hour behind, so its lease (1 s) has run out as soon as it is taken and each heartbeat
    // keeps it out: as a run whose heartbeats could not reach the ledger for longer than the lease. Another run takes
    // the hour over once this one has started reading.
    Clock behind = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
    try (JdbcRunLedger ledger = JdbcRunLedger.open(LedgerSettings.embedded(dir.resolve("state"), Duration.ofSeconds(1)))) {
      RunKey key = new RunKey(RecordedIngest.JOB, "web_events", hour.start());
      List<String> lines = Collections.synchronizedList(new ArrayList<>());
      io.hourglass.common.config.HourglassConfig c = f.config();
      IngestJob job = new IngestJob(f.spark, c.settings(), c.dataset("web_events"), java.util.Optional.of(IngestFixture.KEY), line -> {
        lines.add(line);
        if (line.startsWith("reading ")) {
          ledger.claim(key, "the-other-run", Instant.now());
        }
      });
      LeaseLostException e = assertThrows(LeaseLostException.class, () -> new RecordedIngest(ledger, behind, lines::add).run(job, hour, 0));

      assertTrue(e.getMessage().contains("run the-other-run holds it"), e.getMessage());
      assertFalse(java.nio.file.Files.exists(f.warehouse.resolve("events")) && f.table(hour).count() > 0, "no rows published");
      assertTrue(new io.hourglass.common.io.ManifestStore(new org.apache.hadoop.conf.Configuration())
          .read(f.warehouse.resolve("events").toUri().toString(), hour).isEmpty(), "no manifest");
      assertFalse(java.nio.file.Files.exists(f.warehouse.resolve("_quarantine")) && f.quarantine(hour).count() > 0, "no quarantine");
      assertEquals("the-other-run", ledger.latest(RecordedIngest.JOB, "web_events", hour.start()).orElseThrow().runId());
    }
  }
}

