package io.hourglass.common.spark;

import io.hourglass.common.config.Settings;
import io.hourglass.common.config.SparkSettings;
import io.hourglass.common.io.NioLocalFileSystem;
import java.lang.reflect.Field;
import java.nio.file.Paths;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.internal.SQLConf$;

/**
 * Makes the one SparkSession of a process, the same way for every launcher. Under spark-submit (EMR)
 * or Glue the launcher has already set {@code spark.master} and it is kept; in-process (the
 * {@code ./hourglass} launcher, tests) the configured master is used.
 */
public final class SparkSessions {
  /** Spark 3.5's default redaction pattern, plus {@code hmac} for the HMAC key's environment variable. */
  public static final String REDACTION_REGEX = "(?i)secret|password|token|access[.]?key|hmac";
  private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  private static final String CLOUD_COMMIT_PROTOCOL = "org.apache.spark.internal.io.cloud.PathOutputCommitProtocol";
  private static final String DELTA_CATALOG = "org.apache.spark.sql.delta.catalog.DeltaCatalog";

  /** Whether this process asked for a session here (read without touching Spark: see {@link #stopIfStarted}). */
  private static volatile boolean asked;

  private SparkSessions() {}

  /**
   * Stops the session a command of this process started, if any. A command that never started one (help,
   * status, size, ddl) does not load Spark at all: asking Spark for its default session initialises Spark's
   * utilities, 0.4 s of every such command.
   */
  public static void stopIfStarted() {
    if (asked) {
      SparkSession.getDefaultSession().foreach(s -> {
        s.stop();
        return null;
      });
    }
  }

  /** The session for a job: Spark settings plus, when the catalog is enabled, Hive support. */
  public static SparkSession getOrCreate(String appName, Settings settings) {
    Map<String, String> extra = new java.util.LinkedHashMap<>();
    boolean local = !new SparkConf().contains("spark.master");
    if (settings.catalog().enabled() && local) {
      // Locally the metastore is an embedded Derby database under the state folder.
      String state = settings.stateDir();
      extra.put("spark.sql.catalogImplementation", "hive");
      extra.put("spark.hadoop.javax.jdo.option.ConnectionURL",
          "jdbc:derby:;databaseName=" + Paths.get(state, "metastore_db") + ";create=true");
      extra.put("spark.hadoop.datanucleus.schema.autoCreateAll", "true");
      extra.put("spark.hadoop.hive.metastore.schema.verification", "false");
      extra.put("spark.sql.warehouse.dir", Paths.get(state, "spark-warehouse").toUri().toString());
      try {
        // Derby writes its log into the folder only if it exists; otherwise its boot banner went to stderr.
        java.nio.file.Files.createDirectories(Paths.get(state));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException("cannot create the state folder " + state + ": " + e.getMessage(), e);
      }
      System.setProperty("derby.stream.error.file", Paths.get(state, "derby.log").toString());
    } else if (settings.catalog().enabled()) {
      extra.put("spark.sql.catalogImplementation", "hive");
    }
    extra.putAll(settings.spark().conf());
    return getOrCreate(appName, new SparkSettings(settings.spark().master(), settings.spark().shufflePartitions(), extra));
  }

