package io.hourglass.common.schema;

import io.hourglass.common.config.BadConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.spark.sql.avro.SchemaConverters;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A versioned contract from {@code schemas/*.avsc}: the single source of truth for every column.
 * Spark schemas are derived from it with spark-avro's converter, never inferred from data.
 *
 * @param resource path under {@code schemas/}, e.g. {@code web_events/events-v1.avsc}
 * @param avro the parsed Avro schema
 * @param version the schema's {@code version} property
 */
public record TableSchema(String resource, Schema avro, int version) {

  /** Loads {@code schemas/<resource>} from the classpath (the jar ships the project's schemas/ folder). */
  public static TableSchema load(String resource) {
    String path = "schemas/" + resource;
    try (InputStream in = TableSchema.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new BadConfigException("schema " + path + " is not on the classpath");
      }
      Schema schema = new Schema.Parser().parse(in);
      Object version = schema.getObjectProp("version");
      if (!(version instanceof Number)) {
        throw new BadConfigException("schema " + path + " has no integer \"version\" property");
      }
      return new TableSchema(resource, schema, ((Number) version).intValue());
    } catch (IOException | org.apache.avro.SchemaParseException e) {
      throw new BadConfigException("schema " + path + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** The Spark schema, columns in the contract's order; nullability follows {@code ["null", T]} unions. */
  public StructType sparkSchema() {
    DataType type = SchemaConverters.toSqlType(avro).dataType();
    return (StructType) type;
  }

  /** Names of the fields, in order. */
  public List<String> fieldNames() {
    return avro.getFields().stream().map(Schema.Field::name).toList();
  }

  /** Fields whose type is not a union with null: a record without them is rejected. */
  public List<String> requiredFields() {
    return avro.getFields().stream().filter(f -> !isNullable(f.schema())).map(Schema.Field::name).toList();
  }

  /** The Spark field named {@code name}; fails naming the schema when absent. */
  public StructField field(String name) {
    StructType s = sparkSchema();
    for (StructField f : s.fields()) {
      if (f.name().equals(name)) {
        return f;
      }
    }
    throw new IllegalArgumentException("schema " + resource + " has no field '" + name + "'; it has " + fieldNames());
  }

  /** The custom {@code pii} property of a field ({@code hash}, {@code truncate}), or null. */
  public String piiOf(String field) {
    Schema.Field f = avro.getField(field);
    return f == null ? null : (String) f.getObjectProp("pii");
  }

  private static boolean isNullable(Schema s) {
    return s.getType() == Schema.Type.NULL
        || (s.getType() == Schema.Type.UNION && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL));
  }
}
