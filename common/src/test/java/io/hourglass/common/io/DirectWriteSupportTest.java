package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.spark.SparkSessions;
import io.hourglass.common.testing.SparkTestSession;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayBasedMapData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.catalyst.util.RebaseDateTime;
import org.apache.spark.sql.execution.datasources.parquet.ParquetOptions;
import org.apache.spark.sql.execution.datasources.parquet.ParquetUtils;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.collection.immutable.Map$;

/**
 * The direct write's Parquet write support against Spark's: for the same rows it makes the very same calls on
 * Parquet's record consumer (so Parquet writes the same pages), for every timestamp type, with nulls, empty and
 * null-valued maps and non-ASCII text; it hands strings over uncopied only when the rows are kept; and whatever
 * it does not cover goes to Spark's path, including Spark's error for a timestamp before the calendar switch.
 */
class DirectWriteSupportTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final StructType SCHEMA = new StructType()
      .add("id", DataTypes.StringType, false)
      .add("n", DataTypes.IntegerType, true)
      .add("big", DataTypes.LongType, true)
      .add("at", DataTypes.TimestampType, true)
      .add("props", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true), true)
      .add("note", DataTypes.StringType, true);

  /** Every call on the consumer, in order, with each binary's bytes and whether they may be kept as they are. */
  private static final class Recorder extends RecordConsumer {
    final List<String> calls = new ArrayList<>();
    final List<Boolean> reused = new ArrayList<>();

    @Override public void startMessage() { calls.add("message{"); }
    @Override public void endMessage() { calls.add("}message"); }
    @Override public void startField(String field, int index) { calls.add("field " + field + " " + index + "{"); }
    @Override public void endField(String field, int index) { calls.add("}field " + field + " " + index); }
    @Override public void startGroup() { calls.add("group{"); }
    @Override public void endGroup() { calls.add("}group"); }
    @Override public void addInteger(int value) { calls.add("int " + value); }
    @Override public void addLong(long value) { calls.add("long " + value); }
    @Override public void addBoolean(boolean value) { calls.add("boolean " + value); }
    @Override public void addFloat(float value) { calls.add("float " + value); }
    @Override public void addDouble(double value) { calls.add("double " + value); }

    @Override
    public void addBinary(Binary value) {
      calls.add("binary " + HexFormat.of().formatHex(value.getBytes()));
      reused.add(value.isBackingBytesReused());
    }
  }

  private static UTF8String s(String v) {
    return v == null ? null : UTF8String.fromString(v);
  }

  private static long micros(String instant) {
    Instant i = Instant.parse(instant);
    return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
  }

  private static ArrayBasedMapData map(String... kv) {
    Object[] keys = new Object[kv.length / 2];
    Object[] values = new Object[kv.length / 2];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = s(kv[2 * i]);
      values[i] = s(kv[2 * i + 1]);
    }
    return new ArrayBasedMapData(new GenericArrayData(keys), new GenericArrayData(values));
  }

  private static List<InternalRow> rows() {
    return List.of(
        new GenericInternalRow(new Object[] {s("e1"), 7, 1L << 40, micros("2026-11-20T10:15:30.123456Z"),
            map("plan", "pro", "ref", null), s("plain")}),
        new GenericInternalRow(new Object[] {s("e2"), null, null, null, null, null}),
        new GenericInternalRow(new Object[] {s("e3"), -1, -5L, micros("1960-02-29T23:59:59.999999Z"), map(),
            s("naïve café ☕")}),
        new GenericInternalRow(new Object[] {s(""), Integer.MIN_VALUE, Long.MAX_VALUE,
            micros("1970-01-01T00:00:00Z"), map("k", ""), s("")}));
  }

  /** Spark's settings for a Parquet write of {@code schema}, as the direct write makes them. */
  private static Configuration conf(StructType schema, String timestampType, boolean kept) throws IOException {
    SQLConf sqlConf = SparkSessions.sqlConf(SPARK);
    Job job = Job.getInstance(new Configuration(false));
    ParquetUtils.prepareWrite(sqlConf, job, schema, new ParquetOptions(Map$.MODULE$.empty(), sqlConf));
    Configuration conf = job.getConfiguration();
    conf.set(SQLConf.PARQUET_OUTPUT_TIMESTAMP_TYPE().key(), timestampType);
    conf.setBoolean(DirectWriteSupport.ROWS_KEPT, kept);
    return conf;
  }

  private static Recorder write(ParquetWriteSupport support, Configuration conf, List<InternalRow> rows) {
    Recorder recorder = new Recorder();
    support.init(conf);
    support.prepareForWrite(recorder);
    rows.forEach(support::write);
    return recorder;
  }

  @Test
  void makesTheCallsSparksWriteSupportMakesForEveryTimestampType() throws IOException {
    for (String timestampType : List.of("INT96", "TIMESTAMP_MICROS", "TIMESTAMP_MILLIS")) {
      Configuration conf = conf(SCHEMA, timestampType, false);
      DirectWriteSupport ours = new DirectWriteSupport();
      Recorder direct = write(ours, conf, rows());
      Recorder spark = write(new ParquetWriteSupport(), conf, rows());
      assertTrue(ours.ownPath(), timestampType);
      assertEquals(rows().size(), ours.rowsHere(), timestampType);
      assertEquals(spark.calls, direct.calls, timestampType);
      assertEquals(spark.reused, direct.reused, timestampType + ": without kept rows every string is handed over as reused");
    }
  }

  @Test
  void keptRowsHandTheirStringsOverUncopied() throws IOException {
    Configuration conf = conf(SCHEMA, "INT96", true);
    Recorder direct = write(new DirectWriteSupport(), conf, rows());
    Recorder spark = write(new ParquetWriteSupport(), conf, rows());
    assertEquals(spark.calls, direct.calls);
    // Strings (and map keys and values) as they are; the INT96 timestamps come from a buffer reused row to row.
    int timestamps = 3;
    assertEquals(timestamps, direct.reused.stream().filter(r -> r).count());
    assertEquals(spark.reused.size() - timestamps, direct.reused.stream().filter(r -> !r).count());
  }

  @Test
  void aTimestampBeforeTheCalendarSwitchGetsSparksOwnError() throws IOException {
    List<InternalRow> ancient = List.of(new GenericInternalRow(new Object[] {s("old"), 1, 1L,
        micros("1000-01-01T00:00:00Z"), null, null}));
    Configuration conf = conf(SCHEMA, "INT96", true);
    RuntimeException spark = assertThrows(RuntimeException.class, () -> write(new ParquetWriteSupport(), conf, ancient));
    DirectWriteSupport ours = new DirectWriteSupport();
    RuntimeException direct = assertThrows(RuntimeException.class, () -> write(ours, conf, ancient));
    assertEquals(spark.getClass(), direct.getClass());
    assertEquals(spark.getMessage(), direct.getMessage());
    assertEquals(0, ours.rowsHere());
    // The direct path looks the switch up only for timestamps before 1970: every switch must be earlier.
    assertTrue(RebaseDateTime.lastSwitchGregorianTs() < 0, "the last calendar switch is before 1970");
  }

  @Test
  void aSchemaItDoesNotCoverGoesToSparksPathWhole() throws IOException {
    StructType schema = new StructType()
        .add("id", DataTypes.StringType, false)
        .add("score", DataTypes.DoubleType, true)
        .add("tags", DataTypes.createArrayType(DataTypes.StringType), true);
    List<InternalRow> rows = List.of(
        new GenericInternalRow(new Object[] {s("a"), 0.5, new GenericArrayData(new Object[] {s("x"), null})}),
        new GenericInternalRow(new Object[] {s("b"), null, null}));
    Configuration conf = conf(schema, "INT96", true);
    DirectWriteSupport ours = new DirectWriteSupport();
    Recorder direct = write(ours, conf, rows);
    assertFalse(ours.ownPath());
    assertEquals(0, ours.rowsHere());
    assertEquals(write(new ParquetWriteSupport(), conf, rows).calls, direct.calls);
  }
}
