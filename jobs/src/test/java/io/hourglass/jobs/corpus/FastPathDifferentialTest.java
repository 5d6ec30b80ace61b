package io.hourglass.jobs.corpus;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.RunManifest;
import io.hourglass.common.io.TableReader;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.jobs.generate.WebEventsGenerator;
import io.hourglass.jobs.ingest.IngestJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast parser ({@code input.parser = fast}, {@link io.hourglass.jobs.ingest.WebEventDecoder}) against the
 * reference ({@code input.parser = spark}, Spark's own functions): the same hour through both must give the same
 * outcome (failure message, or accounts), and the same table and quarantine rows, every column, compared as
 * sorted JSON text. On every run of the bad-input corpus and on a generated hour with the generator's bad
 * records, duplicates and late events mixed in.
 */
class FastPathDifferentialTest {
  private static final byte[] KEY = "differential-hmac-key-32-bytes!!".getBytes(StandardCharsets.UTF_8);
  private static final String STREAM = "web-events";
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  /** What one run gave, as text that compares exactly. */
  private record Result(String outcome, List<String> table, List<String> quarantine, List<String> progress, String committer) {}

  @TestFactory
  Stream<DynamicTest> corpus() throws IOException {
    JsonNode cases;
    try (InputStream in = resource("cases.json")) {
      cases = JSON.readTree(in);
    }
    Hour hour = Hour.parse(cases.get("hour").asText());
    return StreamSupport.stream(cases.get("runs").spliterator(), false).map(run -> dynamicTest(run.get("name").asText(), () -> {
      Path raw = dir.resolve(run.get("name").asText()).resolve("raw");
      Path folder = raw.resolve(STREAM).resolve(hour.folder());
      Files.createDirectories(folder);
      for (JsonNode kind : run.get("kinds")) {
        for (JsonNode file : kind.get("files")) {
          try (InputStream in = resource(file.asText())) {
            Files.copy(in, folder.resolve(Path.of(file.asText()).getFileName().toString()));
          }
        }
      }
      List<String> sets = new ArrayList<>();
      run.get("set").forEach(s -> sets.add(s.asText()));
      compare(raw, hour, sets);
    }));
  }

  @Test
  void generatedHourWithBadRecords() throws IOException {
    Hour hour = Hour.parse("2026-11-20T10");
    Path raw = dir.resolve("generated").resolve("raw");
    new WebEventsGenerator(SparkTestSession.get().sparkContext().hadoopConfiguration())
        .generate(hour.start(), raw.toString(), STREAM, 20_000, 3, true, 7);
    Result fast = compare(raw, hour, List.of("datasets.web_events.max-reject-rate=1"));
    assertTrue(fast.table().size() > 15_000, "most generated records are good: " + fast.table().size());
    assertTrue(fast.quarantine().size() > 100, "the dirty hour has bad records: " + fast.quarantine().size());
    assertTrue(fast.progress().stream().anyMatch(l -> l.contains("event_ids repeat: staging the hour again without their later copies")),
        "the dirty hour has duplicates, so the fast path staged it twice, the second time without the copies: " + fast.progress());
    assertTrue(fast.progress().stream().noneMatch(l -> l.contains("one pass is not enough")), fast.progress().toString());
  }

  /**
   * Repeated event_ids whose first record (least file name, then line) is in an object that is not read first:
   * the largest object is read first, and the smallest holds the first copy of "x". The second single pass drops
   * the later copies itself; the reference's survey and joins decide the same.
   */
  @Test
  void repeatedIdsKeepTheFirstRecordByFileAndLine() throws IOException {
    Hour hour = Hour.parse("2026-11-20T12");
    Path raw = dir.resolve("repeats").resolve("raw");
    Path folder = raw.resolve(STREAM).resolve(hour.folder());
    Files.createDirectories(folder);
    StringBuilder big = new StringBuilder(line("x", "m-1")).append(line("y", "m-2")).append(line("y", "m-3"));
    for (int i = 0; i < 300; i++) {
      big.append(line("filler-" + i, "m-filler"));
    }
    big.append(line("x", "m-last"));
    Files.writeString(folder.resolve("m-object.json"), big);
    Files.writeString(folder.resolve("a-object.json"), "{\"event_id\":\"x\",\"site_id\":\"bad\"}\n" // rejected: no shadow
        + line("z", "a-1") + line("x", "a-2") + line("x", "a-3"));
    Files.writeString(folder.resolve("z-object.json"), line("y", "z-1") + line("z", "z-2"));

    Result fast = compare(raw, hour, List.of());
    // Two tasks read a-object, then m-object and z-object (consecutive objects in name order): the second drops the
    // later copies of y (m-3, z-1) and of x (m-last) on the spot, so only x and z repeat across tasks.
    assertTrue(fast.progress().stream().anyMatch(l -> l.contains("2 event_ids repeat: staging the hour again")), fast.progress().toString());
    List<String> kept = fast.table().stream().filter(r -> !r.contains("filler")).toList();
    assertEquals(3, kept.size(), kept.toString());
    assertTrue(kept.stream().anyMatch(r -> r.contains("\"event_id\":\"x\"") && r.contains("\"event_type\":\"a-2\"")), kept.toString());
    assertTrue(kept.stream().anyMatch(r -> r.contains("\"event_id\":\"y\"") && r.contains("\"event_type\":\"m-2\"")), kept.toString());
    assertTrue(kept.stream().anyMatch(r -> r.contains("\"event_id\":\"z\"") && r.contains("\"event_type\":\"a-1\"")), kept.toString());
    assertTrue(fast.outcome().contains("duplicates=6"), fast.outcome());
  }

  private static String line(String id, String type) {
    return "{\"event_id\":\"" + id + "\",\"event_type\":\"" + type + "\",\"event_time\":\"2026-11-20T12:15:00Z\",\"site_id\":7}\n";
  }

  @Test
  void cleanHourInOnePass() throws IOException {
    Hour hour = Hour.parse("2026-11-20T11");
    Path raw = dir.resolve("clean").resolve("raw");
    new WebEventsGenerator(SparkTestSession.get().sparkContext().hadoopConfiguration())
        .generate(hour.start(), raw.toString(), STREAM, 5_000, 2, false, 11);
    Result fast = compare(raw, hour, List.of());
    assertEquals(5_000, fast.table().size(), "a clean hour is written whole");
    assertTrue(fast.progress().stream().noneMatch(l -> l.contains("one pass is not enough")),
        "a clean hour takes the single pass: " + fast.progress());
    // The single pass writes the table directly (writer = direct, the default); Spark's DataFrame writer
    // after the same fast parser must give the same rows in the same directories.
    Result sparkWriter = run(raw, hour, "fast", "spark-writer", List.of("datasets.web_events.writer=spark"));
    assertEquals(sparkWriter.outcome(), fast.outcome());
    assertEquals(sparkWriter.quarantine(), fast.quarantine());
    assertEquals(sparkWriter.table(), fast.table(), "table rows, partition columns (the directories) included");
    assertTrue(fast.committer().equals("direct") && sparkWriter.committer().equals("file"),
        fast.committer() + " / " + sparkWriter.committer());
  }

  /** Runs the hour with each parser and asserts the two results are equal; returns the fast one. */
  private Result compare(Path raw, Hour hour, List<String> sets) {
    Result fast = run(raw, hour, "fast", sets);
    Result spark = run(raw, hour, "spark", sets);
    assertEquals(spark.outcome(), fast.outcome(), "outcome (accounts or failure) of " + raw);
    assertEquals(spark.quarantine(), fast.quarantine(), "quarantine rows of " + raw);
    assertEquals(spark.table(), fast.table(), "table rows of " + raw);
    return fast;
  }

  private Result run(Path raw, Hour hour, String parser, List<String> extra) {
    return run(raw, hour, parser, parser, extra);
  }

  private Result run(Path raw, Hour hour, String parser, String name, List<String> extra) {
    Path warehouse = raw.resolveSibling("warehouse-" + name);
    List<String> sets = new ArrayList<>(List.of("raw-root=" + raw, "warehouse=" + warehouse, "datasets.web_events.format=parquet",
        "datasets.web_events.input.parser=" + parser));
    sets.addAll(extra);
    HourglassConfig config = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), sets);
    DatasetSettings dataset = config.dataset("web_events");
    List<String> progress = new ArrayList<>();
    IngestJob job = new IngestJob(SparkTestSession.get(), config.settings(), dataset, Optional.of(KEY), progress::add);
    try {
      RunManifest m = job.run(hour).manifest().orElseThrow();
      return new Result("succeeded " + m.records() + " " + m.quarantinedByReason(),
          rows(warehouse.resolve(dataset.table()), "web_events/events-v1.avsc"),
          rows(warehouse.resolve("_quarantine").resolve(dataset.name()), "common/quarantine-v1.avsc"), progress,
          m.output().committer());
    } catch (RunFailedException e) {
      // Paths differ only by the warehouse folder's name.
      return new Result("failed: " + e.getMessage().replace("warehouse-" + name, "warehouse-*"), List.of(), List.of(), progress,
          "none");
    }
  }

  private static List<String> rows(Path root, String schema) {
    SparkSession spark = SparkTestSession.get();
    if (!Files.exists(root)) {
      return List.of();
    }
    return TableReader.read(spark, root.toUri().toString(), TableFormat.PARQUET, TableSchema.load(schema).sparkSchema())
        .select(to_json(struct(col("*"))).as("row"))
        .orderBy("row")
        .collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  private static InputStream resource(String name) {
    InputStream in = FastPathDifferentialTest.class.getResourceAsStream("/corpus/" + name);
    if (in == null) {
      throw new UncheckedIOException(new IOException("no corpus resource " + name));
    }
    return in;
  }
}
