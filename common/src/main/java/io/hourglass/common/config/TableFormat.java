package io.hourglass.common.config;

/** How a table is stored. Each one replaces an hour exactly; see README "Partition ownership". */
public enum TableFormat {
  PARQUET("parquet"),
  AVRO("avro"),
  DELTA("delta");

  private final String sparkFormat;

  TableFormat(String sparkFormat) {
    this.sparkFormat = sparkFormat;
  }

  /** The name Spark's DataFrameReader/Writer know it by. */
  public String sparkFormat() {
    return sparkFormat;
  }
}
