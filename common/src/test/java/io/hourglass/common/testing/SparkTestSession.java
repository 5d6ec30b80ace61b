package io.hourglass.common.testing;

import io.hourglass.common.config.SparkSettings;
import io.hourglass.common.spark.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of a test JVM: {@code local[2]}, UI off, two shuffle partitions, made the same
 * way production makes it (UTC, Delta when on the classpath). Never stopped by tests.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      session = SparkSessions.getOrCreate("hourglass-tests", new SparkSettings("local[2]", 2, Map.of(
          "spark.ui.enabled", "false",
          "spark.sql.adaptive.coalescePartitions.enabled", "true",
          "spark.default.parallelism", "2")));
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }
}
