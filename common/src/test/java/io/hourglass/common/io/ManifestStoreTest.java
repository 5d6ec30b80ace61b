package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.Locations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestStoreTest {
  private static final Hour HOUR = Hour.parse("2026-11-20T10");
  private final ManifestStore store = new ManifestStore(new Configuration());

  @TempDir
  Path tmp;

  private static RunManifest manifest(String runId, long written) {
    return new RunManifest("web_events", "events", HOUR.toString(), runId, "succeeded",
        new RunManifest.Accounts(written + 3, written, 2, 1, 4),
        Map.of("malformed_json", 1L, "too_late", 1L),
        new RunManifest.Input("s3a://raw/web-events/2026/11/20/10", 2, 300, 200,
            List.of(new InputFile("s3a://raw/web-events/2026/11/20/10/a.gz", 200), new InputFile("s3a://raw/b.gz", 100))),
        new RunManifest.Output("parquet", "s3a://wh/events", Map.of("dt=2026-11-20/hour=10/ingest_hour=2026112010", written),
            "s3a://wh/_quarantine/web_events", Map.of("ingest_hour=2026112010", 2L), "magic"),
        new RunManifest.Schemas("web_events/raw-v1.avsc", "web_events/events-v1.avsc", 1),
        "0.1.0-SNAPSHOT", "2026-11-20T11:05:00Z", "2026-11-20T11:06:00Z", 60_000L,
        new RunManifest.SparkInfo("local[2]", "local-123", 2, 1));
  }

  private String tableRoot() {
    return Locations.normalize("t", tmp.resolve("events").toString());
  }

  private List<String> manifestDirListing() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("events/_manifests"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void locationIsUnderManifestsByArrivalHour() {
    assertEquals("s3a://wh/events/_manifests/2026112010.json", ManifestStore.location("s3a://wh/events", HOUR));
  }

  @Test
  void writeThenReadRoundTripsInSnakeCase() throws IOException {
    RunManifest m = manifest("run-1", 7);
    String written = store.write(tableRoot(), HOUR, m);
    Path onDisk = tmp.resolve("events/_manifests/2026112010.json");
    assertTrue(Files.isRegularFile(onDisk), written);
    assertEquals(ManifestStore.location(tableRoot(), HOUR), written, "the location as the table root is written");
    assertTrue(written.startsWith("file:///"), written);
    assertTrue(written.endsWith("/events/_manifests/2026112010.json"), written);

    String json = Files.readString(onDisk);
    for (String key : List.of("\"run_id\"", "\"quarantined_by_reason\"", "\"blank_lines\"", "\"largest_file_bytes\"",
        "\"code_version\"", "\"duration_ms\"", "\"quarantine_directories\"", "\"default_parallelism\"", "\"committer\"")) {
      assertTrue(json.contains(key), key + " in " + json);
    }
    assertFalse(json.contains("runId") || json.contains("blankLines"), json);

    assertEquals(Optional.of(m), store.read(tableRoot(), HOUR));
  }

  @Test
  void aSecondWriteReplacesTheFirstAndLeavesNoTemporaryFile() throws IOException {
    store.write(tableRoot(), HOUR, manifest("run-1", 7));
    store.write(tableRoot(), HOUR, manifest("run-2", 9));
    assertEquals("run-2", store.read(tableRoot(), HOUR).orElseThrow().runId());
    assertEquals(9L, store.read(tableRoot(), HOUR).orElseThrow().records().written());
    List<String> names = manifestDirListing();
    assertTrue(names.contains("2026112010.json"), names.toString());
    assertTrue(names.stream().noneMatch(n -> n.contains(".tmp") || n.contains("run-")), names.toString());
  }

  @Test
  void withdrawRemovesItAndReadThenFindsNothing() throws IOException {
    store.write(tableRoot(), HOUR, manifest("run-1", 7));
    store.write(tableRoot(), HOUR.plusHours(1), manifest("run-other", 1));
    store.withdraw(tableRoot(), HOUR);
    assertEquals(Optional.empty(), store.read(tableRoot(), HOUR));
    assertFalse(manifestDirListing().contains("2026112010.json"));
    assertTrue(store.read(tableRoot(), HOUR.plusHours(1)).isPresent(), "another hour's manifest stays");
    store.withdraw(tableRoot(), HOUR); // withdrawing twice is harmless
    assertEquals(Optional.empty(), store.read(tableRoot(), HOUR));
  }

  @Test
  void readOfAnHourNeverWrittenIsEmpty() {
    assertEquals(Optional.empty(), store.read(tableRoot(), HOUR));
  }

  @Test
  void accountsBalanceOnlyWhenReadIsWrittenPlusQuarantinedPlusDuplicates() {
    assertTrue(new RunManifest.Accounts(10, 7, 2, 1, 5).balanced());
    assertFalse(new RunManifest.Accounts(10, 7, 2, 0, 1).balanced());
  }
}
