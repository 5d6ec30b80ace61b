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
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.mapreduce.Job;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.ColumnIOFactory;
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
 * Under Parquet's own record consumer it writes to the column writers directly, and they get the same values,
 * levels and record ends as through Spark's write support, rows that go through the consumer among them.
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

  /** Parquet's column writers' calls, column by column, and the records ended. */
  private static final class ColumnRecorder implements ColumnWriteStore {
    final Map<String, List<String>> calls = new TreeMap<>();
    int records;

    @Override
    public ColumnWriter getColumnWriter(ColumnDescriptor column) {
      List<String> log = calls.computeIfAbsent(String.join(".", column.getPath()), k -> new ArrayList<>());
      return new ColumnWriter() {
        @Override public void write(int value, int r, int d) { log.add("int " + value + " r" + r + " d" + d); }
        @Override public void write(long value, int r, int d) { log.add("long " + value + " r" + r + " d" + d); }
        @Override public void write(boolean value, int r, int d) { log.add("boolean " + value + " r" + r + " d" + d); }
        @Override public void write(float value, int r, int d) { log.add("float " + value + " r" + r + " d" + d); }
        @Override public void write(double value, int r, int d) { log.add("double " + value + " r" + r + " d" + d); }
        @Override public void writeNull(int r, int d) { log.add("null r" + r + " d" + d); }
        @Override public void close() { }
        @Override public long getBufferedSizeInMemory() { return 0; }

        @Override
        public void write(Binary value, int r, int d) {
          log.add("binary " + HexFormat.of().formatHex(value.getBytes()) + " r" + r + " d" + d);
        }
      };
    }

    @Override public void flush() { }
    @Override public void endRecord() { records++; }
    @Override public long getAllocatedSize() { return 0; }
    @Override public long getBufferedSize() { return 0; }
    @Override public String memUsageString() { return ""; }
    @Override public void close() { }
  }

  /** The rows written through Parquet's own record consumer over recording column writers, flushed as Parquet does. */
  private static ColumnRecorder writeToColumns(ParquetWriteSupport support, Configuration conf, List<InternalRow> rows) {
    ColumnRecorder columns = new ColumnRecorder();
    RecordConsumer consumer = new ColumnIOFactory().getColumnIO(support.init(conf).getSchema()).getRecordWriter(columns);
    support.prepareForWrite(consumer);
    rows.forEach(support::write);
    consumer.flush(); // as Parquet's writer does before it flushes a row group
    return columns;
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
  void writesParquetsColumnWritersWhatTheConsumerWouldForEveryTimestampType() throws IOException {
    for (String timestampType : List.of("INT96", "TIMESTAMP_MICROS", "TIMESTAMP_MILLIS")) {
      Configuration conf = conf(SCHEMA, timestampType, true);
      DirectWriteSupport ours = new DirectWriteSupport();
      ColumnRecorder direct = writeToColumns(ours, conf, rows());
      ColumnRecorder spark = writeToColumns(new ParquetWriteSupport(), conf, rows());
      assertTrue(ours.toColumns(), timestampType + ": Parquet's own consumer, so straight to its column writers");
      assertEquals(rows().size(), ours.rowsHere(), timestampType);
      assertEquals(rows().size(), direct.records, timestampType);
      assertEquals(spark.records, direct.records, timestampType);
      assertEquals(List.of("at", "big", "id", "n", "note", "props.key_value.key", "props.key_value.value"),
          List.copyOf(direct.calls.keySet()), timestampType);
      assertEquals(spark.calls, direct.calls, timestampType);
    }
  }

  @Test
  void aRowThroughTheConsumerAmongDirectOnesKeepsEveryColumnInOrder() throws IOException {
    // The second row's required id is null, so it goes through the consumer, which holds the null map back;
    // the direct rows around it must not overtake it.
    List<InternalRow> rows = List.of(
        new GenericInternalRow(new Object[] {s("a"), 1, 2L, micros("2026-11-20T10:00:00Z"), map("k", "v"), s("x")}),
        new GenericInternalRow(new Object[] {null, 3, null, null, null, s("y")}),
        new GenericInternalRow(new Object[] {s("c"), null, 4L, null, map("k2", "v2", "k3", null), null}),
        new GenericInternalRow(new Object[] {s("d"), null, null, null, null, null}));
    Configuration conf = conf(SCHEMA, "INT96", true);
    DirectWriteSupport ours = new DirectWriteSupport();
    ColumnRecorder direct = writeToColumns(ours, conf, rows);
    ColumnRecorder spark = writeToColumns(new ParquetWriteSupport(), conf, rows);
    assertTrue(ours.toColumns());
    assertEquals(3, ours.rowsHere(), "one row went through the consumer");
    assertEquals(4, direct.records);
    assertEquals(spark.calls, direct.calls);
    assertEquals(List.of("null r0 d0", "binary 6b32 r0 d2", "binary 6b33 r1 d2", "null r0 d0"),
        direct.calls.get("props.key_value.key").subList(1, 5));
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
