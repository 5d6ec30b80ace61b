package io.hourglass.jobs.faults;

import static io.hourglass.jobs.faults.FaultHarness.generate;
import static io.hourglass.jobs.faults.FaultHarness.ingest;
import static io.hourglass.jobs.faults.FaultHarness.options;
import static io.hourglass.jobs.faults.FaultHarness.runsOf;
import static io.hourglass.jobs.faults.FaultHarness.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.io.RunManifest;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.jobs.faults.FaultHarness.Child;
import io.hourglass.jobs.faults.FaultHarness.HourView;
import io.hourglass.jobs.generate.GeneratedHour;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two drivers started at once for the same hour (two JVMs sharing one ledger): exactly one runs it. */
class DoubleFireTest {
  @TempDir
  Path dir;

  @Test
  void twoRunsOfOneHourStartedAtOnceOneProceedsAndTheOtherIsRefusedWithExitThree() {
    Hour h = Hour.parse("2026-11-20T14");
    GeneratedHour g = generate(dir.resolve("raw").toString(), h, 3000, 17);
    Path state = dir.resolve("state");
    try (JdbcRunLedger ledger = FaultHarness.ledger(state)) {
      ledger.latest("ingest", "web_events", h.start()); // the ledger exists, as it does in production
    }
    List<String> args = ingest(h, options(dir.resolve("raw").toString(), dir.resolve("wh").toString(), state));

    int codeA;
    int codeB;
    String logA;
    String logB;
    try (Child a = Child.start(dir.resolve("a.log"), List.of(), args);
        Child b = Child.start(dir.resolve("b.log"), List.of(), args)) {
      codeA = a.await(Duration.ofMinutes(5));
      codeB = b.await(Duration.ofMinutes(5));
      logA = a.log();
      logB = b.log();
    }

    assertEquals(List.of(0, 3), List.of(codeA, codeB).stream().sorted().toList(), "exit codes; A:\n" + logA + "\nB:\n" + logB);
    String loser = codeA == 3 ? logA : logB;
    List<String> verdict = loser.lines().filter(l -> l.startsWith("hourglass:")).toList();
    assertEquals(1, verdict.size(), loser);
    assertTrue(verdict.get(0).startsWith("hourglass: refused: "), loser);

    List<RunRow> runs = runsOf(state, h);
    assertEquals(1, runs.size(), "only the winner is recorded: " + runs);
    assertEquals(RunRow.SUCCEEDED, runs.get(0).status(), runs.toString());
    assertTrue(verdict.get(0).contains(runs.get(0).runId()), "the refusal names the run holding the hour: " + verdict);

    HourView found = view(dir.resolve("wh").toString(), h);
    RunManifest m = found.requireManifest();
    assertEquals(runs.get(0).runId(), m.runId());
    assertTrue(m.records().balanced(), m.records().toString());
    assertEquals(g.validRecords(), m.records().written());
    assertEquals(g.validRecords(), found.table().count());
    assertEquals(found.table().count(), found.table().distinctEventIds(), "no event_id twice");
    assertEquals(g.rejected(), found.quarantine().count());
  }
}
