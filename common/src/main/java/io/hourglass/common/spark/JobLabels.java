package io.hourglass.common.spark;

import org.apache.spark.sql.SparkSession;

/**
 * Labels the Spark jobs a run triggers, so the Spark UI and logs say what is running
 * ({@code hourglass ingest web_events 2026-11-20T10: write events}).
 */
public final class JobLabels {
  private final SparkSession spark;
  private final String group;
  private final String prefix;

  public JobLabels(SparkSession spark, String group, String prefix) {
    this.spark = spark;
    this.group = group;
    this.prefix = prefix;
  }

  /** Labels the jobs started from now on by this thread. */
  public void step(String what) {
    spark.sparkContext().setJobGroup(group, prefix + ": " + what, false);
  }

  public void clear() {
    spark.sparkContext().clearJobGroup();
  }
}
