package io.hourglass.common.transform;

import static org.apache.spark.sql.functions.col;

import io.hourglass.common.schema.RawRecords;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
}
