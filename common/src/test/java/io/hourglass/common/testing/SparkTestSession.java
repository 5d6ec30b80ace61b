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
      java.nio.file.Path state;
      try {
        state = java.nio.file.Files.createTempDirectory("hourglass-test-state");
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      System.setProperty("derby.stream.error.file", state.resolve("derby.log").toString());
      // Hive support with an embedded Derby metastore in a temp folder: catalog tests use it; the
      // metastore is created lazily, so tests that never touch the catalog do not pay for it.
      session = SparkSessions.getOrCreate("hourglass-tests", new SparkSettings("local[2]", 2, Map.of(
          "spark.ui.enabled", "false",
          "spark.sql.adaptive.coalescePartitions.enabled", "true",
          "spark.default.parallelism", "2",
          "spark.sql.catalogImplementation", "hive",
          "spark.hadoop.javax.jdo.option.ConnectionURL",
          "jdbc:derby:;databaseName=" + state.resolve("metastore_db") + ";create=true",
          "spark.hadoop.datanucleus.schema.autoCreateAll", "true",
          "spark.hadoop.hive.metastore.schema.verification", "false",
          "spark.sql.warehouse.dir", state.resolve("spark-warehouse").toUri().toString())));
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  /**
   * Another session on the test session's Spark context, as {@code SparkSession.builder().getOrCreate()} makes
   * one beside a running context: {@code options} are its builder's, and it has no SQL state until asked.
   */
  public static SparkSession fresh(Map<String, String> options) {
    return new SparkSession(get().sparkContext(), scala.Option.empty(), scala.Option.empty(),
        new org.apache.spark.sql.SparkSessionExtensions(),
        scala.collection.JavaConverters.mapAsScalaMapConverter(options).asScala().toMap(scala.Predef.$conforms()));
  }
}
