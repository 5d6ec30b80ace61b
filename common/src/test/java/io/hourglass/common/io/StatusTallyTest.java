package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.common.transform.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class StatusTallyTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final StructType CLASSIFIED = new StructType()
      .add("_status", DataTypes.StringType)
      .add("_detail", DataTypes.StringType)
      .add("source_file", DataTypes.StringType)
      .add("value", DataTypes.StringType);

  @Test
  void countsEveryStatusInOnePassAndNamesCorruptFiles() {
    // {status, detail, file, how many}
    Object[][] spec = {
        {"ok", null, "s3a://r/a.gz", 4},
        {"duplicate", null, "s3a://r/a.gz", 2},
        {"blank", null, "s3a://r/b.gz", 3},
        {"malformed_json", "Unexpected character", "s3a://r/b.gz", 1},
        {"too_late", "event_time 2026-11-19T01:00Z", "s3a://r/a.gz", 2},
        {"corrupt_file", "EOFException: Unexpected end of ZLIB input stream (after 3 lines)", "s3a://r/z.gz", 1},
        {"corrupt_file", "ZipException: named .gz but is not gzip (after 0 lines)", "s3a://r/c.gz", 1},
    };
    List<Row> rows = new ArrayList<>();
    Map<String, Long> expectedByStatus = new TreeMap<>();
    for (Object[] s : spec) {
      for (int i = 0; i < (int) s[3]; i++) {
        rows.add(RowFactory.create(s[0], s[1], s[2], "{}"));
      }
      expectedByStatus.merge((String) s[0], (long) (int) s[3], Long::sum);
    }
    StatusTally tally = StatusTally.of(SPARK.createDataFrame(rows, CLASSIFIED));

    assertEquals(expectedByStatus, new TreeMap<>(tally.byStatus()));
    assertEquals(4L, tally.get(Status.OK));
    assertEquals(0L, tally.get(Status.FUTURE), "a status nobody had counts 0");
    assertEquals(rows.size() - 3L, tally.read(), "blank lines are not records");
    assertEquals(1L + 2L + 2L, tally.quarantined(), "ok, duplicate and blank are not quarantined");
    assertEquals(Map.of("malformed_json", 1L, "too_late", 2L, "corrupt_file", 2L), tally.quarantinedByReason());
    assertEquals(List.of(
        "s3a://r/c.gz: ZipException: named .gz but is not gzip (after 0 lines)",
        "s3a://r/z.gz: EOFException: Unexpected end of ZLIB input stream (after 3 lines)"), tally.corruptFiles());
  }

  @Test
  void aCleanHourHasNoQuarantineAndNoCorruptFiles() {
    List<Row> rows = List.of(RowFactory.create("ok", null, "f", "{}"), RowFactory.create("blank", null, "f", ""));
    StatusTally tally = StatusTally.of(SPARK.createDataFrame(rows, CLASSIFIED));
    assertEquals(1L, tally.read());
    assertEquals(0L, tally.quarantined());
    assertEquals(Map.of(), tally.quarantinedByReason());
    assertEquals(List.of(), tally.corruptFiles());
  }

  @Test
  void anEmptyHourCountsNothing() {
    StatusTally tally = StatusTally.of(SPARK.createDataFrame(List.of(), CLASSIFIED));
    assertEquals(Map.of(), tally.byStatus());
    assertEquals(0L, tally.read());
    assertEquals(List.of(), tally.corruptFiles());
  }
}
