package io.hourglass.jobs.faults;

import static io.hourglass.jobs.faults.FaultHarness.assertLikeCleanRun;
import static io.hourglass.jobs.faults.FaultHarness.assertNoPartialHourVisible;
import static io.hourglass.jobs.faults.FaultHarness.cli;
import static io.hourglass.jobs.faults.FaultHarness.cliOnceTheLeaseIsFree;
import static io.hourglass.jobs.faults.FaultHarness.copyTree;
import static io.hourglass.jobs.faults.FaultHarness.files;
import static io.hourglass.jobs.faults.FaultHarness.generate;
import static io.hourglass.jobs.faults.FaultHarness.ingest;
import static io.hourglass.jobs.faults.FaultHarness.options;
import static io.hourglass.jobs.faults.FaultHarness.runsOf;
import static io.hourglass.jobs.faults.FaultHarness.stagingLeftovers;
import static io.hourglass.jobs.faults.FaultHarness.view;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.io.FaultPoints;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.jobs.faults.FaultHarness.Child;
import io.hourglass.jobs.faults.FaultHarness.HourView;
import io.hourglass.jobs.faults.FaultHarness.Run;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The driver of {@code hourglass ingest} dies (in a child JVM) while it replaces an hour that a previous
 * run already published with different data: at each named point of the write and commit, and from
 * outside while Spark writes the staging files. A reader that trusts the manifest never sees a partial
 * hour, and a re-run ends exactly like a clean run: same rows, same quarantine, balanced manifest, no
 * duplicates, the neighbouring hour untouched, the dead run recorded as failed.
 */
class KillAndRerunTest {
  private static final Hour H = Hour.parse("2026-11-20T10");
  private static final Hour NEIGHBOUR = H.plusHours(-1);
  private static final String MID_WRITE = "mid-write of the quarantine's staging files";
  private static final Duration CHILD_TIMEOUT = Duration.ofMinutes(5);

  @TempDir
  static Path dir;

  private static Path rawB;
  private static Path template;
  private static HourView previous;
  private static HourView clean;
  private static ExecutorService children;
  private static final Map<String, Future<Killed>> KILLED = new LinkedHashMap<>();

  /** A child run that died, and the copy of the warehouse and ledger it worked on. */
  record Killed(String scenario, int code, String log, Path root) {
    Path warehouse() {
      return root.resolve("wh");
    }

    Path state() {
      return root.resolve("state");
    }
  }

  @BeforeAll
  static void previousRunAndCleanReference() {
    FaultHarness.Clock clock = new FaultHarness.Clock("kill and re-run");
    Path rawA = dir.resolve("rawA");
    rawB = dir.resolve("rawB");
    generate(rawA.toString(), NEIGHBOUR, 150, 7);
    generate(rawA.toString(), H, 240, 1);
    generate(rawB.toString(), H, 200, 2);

    // The warehouse as the last successful runs left it: the neighbour hour, and H from input A.
    template = dir.resolve("template");
    for (Hour h : List.of(NEIGHBOUR, H)) {
      Run r = cli(ingest(h, options(rawA.toString(), template.resolve("wh").toString(), template.resolve("state"))));
      assertEquals(0, r.code(), r.all());
    }
    previous = view(template.resolve("wh").toString(), H);

    // What a clean run of H over input B gives.
    Path reference = dir.resolve("clean");
    copyTree(template, reference);
    Run r = cli(ingest(H, options(rawB.toString(), reference.resolve("wh").toString(), reference.resolve("state"))));
    assertEquals(0, r.code(), r.all());
    clean = view(reference.resolve("wh").toString(), H);

    // A half-replaced hour would show: the two runs differ in rows, directories and quarantine.
    assertNotEquals(previous.table().sorted(), clean.table().sorted());
    assertNotEquals(previous.table().directories().keySet(), clean.table().directories().keySet());
    assertNotEquals(previous.quarantine().count(), clean.quarantine().count());
    assertTrue(clean.table().directories().size() > 2, "the new run moves several directories: " + clean.describe());
    clock.lap("input, previous runs and clean reference");

    // Every child starts now, two at a time (each needs ~10 s of CPU to start Spark); the tests check them in order.
    children = Executors.newFixedThreadPool(2);
    for (String point : List.of("events:withdrawn", "events:old-deleted", "events:half-moved", "events:published",
        "manifest-written", "web_events:staged")) {
      KILLED.put(point, children.submit(() -> haltAt(point)));
    }
    KILLED.put(MID_WRITE, children.submit(() -> killWhileStaging("_quarantine/web_events/_staging")));
  }

  @AfterAll
  static void stopChildren() {
    children.shutdownNow();
  }

