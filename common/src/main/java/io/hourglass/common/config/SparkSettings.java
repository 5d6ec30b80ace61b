package io.hourglass.common.config;

import java.util.Map;

/**
 * How the SparkSession is made when this process makes it (locally). Under spark-submit or Glue the
 * master comes from the launcher and {@code master} is ignored.
 *
 * @param master Spark master for in-process runs, e.g. {@code local[*]}
 * @param shufflePartitions shuffle partitions for the dedup step (adaptive execution coalesces)
 * @param conf extra Spark settings passed through as-is
 */
public record SparkSettings(String master, int shufflePartitions, Map<String, String> conf) {
  public SparkSettings {
    if (master == null || master.isBlank()) {
      throw BadConfigException.of("hourglass.spark.master", master, "must not be empty");
    }
    if (shufflePartitions < 1) {
      throw BadConfigException.of("hourglass.spark.shuffle-partitions", shufflePartitions, "must be at least 1");
    }
    conf = Map.copyOf(conf);
  }
}
