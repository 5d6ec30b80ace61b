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
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HourDiscoveryTest {
  private static final Hour HOUR = Hour.parse("2026-11-20T10");
  private final HourDiscovery discovery = new HourDiscovery(new Configuration());

  @TempDir
  Path tmp;
  private String rawRoot;

  @BeforeEach
  void root() {
    rawRoot = Locations.normalize("hourglass.raw-root", tmp.toString());
  }

  private Path folder(Hour hour) throws IOException {
    return Files.createDirectories(tmp.resolve("web-events").resolve(hour.folder()));
  }

  private static void write(Path folder, String name, int bytes) throws IOException {
    Files.write(folder.resolve(name), new byte[bytes]);
  }

  private static List<String> names(HourInput input) {
    return input.files().stream().map(f -> new org.apache.hadoop.fs.Path(f.path()).getName()).toList();
  }

  @Test
  void aMissingFolderIsAnEmptyHourNotAnError() throws IOException {
    Files.createDirectories(tmp.resolve("web-events")); // the stream's folder exists, the hour's does not
    HourInput input = discovery.discover(rawRoot, "web-events", HOUR);
    assertFalse(input.exists());
    assertTrue(input.isEmpty());
    assertEquals(0L, input.totalBytes());
    assertEquals(0L, input.largestFileBytes());
    assertEquals(rawRoot + "/web-events/2026/11/20/10", input.folder());
  }

  @Test
  void aStreamWithNoFolderAtAllIsABadRawRootNotAnEmptyHour() {
    io.hourglass.common.config.BadConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
        io.hourglass.common.config.BadConfigException.class, () -> discovery.discover(rawRoot, "web-evnets", HOUR));
    assertTrue(e.getMessage().startsWith("no folder " + rawRoot + "/web-evnets at all: check the raw root"), e.getMessage());
  }

  @Test
  void anExistingEmptyFolderExistsAndIsEmpty() throws IOException {
    folder(HOUR);
    HourInput input = discovery.discover(rawRoot, "web-events", HOUR);
    assertTrue(input.exists());
    assertTrue(input.isEmpty());
  }

  @Test
  void listsTheHoursObjectsLargestFirstSkippingHiddenOnesAndFolders() throws IOException {
    Path f = folder(HOUR);
    write(f, "web-events-1-2026-11-20-10-05-00-aaa.gz", 10);
    write(f, "web-events-1-2026-11-20-10-35-00-bbb.gz", 300);
    write(f, "web-events-1-2026-11-20-10-20-00-ccc.gz", 42);
    write(f, "web-events-1-2026-11-20-10-50-00-ddd.gz", 42);
    write(f, "_SUCCESS", 1000);
    write(f, ".web-events-1-2026-11-20-10-59-00-eee.gz.tmp", 2000);
    Files.createDirectories(f.resolve("nested"));
    write(f.resolve("nested"), "web-events-x.gz", 5000);
    write(folder(HOUR.plusHours(1)), "web-events-1-2026-11-20-11-00-00-fff.gz", 7000);

    HourInput input = discovery.discover(rawRoot, "web-events", HOUR);
    assertTrue(input.exists());
    assertEquals(List.of(
        "web-events-1-2026-11-20-10-35-00-bbb.gz",
        "web-events-1-2026-11-20-10-20-00-ccc.gz",
        "web-events-1-2026-11-20-10-50-00-ddd.gz",
        "web-events-1-2026-11-20-10-05-00-aaa.gz"), names(input));
    assertEquals(List.of(300L, 42L, 42L, 10L), input.files().stream().map(InputFile::bytes).toList());
    assertEquals(394L, input.totalBytes());
    assertEquals(300L, input.largestFileBytes());
    for (InputFile file : input.files()) {
      assertTrue(file.path().startsWith("file:"), file.path());
      assertTrue(Files.exists(Path.of(java.net.URI.create(file.path()))), file.path());
    }
  }

  @Test
  void hourInputSortsWhateverOrderItIsGiven() {
    HourInput input = new HourInput("f", true, List.of(new InputFile("b", 1), new InputFile("a", 5), new InputFile("c", 5)));
    assertEquals(List.of("a", "c", "b"), input.files().stream().map(InputFile::path).toList());
    assertEquals(11L, input.totalBytes());
    assertFalse(input.isEmpty());
  }
}
