package io.hourglass.common.io;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;

/**
 * Turns one raw record (a row of {@link io.hourglass.common.schema.RawRecords#SCHEMA}: where it came from,
 * its text, or the read error) straight into a row of Spark's internal form, for {@link RecordSource}.
 * Serialized into every read task: keep it small, and make anything costly to build {@code transient}.
 */
public interface RecordDecoder extends Serializable {

  /** The shape of every row {@link #decode} returns. */
  StructType schema();

  /**
   * @param value the record's text, null when the object could not be read on ({@code readError} says why)
   * @param readError null, or why this record was not read faithfully (see {@link RawLineReader})
   * @return the row, or null to leave the record out of this read; a row, once returned, is not changed
   *     afterwards (nor the bytes of its strings): the direct write keeps them in Parquet's dictionaries
   *     without a copy ({@link DirectWriteSupport#ROWS_KEPT})
   */
  InternalRow decode(String sourceFile, long lineNo, int recNo, String value, String readError);

  /** Called after the last record of an object (in the task), to hand over anything gathered on the side. */
  default void endOfObject() {
  }
}
