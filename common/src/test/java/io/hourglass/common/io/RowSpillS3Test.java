package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.testing.S3Bucket;
import io.hourglass.common.testing.SparkTestSession;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rows spilled to and read back from S3 over S3A (a real S3-compatible server), and the folder removed there. */
class RowSpillS3Test {
  private static final String BUCKET = "hourglass-spill";
  private static final StructType SCHEMA = new StructType()
      .add("file", DataTypes.StringType, false)
      .add("line", DataTypes.LongType, false)
      .add("text", DataTypes.StringType, true);
  @RegisterExtension
  static final S3Bucket S3 = new S3Bucket(BUCKET);
  private final SparkSession spark = SparkTestSession.get();

  @Test
  void spilledRowsGoToS3AndComeBackAndTheFolderGoes() throws IOException {
    String parent = S3.uri("q/_spill");
    RowSpill spill = RowSpill.register(spark, parent + "/ingest_hour=2026112010", SCHEMA);
    JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(0, 1, 2), 3).foreach(task -> {
      for (int i = 0; i < 2000; i++) { // a few hundred KB a task
        spill.write("obj-" + task, (long) i, "{\"bad\": " + i + ", \"pad\": \"" + "x".repeat(100) + "\"}\n");
      }
    });

    assertEquals(6000, spill.rows());
    List<String> lines = new java.util.ArrayList<>();
    spill.forEachRow(v -> lines.add(v[0] + ":" + v[1] + ":" + ((String) v[2]).length()));
    lines.sort(null);
    List<String> expected = IntStream.range(0, 3).boxed().flatMap(t -> IntStream.range(0, 2000)
            .mapToObj(i -> "obj-" + t + ":" + i + ":" + ("{\"bad\": " + i + ", \"pad\": \"" + "x".repeat(100) + "\"}\n").length()))
        .sorted().toList();
    assertEquals(expected, lines);
    FileSystem fs = new Path(parent).getFileSystem(S3.conf());
    assertEquals(List.of("part-00000-a0.json", "part-00001-a0.json", "part-00002-a0.json"),
        Arrays.stream(fs.listStatus(new Path(parent + "/ingest_hour=2026112010"))).map(s -> s.getPath().getName()).sorted().toList());

    spill.delete();
    assertFalse(fs.exists(new Path(parent + "/ingest_hour=2026112010")));
    assertFalse(fs.exists(new Path(parent)), "no empty _spill left behind (nor a directory marker)");
    assertTrue(fs.exists(new Path(S3.uri(""))));
  }
}
