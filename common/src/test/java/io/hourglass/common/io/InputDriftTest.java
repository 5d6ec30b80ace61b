package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class InputDriftTest {
  private static final String DIR = "s3a://raw/web-events/2026/11/20/10/";
  private static final InputFile A = new InputFile(DIR + "a.gz", 200);
  private static final InputFile B = new InputFile(DIR + "b.gz", 100);

  private static Optional<RunManifest> read(InputFile... files) {
    long bytes = List.of(files).stream().mapToLong(InputFile::bytes).sum();
    return Optional.of(new RunManifest("web_events", "events", "2026-11-20T10", "run-1", "succeeded",
        new RunManifest.Accounts(10, 10, 0, 0, 0), Map.of(),
        new RunManifest.Input(DIR, files.length, bytes, 200, List.of(files)),
        new RunManifest.Output("parquet", "s3a://wh/events", Map.of(), "s3a://wh/_quarantine/web_events", Map.of(), "magic"),
        new RunManifest.Schemas("r", "t", 1), "v", "2026-11-20T11:20:00Z", "2026-11-20T11:21:00Z", 1, null));
  }

  private static HourInput listed(InputFile... files) {
    return new HourInput(DIR, files.length > 0, List.of(files));
  }

  @Test
  void theSameObjectsAreUnchanged() {
    InputDrift d = InputDrift.of(listed(B, A), read(A, B));
    assertTrue(d.unchanged());
    assertFalse(d.grew());
  }

  @Test
  void anObjectThatLandedAfterTheRunMakesItGrow() {
    InputFile late = new InputFile(DIR + "c.gz", 50);
    InputDrift d = InputDrift.of(listed(A, B, late), read(A, B));
    assertTrue(d.grew());
    assertEquals(List.of(late), d.arrived());
    assertEquals(List.of(), d.gone());
  }

  @Test
  void anObjectRewrittenAtAnotherSizeCountsAsArrived() {
    InputFile rewritten = new InputFile(A.path(), 250);
    InputDrift d = InputDrift.of(listed(rewritten, B), read(A, B));
    assertTrue(d.grew());
    assertEquals(List.of(rewritten), d.arrived());
  }

  @Test
  void anObjectGoneIsNeverGrowthEvenWithAnotherArrived() {
    InputFile late = new InputFile(DIR + "c.gz", 50);
    InputDrift d = InputDrift.of(listed(B, late), read(A, B));
    assertFalse(d.grew());
    assertFalse(d.unchanged());
    assertEquals(List.of(A), d.gone());
    assertEquals(List.of(late), d.arrived());
    InputDrift emptied = InputDrift.of(listed(), read(A, B));
    assertFalse(emptied.grew());
    assertEquals(List.of(A, B), emptied.gone());
  }

  @Test
  void noManifestIsNeitherUnchangedNorGrowth() {
    InputDrift d = InputDrift.of(listed(A), Optional.empty());
    assertFalse(d.manifestFound());
    assertFalse(d.unchanged());
    assertFalse(d.grew());
  }
}
