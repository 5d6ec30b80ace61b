package io.hourglass.common.transform;

import static org.apache.spark.sql.functions.col;

import io.hourglass.common.schema.RawRecords;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;

/** Selects the quarantined records of a classified Dataset in the {@code schemas/common/quarantine-v1.avsc} shape. */
public final class Quarantine {
  public static final String SCHEMA = "common/quarantine-v1.avsc";

  private Quarantine() {}

  /**
   * @param ownerColumn the partition column the run owns (e.g. {@code ingest_hour}), carried through
   */
  public static Dataset<Row> rows(Dataset<Row> classified, String ownerColumn) {
    Columns.require(classified, "Quarantine.rows", Status.COLUMN, Status.DETAIL, RawRecords.SOURCE_FILE,
        RawRecords.LINE_NO, RawRecords.VALUE, ownerColumn);
    Column rejected = col(Status.COLUMN).isin(Status.REASONS.toArray());
    return classified.where(rejected).select(
        col(Status.COLUMN).as("reason"),
        col(Status.DETAIL).as("detail"),
        col(RawRecords.SOURCE_FILE),
        col(RawRecords.LINE_NO),
        col(RawRecords.VALUE).as("raw"),
        col(ownerColumn));
  }

  /**
   * One quarantined record as a row of what {@link #rows} selects (the quarantine contract's columns, the
   * owner column last), in Spark's internal form: for a quarantine the driver writes itself.
   */
  public static InternalRow row(String reason, String detail, String sourceFile, long lineNo, String raw, String owner) {
    if (reason == null || sourceFile == null || owner == null) {
      throw new IllegalArgumentException("a quarantined record has a reason, a source file and an owner, cannot be: "
          + reason + ", " + sourceFile + ", " + owner);
    }
    return new GenericInternalRow(new Object[] {
        UTF8String.fromString(reason), utf8(detail), UTF8String.fromString(sourceFile), lineNo, utf8(raw), UTF8String.fromString(owner)});
  }

  private static UTF8String utf8(String s) {
    return s == null ? null : UTF8String.fromString(s);
  }
}
