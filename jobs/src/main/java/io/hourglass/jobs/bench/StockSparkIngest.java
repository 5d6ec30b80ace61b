package io.hourglass.jobs.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.timestamp_millis;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.StringType;

import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Engine (b) of the ingest benchmark ({@code bench/ingest-bench.sh}): the hour as stock Spark would do
 * it with no care for bad records, {@code spark.read().schema(explicit).json(files)} then
 * {@code partitionBy("dt", "hour").parquet(out)}, with dt and hour from event time. The yardstick the
 * job's own reader and checks are measured against; nothing of the job is used.
 *
 * <p>Usage: {@code StockSparkIngest --input DIR --output DIR [--master local[2]] [--event-log DIR]}.
 * Prints {@code bench-result key=value ...} for the harness.
 */
public final class StockSparkIngest {
  /** The raw fields, typed as the table wants them; event_time is text (ISO-8601) or a number (epoch millis). */
  static final StructType RAW = new StructType()
      .add("event_id", StringType)
      .add("event_type", StringType)
      .add("event_time", StringType) // a JSON number arrives as its text
      .add("site_id", IntegerType)
      .add("user_id", StringType)
      .add("session_id", StringType)
      .add("url", StringType)
      .add("referrer", StringType)
      .add("user_agent", StringType)
      .add("ip", StringType)
      .add("country", StringType)
      .add("device", StringType)
      .add("email", StringType)
      .add("props", DataTypes.createMapType(StringType, StringType));

  private StockSparkIngest() {}

  public static void main(String[] args) {
    Map<String, String> opts = BenchArgs.parse(args, "--input", "--output", "--master", "--event-log");
    String input = BenchArgs.required(opts, "--input");
    String output = BenchArgs.required(opts, "--output");
    long t0 = System.nanoTime();
    SparkSession.Builder builder = SparkSession.builder()
        .appName("stock spark json -> parquet")
        .master(opts.getOrDefault("--master", "local[2]"))
        // As the job's in-process session: no UI, loopback driver, UTC partition values.
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC");
    if (opts.containsKey("--event-log")) {
      builder.config("spark.eventLog.enabled", "true").config("spark.eventLog.dir", opts.get("--event-log"));
    }
    SparkSession spark = builder.getOrCreate();
    long startupMs = ms(t0);

    long t1 = System.nanoTime();
    Column raw = col("event_time");
    Column eventTime = when(raw.rlike("^-?\\d{1,15}$"), timestamp_millis(raw.cast("long"))).otherwise(raw.cast("timestamp"));
    Dataset<Row> rows = spark.read().schema(RAW).json(input)
        .withColumn("event_time", eventTime)
        .withColumn("dt", date_format(col("event_time"), "yyyy-MM-dd"))
        .withColumn("hour", hour(col("event_time")));
    spark.sparkContext().setJobDescription("stock: read json, write parquet partitioned by dt, hour");
    rows.write().partitionBy("dt", "hour").parquet(output);
    long workMs = ms(t1);
    System.out.printf("bench-result engine=spark version=%s startup_ms=%d work_ms=%d%n", spark.version(), startupMs, workMs);
    spark.stop();
  }

  private static long ms(long since) {
    return (System.nanoTime() - since) / 1_000_000;
  }
}
