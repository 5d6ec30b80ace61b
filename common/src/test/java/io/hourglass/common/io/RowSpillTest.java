package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.testing.SparkTestSession;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows set aside by tasks and read back by the driver: exactly those of the attempts that succeeded. */
class RowSpillTest {
  private static final StructType SCHEMA = new StructType()
      .add("file", DataTypes.StringType, false)
      .add("line", DataTypes.LongType, false)
      .add("rec", DataTypes.IntegerType, false)
      .add("text", DataTypes.StringType, true);
  /** Text that a JSON line must escape or carry as it is: quotes, backslashes, line ends, control and non-ASCII characters. */
  private static final List<String> AWKWARD = List.of("{\"cut\": \"in the mid", "back\\slash\\\\", "two\nlines\r\n",
      "tab\tand \u0001 and \u007f", "ünï cödé ✓ \uD83D\uDE00", "\u2028separator\u2029", "", " ");

  private final SparkSession spark = SparkTestSession.get();

  @TempDir
  Path tmp;

  private JavaSparkContext jsc() {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  /** The spilled rows as the driver reads them back, rendered and sorted; each value must have its column's type. */
  private static List<String> rendered(RowSpill spill) {
    List<String> out = new ArrayList<>();
    spill.forEachRow(v -> out.add((String) v[0] + "|" + (Long) v[1] + "|" + (Integer) v[2] + "|" + (String) v[3]));
    return out.stream().sorted().toList();
  }

  @Test
  void readsBackExactlyWhatTheTasksWrote() throws IOException {
    RowSpill spill = RowSpill.register(spark, tmp.resolve("spill").toUri().toString(), SCHEMA);
    jsc().parallelize(List.of(0, 1, 2), 3).foreach(task -> {
      if (task == 1) {
        return; // a task that spills nothing writes no file
      }
      for (int i = 0; i < AWKWARD.size(); i++) {
        spill.write("obj-" + task, 5_000_000_000L + i, i, AWKWARD.get(i));
      }
      spill.write("obj-" + task, -1L, Integer.MIN_VALUE, null);
    });

    List<String> expected = new ArrayList<>();
    for (int task : new int[] {0, 2}) {
      for (int i = 0; i < AWKWARD.size(); i++) {
        expected.add("obj-" + task + "|" + (5_000_000_000L + i) + "|" + i + "|" + AWKWARD.get(i));
      }
      expected.add("obj-" + task + "|-1|" + Integer.MIN_VALUE + "|null");
    }
    assertEquals(expected.stream().sorted().toList(), rendered(spill));
    assertEquals(2 * (AWKWARD.size() + 1), spill.rows());
    assertEquals(List.of("part-00000-a0.json", "part-00002-a0.json"), files(tmp.resolve("spill")));
  }

  @Test
  void nothingSpilledIsNothingToReadAndNoFolder() {
    RowSpill spill = RowSpill.register(spark, tmp.resolve("spill").toUri().toString(), SCHEMA);
    jsc().parallelize(List.of(0, 1), 2).foreach(task -> { });
    assertEquals(List.of(), rendered(spill));
    assertEquals(0, spill.rows());
    assertFalse(Files.exists(tmp.resolve("spill")));
  }

  @Test
  void aFailedAttemptsRowsAreNeitherReadNorLeftBehind() throws IOException {
    RowSpill spill = RowSpill.register(spark, tmp.resolve("spill").toUri().toString(), SCHEMA);
    // Two jobs on one spill, so that the successful task is not cancelled by the failing one: task 0 of the first
    // succeeds, task 1 of the second fails after spilling.
    jsc().parallelize(List.of(0), 1).foreach(task -> spill.write("obj-0", 1L, 0, "written before the task succeeded"));
    SparkException failed = assertThrows(SparkException.class, () -> jsc().parallelize(List.of(0, 1), 2).foreach(task -> {
      if (task == 1) {
        spill.write("obj-1", 1L, 0, "written before the task failed");
        throw new IllegalStateException("task 1 fails after spilling");
      }
    }));
    assertTrue(failed.getMessage().contains("task 1 fails after spilling"), failed.getMessage());

    assertEquals(List.of("obj-0|1|0|written before the task succeeded"), rendered(spill));
    assertEquals(List.of("part-00000-a0.json"), files(tmp.resolve("spill")), "the failed attempt deleted its file");
  }

  @Test
  void aLineThatDoesNotReadBackFailsNamingTheFileAndLine() throws IOException {
    RowSpill spill = RowSpill.register(spark, tmp.resolve("spill").toUri().toString(), SCHEMA);
    jsc().parallelize(List.of(0), 1).foreach(task -> spill.write("obj", 1L, 0, "fine"));
    Path file = tmp.resolve("spill/part-00000-a0.json");
    Files.writeString(file, "{\"file\":\"obj\",\"line\":\"two\"}\n", java.nio.file.StandardOpenOption.APPEND);
    Files.deleteIfExists(tmp.resolve("spill/.part-00000-a0.json.crc")); // the local file system's checksum of the old content

    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> rendered(spill));
    assertTrue(e.getMessage().startsWith("reading spilled rows file:" + file + ": line 2: line is not a bigint"), e.getMessage());
  }

  @Test
  void deleteRemovesTheFolderAndItsParentWhenNothingElseIsThere() throws IOException {
    Path parent = tmp.resolve("_spill");
    RowSpill hour10 = RowSpill.register(spark, parent.resolve("ingest_hour=10").toUri().toString(), SCHEMA);
    RowSpill hour11 = RowSpill.register(spark, parent.resolve("ingest_hour=11").toUri().toString(), SCHEMA);
    jsc().parallelize(List.of(0), 1).foreach(task -> {
      hour10.write("a", 1L, 0, "x");
      hour11.write("b", 1L, 0, "y");
    });
    hour10.delete();
    assertFalse(Files.exists(parent.resolve("ingest_hour=10")));
    assertTrue(Files.exists(parent.resolve("ingest_hour=11")), "another hour's folder stays");
    hour11.delete();
    assertFalse(Files.exists(parent), "the empty parent goes with the last folder");
    RowSpill.deleteFolder(parent.resolve("ingest_hour=12").toUri().toString(), new Configuration()); // nothing there: no error
  }

  @Test
  void refusesTypesItCannotReadBackExactly() {
    StructType withDouble = new StructType().add("price", DataTypes.DoubleType, true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> RowSpill.register(spark, tmp.resolve("spill").toUri().toString(), withDouble));
    assertEquals("a spilled row holds strings, ints and longs only, cannot hold price of type double", e.getMessage());
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".")).sorted().toList();
    }
  }
}
