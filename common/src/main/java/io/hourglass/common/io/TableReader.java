package io.hourglass.common.io;

import io.hourglass.common.config.TableFormat;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Reads a table back with its contract's schema (never inferred); Delta through its log. */
public final class TableReader {
  private TableReader() {}

  public static Dataset<Row> read(SparkSession spark, String root, TableFormat format, StructType schema) {
    if (format == TableFormat.DELTA) {
      return spark.read().format("delta").load(root);
    }
    return spark.read().format(format.sparkFormat()).schema(schema).load(root);
  }
}
