package io.hourglass.common.io;

import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;
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
 *
 * <p>Parquet's record consumer ({@code MessageColumnIO}'s) turns each start and end of a field and group into
 * repetition and definition levels for the column writers beneath it, tracking the fields written in bit sets and
 * filling in the missing ones; for these flat rows the levels are known from the schema. So when the consumer is
 * Parquet's own, the rows go straight to its column writers with those levels (the same values, levels and record
 * ends the consumer would give them: a test compares the column writers' calls), which took 8% of the write
 * tasks' CPU off the consumer's bookkeeping in the 5M-record benchmark hour. Any other consumer (a validating one,
 * another Parquet version's) gets the calls above. A row that goes to Spark's path (a timestamp before the
 * switch, a required field left null) goes through the consumer, whose held-back nulls are flushed before the next
 * row is written directly.
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

  /** The consumer's own {@code columns} field, when it is Parquet's {@code MessageColumnIO} consumer. */
  private static final Field CONSUMER_COLUMNS = consumerColumnsField();
  private MessageType parquetSchema;
  /** The column writers the rows go to directly; null: through the consumer. */
  private ColumnWriteStore store;
  /** Per root field: its column's writer (a map's key column), and a map's value column. */
  private ColumnWriter[] writers;
  private ColumnWriter[] valueWriters;
  /** Per root field: the definition level of a value (a map's: of the map itself), and a map value's. */
  private int[] defs;
  private int[] valueDefs;
  /** Root fields Parquet requires (non-nullable); a row with one of them null goes through the consumer. */
  private int[] required;
  /** Whether a row went through the consumer since its held-back nulls were last flushed. */
  private boolean consumerRows;

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
    parquetSchema = context.getSchema();
    return context;
  }

  private static Field consumerColumnsField() {
    try {
      Field f = Class.forName("org.apache.parquet.io.MessageColumnIO$MessageColumnIORecordConsumer")
          .getDeclaredField("columns");
      f.setAccessible(true);
      return ColumnWriteStore.class.isAssignableFrom(f.getType()) ? f : null;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null; // another Parquet: every row goes through the consumer
    }
  }

  /** Sets {@link #store} to the column writers beneath Parquet's own consumer, with each root field's levels. */
  private void findColumns(RecordConsumer recordConsumer) {
    if (kinds == null || CONSUMER_COLUMNS == null || recordConsumer.getClass() != CONSUMER_COLUMNS.getDeclaringClass()) {
      return;
    }
    ColumnWriteStore columns;
    try {
      columns = (ColumnWriteStore) CONSUMER_COLUMNS.get(recordConsumer);
    } catch (IllegalAccessException e) {
      return;
    }
    int n = names.length;
    ColumnWriter[] w = new ColumnWriter[n];
    ColumnWriter[] vw = new ColumnWriter[n];
    int[] d = new int[n];
    int[] vd = new int[n];
    int requiredCount = 0;
    int[] req = new int[n];
    for (int i = 0; i < n; i++) {
      if (parquetSchema.getType(i).isRepetition(Type.Repetition.REQUIRED)) {
        req[requiredCount++] = i;
      }
      if (kinds[i] == STRING_MAP) {
        GroupType map = parquetSchema.getType(i).asGroupType();
        GroupType entry = map.getType(0).asGroupType();
        ColumnDescriptor key = parquetSchema.getColumnDescription(
            new String[] {names[i], entry.getName(), entry.getType(0).getName()});
        ColumnDescriptor value = parquetSchema.getColumnDescription(
            new String[] {names[i], entry.getName(), entry.getType(1).getName()});
        w[i] = columns.getColumnWriter(key);
        vw[i] = columns.getColumnWriter(value);
        d[i] = key.getMaxDefinitionLevel() - 1; // the key is required: one level below it is the map's own
        vd[i] = value.getMaxDefinitionLevel();
      } else {
        ColumnDescriptor column = parquetSchema.getColumnDescription(new String[] {names[i]});
        w[i] = columns.getColumnWriter(column);
        d[i] = column.getMaxDefinitionLevel();
      }
    }
    store = columns;
    writers = w;
    valueWriters = vw;
    defs = d;
    valueDefs = vd;
    required = Arrays.copyOf(req, requiredCount);
    consumerRows = false;
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
    // Parquet calls this again with a new consumer (and column writers) after each row group it flushes.
    store = null;
    findColumns(recordConsumer);
  }

  /** Whether rows go straight to Parquet's column writers (false: through the record consumer). */
  boolean toColumns() {
    return store != null;
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
    if (kinds == null || switchChecked && beforeSwitch(row) || store != null && requiredNull(row)) {
      super.write(row);
      consumerRows = true;
      return;
    }
    if (store != null) {
      writeColumns(row);
    } else {
      writeRecord(row);
    }
    rowsHere++;
  }

  private boolean requiredNull(InternalRow row) {
    for (int i : required) {
      if (row.isNullAt(i)) {
        return true;
      }
    }
    return false;
  }

  /** One row straight to the column writers: a value at its field's definition level, a null one below it. */
  private void writeColumns(InternalRow row) {
    if (consumerRows) {
      consumer.flush(); // the nulls it holds back for groups go to the writers before this row's values
      consumerRows = false;
    }
    int n = kinds.length;
    for (int i = 0; i < n; i++) {
      ColumnWriter w = writers[i];
      int d = defs[i];
      if (row.isNullAt(i)) {
        w.writeNull(0, d - 1);
        if (kinds[i] == STRING_MAP) {
          valueWriters[i].writeNull(0, d - 1);
        }
        continue;
      }
      switch (kinds[i]) {
        case STRING -> w.write(binary(row.getUTF8String(i)), 0, d);
        case INT -> w.write(row.getInt(i), 0, d);
        case LONG, MICROS -> w.write(row.getLong(i), 0, d);
        case MILLIS -> w.write(DateTimeUtils.microsToMillis(row.getLong(i)), 0, d);
        case INT96 -> w.write(int96(row.getLong(i)), 0, d);
        case STRING_MAP -> writeMapColumns(w, valueWriters[i], d, valueDefs[i], row.getMap(i));
        default -> throw new IllegalStateException("no writer for kind " + kinds[i]);
      }
    }
    store.endRecord();
  }

  /** A map as its two leaf columns: an empty one as a null at the map's level; entries one level deeper, repeated. */
  private void writeMapColumns(ColumnWriter keys, ColumnWriter values, int d, int valueDef, MapData map) {
    int n = map.numElements();
    if (n == 0) {
      keys.writeNull(0, d);
      values.writeNull(0, d);
      return;
    }
    ArrayData k = map.keyArray();
    ArrayData v = map.valueArray();
    for (int j = 0; j < n; j++) {
      int r = j == 0 ? 0 : 1;
      keys.write(binary(k.getUTF8String(j)), r, d + 1);
      if (v.isNullAt(j)) {
        values.writeNull(r, d + 1);
      } else {
        values.write(binary(v.getUTF8String(j)), r, valueDef);
      }
    }
  }

  private Binary int96(long micros) {
    Tuple2<Object, Object> julian = DateTimeUtils.toJulianDay(micros);
    int96Buffer.clear();
    int96Buffer.putLong(julian._2$mcJ$sp()).putInt(julian._1$mcI$sp());
    return Binary.fromReusedByteArray(int96);
  }

  /** One row as calls on the record consumer, as Spark's write support makes them. */
  private void writeRecord(InternalRow row) {
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
        case INT96 -> c.addBinary(int96(row.getLong(i)));
        case STRING_MAP -> writeMap(c, row.getMap(i));
        default -> throw new IllegalStateException("no writer for kind " + kinds[i]);
      }
      c.endField(name, i);
    }
    c.endMessage();
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
