package io.hourglass.jobs.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
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
import io.hourglass.jobs.ingest.IngestJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bad-input corpus ({@code src/test/resources/corpus/}): every run of {@code cases.json} is one real
 * ingest (IngestJob, Parquet, local files, the shared SparkSession) of the files it lists, and its outcome
 * must be what the manifest says, written there by hand: success or the one-line failure naming the file;
 * per kind the rows written and quarantined by reason (told apart by source file); per run the accounts,
 * balanced. Kinds that do not interfere share a run, to keep the corpus to a few runs.
 */
class CorpusTest {
  private static final String CORPUS = "/corpus/";
  private static final byte[] KEY = "corpus-hmac-key-of-32-bytes-long".getBytes(StandardCharsets.UTF_8);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STREAM = "web-events";

  @TempDir
  Path dir;

  /** What one run left behind: its manifest or its failure, and everything it wrote, collected once. */
  private record Outcome(Path hourFolder, Path warehouse, Optional<RunManifest> manifest, Optional<RunFailedException> failure,
      List<Row> table, List<Row> quarantine, List<String> progress) {
    String message() {
      return failure.map(Throwable::getMessage).orElse("(the run succeeded)");
    }
  }

  @TestFactory
  Stream<DynamicNode> corpus() {
    JsonNode cases = load("cases.json");
    Hour hour = Hour.parse(cases.get("hour").asText());
    return elements(cases.get("runs")).map(run -> {
      Supplier<Outcome> outcome = once(() -> execute(run, hour));
      Stream<DynamicNode> checks = Stream.concat(
          Stream.of(dynamicTest("outcome and accounts", () -> checkRun(run, outcome.get()))),
          elements(run.get("kinds")).map(kind -> dynamicTest(kind.get("kind").asText(), () -> checkKind(run, kind, outcome.get()))));
      return dynamicContainer(run.get("name").asText(), checks);
    });
  }

