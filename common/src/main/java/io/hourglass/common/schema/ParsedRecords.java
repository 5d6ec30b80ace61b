package io.hourglass.common.schema;

import static org.apache.spark.sql.types.DataTypes.StringType;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The shape of a reader that parses as it reads (CSV/TSV): {@link RawRecords} plus the three columns the
 * ingest's JSON parse step produces, in exactly its types, so that everything after parsing (classify
 * onward) is the same whatever the input format.
 */
public final class ParsedRecords {
  /** Top-level fields by name, values as text; null when the record could not be parsed. */
  public static final String FIELDS = "_fields";
  /** Names of fields that hold a JSON object or array (always empty for CSV/TSV: every value is text). */
  public static final String NESTED = "_nested";
  /** Why the record could not be parsed, or null. */
  public static final String PARSE_ERROR = "_parse_error";

  public static final StructType SCHEMA = new StructType(concat(RawRecords.SCHEMA.fields(), new StructField[] {
      new StructField(FIELDS, DataTypes.createMapType(StringType, StringType, true), true, Metadata.empty()),
      new StructField(NESTED, DataTypes.createArrayType(StringType, false), true, Metadata.empty()),
      new StructField(PARSE_ERROR, StringType, true, Metadata.empty()),
  }));

  private ParsedRecords() {}

  private static StructField[] concat(StructField[] a, StructField[] b) {
    StructField[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
