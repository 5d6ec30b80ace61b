package io.hourglass.common.schema;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.Locations;
import io.hourglass.common.config.TableFormat;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * {@code CREATE EXTERNAL TABLE} statements generated from a table contract ({@code schemas/*.avsc}), in the SQL
 * of Athena, Redshift Spectrum or Hive. Pure: it reads no storage and starts no Spark.
 *
 * <p>Rules, the same for every dialect:
 * <ul>
 *   <li>Columns are the contract's fields in order, minus the partition columns; those go to
 *       {@code PARTITIONED BY} in partition order. {@code ["null", T]} unions map like {@code T} (external
 *       tables have no NOT NULL).
 *   <li>Identifiers are always quoted (backticks for Hive/Athena, double quotes for Redshift): {@code hour} and
 *       friends are reserved words somewhere.
 *   <li>Athena and Redshift only know {@code s3://}: an {@code s3a://} location is rewritten, anything else is
 *       refused. Their documentation asks for a folder location ending in {@code /}. Hive keeps the location as
 *       given.
 *   <li>A type a dialect cannot express fails with a {@link BadConfigException} naming the field and its Avro
 *       type; nothing is mapped to a lookalike.
 *   <li>Hive and Athena get the contract's docs as {@code COMMENT}s, on one line and cut to the Glue Data
 *       Catalog's 255 characters (Redshift external tables take no comments).
 * </ul>
 *
 * <p>Dialect notes (AWS documentation, read for this class):
 * <ul>
 *   <li>Redshift Spectrum: strings are {@code VARCHAR(65535)}, the largest VARCHAR (values longer than the
 *       column are returned as NULL by default, see {@code surplus_char_handling}); maps are declared
 *       {@code MAP<K,V>} and queried like an array of {@code key}/{@code value} structs
 *       ({@code FROM spectrum.events e, e.props p WHERE p.key = 'x'}). Nested types are read only from Parquet,
 *       ORC, JSON and Ion, so a map in an Avro table is refused. External tables have no binary type.
 *   <li>Athena, Avro: the schema must be given as {@code avro.schema.literal} in {@code WITH SERDEPROPERTIES}
 *       with the Avro SerDe, in addition to the columns ({@code avro.schema.url} is not supported). The literal
 *       is the contract without the partition fields, which are not in the files.
 *   <li>Athena, Delta: only {@code LOCATION} and {@code TBLPROPERTIES ('table_type'='DELTA')} are allowed;
 *       columns and partitions come from the Delta log.
 *   <li>Athena partition projection: {@code projection.enabled}, {@code projection.<col>.type|range|format|
 *       interval|interval.unit}, {@code storage.location.template} (a placeholder for every partition column,
 *       ending in {@code /}). Projected dates are generated in UTC, as our partitions are.
 * </ul>
 */
public final class Ddl {
  /** Redshift's largest VARCHAR, in bytes. */
  private static final String REDSHIFT_STRING = "VARCHAR(65535)";

  /** The Glue Data Catalog's limits (Column.Comment, Table.Description); the Hive metastore's are no lower. */
  private static final int COLUMN_COMMENT_MAX = 255;
  private static final int TABLE_COMMENT_MAX = 2048;

  private static final String SUPPORTED = "string, int, long, boolean, float, double, bytes, "
      + "long with timestamp-millis/timestamp-micros, map of these, and [\"null\", T] unions of these";

  private Ddl() {}

  /** The SQL dialects a statement can be written in. */
  public enum Dialect {
    ATHENA,
    REDSHIFT,
    HIVE;

    /** The name users type ({@code athena}, {@code redshift}, {@code hive}). */
    public String id() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The table to declare.
   *
   * @param database database (Hive, Athena) or external schema (Redshift) the table goes in
   * @param name table name
   * @param schema the table contract; its fields are the columns
   * @param partitionColumns fields that are directories, outermost first
   * @param format how the files are stored
   * @param location URI of the table's root directory
   */
  public record Table(String database, String name, TableSchema schema, List<String> partitionColumns,
      TableFormat format, String location) {
    public Table {
      requireText("database", database);
      requireText("table name", name);
      Objects.requireNonNull(schema, "schema");
      Objects.requireNonNull(format, "format");
      requireText("table location", location);
      if (schema.avro().getType() != Schema.Type.RECORD) {
        throw new BadConfigException("schema " + schema.resource() + " is not a record, it cannot describe a table");
      }
      partitionColumns = List.copyOf(partitionColumns);
      Set<String> seen = new HashSet<>();
      for (String p : partitionColumns) {
        if (schema.avro().getField(p) == null) {
          throw new BadConfigException("partition column '" + p + "' is not a field of schema " + schema.resource()
              + "; it has " + schema.fieldNames());
        }
        if (!seen.add(p)) {
          throw new BadConfigException("partition column '" + p + "' is listed twice in " + partitionColumns);
        }
      }
      if (schema.avro().getFields().size() == partitionColumns.size()) {
        throw new BadConfigException("schema " + schema.resource() + " has no field that is not a partition column");
      }
    }
  }

  /**
   * Choices beyond the table itself.
   *
   * @param partitionProjection Athena only: let Athena compute partitions from table properties instead of
   *     looking them up in the catalog (no partitions to add, ever)
   * @param projectionStartDate first date with data, {@code YYYY-MM-DD} (UTC); required with projection, since
   *     Athena never looks before it
   */
  public record Options(boolean partitionProjection, String projectionStartDate) {
    /** Plain tables: partitions are registered in the catalog. */
    public static final Options NONE = new Options(false, null);

    public Options {
      if (partitionProjection) {
        try {
          LocalDate.parse(Objects.requireNonNullElse(projectionStartDate, ""), DateTimeFormatter.ISO_LOCAL_DATE);
        } catch (DateTimeParseException e) {
          throw BadConfigException.of("partition projection start date", projectionStartDate,
              "must be a date YYYY-MM-DD (the first date with data)");
        }
      }
    }
  }

  /** The {@code CREATE EXTERNAL TABLE} statement, ending in {@code ;} and a newline. */
  public static String createTable(Dialect dialect, Table table, Options options) {
    Objects.requireNonNull(dialect, "dialect");
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(options, "options");
    if (options.partitionProjection() && dialect != Dialect.ATHENA) {
      throw new BadConfigException("partition projection is an Athena feature; " + dialect.id()
          + " tables get their partitions from the catalog (hourglass catalog sync)");
    }
    if (table.format() == TableFormat.DELTA) {
      return delta(dialect, table, options);
    }
    String location = location(dialect, table.location());
    List<Schema.Field> columns = new ArrayList<>();
    List<Schema.Field> partitions = new ArrayList<>();
    for (Schema.Field f : table.schema().avro().getFields()) {
      if (!table.partitionColumns().contains(f.name())) {
        columns.add(f);
      }
    }
    for (String p : table.partitionColumns()) {
      partitions.add(table.schema().avro().getField(p));
    }

    StringBuilder sql = new StringBuilder();
    sql.append("CREATE EXTERNAL TABLE ").append(qualifiedName(dialect, table)).append(" (\n");
    appendColumns(sql, dialect, table, columns);
    sql.append(")\n");
    String tableDoc = table.schema().avro().getDoc();
    if (dialect != Dialect.REDSHIFT && tableDoc != null && !tableDoc.isBlank()) {
      sql.append("COMMENT ").append(literal(dialect, comment(tableDoc, TABLE_COMMENT_MAX))).append('\n');
    }
    if (!partitions.isEmpty()) {
      sql.append("PARTITIONED BY (\n");
      appendColumns(sql, dialect, table, partitions);
      sql.append(")\n");
    }
    Map<String, String> tableProperties = new LinkedHashMap<>();
    if (table.format() == TableFormat.AVRO) {
      String schemaLiteral = filesSchema(table).toString();
      if (dialect == Dialect.ATHENA) {
        sql.append("ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.avro.AvroSerDe'\n");
        sql.append("WITH SERDEPROPERTIES (").append(literal(dialect, "avro.schema.literal")).append('=')
            .append(literal(dialect, schemaLiteral)).append(")\n");
      } else if (dialect == Dialect.HIVE) {
        // The files' own schema (nullable unions, maps, docs), as Hive would otherwise derive one from the columns.
        tableProperties.put("avro.schema.literal", schemaLiteral);
      }
      sql.append("STORED AS AVRO\n");
    } else {
      sql.append("STORED AS PARQUET\n");
    }
    sql.append("LOCATION ").append(literal(dialect, location));
    if (options.partitionProjection()) {
      tableProperties.putAll(projection(table, options, location));
    }
    appendProperties(sql, dialect, tableProperties);
    return sql.append(";\n").toString();
  }

  private static String delta(Dialect dialect, Table table, Options options) {
    String name = qualifiedName(dialect, table);
    switch (dialect) {
      case HIVE -> throw new BadConfigException("hive DDL cannot declare the Delta table " + name
          + ": a Hive table over its directory would read every Parquet file there, including files Delta has removed;"
          + " register it through Spark's Delta catalog (CREATE TABLE ... USING DELTA LOCATION '" + table.location()
          + "') or as a manifest-based table (GENERATE symlink_format_manifest)");
      case REDSHIFT -> throw new BadConfigException("redshift DDL cannot declare the Delta table " + name
          + ": Redshift Spectrum does not read the Delta log, so it would also read files Delta has removed;"
          + " generate a manifest (GENERATE symlink_format_manifest) and declare a manifest-based table over "
          + Locations.join(table.location().replaceFirst("^s3a://", "s3://"), "_symlink_format_manifest/")
          + ", or query it from Athena (--dialect athena)");
      default -> {
        if (options.partitionProjection()) {
          throw new BadConfigException("partition projection does not apply to the Delta table " + name
              + ": Athena reads its partitions from the Delta log, and allows only LOCATION and table_type");
        }
        // Athena takes the columns and partitions from the Delta log and allows nothing but these two clauses.
        return "CREATE EXTERNAL TABLE " + name + "\n"
            + "LOCATION " + literal(dialect, location(dialect, table.location())) + "\n"
            + "TBLPROPERTIES (" + literal(dialect, "table_type") + "=" + literal(dialect, "DELTA") + ");\n";
      }
    }
  }

  private static void appendColumns(StringBuilder sql, Dialect dialect, Table table, List<Schema.Field> fields) {
    for (int i = 0; i < fields.size(); i++) {
      Schema.Field f = fields.get(i);
      sql.append("  ").append(identifier(dialect, f.name())).append(' ')
          .append(columnType(dialect, table, f.name(), f.schema()));
      if (dialect != Dialect.REDSHIFT && f.doc() != null && !f.doc().isBlank()) {
        sql.append(" COMMENT ").append(literal(dialect, comment(f.doc(), COLUMN_COMMENT_MAX)));
      }
      sql.append(i < fields.size() - 1 ? ",\n" : "\n");
    }
  }

  private static void appendProperties(StringBuilder sql, Dialect dialect, Map<String, String> properties) {
    if (properties.isEmpty()) {
      return;
    }
    sql.append("\nTBLPROPERTIES (\n");
    int i = 0;
    for (Map.Entry<String, String> e : properties.entrySet()) {
      sql.append("  ").append(literal(dialect, e.getKey())).append('=').append(literal(dialect, e.getValue()))
          .append(++i < properties.size() ? ",\n" : "\n");
    }
    sql.append(')');
  }

  /**
   * Athena partition projection for the hourglass layout {@code dt=YYYY-MM-DD/hour=H/ingest_hour=YYYYMMDDHH/}
   * (all UTC; hour has no leading zero, as Spark writes an int).
   */
  private static Map<String, String> projection(Table table, Options options, String location) {
    LocalDate start = LocalDate.parse(options.projectionStartDate());
    Map<String, String> p = new LinkedHashMap<>();
    p.put("projection.enabled", "true");
    StringBuilder template = new StringBuilder(location);
    for (String column : table.partitionColumns()) {
      String prefix = "projection." + column + ".";
      switch (column) {
        case "dt" -> {
          p.put(prefix + "type", "date");
          p.put(prefix + "format", "yyyy-MM-dd");
          p.put(prefix + "range", start + ",NOW");
          p.put(prefix + "interval", "1");
          p.put(prefix + "interval.unit", "DAYS");
        }
        case "hour" -> {
          p.put(prefix + "type", "integer");
          p.put(prefix + "range", "0,23");
        }
        case "ingest_hour" -> {
          // Athena wants both ends of the range in the column's own format.
          p.put(prefix + "type", "date");
          p.put(prefix + "format", "yyyyMMddHH");
          p.put(prefix + "range", start.format(DateTimeFormatter.BASIC_ISO_DATE) + "00,NOW");
          p.put(prefix + "interval", "1");
          p.put(prefix + "interval.unit", "HOURS");
        }
        default -> throw new BadConfigException("partition projection knows the partition columns dt, hour and"
            + " ingest_hour; '" + column + "' of table " + table.name() + " has no projection rule");
      }
      template.append(column).append("=${").append(column).append("}/");
    }
    p.put("storage.location.template", template.toString());
    return p;
  }

  /** The schema of the data files: the contract without the partition fields, which live in directory names. */
  private static Schema filesSchema(Table table) {
    Schema contract = table.schema().avro();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : contract.getFields()) {
      if (!table.partitionColumns().contains(f.name())) {
        fields.add(new Schema.Field(f, withMillisTimestamps(f.schema())));
      }
    }
    Schema files = Schema.createRecord(contract.getName(), contract.getDoc(), contract.getNamespace(), contract.isError(),
        fields);
    contract.getObjectProps().forEach(files::addProp);
    return files;
  }

  /**
   * Avro tables are written with timestamp-millis (SparkSessions sets spark.sql.avro.outputTimestampType):
   * Hive 2.3's and Athena's Avro SerDe read timestamp-micros as a plain bigint.
   */
  private static Schema withMillisTimestamps(Schema s) {
    if (s.getType() == Schema.Type.UNION) {
      return Schema.createUnion(s.getTypes().stream().map(Ddl::withMillisTimestamps).toList());
    }
    if (s.getType() == Schema.Type.LONG && "timestamp-micros".equals(s.getProp("logicalType"))) {
      return org.apache.avro.LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG));
    }
    return s;
  }

  private static String columnType(Dialect dialect, Table table, String field, Schema declared) {
    Schema s = declared;
    if (s.getType() == Schema.Type.UNION) {
      List<Schema> nonNull = s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
      if (nonNull.size() != 1 || s.getTypes().size() != 2) {
        throw unsupported(dialect, table, field, declared, null);
      }
      s = nonNull.get(0);
    }
    String logical = s.getProp("logicalType");
    boolean redshift = dialect == Dialect.REDSHIFT;
    switch (s.getType()) {
      case STRING:
        if (logical == null || logical.equals("uuid")) {
          return redshift ? REDSHIFT_STRING : "STRING";
        }
        break;
      case INT:
        if (logical == null) {
          return redshift ? "INTEGER" : "INT";
        }
        break;
      case LONG:
        if (logical == null) {
          return "BIGINT";
        }
        if (logical.equals("timestamp-millis") || logical.equals("timestamp-micros")) {
          return "TIMESTAMP";
        }
        break;
      case BOOLEAN:
        return "BOOLEAN";
      case FLOAT:
        return redshift ? "REAL" : "FLOAT";
      case DOUBLE:
        return redshift ? "DOUBLE PRECISION" : "DOUBLE";
      case BYTES:
        if (redshift) {
          throw unsupported(dialect, table, field, declared, "Redshift Spectrum external tables have no binary type");
        }
        if (logical == null) {
          return "BINARY";
        }
        break;
      case MAP:
        if (redshift && table.format() != TableFormat.PARQUET) {
          throw unsupported(dialect, table, field, declared,
              "Redshift Spectrum reads maps only from Parquet, ORC, JSON or Ion files, not " + table.format().sparkFormat());
        }
        String values = columnType(dialect, table, field + " (map values)", s.getValueType());
        return "MAP<" + (redshift ? REDSHIFT_STRING : "STRING") + "," + values + ">";
      default:
        break;
    }
    throw unsupported(dialect, table, field, declared, null);
  }

  private static BadConfigException unsupported(Dialect dialect, Table table, String field, Schema type, String why) {
    return new BadConfigException(String.format("schema %s: field '%s' has Avro type %s, which has no %s column type (%s)",
        table.schema().resource(), field, type, dialect.id(), why != null ? why : "supported: " + SUPPORTED));
  }

  /** Athena and Redshift read S3 only and know it as {@code s3://}; both want a folder, ending in {@code /}. */
  private static String location(Dialect dialect, String location) {
    if (dialect == Dialect.HIVE) {
      return location;
    }
    int sep = location.indexOf("://");
    String scheme = sep < 0 ? "" : location.substring(0, sep).toLowerCase(Locale.ROOT);
    if (!scheme.equals("s3") && !scheme.equals("s3a")) {
      throw BadConfigException.of("table location", location,
          dialect.id() + " reads tables only from S3 (s3:// or s3a://); set the warehouse to an S3 URI");
    }
    String s3 = "s3://" + location.substring(sep + 3);
    return s3.endsWith("/") ? s3 : s3 + "/";
  }

  /** A doc as a catalog comment: on one line (Glue refuses line breaks) and cut to the catalog's limit. */
  private static String comment(String doc, int max) {
    String oneLine = doc.strip().replaceAll("\\s+", " ");
    return oneLine.length() <= max ? oneLine : oneLine.substring(0, max - 3) + "...";
  }

  private static String qualifiedName(Dialect dialect, Table table) {
    return identifier(dialect, table.database()) + "." + identifier(dialect, table.name());
  }

  /** A quoted identifier; the quote character inside it is doubled. */
  private static String identifier(Dialect dialect, String name) {
    return dialect == Dialect.REDSHIFT
        ? "\"" + name.replace("\"", "\"\"") + "\""
        : "`" + name.replace("`", "``") + "`";
  }

  /**
   * A string literal. Hive and Athena parse C-style escapes and join adjacent literals (so {@code ''} would
   * vanish); Redshift doubles the quote.
   */
  private static String literal(Dialect dialect, String text) {
    if (dialect == Dialect.REDSHIFT) {
      return "'" + text.replace("'", "''") + "'";
    }
    StringBuilder sb = new StringBuilder("'");
    for (char c : text.toCharArray()) {
      switch (c) {
        case '\\' -> sb.append("\\\\");
        case '\'' -> sb.append("\\'");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        default -> sb.append(c);
      }
    }
    return sb.append('\'').toString();
  }

  private static void requireText(String what, String value) {
    if (value == null || value.isBlank()) {
      throw BadConfigException.of(what, value, "must not be empty");
    }
  }
}