  public static SparkSession getOrCreate(String appName, SparkSettings settings) {
    SparkConf launcher = new SparkConf(); // picks up spark.* system properties set by spark-submit
    SparkSession.Builder builder = SparkSession.builder().appName(appName);
    if (!launcher.contains("spark.master")) {
      builder.master(settings.master());
      // In-process runs are small; keep the driver quiet and the UI off unless asked for.
      builder.config("spark.ui.enabled", launcher.get("spark.ui.enabled", "false"));
      builder.config("spark.ui.showConsoleProgress", "false");
      // In-process Spark talks only to itself: bind the driver to loopback.
      builder.config("spark.driver.host", "127.0.0.1");
      builder.config("spark.driver.bindAddress", "127.0.0.1");
      if (localFiles(settings.master())) {
        // Local files without a forked chmod or ls per file (see NioLocalFileSystem): seconds per run.
        builder.config("spark.hadoop.fs.file.impl", launcher.get("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName()));
      }
    }
    // Spark masks settings whose names match this in its UI, event logs and `ps`-visible dumps; its default misses
    // the HMAC key's variable (spark.yarn.appMasterEnv.HOURGLASS_HMAC_KEY on EMR). Set by hand, it is left alone.
    builder.config("spark.redaction.regex", launcher.get("spark.redaction.regex", REDACTION_REGEX));
    // Event time is UTC everywhere: partition values and windows must not depend on the machine's zone.
    builder.config("spark.sql.session.timeZone", "UTC");
    builder.config("spark.sql.shuffle.partitions", String.valueOf(settings.shufflePartitions()));
    builder.config("spark.sql.adaptive.enabled", "true");
    // Backfills run several hours at once in one session, each in its own pool: FAIR shares the
    // executors between them. With one job at a time it behaves like FIFO.
    builder.config("spark.scheduler.mode", "FAIR");
    // A raw JSON object may repeat a key; keep the last value instead of failing the whole task.
    builder.config("spark.sql.mapKeyDedupPolicy", "LAST_WIN");
    builder.config("spark.sql.sources.partitionColumnTypeInference.enabled", "false");
    // A partitioned write keeps one open file per partition directory a task meets, instead of first
    // sorting the task's rows by partition (an hour's events fall into a handful of dt/hour directories;
    // past 16 in one task Spark sorts the rest, as before). Planned writes would insert the sort anyway.
    builder.config("spark.sql.maxConcurrentOutputFileWriters", "16");
    builder.config("spark.sql.optimizer.plannedWrite.enabled", "false");
    // Avro tables store timestamps as timestamp-millis: Hive 2.3's and Athena's Avro SerDe read
    // timestamp-micros as a bigint. Event times carry milliseconds, so nothing is lost.
    builder.config("spark.sql.avro.outputTimestampType", "TIMESTAMP_MILLIS");
    if (onClasspath(CLOUD_COMMIT_PROTOCOL)) {
      // Writes go through the S3A committers (never the rename-based FileOutputCommitter on S3); other
      // schemes fall back to the classic committer. Dynamic partition overwrite is refused with these
      // (SPARK-40034), which is why hours are replaced by HourPartitionWriter instead.
      builder.config("spark.sql.sources.commitProtocolClass", CLOUD_COMMIT_PROTOCOL);
      builder.config("spark.sql.parquet.output.committer.class", "org.apache.spark.internal.io.cloud.BindingParquetOutputCommitter");
      builder.config("spark.hadoop.mapreduce.outputcommitter.factory.scheme.s3a", "org.apache.hadoop.fs.s3a.commit.S3ACommitterFactory");
      builder.config("spark.hadoop.fs.s3a.committer.name", launcher.get("spark.hadoop.fs.s3a.committer.name", "magic"));
      builder.config("spark.hadoop.fs.s3a.committer.magic.enabled", "true");
    }
    if (onClasspath(DELTA_EXTENSION)) {
      builder.config("spark.sql.extensions", DELTA_EXTENSION);
      builder.config("spark.sql.catalog.spark_catalog", DELTA_CATALOG);
    }
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    asked = true;
    return builder.getOrCreate();
  }

  /**
   * Whether {@code file://} paths get {@link NioLocalFileSystem}: in-process runs (no launcher set {@code spark.master})
   * on a local master, where every executor is this JVM; never where executors run elsewhere without our jar.
   */
  public static boolean localFiles(String master) {
    return NioLocalFileSystem.available() && System.getProperty("spark.master") == null && master.startsWith("local");
  }

  /**
   * The session's SQL settings, without building its SQL machinery when nothing has built it yet. A session's
   * SQL state (function registry, parser, analyser rules) takes about 0.3 s to build in a fresh JVM without a
   * class-data archive, and a job that only runs RDD tasks never needs it. Until it is built, nobody can have
   * changed a setting at run time (that goes through it), so the settings are what it would start from: the
   * Spark conf and the builder's options, merged as Spark merges them. Once built, its own settings are
   * returned, run-time changes included.
   */
  public static SQLConf sqlConf(SparkSession spark) {
    if (sqlStateBuilt(spark)) {
      return spark.sessionState().conf();
    }
    SQLConf conf = new SQLConf();
    SQLConf$.MODULE$.mergeSparkConf(conf, spark.sparkContext().conf());
    SQLConf$.MODULE$.mergeNonStaticSQLConfigs(conf, spark.initialSessionOptions());
    return conf;
  }

  /**
   * Whether {@code spark}'s SQL state exists, read from Spark's lazy field without building it. Should a Spark
   * version name that field otherwise, the answer is "built": the caller then asks the session, which is always
   * right, only slower.
   */
  public static boolean sqlStateBuilt(SparkSession spark) {
    try {
      Field state = SparkSession.class.getDeclaredField("sessionState");
      state.setAccessible(true);
      return state.get(spark) != null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return true;
    }
  }

  /** Whether Delta can be used in this process (Glue needs {@code --datalake-formats delta}). */
  public static boolean deltaAvailable() {
    return onClasspath(DELTA_EXTENSION);
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, SparkSessions.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }
}
