package io.hourglass.common.io;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.catalyst.util.RebaseDateTime;
import org.apache.spark.sql.execution.datasources.parquet.ParquetWriteSupport;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * Spark's Parquet write support with its per-row path written out for the direct write's flat rows: the same
 * schema, footer metadata and calls on Parquet's record consumer as {@link ParquetWriteSupport} makes, so the
 * same files, without a Scala closure per field and value. Spark's path is a chain of closures (a writer per
 * field, one per map key and value, a by-name block per field and group); in the 1M-record benchmark hour its
 * own frames were 9% of the write tasks' CPU.
 *
 * <p>Rows of strings, ints, longs, timestamps (INT96, micros or millis, as {@code
 * spark.sql.parquet.outputTimestampType} says) and string-to-string maps take this path; any other schema, and
 * Spark's LEGACY rebase of old dates, goes to Spark's path whole. A timestamp Spark would refuse to write (before
 * the Gregorian switch, in the default EXCEPTION mode) also goes to Spark's path, which raises Spark's error.
 *
 * <p>With {@link #ROWS_KEPT} set, the writer of the rows promises not to change a string's bytes once the row is
 * handed over (a decoder that makes each row afresh): then Parquet keeps the bytes themselves in a column's
 * dictionary and statistics instead of a copy, and a value that is the very same array as a dictionary entry
 * (one {@code UTF8String} for the source file of every row, a cached HMAC) is found by identity, without
 * comparing its bytes.
 */
public class DirectWriteSupport extends ParquetWriteSupport {
  /** Hadoop setting, "true" when the rows' string bytes are never changed after a row is written (see above). */
  public static final String ROWS_KEPT = "hourglass.parquet.rows-kept";

  private static final int STRING = 0;
  private static final int INT = 1;
  private static final int LONG = 2;
  private static final int INT96 = 3;
  private static final int MICROS = 4;
  private static final int MILLIS = 5;
  private static final int STRING_MAP = 6;

  private final byte[] int96 = new byte[12];
  private final ByteBuffer int96Buffer = ByteBuffer.wrap(int96).order(ByteOrder.LITTLE_ENDIAN);
  private RecordConsumer consumer;
  /** The root fields' names and kinds; null when the rows go to Spark's path. */
  private String[] names;
  private int[] kinds;
  private String mapGroup;
  private boolean kept;
  /** Whether timestamps before the last calendar switch go to Spark's path, which raises its rebase error (EXCEPTION mode). */
  private boolean switchChecked;
  /** That switch (micros), looked up at the first timestamp before 1970; Long.MIN_VALUE until then. */
  private long lastSwitch = Long.MIN_VALUE;
  private long rowsHere;

  @Override
  public WriteContext init(Configuration conf) {
    WriteContext context = super.init(conf);
    StructType schema = (StructType) DataType.fromJson(conf.get(ParquetWriteSupport.SPARK_ROW_SCHEMA()));
    String timestampType = conf.get(SQLConf.PARQUET_OUTPUT_TIMESTAMP_TYPE().key());
    // As Spark's constructor reads them: from the task's SQL settings, not the Hadoop ones.
    String rebase = String.valueOf(SQLConf.get().getConf(
        "INT96".equals(timestampType) ? SQLConf.PARQUET_INT96_REBASE_MODE_IN_WRITE() : SQLConf.PARQUET_REBASE_MODE_IN_WRITE()))
        .toUpperCase(Locale.ROOT);
    kept = conf.getBoolean(ROWS_KEPT, false);
    mapGroup = conf.getBoolean(SQLConf.PARQUET_WRITE_LEGACY_FORMAT().key(), false) ? "map" : "key_value";
    StructField[] fields = schema.fields();
    String[] n = new String[fields.length];
    int[] k = new int[fields.length];
    for (int i = 0; i < fields.length; i++) {
      n[i] = fields[i].name();
      k[i] = kind(fields[i].dataType(), timestampType);
      boolean timestamp = k[i] >= INT96 && k[i] <= MILLIS;
      if (k[i] < 0 || timestamp && !rebase.equals("CORRECTED") && !rebase.equals("EXCEPTION")) {
        return context; // Spark's path for every row (LEGACY rebases old timestamps)
      }
      switchChecked |= timestamp && rebase.equals("EXCEPTION");
    }
    names = n;
    kinds = k;
    return context;
  }

  private static int kind(DataType type, String timestampType) {
    if (type == DataTypes.StringType) {
      return STRING;
    } else if (type == DataTypes.IntegerType) {
      return INT;
    } else if (type == DataTypes.LongType) {
      return LONG;
    } else if (type == DataTypes.TimestampType) {
      return switch (String.valueOf(timestampType)) {
        case "INT96" -> INT96;
        case "TIMESTAMP_MICROS" -> MICROS;
        case "TIMESTAMP_MILLIS" -> MILLIS;
        default -> -1;
      };
    } else if (type instanceof MapType m && m.keyType() == DataTypes.StringType && m.valueType() == DataTypes.StringType) {
      return STRING_MAP;
    }
    return -1;
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    super.prepareForWrite(recordConsumer);
    this.consumer = recordConsumer;
  }

  /** Whether rows take this class's path (false: Spark's, for every row). */
  boolean ownPath() {
    return kinds != null;
  }

  /** Rows written by this class's path so far. */
  long rowsHere() {
    return rowsHere;
  }

  @Override
  public void write(InternalRow row) {
    if (kinds == null || switchChecked && beforeSwitch(row)) {
      super.write(row);
      return;
    }
    RecordConsumer c = consumer;
    c.startMessage();
    int n = row.numFields();
    for (int i = 0; i < n; i++) {
      if (row.isNullAt(i)) {
        continue;
      }
      String name = names[i];
      c.startField(name, i);
      switch (kinds[i]) {
        case STRING -> c.addBinary(binary(row.getUTF8String(i)));
        case INT -> c.addInteger(row.getInt(i));
        case LONG, MICROS -> c.addLong(row.getLong(i));
        case MILLIS -> c.addLong(DateTimeUtils.microsToMillis(row.getLong(i)));
        case INT96 -> {
          Tuple2<Object, Object> julian = DateTimeUtils.toJulianDay(row.getLong(i));
          int96Buffer.clear();
          int96Buffer.putLong(julian._2$mcJ$sp()).putInt(julian._1$mcI$sp());
          c.addBinary(Binary.fromReusedByteArray(int96));
        }
        case STRING_MAP -> writeMap(c, row.getMap(i));
        default -> throw new IllegalStateException("no writer for kind " + kinds[i]);
      }
      c.endField(name, i);
    }
    c.endMessage();
    rowsHere++;
  }

  /**
   * Whether a timestamp of the row is before the last calendar switch. Spark's switch table (every time zone's
   * switches, read from a JSON resource: 0.1 s, once a JVM) is read only for a timestamp before 1970, as every switch
   * it holds is earlier (the last in 1900; a test checks this Spark's).
   */
  private boolean beforeSwitch(InternalRow row) {
    for (int i = 0; i < kinds.length; i++) {
      long micros = kinds[i] >= INT96 && kinds[i] <= MILLIS && !row.isNullAt(i) ? row.getLong(i) : 0;
      if (micros < 0) {
        if (lastSwitch == Long.MIN_VALUE) {
          lastSwitch = RebaseDateTime.lastSwitchGregorianTs();
        }
        if (micros < lastSwitch) {
          return true;
        }
      }
    }
    return false;
  }

  private void writeMap(RecordConsumer c, MapData map) {
    ArrayData keys = map.keyArray();
    ArrayData values = map.valueArray();
    int n = map.numElements();
    c.startGroup();
    if (n > 0) {
      c.startField(mapGroup, 0);
      for (int j = 0; j < n; j++) {
        c.startGroup();
        c.startField("key", 0);
        c.addBinary(binary(keys.getUTF8String(j)));
        c.endField("key", 0);
        if (!values.isNullAt(j)) {
          c.startField("value", 1);
          c.addBinary(binary(values.getUTF8String(j)));
          c.endField("value", 1);
        }
        c.endGroup();
      }
      c.endField(mapGroup, 0);
    }
    c.endGroup();
  }

  private Binary binary(UTF8String s) {
    byte[] bytes = s.getBytes(); // the string's own array when it spans it whole, as the decoders' strings do
    return kept ? Binary.fromConstantByteArray(bytes) : Binary.fromReusedByteArray(bytes);
  }
}