  private Outcome execute(JsonNode run, Hour hour) {
    Path root = dir.resolve(run.get("name").asText());
    Path folder = root.resolve("raw").resolve(STREAM).resolve(hour.folder());
    Path warehouse = root.resolve("warehouse");
    try {
      Files.createDirectories(folder);
      for (JsonNode kind : (Iterable<JsonNode>) elements(run.get("kinds"))::iterator) {
        for (JsonNode file : kind.get("files")) {
          try (InputStream in = resource(file.asText())) {
            Files.copy(in, folder.resolve(baseName(file.asText())));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> sets = new ArrayList<>(List.of("raw-root=" + root.resolve("raw"), "warehouse=" + warehouse,
        "datasets.web_events.format=parquet"));
    elements(run.get("set")).forEach(s -> sets.add(s.asText()));
    HourglassConfig config = HourglassConfig.load(Optional.of("web_events"), Optional.empty(), sets);
    DatasetSettings dataset = config.dataset("web_events");
    List<String> progress = new ArrayList<>();
    IngestJob job = new IngestJob(SparkTestSession.get(), config.settings(), dataset, Optional.of(KEY), progress::add);
    try {
      RunManifest manifest = job.run(hour).manifest().orElseThrow(() -> new AssertionError("an empty hour: " + progress));
      return new Outcome(folder, warehouse, Optional.of(manifest), Optional.empty(),
          rows(warehouse.resolve(dataset.table()), "web_events/events-v1.avsc", hour),
          rows(warehouse.resolve("_quarantine").resolve(dataset.name()), "common/quarantine-v1.avsc", hour), progress);
    } catch (RunFailedException e) {
      return new Outcome(folder, warehouse, Optional.empty(), Optional.of(e), List.of(), List.of(), progress);
    }
  }

  private static List<Row> rows(Path root, String schema, Hour hour) {
    SparkSession spark = SparkTestSession.get();
    return TableReader.read(spark, root.toUri().toString(), TableFormat.PARQUET, TableSchema.load(schema).sparkSchema())
        .where(org.apache.spark.sql.functions.col("ingest_hour").equalTo(hour.id()))
        .collectAsList();
  }

  private static void checkRun(JsonNode run, Outcome o) {
    int exit = run.get("exit").asInt();
    if (exit != 0) {
      assertTrue(o.failure().isPresent(), "the run must fail (exit " + exit + "); it succeeded: " + o.manifest());
      String expected = substitute(run.get("message").asText(), o.hourFolder());
      assertTrue(o.message().startsWith(expected), "message\n  expected to start with: " + expected + "\n  was: " + o.message());
      assertFalse(o.message().contains("\n"), "one line: " + o.message());
      assertFalse(Files.exists(o.warehouse()), "a failed run writes nothing: " + o.warehouse());
      return;
    }
    if (o.failure().isPresent()) {
      fail("the run must succeed; it failed: " + o.message() + "\nprogress: " + o.progress());
    }
    long written = 0;
    long duplicates = 0;
    long blank = 0;
    Map<String, Long> byReason = new TreeMap<>();
    for (JsonNode kind : (Iterable<JsonNode>) elements(run.get("kinds"))::iterator) {
      written += kind.get("written").asLong();
      duplicates += kind.get("duplicates").asLong();
      blank += kind.get("blank").asLong();
      kind.get("quarantined").fields().forEachRemaining(e -> byReason.merge(e.getKey(), e.getValue().asLong(), Long::sum));
    }
    long quarantined = byReason.values().stream().mapToLong(Long::longValue).sum();
    RunManifest m = o.manifest().orElseThrow();
    RunManifest.Accounts expected = new RunManifest.Accounts(written + quarantined + duplicates, written, quarantined, duplicates, blank);
    assertEquals(expected, m.records(), "accounts of the run");
    assertTrue(m.records().balanced(), "read = written + quarantined + duplicates: " + m.records());
    assertEquals(byReason, new TreeMap<>(m.quarantinedByReason()), "quarantined by reason");
    assertEquals(written, o.table().size(), "rows in the table");
    assertEquals(quarantined, o.quarantine().size(), "rows in quarantine");
  }

  private static void checkKind(JsonNode run, JsonNode kind, Outcome o) {
    List<String> files = elements(kind.get("files")).map(f -> baseName(f.asText())).toList();
    if (run.get("exit").asInt() != 0) {
      assertTrue(o.failure().isPresent(), "the run must fail");
      return; // the run's message names the file; nothing else to see
    }
    assertTrue(o.failure().isEmpty(), () -> "the run failed: " + o.message());
    List<Row> written = o.table().stream().filter(r -> files.contains(baseName(r.getAs("source_file")))).toList();
    List<Row> quarantined = o.quarantine().stream().filter(r -> files.contains(baseName(r.getAs("source_file")))).toList();
    Map<String, Long> byReason = new TreeMap<>();
    quarantined.forEach(r -> byReason.merge(r.getAs("reason"), 1L, Long::sum));
    Map<String, Long> expectedByReason = new TreeMap<>();
    kind.get("quarantined").fields().forEachRemaining(e -> expectedByReason.put(e.getKey(), e.getValue().asLong()));

    assertEquals(kind.get("written").asLong(), written.size(),
        () -> "written from " + files + ": " + written.stream().map(r -> r.<String>getAs("event_id")).toList());
    assertEquals(expectedByReason, byReason, () -> "quarantined from " + files + " by reason: " + describe(quarantined));
    for (JsonNode expected : (Iterable<JsonNode>) elements(kind.get("rows"))::iterator) {
      String id = expected.get("event_id").asText();
      List<Row> matching = written.stream().filter(r -> id.equals(r.getAs("event_id"))).toList();
      assertEquals(1, matching.size(), () -> "one row with event_id " + id + " from " + files);
      checkColumns(expected, matching.get(0), "event_id " + id);
    }
    for (JsonNode expected : (Iterable<JsonNode>) elements(kind.get("quarantine"))::iterator) {
      String file = baseName(expected.get("file").asText());
      long line = expected.get("line_no").asLong();
      String reason = expected.get("reason").asText();
      List<Row> matching = quarantined.stream()
          .filter(r -> file.equals(baseName(r.getAs("source_file"))) && r.<Long>getAs("line_no") == line && reason.equals(r.getAs("reason")))
          .toList();
      String where = file + " line " + line + " " + reason;
      assertEquals(1, matching.size(), () -> "one quarantined record at " + where + ": " + describe(quarantined));
      checkQuarantined(expected, matching.get(0), where);
    }
  }

  private static void checkColumns(JsonNode expected, Row row, String where) {
    expected.fields().forEachRemaining(e -> {
      String column = e.getKey();
      JsonNode want = e.getValue();
      Object got = row.get(row.fieldIndex(column));
      String what = where + ", column " + column;
      if (want.isNull()) {
        assertNull(got, what);
      } else if (column.equals("source_file")) {
        assertEquals(baseName(want.asText()), baseName((String) got), what);
      } else if (column.equals("extra")) {
        assertNotNull(got, what);
        assertEquals(stringMap(want), stringMap(readJson((String) got)), what);
      } else if (got instanceof Timestamp t) {
        assertEquals(want.asText(), t.toInstant().toString(), what);
      } else if (got instanceof scala.collection.Map<?, ?>) {
        assertEquals(stringMap(want), new HashMap<>(row.getJavaMap(row.fieldIndex(column))), what);
      } else if (got instanceof Number n) {
        assertEquals(want.asLong(), n.longValue(), what);
      } else {
        assertEquals(want.asText(), String.valueOf(got), what);
      }
    });
  }

  private static void checkQuarantined(JsonNode expected, Row row, String where) {
    String detail = row.getAs("detail");
    String raw = row.getAs("raw");
    if (expected.has("detail")) {
      assertEquals(expected.get("detail").asText(), detail, where + ": detail");
    }
    if (expected.has("detail_prefix")) {
      assertTrue(detail != null && detail.startsWith(expected.get("detail_prefix").asText()), where + ": detail was " + detail);
    }
    if (expected.has("raw")) {
      assertEquals(expected.get("raw").asText(), raw, where + ": raw");
    }
    if (expected.has("raw_prefix")) {
      assertTrue(raw != null && raw.startsWith(expected.get("raw_prefix").asText()), where + ": raw starts "
          + (raw == null ? null : raw.substring(0, Math.min(80, raw.length()))));
    }
    if (expected.has("raw_length")) {
      assertEquals(expected.get("raw_length").asInt(), raw == null ? -1 : raw.length(), where + ": raw length");
    }
  }

  /** {@code ${corrupt/x.gz}} in an expected message stands for the full path the job gives that file. */
  private static String substitute(String message, Path hourFolder) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    for (int open = message.indexOf("${"); open >= 0; open = message.indexOf("${", at)) {
      int close = message.indexOf('}', open);
      out.append(message, at, open)
          .append(new org.apache.hadoop.fs.Path(hourFolder.resolve(baseName(message.substring(open + 2, close))).toUri()));
      at = close + 1;
    }
    return out.append(message.substring(at)).toString();
  }

  private static String describe(List<Row> quarantined) {
    StringBuilder sb = new StringBuilder();
    for (Row r : quarantined) {
      String raw = r.getAs("raw");
      sb.append("\n  ").append(baseName(r.getAs("source_file"))).append(':').append(r.<Long>getAs("line_no")).append(' ')
          .append(r.<String>getAs("reason")).append(" | ").append(r.<String>getAs("detail")).append(" | ")
          .append(raw == null ? null : raw.substring(0, Math.min(120, raw.length())));
    }
    return sb.toString();
  }

  private static Map<String, String> stringMap(JsonNode object) {
    Map<String, String> m = new LinkedHashMap<>();
    object.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asText()));
    return new HashMap<>(m);
  }

  private static String baseName(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static Stream<JsonNode> elements(JsonNode array) {
    return array == null ? Stream.empty() : StreamSupport.stream(array.spliterator(), false);
  }

  private static JsonNode load(String name) {
    try (InputStream in = resource(name)) {
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static JsonNode readJson(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static InputStream resource(String name) {
    InputStream in = CorpusTest.class.getResourceAsStream(CORPUS + name);
    if (in == null) {
      throw new IllegalArgumentException("no corpus file " + name + " on the test classpath");
    }
    return in;
  }

  /** The first call runs it; later calls get the same value, or the same failure (a run is not repeated). */
  private static <T> Supplier<T> once(Supplier<T> supplier) {
    return new Supplier<>() {
      private T value;
      private RuntimeException failure;

      @Override
      public synchronized T get() {
        if (value == null && failure == null) {
          try {
            value = supplier.get();
          } catch (RuntimeException | AssertionError e) {
            failure = new IllegalStateException("the run could not be made: " + e, e);
          }
        }
        if (failure != null) {
          throw failure;
        }
        return value;
      }
    };
  }
}
