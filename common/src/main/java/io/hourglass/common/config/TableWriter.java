package io.hourglass.common.config;

/** How the table's Parquet files are written ({@code hourglass.datasets.<name>.writer}). */
public enum TableWriter {
  /**
   * Decoded records handed straight to Spark's Parquet writer in a plain Spark job, with the staging folder's
   * own commit (see {@code DirectParquetStage}): the default for Parquet tables read by the fast parser.
   */
  DIRECT,
  /**
   * Spark's DataFrame writer ({@code partitionBy(...).parquet(...)} through its commit protocol and the S3A
   * committers): always used for Avro and Delta, for the spark parser and CSV/TSV, and selectable here.
   */
  SPARK
}
