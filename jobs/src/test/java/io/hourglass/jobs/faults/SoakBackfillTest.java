package io.hourglass.jobs.faults;

import static io.hourglass.jobs.faults.FaultHarness.EVENTS;
import static io.hourglass.jobs.faults.FaultHarness.QUARANTINE;
import static io.hourglass.jobs.faults.FaultHarness.allRows;
import static io.hourglass.jobs.faults.FaultHarness.assertSameRows;
import static io.hourglass.jobs.faults.FaultHarness.backfill;
import static io.hourglass.jobs.faults.FaultHarness.cli;
import static io.hourglass.jobs.faults.FaultHarness.generate;
import static io.hourglass.jobs.faults.FaultHarness.options;
import static io.hourglass.jobs.faults.FaultHarness.stagingLeftovers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.io.FaultPoints;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.io.RunManifest;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.jobs.faults.FaultHarness.Child;
import io.hourglass.jobs.faults.FaultHarness.Rows;
import io.hourglass.jobs.faults.FaultHarness.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill of many small hours ({@code -Dhourglass.soak.hours}, default 48; seed {@code -Dhourglass.soak.seed})
 * under injected failures: some hours' input damaged for a while (an object cut short, as a half-delivered
 * upload), the driver halted at a random point of the write or commit, the driver killed from outside at a
 * random moment; each time the same command resumes. The end is identical to a clean backfill of the same
 * input: every row of the table and the quarantine, every manifest's accounts, every hour succeeded once.
 */
class SoakBackfillTest {
  private static final int HOURS = Integer.getInteger("hourglass.soak.hours", 48);
  private static final long SEED = Long.getLong("hourglass.soak.seed", 20261118L);
  private static final Hour FROM = Hour.parse("2026-11-18T00");
  private static final Hour TO = FROM.plusHours(HOURS - 1);
  private static final List<String> HALT_POINTS = List.of("events:staged", "events:withdrawn", "events:old-deleted",
      "events:half-moved", "events:published", "manifest-written", "web_events:staged", "web_events:old-deleted",
      "web_events:published");

  @TempDir
  Path dir;

