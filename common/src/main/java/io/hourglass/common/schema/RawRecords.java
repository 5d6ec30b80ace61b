package io.hourglass.common.schema;

import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The shape every raw reader produces: one row per record, where it came from, and the raw text.
 * A whole-file problem (truncated gzip, ...) is one row with {@code read_error} set and {@code line_no} 0
 * (or the line it stopped at), so it is counted and quarantined like any other bad record.
 */
public final class RawRecords {
  public static final String SOURCE_FILE = "source_file";
  /** 1-based physical line in the decompressed object. */
  public static final String LINE_NO = "line_no";
  /** 0-based position of the record within its line (Firehose may concatenate records as {@code }{}). */
  public static final String REC_NO = "rec_no";
  /** The record's raw text, without line end or BOM. */
  public static final String VALUE = "value";
  /** Set when the object could not be read to its end; the message names the error. */
  public static final String READ_ERROR = "read_error";

  public static final StructType SCHEMA = new StructType(new StructField[] {
      new StructField(SOURCE_FILE, StringType, false, org.apache.spark.sql.types.Metadata.empty()),
      new StructField(LINE_NO, LongType, false, org.apache.spark.sql.types.Metadata.empty()),
      new StructField(REC_NO, IntegerType, false, org.apache.spark.sql.types.Metadata.empty()),
      new StructField(VALUE, StringType, true, org.apache.spark.sql.types.Metadata.empty()),
      new StructField(READ_ERROR, StringType, true, org.apache.spark.sql.types.Metadata.empty()),
  });

  private RawRecords() {}
}
