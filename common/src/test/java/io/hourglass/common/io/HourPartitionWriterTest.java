package io.hourglass.common.io;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.Locations;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.io.HourPartitionWriter.Outcome;
import io.hourglass.common.io.HourPartitionWriter.Target;
import io.hourglass.common.testing.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HourPartitionWriterTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("v", DataTypes.IntegerType)
      .add("dt", DataTypes.StringType, false)
      .add("owner", DataTypes.StringType, false);
  private static final List<String> PARTITIONS = List.of("dt", "owner");
  private static final Runnable NOTHING = () -> { };

  @TempDir
  Path tmp;

  private final HourPartitionWriter writer = new HourPartitionWriter(SPARK);

  private static Row row(String id, int v, String dt, String owner) {
    return RowFactory.create(id, v, dt, owner);
  }

  private static Dataset<Row> rows(Row... rows) {
    return SPARK.createDataFrame(List.of(rows), SCHEMA);
  }

  private String root(String name) {
    return Locations.normalize("test", tmp.resolve(name).toString());
  }

  private Target target(String root, TableFormat format, String owner) {
    return new Target(root, format, PARTITIONS, owner, SCHEMA);
  }

  /** Every file under {@code dir} (relative path -> SHA-256 of its bytes), hidden ones included. */
  private static Map<String, String> snapshot(Path dir) {
    Map<String, String> files = new TreeMap<>();
    if (!Files.exists(dir)) {
      return files;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        files.put(dir.relativize(p).toString(),
            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    return files;
  }

  /** Directories holding data files, relative to the table root, outside hidden/underscore folders. */
  private static TreeSet<String> dataDirectories(Path table) throws IOException {
    TreeSet<String> dirs = new TreeSet<>();
    try (Stream<Path> walk = Files.walk(table)) {
      walk.filter(Files::isRegularFile)
          .filter(p -> p.getFileName().toString().startsWith("part-"))
          .map(p -> table.relativize(p.getParent()).toString())
          .filter(rel -> !rel.startsWith("_") && !rel.startsWith("."))
          .forEach(dirs::add);
    }
    return dirs;
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET", "AVRO"})
  void replacesExactlyWhatTheOwnerOwns(TableFormat format) throws IOException {
    String root = root("events-" + format);
    Path table = tmp.resolve("events-" + format);

    // First run of owner A: creates its directories.
    AtomicInteger beforePublishCalls = new AtomicInteger();
    Outcome first = writer.replace(target(root, format, "A"),
        rows(row("a1", 1, "d1", "A"), row("a2", 2, "d1", "A"), row("a3", 3, "d2", "A"), row("a4", 4, "d3", "A")),
        4, "run-1", beforePublishCalls::incrementAndGet);
    assertEquals(1, beforePublishCalls.get());
    assertEquals(root, first.root());
    assertEquals(Map.of("dt=d1/owner=A", 2L, "dt=d2/owner=A", 1L, "dt=d3/owner=A", 1L), first.rowsByDirectory());
    assertEquals(4L, first.rows());
    assertEquals("file", first.committer(), "a local file: table is written by the classic committer");
    assertEquals(new TreeSet<>(List.of("dt=d1/owner=A", "dt=d2/owner=A", "dt=d3/owner=A")), dataDirectories(table));

    // Another owner's run.
    Outcome other = writer.replace(target(root, format, "B"),
        rows(row("b1", 10, "d1", "B"), row("b2", 11, "d2", "B")), 2, "run-b", NOTHING);
    assertEquals(Map.of("dt=d1/owner=B", 1L, "dt=d2/owner=B", 1L), other.rowsByDirectory());
    Map<String, String> ownerB = new TreeMap<>(snapshot(table.resolve("dt=d1/owner=B")));
    ownerB.putAll(snapshot(table.resolve("dt=d2/owner=B")));

    // A re-run of A that no longer produces d2 and d3 but produces d4.
    AtomicBoolean oldStillThereAtPublish = new AtomicBoolean();
    AtomicBoolean newNotYetThereAtPublish = new AtomicBoolean();
    Outcome rerun = writer.replace(target(root, format, "A"),
        rows(row("a1", 100, "d1", "A"), row("a5", 5, "d4", "A")), 2, "run-2", () -> {
          oldStillThereAtPublish.set(Files.isDirectory(table.resolve("dt=d3/owner=A")));
          newNotYetThereAtPublish.set(!Files.exists(table.resolve("dt=d4")));
        });
    assertTrue(oldStillThereAtPublish.get(), "beforePublish runs before the old directories go");
    assertTrue(newNotYetThereAtPublish.get(), "beforePublish runs before the new directories appear");
    assertEquals(Map.of("dt=d1/owner=A", 1L, "dt=d4/owner=A", 1L), rerun.rowsByDirectory());
    assertEquals(new TreeSet<>(List.of("dt=d1/owner=A", "dt=d1/owner=B", "dt=d2/owner=B", "dt=d4/owner=A")),
        dataDirectories(table));
    assertFalse(Files.exists(table.resolve("dt=d2/owner=A")), "a directory the re-run no longer produces is removed");
    assertFalse(Files.exists(table.resolve("dt=d3")), "and so is its parent when nothing else is left in it");
    Map<String, String> ownerBAfter = new TreeMap<>(snapshot(table.resolve("dt=d1/owner=B")));
    ownerBAfter.putAll(snapshot(table.resolve("dt=d2/owner=B")));
    assertEquals(ownerB, ownerBAfter, "another owner's files are untouched, byte for byte");
    assertFalse(Files.exists(table.resolve("_staging/owner=A")), "no staging left behind");

    // A run whose accounts disagree with what it wrote publishes nothing.
    Map<String, String> published = snapshot(table);
    AtomicBoolean published3 = new AtomicBoolean();
    RunFailedException e = assertThrows(RunFailedException.class, () -> writer.replace(target(root, format, "A"),
        rows(row("x1", 1, "d1", "A"), row("x2", 2, "d9", "A")), 5, "run-3", () -> published3.set(true)));
    assertTrue(e.getMessage().contains(root), e.getMessage());
    assertTrue(e.getMessage().contains("wrote 2 rows") && e.getMessage().contains("expect 5"), e.getMessage());
    assertFalse(published3.get(), "beforePublish does not run when nothing is published");
    assertEquals(published, snapshot(table), "the previous content is still there, unchanged");

    // What a reader sees: B's rows and A's latest rows, nothing else.
    assertSmallDatasetEquality(
        rows(row("b1", 10, "d1", "B"), row("b2", 11, "d2", "B"), row("a1", 100, "d1", "A"), row("a5", 5, "d4", "A")),
        TableReader.read(SPARK, root, format, SCHEMA));
  }

  @ParameterizedTest
  @EnumSource(value = TableFormat.class, names = {"PARQUET", "AVRO"})
  void rowsOfAnotherOwnerPublishNothing(TableFormat format) throws IOException {
    String root = root("foreign-" + format);
    RunFailedException e = assertThrows(RunFailedException.class, () -> writer.replace(target(root, format, "A"),
        rows(row("a1", 1, "d1", "A"), row("b1", 2, "d1", "B")), 2, "run-1", NOTHING));
    assertTrue(e.getMessage().contains("in a run that owns owner=A"), e.getMessage());
    assertTrue(e.getMessage().contains("owner=B"), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("foreign-" + format).resolve("dt=d1")), "nothing published");
  }

  @Test
  void discardingOneHourLeavesAnotherHoursStagingUnderARootBothCreated() throws IOException {
    // Two hours of a parallel backfill start on a new table: both find no root, so both record it as theirs.
    Path base = tmp.resolve("parallel-new");
    String root = root("parallel-new/table");
    HourPartitionWriter.Staged a = writer.stage(target(root, TableFormat.PARQUET, "A"), rows(row("a1", 1, "d1", "A")), "run-a");
    HourPartitionWriter.Staged b = writer.stage(target(root, TableFormat.PARQUET, "B"), rows(row("b1", 2, "d1", "B")), "run-b");
    assertEquals(base.toUri().getPath().replaceAll("/$", ""), java.net.URI.create(a.createdTop()).getPath(), a.createdTop());
    HourPartitionWriter.Staged bAsIfItCreatedTheRoot = new HourPartitionWriter.Staged(b.target(), b.stagingOwner(), b.staging(),
        b.rowsByDirectory(), b.committer(), a.createdTop());
    Map<String, String> bFiles = snapshot(base.resolve("table/_staging/owner=B"));
    assertFalse(bFiles.isEmpty());

    writer.discard(a);
    assertFalse(Files.exists(base.resolve("table/_staging/owner=A")), "A's staging is gone");
    assertEquals(bFiles, snapshot(base.resolve("table/_staging/owner=B")), "B's staging is untouched, byte for byte");

    writer.discard(bAsIfItCreatedTheRoot);
    assertFalse(Files.exists(base), "the last one out removes every directory the runs created, up to the one they found");
    assertTrue(Files.isDirectory(tmp), "and nothing above it");
  }

  @Test
  void aReRunThatProducesNothingRemovesWhatTheOwnerHad() throws IOException {
    String root = root("empty-rerun");
    Path table = tmp.resolve("empty-rerun");
    writer.replace(target(root, TableFormat.PARQUET, "A"), rows(row("a1", 1, "d1", "A")), 1, "run-1", NOTHING);
    writer.replace(target(root, TableFormat.PARQUET, "B"), rows(row("b1", 1, "d1", "B")), 1, "run-b", NOTHING);
    Map<String, String> ownerB = snapshot(table.resolve("dt=d1/owner=B"));

    Outcome outcome = writer.replace(target(root, TableFormat.PARQUET, "A"), rows(), 0, "run-2", NOTHING);
    assertEquals(Map.of(), outcome.rowsByDirectory());
    assertEquals(0L, outcome.rows());
    assertEquals(new TreeSet<>(List.of("dt=d1/owner=B")), dataDirectories(table));
    assertEquals(ownerB, snapshot(table.resolve("dt=d1/owner=B")));
  }

  @Test
  void deltaReplacesOneOwnersRowsInOneCommitPerRun() throws IOException {
    String root = root("events-delta");
    Path table = tmp.resolve("events-delta");
    // Delta rebuilds its snapshot with 50 tasks and collects file statistics by default; on a 2-core test
    // JVM that is most of the time. Neither changes what is committed. Restored afterwards.
    Map<String, String> fast = Map.of(
        "spark.databricks.delta.snapshotPartitions", "1",
        "spark.databricks.delta.stats.collect", "false");
    Map<String, scala.Option<String>> before = new TreeMap<>();
    fast.forEach((k, v) -> {
      before.put(k, SPARK.conf().getOption(k));
      SPARK.conf().set(k, v);
    });
    try {
      Outcome first = writer.replace(target(root, TableFormat.DELTA, "A"),
          rows(row("a1", 1, "d1", "A"), row("a2", 2, "d1", "A"), row("a3", 3, "d2", "A")), 3, "run-1", NOTHING);
      assertEquals(Map.of("dt=d1/owner=A", 2L, "dt=d2/owner=A", 1L), first.rowsByDirectory());
      assertEquals("delta", first.committer());
      writer.replace(target(root, TableFormat.DELTA, "B"), rows(row("b1", 10, "d1", "B")), 1, "run-b", NOTHING);

      AtomicInteger beforePublishCalls = new AtomicInteger();
      Outcome rerun = writer.replace(target(root, TableFormat.DELTA, "A"),
          rows(row("a1", 100, "d1", "A"), row("a4", 4, "d3", "A")), 2, "run-2", beforePublishCalls::incrementAndGet);
      assertEquals(1, beforePublishCalls.get());
      assertEquals(Map.of("dt=d1/owner=A", 1L, "dt=d3/owner=A", 1L), rerun.rowsByDirectory());
      assertEquals(2L, rerun.rows());

      assertSmallDatasetEquality(
          rows(row("b1", 10, "d1", "B"), row("a1", 100, "d1", "A"), row("a4", 4, "d3", "A")),
          TableReader.read(SPARK, root, TableFormat.DELTA, SCHEMA).select("id", "v", "dt", "owner"));
      assertEquals(3, commits(table).size(), "one commit per run: " + commits(table));

      // A count that disagrees with the accounts fails the run (Delta has already committed: re-run the hour).
      RunFailedException e = assertThrows(RunFailedException.class, () -> writer.replace(
          target(root, TableFormat.DELTA, "B"), rows(row("b2", 1, "d1", "B")), 2, "run-b2", NOTHING));
      assertTrue(e.getMessage().contains(root), e.getMessage());
      assertTrue(e.getMessage().contains("committed 1 rows") && e.getMessage().contains("expect 2"), e.getMessage());
    } finally {
      before.forEach((k, v) -> {
        if (v.isDefined()) {
          SPARK.conf().set(k, v.get());
        } else {
          SPARK.conf().unset(k);
        }
      });
    }
  }

  private static List<String> commits(Path table) throws IOException {
    try (Stream<Path> log = Files.list(table.resolve("_delta_log"))) {
      return log.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{20}\\.json")).sorted().toList();
    }
  }

  @Test
  void aTargetNeedsAnOwnerColumnWhichIsTheLastOne() {
    assertThrows(IllegalArgumentException.class, () -> new Target("r", TableFormat.PARQUET, List.of(), "A", SCHEMA));
    Target t = new Target("r", TableFormat.PARQUET, List.of("dt", "hour", "ingest_hour"), "2026112010", SCHEMA);
    assertEquals("ingest_hour", t.ownerColumn());
    assertEquals("dt=*/hour=*/ingest_hour=2026112010", t.ownedGlob());
  }
}
