package io.hourglass.common.io;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.MapData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.CalendarInterval;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The first {@code n} columns of a row, without copying it: a partitioned table's files hold the data
 * columns only, and with the partition columns last that is a prefix of the decoder's row. Reused row
 * after row ({@link #of}); read-only.
 */
final class DataColumns extends InternalRow {
  private static final long serialVersionUID = 1L;
  private final DataType[] types;
  private final int n;
  private InternalRow row;

  /** @param types the types of the data columns, in order */
  DataColumns(DataType[] types) {
    this.types = types.clone();
    this.n = types.length;
  }

  /** This view over {@code row}, until the next call. */
  DataColumns of(InternalRow row) {
    this.row = row;
    return this;
  }

  @Override
  public int numFields() {
    return n;
  }

  @Override
  public void setNullAt(int i) {
    throw new UnsupportedOperationException("a read-only view of a row's data columns");
  }

  @Override
  public void update(int i, Object value) {
    throw new UnsupportedOperationException("a read-only view of a row's data columns");
  }

  @Override
  public InternalRow copy() {
    Object[] values = new Object[n];
    for (int i = 0; i < n; i++) {
      values[i] = row.isNullAt(i) ? null : InternalRow.copyValue(row.get(i, types[i]));
    }
    return new GenericInternalRow(values);
  }

  @Override
  public boolean isNullAt(int ordinal) {
    return row.isNullAt(ordinal);
  }

  @Override
  public boolean getBoolean(int ordinal) {
    return row.getBoolean(ordinal);
  }

  @Override
  public byte getByte(int ordinal) {
    return row.getByte(ordinal);
  }

  @Override
  public short getShort(int ordinal) {
    return row.getShort(ordinal);
  }

  @Override
  public int getInt(int ordinal) {
    return row.getInt(ordinal);
  }

  @Override
  public long getLong(int ordinal) {
    return row.getLong(ordinal);
  }

  @Override
  public float getFloat(int ordinal) {
    return row.getFloat(ordinal);
  }

  @Override
  public double getDouble(int ordinal) {
    return row.getDouble(ordinal);
  }

  @Override
  public Decimal getDecimal(int ordinal, int precision, int scale) {
    return row.getDecimal(ordinal, precision, scale);
  }

  @Override
  public UTF8String getUTF8String(int ordinal) {
    return row.getUTF8String(ordinal);
  }

  @Override
  public byte[] getBinary(int ordinal) {
    return row.getBinary(ordinal);
  }

  @Override
  public CalendarInterval getInterval(int ordinal) {
    return row.getInterval(ordinal);
  }

  @Override
  public InternalRow getStruct(int ordinal, int numFields) {
    return row.getStruct(ordinal, numFields);
  }

  @Override
  public ArrayData getArray(int ordinal) {
    return row.getArray(ordinal);
  }

  @Override
  public MapData getMap(int ordinal) {
    return row.getMap(ordinal);
  }

  @Override
  public Object get(int ordinal, DataType dataType) {
    return row.get(ordinal, dataType);
  }
}
