package io.hourglass.jobs.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.LedgerSettings;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.common.sizer.Observation;
import io.hourglass.jobs.sizing.IngestSizing;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hours of a backfill run in one session, which started once: each hour records that start, as it would have
 * paid it run on its own, and the sizer's observations of them carry it.
 */
class BackfillStartupTest {
  @TempDir
  Path dir;

  @Test
  void everyHourOfABackfillRecordsTheSessionsStart() throws Exception {
    IngestFixture f = new IngestFixture(dir, TableFormat.PARQUET);
    Hour first = Hour.parse("2026-11-20T10");
    List<Hour> hours = List.of(first, first.plusHours(1));
    for (Hour h : hours) {
      f.generate(h, 500, false, h.start().getEpochSecond());
    }
    long sessionStartupMs = 4_321;
    Backfill.Listener quiet = new Backfill.Listener() {
      @Override public void planned(int total, int skipped) { }
      @Override public void started(Hour hour, int attempt) { }
      @Override public void finished(Backfill.HourOutcome outcome) { }
    };
    try (JdbcRunLedger ledger = JdbcRunLedger.open(LedgerSettings.embedded(dir.resolve("state"), Duration.ofSeconds(30)))) {
      List<Backfill.HourOutcome> outcomes = new Backfill(f.spark, f.job(), ledger, 1,
          new Backfill.Options(1, false, 0, Duration.ofMillis(10), Duration.ofMillis(10)), Clock.systemUTC(), quiet,
          line -> { }, sessionStartupMs).run(hours);
      assertEquals(List.of(Backfill.State.SUCCEEDED, Backfill.State.SUCCEEDED),
          outcomes.stream().map(Backfill.HourOutcome::state).toList(), outcomes.toString());
      List<RunRow> rows = ledger.history("ingest", "web_events", first.start(), hours.get(1).end());
      assertEquals(List.of(sessionStartupMs, sessionStartupMs), rows.stream().map(r -> r.metrics().startupMs()).toList());
      List<Observation> seen = IngestSizing.observations(rows);
      assertEquals(2, seen.size(), "one hour at a time: both hours are the sizer's observations");
      for (int i = 0; i < rows.size(); i++) {
        assertEquals(sessionStartupMs / 1000.0, seen.get(i).startupSeconds(), 1e-9);
      }
    }
  }
}
