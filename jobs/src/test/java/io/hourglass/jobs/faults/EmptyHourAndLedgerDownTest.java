package io.hourglass.jobs.faults;

import static io.hourglass.jobs.faults.FaultHarness.backfill;
import static io.hourglass.jobs.faults.FaultHarness.cli;
import static io.hourglass.jobs.faults.FaultHarness.files;
import static io.hourglass.jobs.faults.FaultHarness.generate;
import static io.hourglass.jobs.faults.FaultHarness.ingest;
import static io.hourglass.jobs.faults.FaultHarness.options;
import static io.hourglass.jobs.faults.FaultHarness.runsOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.ledger.RunRow;
import io.hourglass.jobs.faults.FaultHarness.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An hour whose input went missing leaves its published output alone; a ledger that is down stops a run before it writes. */
class EmptyHourAndLedgerDownTest {
  private static final Hour H = Hour.parse("2026-11-20T16");

  @TempDir
  Path dir;

  private List<String> options(String... extra) {
    return FaultHarness.options(dir.resolve("raw").toString(), dir.resolve("wh").toString(), dir.resolve("state"), extra);
  }

  private Path folder(Hour h) {
    return dir.resolve("raw/web-events").resolve(h.folder());
  }

  @Test
  void anHourWhoseInputFolderWasEmptiedOrRemovedLeavesItsPublishedPartitionsAndManifestUntouched() throws IOException {
    generate(dir.resolve("raw").toString(), H, 200, 41);
    generate(dir.resolve("raw").toString(), H.plusHours(1), 150, 42);
    for (Hour h : List.of(H, H.plusHours(1))) {
      Run r = cli(ingest(h, options()));
      assertEquals(0, r.code(), r.all());
    }
    Map<String, String> published = files(dir.resolve("wh"), rel -> true);
    assertTrue(published.keySet().stream().anyMatch(f -> f.contains("ingest_hour=" + H.id()) && f.endsWith(".parquet")));
    assertTrue(published.containsKey("events/_manifests/" + H.id() + ".json"), published.keySet().toString());

    // The folder is still there, but empty except for objects a reader skips (hidden, temporary).
    try (Stream<Path> objects = Files.list(folder(H))) {
      for (Path p : objects.toList()) {
        Files.delete(p);
      }
    }
    Files.writeString(folder(H).resolve("_SUCCESS"), "");
    Files.writeString(folder(H).resolve(".upload.tmp"), "{\"event_id\":\"hidden\"}\n");
    Run emptied = cli(ingest(H, options()));
    assertEquals(0, emptied.code(), emptied.all());
    assertTrue(emptied.err().contains("folder is empty"), emptied.all());
    assertEquals(published, files(dir.resolve("wh"), rel -> true), "every file and the manifest, byte for byte");

    // The folder is gone altogether.
    try (Stream<Path> left = Files.list(folder(H))) {
      for (Path p : left.toList()) {
        Files.delete(p);
      }
    }
    Files.delete(folder(H));
    Run missing = cli(ingest(H, options()));
    assertEquals(0, missing.code(), missing.all());
    assertTrue(missing.err().contains("no such folder"), missing.all());
    assertEquals(published, files(dir.resolve("wh"), rel -> true), "every file and the manifest, byte for byte");

    // A forced backfill over both hours re-runs the neighbour and finds H empty again: H still untouched.
    Map<String, String> ofH = files(dir.resolve("wh"), rel -> rel.contains(H.id()));
    Run backfill = cli(backfill(H, H.plusHours(1), 2, options("--force")));
    assertEquals(0, backfill.code(), backfill.all());
    assertTrue(backfill.out().contains("1 succeeded, 1 empty"), backfill.all());
    assertEquals(ofH, files(dir.resolve("wh"), rel -> rel.contains(H.id())), "the empty hour's files, byte for byte");

    assertEquals(List.of(RunRow.SUCCEEDED, RunRow.EMPTY, RunRow.EMPTY, RunRow.EMPTY),
        runsOf(dir.resolve("state"), H).stream().map(RunRow::status).toList());
  }

  @Test
  void aLedgerThatCannotBeReachedFailsTheRunWithOneLineBeforeAnythingIsWritten() {
    generate(dir.resolve("raw").toString(), H, 200, 43);
    Run first = cli(ingest(H, options()));
    assertEquals(0, first.code(), first.all());
    Map<String, String> published = files(dir.resolve("wh"), rel -> true);
    generate(dir.resolve("raw").toString(), H.plusHours(1), 150, 44);

    String password = "ledger-pass-that-must-not-leak";
    Map<String, String> env = new HashMap<>(FaultHarness.ENV);
    env.put("HOURGLASS_LEDGER_PASSWORD", password);
    String url = "jdbc:postgresql://127.0.0.1:1/hourglass";
    for (List<String> command : List.of(
        ingest(H, options("--set", "ledger.url=" + url, "--set", "ledger.user=hourglass")),
        ingest(H.plusHours(1), options("--set", "ledger.url=" + url, "--set", "ledger.user=hourglass")),
        backfill(H, H.plusHours(1), 2, options("--set", "ledger.url=" + url, "--set", "ledger.user=hourglass", "--force")))) {
      Run down = cli(env, command);
      String what = String.join(" ", command.subList(0, 2)) + ": " + down.all();
      assertEquals(1, down.code(), what);
      assertEquals("", down.out(), what);
      assertEquals(1, down.err().lines().count(), what);
      assertTrue(down.err().startsWith("hourglass: "), what);
      assertTrue(down.err().contains("127.0.0.1:1"), "names the ledger: " + what);
      assertFalse(down.err().contains(password), "never the password: " + what);
      assertEquals(published, files(dir.resolve("wh"), rel -> true), "nothing written: " + what);
    }
    assertEquals(List.of(RunRow.SUCCEEDED), runsOf(dir.resolve("state"), H).stream().map(RunRow::status).toList());
  }
}