  private static Killed haltAt(String point) {
    Path root = dir.resolve("halt-" + point.replace(':', '-'));
    copyTree(template, root);
    FaultHarness.Clock clock = new FaultHarness.Clock("child halted at " + point);
    try (Child child = Child.start(root.resolve("child.log"), List.of("-D" + FaultPoints.PROPERTY + "=" + point),
        ingest(H, options(rawB.toString(), root.resolve("wh").toString(), root.resolve("state"))))) {
      Killed k = new Killed(point, child.await(CHILD_TIMEOUT), child.log(), root);
      clock.lap("the child");
      return k;
    }
  }

  /** Kills the child (SIGKILL, from outside) as soon as files appear under the staging folder {@code staging}. */
  private static Killed killWhileStaging(String staging) {
    Path root = dir.resolve("kill-mid-write");
    copyTree(template, root);
    Path watched = root.resolve("wh").resolve(staging);
    try (Child child = Child.start(root.resolve("child.log"), List.of(),
        ingest(H, options(rawB.toString(), root.resolve("wh").toString(), root.resolve("state"))))) {
      boolean seen = FaultHarness.await(() -> hasFiles(watched) || !child.isAlive(), CHILD_TIMEOUT, Duration.ofMillis(10));
      boolean wasAlive = child.isAlive();
      child.kill();
      int code = child.await(Duration.ofSeconds(30));
      return new Killed(MID_WRITE + (seen && wasAlive ? "" : " (the child ended before staging files were seen)"), code,
          child.log(), root);
    }
  }

  private static boolean hasFiles(Path root) {
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      return walk.anyMatch(Files::isRegularFile);
    } catch (IOException | UncheckedIOException e) {
      return false; // Spark moved or deleted something while we looked: look again
    }
  }

  @ParameterizedTest(name = "killed at {0}")
  @ValueSource(strings = {"events:withdrawn", "events:old-deleted", "events:half-moved", "events:published", "manifest-written",
      "web_events:staged"})
  void aRunKilledAtAPointOfTheWriteOrCommitLeavesNoPartialHourAndReRunsLikeACleanRun(String point) throws Exception {
    Killed k = KILLED.get(point).get(CHILD_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
    assertEquals(FaultPoints.HALT_STATUS, k.code(), k.log());
    assertTrue(k.log().contains("[fault] halting at " + point.substring(point.indexOf(':') + 1)), k.log());
    // Each child is a fresh driver: the ledger opening beside Spark's start must not set SLF4J off (it used to
    // print two dozen "substitute loggers" lines in about half of all runs).
    assertFalse(k.log().contains("SLF4J:"), "SLF4J warnings on the driver's output: " + k.log());
    afterTheKill(k, "killed at " + point);
  }

  @Test
  void aRunKilledWhileSparkWritesTheStagingFilesLeavesNoPartialHourAndReRunsLikeACleanRun() throws Exception {
    Killed k = KILLED.get(MID_WRITE).get(CHILD_TIMEOUT.toSeconds() * 3, TimeUnit.SECONDS);
    assertEquals(MID_WRITE, k.scenario(), k.log());
    assertEquals(137, k.code(), "SIGKILL: " + k.log());
    assertFalse(k.log().contains("succeeded in"), "the kill came before the run finished: " + k.log());
    afterTheKill(k, "killed from outside during the " + MID_WRITE);
  }

  private void afterTheKill(Killed k, String when) {
    FaultHarness.Clock clock = new FaultHarness.Clock(when);
    String warehouse = k.warehouse().toString();
    Predicate<String> neighbours = rel -> rel.contains(NEIGHBOUR.id());
    Map<String, String> neighbourFiles = files(template.resolve("wh"), neighbours);
    assertFalse(neighbourFiles.isEmpty());
    assertEquals(neighbourFiles, files(k.warehouse(), neighbours), when + ": the neighbour hour is untouched");

    HourView afterKill = view(warehouse, H);
    assertNoPartialHourVisible(afterKill, previous, clean, when);

    Run rerun = cliOnceTheLeaseIsFree(ingest(H, options(rawB.toString(), warehouse, k.state())));
    assertEquals(0, rerun.code(), when + ", then re-run: " + rerun.all());

    assertLikeCleanRun(view(warehouse, H), clean, when + ", then re-run");
    assertEquals(neighbourFiles, files(k.warehouse(), neighbours), when + ", then re-run: the neighbour hour is untouched");
    assertEquals(List.of(), stagingLeftovers(k.warehouse().resolve("events")), when + ": no staging debris");
    assertEquals(List.of(), stagingLeftovers(k.warehouse().resolve("_quarantine/web_events")), when + ": no staging debris");

    List<RunRow> runs = runsOf(k.state(), H);
    assertEquals(List.of(RunRow.SUCCEEDED, RunRow.FAILED, RunRow.SUCCEEDED), runs.stream().map(RunRow::status).toList(),
        when + ": " + runs);
    assertEquals(JdbcRunLedger.LEASE_EXPIRED, runs.get(1).error(), "the dead run is recorded as such: " + runs.get(1));
    clock.lap("checks and re-run");
  }
}