  @Test
  void aBackfillWithDamagedInputHaltedAndKilledDriversAndResumesEndsIdenticalToACleanBackfill() throws IOException {
    Random random = new Random(SEED);
    FaultHarness.Clock clock = new FaultHarness.Clock("soak of " + HOURS + " hours");
    // The same hours (same seeds, so byte-identical objects under identical names) in two raw roots: one for the
    // clean backfill everything is compared with, one for the backfill under faults.
    String raw = dir.resolve("raw").toString();
    String cleanRaw = dir.resolve("clean-raw").toString();
    List<Hour> hours = new ArrayList<>();
    for (int i = 0; i < HOURS; i++) {
      hours.add(FROM.plusHours(i));
      int records = 100 + random.nextInt(101);
      generate(new Configuration(), raw, FROM.plusHours(i), records, 2, SEED + i);
      generate(new Configuration(), cleanRaw, FROM.plusHours(i), records, 2, SEED + i);
    }

    // Damage about one hour in eight: its first object cut in half, until it is delivered again in full.
    Map<Path, byte[]> damaged = new LinkedHashMap<>();
    TreeSet<Hour> damagedHours = new TreeSet<>();
    for (Hour h : hours) {
      if (random.nextInt(8) == 0 || damagedHours.isEmpty() && h.equals(TO)) {
        Path object;
        try (var objects = Files.list(dir.resolve("raw/web-events").resolve(h.folder()))) {
          object = objects.sorted().findFirst().orElseThrow();
        }
        byte[] whole = Files.readAllBytes(object);
        damaged.put(object, whole);
        damagedHours.add(h);
        Files.write(object, Arrays.copyOf(whole, whole.length / 2));
      }
    }

    // The clean backfill runs in this JVM while the drivers under faults run in child JVMs.
    String cleanWarehouse = dir.resolve("clean/wh").toString();
    ExecutorService background = Executors.newSingleThreadExecutor();
    List<String> cleanCommand = backfill(FROM, TO, 2, options(cleanRaw, cleanWarehouse, dir.resolve("clean/state")));
    Future<Run> cleanRun = background.submit(() -> cli(cleanCommand));
    background.shutdown();

    String warehouse = dir.resolve("wh").toString();
    Path state = dir.resolve("state");
    List<String> command = backfill(FROM, TO, 2, options(raw, warehouse, state));

    // 1. The driver halts at a random point of some hour's write or commit (another hour may be mid-way too).
    String point = HALT_POINTS.get(random.nextInt(HALT_POINTS.size()));
    try (Child child = Child.start(dir.resolve("halted.log"), List.of("-D" + FaultPoints.PROPERTY + "=" + point), command)) {
      assertEquals(FaultPoints.HALT_STATUS, child.await(Duration.ofMinutes(5)), point + ": " + child.log());
    }
    clock.lap("driver halted at " + point + " (" + finished(state) + " hours done)");

    // 2. The resumed driver is killed from outside once a random number of further hours have finished.
    int finishedBefore = finished(state);
    int more = 4 + random.nextInt(Math.max(1, HOURS / 4));
    try (Child child = Child.start(dir.resolve("killed.log"), List.of(), command)) {
      boolean reached = FaultHarness.await(() -> !child.isAlive() || finished(state) >= finishedBefore + more,
          Duration.ofMinutes(5), Duration.ofMillis(250));
      assertTrue(reached && child.isAlive(), "the second driver was killed mid-way (after " + more + " more hours): " + child.log());
      child.kill();
    }
    clock.lap("driver killed from outside (" + finished(state) + " hours done)");

    Run clean;
    try {
      clean = cleanRun.get(10, TimeUnit.MINUTES);
    } catch (ExecutionException | InterruptedException | TimeoutException e) {
      throw new AssertionError("the clean backfill", e);
    }
    assertEquals(0, clean.code(), clean.all());
    assertTrue(clean.out().contains(HOURS + " hours: " + HOURS + " succeeded"), clean.all());
    clock.lap("the clean backfill finished");

    // 3. Resumed in this JVM once the dead drivers' leases ran out: everything but the damaged hours succeeds.
    FaultHarness.sleep(FaultHarness.LEASE.plusMillis(500));
    Run resumed = cli(command);
    assertEquals(1, resumed.code(), resumed.all());
    for (Hour h : damagedHours) {
      assertTrue(resumed.out().contains("failed " + h + " after 1 attempt(s): corrupt input file"), h + ": " + resumed.all());
    }
    assertTrue(resumed.out().contains(" " + damagedHours.size() + " failed"), "exactly the damaged hours failed: " + damagedHours
        + "\n" + resumed.all());

    // 4. The damaged objects arrive whole; the same command finishes the backfill.
    for (Map.Entry<Path, byte[]> e : damaged.entrySet()) {
      Files.write(e.getKey(), e.getValue());
    }
    clock.lap("resumed: all but the " + damagedHours.size() + " damaged hours done");
    Run finished = cli(command);
    clock.lap("resumed after the damaged input was delivered again");
    assertEquals(0, finished.code(), finished.all());
    assertTrue(finished.out().contains(damagedHours.size() + " succeeded, 0 empty, " + (HOURS - damagedHours.size()) + " skipped"),
        finished.all());

    // Identical to the clean backfill (whose rows name their source files under the other raw root).
    Rows table = allRows(FaultHarness.tableRoot(warehouse), EVENTS);
    Rows cleanTable = underRawRoot(allRows(FaultHarness.tableRoot(cleanWarehouse), EVENTS));
    assertTrue(cleanTable.count() > HOURS * 80L, "the clean backfill wrote " + cleanTable.count() + " rows");
    assertSameRows(cleanTable, table, "all rows of the table");
    assertEquals(cleanTable.digest(), table.digest());
    assertEquals(table.count(), table.distinctEventIds(), "no event_id twice within an arrival hour");
    Rows quarantine = allRows(FaultHarness.quarantineRoot(warehouse), QUARANTINE);
    Rows cleanQuarantine = underRawRoot(allRows(FaultHarness.quarantineRoot(cleanWarehouse), QUARANTINE));
    assertTrue(cleanQuarantine.count() > 0);
    assertSameRows(cleanQuarantine, quarantine, "all rows of the quarantine");

    ManifestStore manifests = new ManifestStore(new Configuration());
    try (JdbcRunLedger ledger = FaultHarness.ledger(state)) {
      for (Hour h : hours) {
        Optional<RunManifest> m = manifests.read(FaultHarness.tableRoot(warehouse), h);
        RunManifest c = manifests.read(FaultHarness.tableRoot(cleanWarehouse), h).orElseThrow();
        assertTrue(m.isPresent() && m.get().records().balanced(), h + ": " + m);
        assertEquals(c.records(), m.get().records(), h + ": accounts");
        assertEquals(c.output().directories(), m.get().output().directories(), h + ": directories");
        RunRow latest = ledger.latest("ingest", "web_events", h.start()).orElseThrow();
        assertEquals(RunRow.SUCCEEDED, latest.status(), h + ": " + latest);
        assertEquals(m.get().runId(), latest.runId(), h + ": the manifest is the latest succeeded run's");
      }
    }
    assertEquals(List.of(), stagingLeftovers(dir.resolve("wh/events")));
    assertEquals(List.of(), stagingLeftovers(dir.resolve("wh/_quarantine/web_events")));
    clock.lap("comparison with the clean backfill");
  }

  /** The clean backfill's rows as if its input had been under the faulted backfill's raw root. */
  private Rows underRawRoot(Rows clean) {
    String from = dir.resolve("clean-raw").toAbsolutePath() + "/web-events/";
    String to = dir.resolve("raw").toAbsolutePath() + "/web-events/";
    List<String> moved = clean.sorted().stream().map(json -> json.replace(from, to)).sorted().toList();
    assertTrue(moved.stream().noneMatch(json -> json.contains("clean-raw")), "every source file was moved: " + moved.get(0));
    return new Rows(clean.directories(), moved, clean.distinctEventIds());
  }

  /** Hours whose latest run has ended (succeeded, failed or empty). */
  private static int finished(Path state) {
    if (!Files.exists(state.resolve("ledger.mv.db"))) {
      return 0;
    }
    try (JdbcRunLedger ledger = FaultHarness.ledger(state)) {
      List<RunRow> runs = ledger.history("ingest", "web_events", FROM.start(), TO.end());
      Map<Hour, RunRow> latest = new LinkedHashMap<>();
      for (RunRow r : runs) {
        latest.put(r.key().hour(), r);
      }
      return (int) latest.values().stream().filter(r -> !r.isRunning()).count();
    }
  }
}
