package io.hourglass.common.transform;

import static io.hourglass.common.testing.DataFrameAssert.assertSchemaEquality;
import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.testing.SparkTestSession;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class QuarantineTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final StructType CLASSIFIED = new StructType()
      .add("event_id", DataTypes.StringType)
      .add("_status", DataTypes.StringType)
      .add("_detail", DataTypes.StringType)
      .add("source_file", DataTypes.StringType)
      .add("line_no", DataTypes.LongType)
      .add("rec_no", DataTypes.IntegerType)
      .add("value", DataTypes.StringType)
      .add("ingest_hour", DataTypes.StringType);
  private static final StructType QUARANTINED = new StructType()
      .add("reason", DataTypes.StringType)
      .add("detail", DataTypes.StringType)
      .add("source_file", DataTypes.StringType)
      .add("line_no", DataTypes.LongType)
      .add("raw", DataTypes.StringType)
      .add("ingest_hour", DataTypes.StringType);

  @Test
  void selectsOnlyQuarantineReasonsInTheQuarantineShape() {
    String[] kept = {"corrupt_file", "malformed_json", "missing_field", "bad_type", "too_late", "future"};
    String[] notKept = {"ok", "duplicate", "blank", null};
    List<Row> in = new ArrayList<>();
    List<Row> out = new ArrayList<>();
    long line = 1;
    for (String s : kept) {
      String raw = "{\"line\":" + line + "}";
      in.add(RowFactory.create("e" + line, s, "why " + s, "s3a://b/f.gz", line, 0, raw, "2026112010"));
      out.add(RowFactory.create(s, "why " + s, "s3a://b/f.gz", line, raw, "2026112010"));
      line++;
    }
    for (String s : notKept) {
      in.add(RowFactory.create("e" + line, s, null, "s3a://b/f.gz", line, 0, "{}", "2026112010"));
      line++;
    }
    Dataset<Row> got = Quarantine.rows(SPARK.createDataFrame(in, CLASSIFIED), "ingest_hour");
    assertSmallDatasetEquality(SPARK.createDataFrame(out, QUARANTINED), got);
  }

  @Test
  void aRowForTheDriversOwnWriteIsWhatRowsSelects() {
    Row in = RowFactory.create("e1", "corrupt_file", "unexpected end of the gzip stream", "s3a://b/f.gz", 0L, 0, null, "2026112010");
    Row selected = Quarantine.rows(SPARK.createDataFrame(List.of(in), CLASSIFIED), "ingest_hour").collectAsList().get(0);
    InternalRow row = Quarantine.row("corrupt_file", "unexpected end of the gzip stream", "s3a://b/f.gz", 0L, null, "2026112010");
    StructType contract = TableSchema.load(Quarantine.SCHEMA).sparkSchema();
    Row converted = (Row) CatalystTypeConverters.convertToScala(row, contract);
    assertEquals(selected, converted);
    assertThrows(IllegalArgumentException.class, () -> Quarantine.row(null, "d", "f", 1L, "{", "2026112010"));
  }

  @Test
  void shapeIsTheQuarantineContract() {
    Dataset<Row> got = Quarantine.rows(SPARK.createDataFrame(List.of(), CLASSIFIED), "ingest_hour");
    assertSchemaEquality(TableSchema.load(Quarantine.SCHEMA).sparkSchema(), got.schema());
  }

  @Test
  void failsListingColumnsWhenAnyIsMissing() {
    Dataset<Row> noOwner = SPARK.createDataFrame(List.of(), CLASSIFIED).drop("ingest_hour");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Quarantine.rows(noOwner, "ingest_hour"));
    assertTrue(e.getMessage().contains("Quarantine.rows"), e.getMessage());
    assertTrue(e.getMessage().contains("[ingest_hour]"), e.getMessage());
    assertTrue(e.getMessage().contains("_status"), e.getMessage());
  }

  @Test
  void reasonsAreExactlyTheQuarantineCodesOfTheContract() {
    String doc = TableSchema.load(Quarantine.SCHEMA).avro().getField("reason").doc();
    String codes = doc.substring(doc.indexOf(':') + 1).replace(".", "").trim();
    List<String> documented = List.of(codes.split("\\s*,\\s*"));
    assertEquals(documented, Status.REASONS);
    for (String notAReason : List.of(Status.OK, Status.DUPLICATE, Status.BLANK)) {
      assertFalse(Status.REASONS.contains(notAReason), notAReason);
    }
    assertEquals(Status.REASONS.size(), Status.REASONS.stream().distinct().count());
    assertThrows(UnsupportedOperationException.class, () -> Status.REASONS.add("x"));
  }
}
