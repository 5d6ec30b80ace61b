package io.hourglass.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.io.RunManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./hourglass} launcher's class-data archive, through the real launcher on the packaged jar (so an
 * integration test: it runs after {@code package}). The steps build on each other, in order: a failed first run and
 * one that finds an empty hour leave none, the first Spark run that writes an hour writes the archive, a later one
 * maps it, a stale archive is written again, and a flight recording started on the command line runs without it
 * (the JDK 17 JVM crashes mapping the archive then).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherCdsIT {
  private static final Hour HOUR = Hour.parse("2026-11-20T10");
  private static final String NOTICE = "also leaves a class-data archive";

  @TempDir
  static Path dir;

  private static Path root;
  private static Path archive;
  private static Path raw;
  private static int runs;

  record Launch(int exit, String output) {}

  @BeforeAll
  static void hour() throws Exception {
    root = Path.of(System.getProperty("hourglass.root", "..")).toAbsolutePath().normalize();
    assertTrue(Files.isRegularFile(root.resolve("jobs/target/hourglass.jar")), "the jar is built before this test: " + root);
    archive = dir.resolve("cds/hourglass-cds.jsa");
    Files.createDirectories(archive.getParent());
    raw = dir.resolve("raw");
    Launch g = launch(Map.of(), "generate", "--hour", HOUR.toString(), "--records", "300", "--files", "2",
        "--raw-root", raw.toString());
    assertEquals(0, g.exit(), g.output());
    assertFalse(g.output().contains(NOTICE), "generate is not a Spark run; it writes no archive:\n" + g.output());
    Launch help = launch(Map.of(), "ingest", "--help");
    assertEquals(0, help.exit(), help.output());
    assertFalse(help.output().contains(NOTICE), "--help runs nothing; it writes no archive:\n" + help.output());
    assertFalse(Files.exists(archive));
  }

  @Test
  @Order(1)
  void aFailedFirstRunLeavesNoArchive() throws Exception {
    Launch r = launch(Map.of(), "ingest", "--dataset", "web_events", "--hour", HOUR.toString(),
        "--raw-root", raw.toString(), "--warehouse", dir.resolve("wh-failed").toString(),
        "--set", "state-dir=" + dir.resolve("state-failed"), "--set", "datasets.web_events.format=orc");
    assertEquals(2, r.exit(), r.output());
    assertTriedButKeptNone(r, "an archive from a run that failed");
  }

  @Test
  @Order(2)
  void aRunThatFindsAnEmptyHourKeepsNoArchive() throws Exception {
    Path wh = dir.resolve("wh-empty");
    java.nio.file.Files.createDirectories(dir.resolve("no-such-raw").resolve("web-events")); // the stream, not the hour
    Launch r = launch(Map.of(), "ingest", "--dataset", "web_events", "--hour", HOUR.toString(),
        "--raw-root", dir.resolve("no-such-raw").toString(), "--warehouse", wh.toString(),
        "--set", "state-dir=" + dir.resolve("state-empty"));
    assertEquals(0, r.exit(), r.output());
    assertTrue(r.output().contains("empty hour"), r.output());
    assertTriedButKeptNone(r, "an archive from a run that wrote nothing (too few classes to be worth mapping)");
  }

  /** The launcher set out to write an archive in this run, and kept neither it nor its temporary files. */
  private static void assertTriedButKeptNone(Launch r, String what) throws IOException {
    assertTrue(r.output().contains(NOTICE), r.output());
    assertFalse(Files.exists(archive), what);
    assertEquals(List.of(), leftovers());
  }

  @Test
  @Order(3)
  void theFirstSparkRunWritesTheArchive() throws Exception {
    Launch r = ingest(Map.of());
    assertTrue(r.output().contains(NOTICE), r.output());
    assertTrue(Files.size(archive) > 10_000_000, "archive of " + Files.size(archive) + " bytes");
    assertEquals(List.of(), leftovers());
  }

  @Test
  @Order(4)
  void laterRunsMapIt() throws Exception {
    // -Xshare:on makes the JVM refuse to start unless it maps the archive it is given.
    Launch r = ingest(Map.of("HOURGLASS_JAVA_OPTS", "-Xmx1g -XX:+UseParallelGC -Xshare:on"));
    assertFalse(r.output().contains(NOTICE), r.output());
  }

  @Test
  @Order(5)
  void aStaleArchiveIsWrittenAgain() throws Exception {
    Files.setLastModifiedTime(archive, FileTime.fromMillis(0)); // older than the jar, as after a rebuild
    Launch r = ingest(Map.of());
    assertTrue(r.output().contains(NOTICE), r.output());
    assertTrue(Files.getLastModifiedTime(archive).toMillis() > 0, "the stale archive was not replaced");
    assertEquals(List.of(), leftovers());
  }

  @Test
  @Order(6)
  void aFlightRecordingOnTheCommandLineRunsWithoutTheArchive() throws Exception {
    Path jfr = dir.resolve("run.jfr");
    Launch r = ingest(Map.of("HOURGLASS_JAVA_OPTS", "-Xmx1g -XX:StartFlightRecording=filename=" + jfr));
    assertFalse(r.output().contains("SIGSEGV"), r.output());
    assertTrue(Files.size(jfr) > 0, "no recording written");
  }

  @Test
  @Order(7)
  void offMeansOff() throws Exception {
    Path other = dir.resolve("cds-off/hourglass-cds.jsa");
    Files.createDirectories(other.getParent());
    Launch r = ingest(Map.of("HOURGLASS_CDS", "off", "HOURGLASS_CDS_ARCHIVE", other.toString()));
    assertFalse(r.output().contains(NOTICE), r.output());
    assertFalse(Files.exists(other));
    Launch bad = launch(Map.of("HOURGLASS_CDS", "maybe"), "--version");
    assertEquals(2, bad.exit(), bad.output());
    assertTrue(bad.output().contains("HOURGLASS_CDS must be on or off, cannot be: maybe"), bad.output());
  }

  /** An ingest of the generated hour into a fresh warehouse; it must succeed and write every record. */
  private static Launch ingest(Map<String, String> env) throws Exception {
    Path wh = dir.resolve("wh-" + (++runs));
    Launch r = launch(env, "ingest", "--dataset", "web_events", "--hour", HOUR.toString(), "--raw-root", raw.toString(),
        "--warehouse", wh.toString(), "--set", "state-dir=" + dir.resolve("state-" + runs));
    assertEquals(0, r.exit(), r.output());
    Optional<RunManifest> m = new ManifestStore(new Configuration()).read(wh.resolve("events").toString(), HOUR);
    assertTrue(m.isPresent(), "no manifest:\n" + r.output());
    assertEquals(300, m.get().records().read(), r.output());
    return r;
  }

  private static Launch launch(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(root.resolve("hourglass").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
    Map<String, String> e = new HashMap<>(env);
    e.putIfAbsent("HOURGLASS_CDS_ARCHIVE", archive.toString());
    e.put("HOURGLASS_HMAC_KEY", "launcher-test-hmac-key-0123456789");
    pb.environment().putAll(e);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the launcher did not finish");
    String output = new String(out, StandardCharsets.UTF_8);
    assertFalse(output.contains("hourglass: building"), "the launcher rebuilt the jar inside a test:\n" + output);
    return new Launch(p.exitValue(), output);
  }

  private static List<Path> leftovers() throws IOException {
    try (Stream<Path> s = Files.list(archive.getParent())) {
      return s.filter(f -> f.getFileName().toString().contains(".tmp")).toList();
    }
  }
}
