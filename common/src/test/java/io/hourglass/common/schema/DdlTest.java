package io.hourglass.common.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.schema.Ddl.Dialect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

/**
 * The rules of DDL generation, one at a time, on small contracts built here. Expected text is written out, and the
 * statements are read back as text (column lists, clauses), never recomputed with the code under test.
 */
class DdlTest {
  private static final String S3A = "s3a://bucket/wh/t";

  /** Every type the generator maps, plus both spellings of a nullable union. */
  private static final String ALL_TYPES = """
      {"name": "s",  "type": "string"},
      {"name": "i",  "type": "int"},
      {"name": "l",  "type": "long"},
      {"name": "b",  "type": "boolean"},
      {"name": "f",  "type": "float"},
      {"name": "d",  "type": "double"},
      {"name": "tm", "type": {"type": "long", "logicalType": "timestamp-millis"}},
      {"name": "tu", "type": {"type": "long", "logicalType": "timestamp-micros"}},
      {"name": "m",  "type": ["null", {"type": "map", "values": ["null", "string"]}]},
      {"name": "ml", "type": {"type": "map", "values": "long"}},
      {"name": "n1", "type": ["null", "long"]},
      {"name": "n2", "type": ["double", "null"]}
      """;

  private static TableSchema schema(String fields) {
    return new TableSchema("test/t-v1.avsc",
        new Schema.Parser().parse("{\"type\": \"record\", \"name\": \"T\", \"fields\": [" + fields + "]}"), 1);
  }

  private static Ddl.Table table(String fields, List<String> partitions, TableFormat format, String location) {
    return new Ddl.Table("db", "t", schema(fields), partitions, format, location);
  }

  private static String ddl(Dialect dialect, String fields) {
    return Ddl.createTable(dialect, table(fields, List.of(), TableFormat.PARQUET, S3A), Ddl.Options.NONE);
  }

  private static BadConfigException refused(Dialect dialect, Ddl.Table table, Ddl.Options options) {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Ddl.createTable(dialect, table, options));
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    return e;
  }

  // --- types ---------------------------------------------------------------------------------------------------

  @Test
  void hiveAndAthenaTypes() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("s", "STRING");
    expected.put("i", "INT");
    expected.put("l", "BIGINT");
    expected.put("b", "BOOLEAN");
    expected.put("f", "FLOAT");
    expected.put("d", "DOUBLE");
    expected.put("tm", "TIMESTAMP");
    expected.put("tu", "TIMESTAMP");
    expected.put("m", "MAP<STRING,STRING>");
    expected.put("ml", "MAP<STRING,BIGINT>");
    expected.put("n1", "BIGINT");
    expected.put("n2", "DOUBLE");
    expected.put("by", "BINARY");
    String fields = ALL_TYPES + ", {\"name\": \"by\", \"type\": \"bytes\"}";
    assertEquals(expected, columns(ddl(Dialect.HIVE, fields), "CREATE"));
    assertEquals(expected, columns(ddl(Dialect.ATHENA, fields), "CREATE"));
  }

  @Test
  void redshiftTypes() {
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("s", "VARCHAR(65535)");
    expected.put("i", "INTEGER");
    expected.put("l", "BIGINT");
    expected.put("b", "BOOLEAN");
    expected.put("f", "REAL");
    expected.put("d", "DOUBLE PRECISION");
    expected.put("tm", "TIMESTAMP");
    expected.put("tu", "TIMESTAMP");
    expected.put("m", "MAP<VARCHAR(65535),VARCHAR(65535)>");
    expected.put("ml", "MAP<VARCHAR(65535),BIGINT>");
    expected.put("n1", "BIGINT");
    expected.put("n2", "DOUBLE PRECISION");
    assertEquals(expected, columns(ddl(Dialect.REDSHIFT, ALL_TYPES), "CREATE"));
  }

  @Test
  void unsupportedTypeNamesTheFieldAndTheType() {
    String fields = """
        {"name": "ok", "type": "string"}, {"name": "tags", "type": {"type": "array", "items": "string"}}""";
    for (Dialect d : Dialect.values()) {
      String message = refused(d, table(fields, List.of(), TableFormat.PARQUET, S3A), Ddl.Options.NONE).getMessage();
      assertTrue(message.contains("test/t-v1.avsc"), message);
      assertTrue(message.contains("field 'tags'"), message);
      assertTrue(message.contains("{\"type\":\"array\",\"items\":\"string\"}"), message);
      assertTrue(message.contains(d.name().toLowerCase()), message);
    }
  }

  @Test
  void otherUnsupportedTypesAreRefusedNotGuessed() {
    List<String> types = List.of(
        "[\"null\", \"string\", \"int\"]",
        "{\"type\": \"enum\", \"name\": \"E\", \"symbols\": [\"A\"]}",
        "{\"type\": \"fixed\", \"name\": \"F\", \"size\": 4}",
        "{\"type\": \"record\", \"name\": \"R\", \"fields\": [{\"name\": \"a\", \"type\": \"int\"}]}",
        "{\"type\": \"int\", \"logicalType\": \"date\"}",
        "{\"type\": \"long\", \"logicalType\": \"time-micros\"}",
        "{\"type\": \"long\", \"logicalType\": \"local-timestamp-micros\"}",
        "{\"type\": \"bytes\", \"logicalType\": \"decimal\", \"precision\": 10, \"scale\": 2}",
        "{\"type\": \"map\", \"values\": {\"type\": \"array\", \"items\": \"int\"}}");
    for (String type : types) {
      String message = refused(Dialect.HIVE, table("{\"name\": \"x\", \"type\": " + type + "}, {\"name\": \"y\", \"type\": \"int\"}",
          List.of(), TableFormat.PARQUET, S3A), Ddl.Options.NONE).getMessage();
      assertTrue(message.contains("field 'x"), type + " -> " + message);
    }
  }

  @Test
  void redshiftHasNoBinaryType() {
    String message = refused(Dialect.REDSHIFT, table("{\"name\": \"raw\", \"type\": [\"null\", \"bytes\"]}",
        List.of(), TableFormat.PARQUET, S3A), Ddl.Options.NONE).getMessage();
    assertTrue(message.contains("field 'raw'") && message.contains("[\"null\",\"bytes\"]"), message);
    assertTrue(message.contains("no binary type"), message);
  }

  @Test
  void redshiftReadsMapsOnlyFromParquet() {
    String fields = """
        {"name": "a", "type": "string"}, {"name": "props", "type": {"type": "map", "values": "string"}}""";
    String message = refused(Dialect.REDSHIFT, table(fields, List.of(), TableFormat.AVRO, S3A), Ddl.Options.NONE).getMessage();
    assertTrue(message.contains("field 'props'") && message.contains("Parquet"), message);
    // Without the map, an Avro table is fine for Redshift.
    String sql = Ddl.createTable(Dialect.REDSHIFT, table("{\"name\": \"a\", \"type\": \"string\"}", List.of(), TableFormat.AVRO, S3A),
        Ddl.Options.NONE);
    assertTrue(sql.contains("\nSTORED AS AVRO\n"), sql);
  }

  // --- columns and partitions ----------------------------------------------------------------------------------

  @Test
  void partitionColumnsLeaveTheColumnListAndFollowThePartitionOrder() {
    String fields = """
        {"name": "a", "type": "string"},
        {"name": "p2", "type": "int"},
        {"name": "b", "type": "long"},
        {"name": "p1", "type": "string"},
        {"name": "c", "type": "boolean"}
        """;
    for (Dialect d : Dialect.values()) {
      String sql = Ddl.createTable(d, table(fields, List.of("p1", "p2"), TableFormat.PARQUET, S3A), Ddl.Options.NONE);
      assertEquals(List.of("a", "b", "c"), new ArrayList<>(columns(sql, "CREATE").keySet()), sql);
      assertEquals(List.of("p1", "p2"), new ArrayList<>(columns(sql, "PARTITIONED BY").keySet()), sql);
    }
    String hive = Ddl.createTable(Dialect.HIVE, table(fields, List.of("p1", "p2"), TableFormat.PARQUET, S3A), Ddl.Options.NONE);
    assertEquals(Map.of("p1", "STRING", "p2", "INT"), columns(hive, "PARTITIONED BY"));
  }

  @Test
  void noPartitionsNoPartitionedBy() {
    String sql = ddl(Dialect.ATHENA, "{\"name\": \"a\", \"type\": \"string\"}");
    assertFalse(sql.contains("PARTITIONED BY"), sql);
  }

  @Test
  void partitionColumnsMustBeFieldsOfTheContract() {
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> table("{\"name\": \"a\", \"type\": \"string\"}", List.of("dt"), TableFormat.PARQUET, S3A));
    assertTrue(e.getMessage().contains("'dt'") && e.getMessage().contains("test/t-v1.avsc"), e.getMessage());
    assertThrows(BadConfigException.class, () -> table("{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"p\", \"type\": \"int\"}",
        List.of("p", "p"), TableFormat.PARQUET, S3A));
  }

  // --- quoting -------------------------------------------------------------------------------------------------

  @Test
  void identifiersAreQuotedPerDialect() {
    String fields = "{\"name\": \"hour\", \"type\": \"int\"}, {\"name\": \"select\", \"type\": \"string\"}";
    Ddl.Table t = new Ddl.Table("my`db\"x", "t", schema(fields), List.of(), TableFormat.PARQUET, S3A);
    String hive = Ddl.createTable(Dialect.HIVE, t, Ddl.Options.NONE);
    assertTrue(hive.startsWith("CREATE EXTERNAL TABLE `my``db\"x`.`t` (\n  `hour` INT,\n  `select` STRING\n)\n"), hive);
    String athena = Ddl.createTable(Dialect.ATHENA, t, Ddl.Options.NONE);
    assertTrue(athena.startsWith("CREATE EXTERNAL TABLE `my``db\"x`.`t` (\n  `hour` INT,\n  `select` STRING\n)\n"), athena);
    String redshift = Ddl.createTable(Dialect.REDSHIFT, t, Ddl.Options.NONE);
    assertTrue(redshift.startsWith(
        "CREATE EXTERNAL TABLE \"my`db\"\"x\".\"t\" (\n  \"hour\" INTEGER,\n  \"select\" VARCHAR(65535)\n)\n"), redshift);
  }

  @Test
  void commentsComeFromTheContractAndAreEscaped() {
    String fields = "{\"name\": \"a\", \"type\": \"string\", \"doc\": \"it's a \\\\ back\\nslash\"}";
    String hive = ddl(Dialect.HIVE, fields);
    // Glue refuses line breaks in comments: whitespace is folded to one space.
    assertTrue(hive.contains("  `a` STRING COMMENT 'it\\'s a \\\\ back slash'\n"), hive);
    String longDoc = "x".repeat(300);
    String athena = ddl(Dialect.ATHENA, "{\"name\": \"a\", \"type\": \"string\", \"doc\": \"" + longDoc + "\"}");
    assertTrue(athena.contains("  `a` STRING COMMENT '" + "x".repeat(252) + "...'\n"), "Glue keeps 255 characters: " + athena);
    // Redshift external tables take no column comments.
    assertFalse(ddl(Dialect.REDSHIFT, fields).contains("COMMENT"));
  }

  // --- locations -----------------------------------------------------------------------------------------------

  @Test
  void athenaAndRedshiftGetS3FolderLocations() {
    String fields = "{\"name\": \"a\", \"type\": \"string\"}";
    for (Dialect d : List.of(Dialect.ATHENA, Dialect.REDSHIFT)) {
      for (String given : List.of("s3a://bucket/wh/t", "s3://bucket/wh/t", "s3a://bucket/wh/t/")) {
        String sql = Ddl.createTable(d, table(fields, List.of(), TableFormat.PARQUET, given), Ddl.Options.NONE);
        assertTrue(sql.endsWith("\nLOCATION 's3://bucket/wh/t/';\n"), d + " " + given + ":\n" + sql);
      }
    }
  }

  @Test
  void hiveKeepsTheLocationAsGiven() {
    String fields = "{\"name\": \"a\", \"type\": \"string\"}";
    for (String given : List.of("s3a://bucket/wh/t", "s3://bucket/wh/t", "file:///tmp/wh/t", "hdfs://nn:8020/wh/t")) {
      String sql = Ddl.createTable(Dialect.HIVE, table(fields, List.of(), TableFormat.PARQUET, given), Ddl.Options.NONE);
      assertTrue(sql.endsWith("\nLOCATION '" + given + "';\n"), sql);
    }
  }

  @Test
  void athenaAndRedshiftRefuseLocationsOutsideS3() {
    for (Dialect d : List.of(Dialect.ATHENA, Dialect.REDSHIFT)) {
      String message = refused(d, table("{\"name\": \"a\", \"type\": \"string\"}", List.of(), TableFormat.PARQUET,
          "file:///tmp/wh/t"), Ddl.Options.NONE).getMessage();
      assertTrue(message.contains("file:///tmp/wh/t") && message.contains("S3"), message);
    }
  }

  @Test
  void quotesInTheLocationAreEscapedPerDialect() {
    String fields = "{\"name\": \"a\", \"type\": \"string\"}";
    String location = "s3a://bucket/o'brien";
    assertTrue(Ddl.createTable(Dialect.HIVE, table(fields, List.of(), TableFormat.PARQUET, location), Ddl.Options.NONE)
        .endsWith("\nLOCATION 's3a://bucket/o\\'brien';\n"));
    assertTrue(Ddl.createTable(Dialect.ATHENA, table(fields, List.of(), TableFormat.PARQUET, location), Ddl.Options.NONE)
        .endsWith("\nLOCATION 's3://bucket/o\\'brien/';\n"));
    assertTrue(Ddl.createTable(Dialect.REDSHIFT, table(fields, List.of(), TableFormat.PARQUET, location), Ddl.Options.NONE)
        .endsWith("\nLOCATION 's3://bucket/o''brien/';\n"));
  }

  // --- formats -------------------------------------------------------------------------------------------------

  @Test
  void avroSchemaLiteralDescribesTheFilesWithoutPartitionFields() {
    String fields = """
        {"name": "a", "type": "string"},
        {"name": "dt", "type": "string"},
        {"name": "b", "type": ["null", "long"], "default": null}
        """;
    Ddl.Table t = table(fields, List.of("dt"), TableFormat.AVRO, S3A);

    String athena = Ddl.createTable(Dialect.ATHENA, t, Ddl.Options.NONE);
    assertTrue(athena.contains("\nROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.avro.AvroSerDe'\n"
        + "WITH SERDEPROPERTIES ('avro.schema.literal'='"), athena);
    assertTrue(athena.contains("\nSTORED AS AVRO\nLOCATION 's3://bucket/wh/t/';\n"), athena);
    assertEquals(List.of("a", "b"), literalFieldNames(athena, "WITH SERDEPROPERTIES ('avro.schema.literal'='"));

    String hive = Ddl.createTable(Dialect.HIVE, t, Ddl.Options.NONE);
    assertFalse(hive.contains("ROW FORMAT"), hive);
    assertTrue(hive.contains("\nSTORED AS AVRO\nLOCATION 's3a://bucket/wh/t'\nTBLPROPERTIES (\n  'avro.schema.literal'='"), hive);
    assertEquals(List.of("a", "b"), literalFieldNames(hive, "  'avro.schema.literal'='"));
  }

  @Test
  void parquetIsStoredAsParquet() {
    for (Dialect d : Dialect.values()) {
      String sql = ddl(d, "{\"name\": \"a\", \"type\": \"string\"}");
      assertTrue(sql.contains("\nSTORED AS PARQUET\nLOCATION '"), sql);
      assertFalse(sql.contains("SERDE"), sql);
    }
  }

  @Test
  void athenaDeltaHasOnlyLocationAndTableType() {
    String fields = "{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"dt\", \"type\": \"string\"}";
    String sql = Ddl.createTable(Dialect.ATHENA, table(fields, List.of("dt"), TableFormat.DELTA, S3A), Ddl.Options.NONE);
    assertEquals("CREATE EXTERNAL TABLE `db`.`t`\nLOCATION 's3://bucket/wh/t/'\nTBLPROPERTIES ('table_type'='DELTA');\n", sql);
  }

  @Test
  void hiveRefusesDeltaAndSaysWhatToUseInstead() {
    String message = refused(Dialect.HIVE, table("{\"name\": \"a\", \"type\": \"string\"}", List.of(), TableFormat.DELTA, S3A),
        Ddl.Options.NONE).getMessage();
    assertTrue(message.contains("Delta"), message);
    assertTrue(message.contains("removed"), "why: " + message);
    assertTrue(message.contains("Spark's Delta catalog") && message.contains("USING DELTA"), message);
    assertTrue(message.contains("manifest"), message);
  }

  @Test
  void redshiftRefusesDeltaAndSaysWhatToUseInstead() {
    String message = refused(Dialect.REDSHIFT, table("{\"name\": \"a\", \"type\": \"string\"}", List.of(), TableFormat.DELTA, S3A),
        Ddl.Options.NONE).getMessage();
    assertTrue(message.contains("Delta") && message.contains("removed"), message);
    assertTrue(message.contains("GENERATE symlink_format_manifest"), message);
    assertTrue(message.contains("s3://bucket/wh/t/_symlink_format_manifest/"), message);
  }

  // --- partition projection ------------------------------------------------------------------------------------

  private static final String LAYOUT = """
      {"name": "a", "type": "string"},
      {"name": "dt", "type": "string"},
      {"name": "hour", "type": "int"},
      {"name": "ingest_hour", "type": "string"}
      """;

  @Test
  void projectionRangesUseEachColumnsOwnFormat() {
    String sql = Ddl.createTable(Dialect.ATHENA, table(LAYOUT, List.of("dt", "hour", "ingest_hour"), TableFormat.PARQUET, S3A),
        new Ddl.Options(true, "2025-12-31"));
    Map<String, String> p = properties(sql);
    assertEquals("true", p.get("projection.enabled"));
    assertEquals("date", p.get("projection.dt.type"));
    assertEquals("yyyy-MM-dd", p.get("projection.dt.format"));
    assertEquals("2025-12-31,NOW", p.get("projection.dt.range"));
    assertEquals("integer", p.get("projection.hour.type"));
    assertEquals("0,23", p.get("projection.hour.range"));
    assertEquals("date", p.get("projection.ingest_hour.type"));
    assertEquals("yyyyMMddHH", p.get("projection.ingest_hour.format"));
    assertEquals("2025123100,NOW", p.get("projection.ingest_hour.range"));
    assertEquals("1", p.get("projection.ingest_hour.interval"));
    assertEquals("HOURS", p.get("projection.ingest_hour.interval.unit"));
    assertEquals("s3://bucket/wh/t/dt=${dt}/hour=${hour}/ingest_hour=${ingest_hour}/", p.get("storage.location.template"));
  }

  @Test
  void projectionIsAthenaOnly() {
    for (Dialect d : List.of(Dialect.HIVE, Dialect.REDSHIFT)) {
      String message = refused(d, table(LAYOUT, List.of("dt", "hour", "ingest_hour"), TableFormat.PARQUET, S3A),
          new Ddl.Options(true, "2026-01-01")).getMessage();
      assertTrue(message.contains("Athena"), message);
    }
    String message = refused(Dialect.ATHENA, table(LAYOUT, List.of("dt", "hour", "ingest_hour"), TableFormat.DELTA, S3A),
        new Ddl.Options(true, "2026-01-01")).getMessage();
    assertTrue(message.contains("Delta"), message);
  }

  @Test
  void projectionNeedsAStartDateAndKnownColumns() {
    for (String bad : new String[] {null, "", "2026-13-01", "20260101", "2026-01-01T00"}) {
      BadConfigException e = assertThrows(BadConfigException.class, () -> new Ddl.Options(true, bad));
      assertTrue(e.getMessage().contains("YYYY-MM-DD"), e.getMessage());
    }
    String fields = "{\"name\": \"a\", \"type\": \"string\"}, {\"name\": \"site_id\", \"type\": \"int\"}";
    String message = refused(Dialect.ATHENA, table(fields, List.of("site_id"), TableFormat.PARQUET, S3A),
        new Ddl.Options(true, "2026-01-01")).getMessage();
    assertTrue(message.contains("'site_id'"), message);
  }

  @Test
  void withoutProjectionThereAreNoTableProperties() {
    String sql = Ddl.createTable(Dialect.ATHENA, table(LAYOUT, List.of("dt", "hour", "ingest_hour"), TableFormat.PARQUET, S3A),
        Ddl.Options.NONE);
    assertFalse(sql.contains("TBLPROPERTIES"), sql);
  }

  // --- reading statements back ---------------------------------------------------------------------------------

  /**
   * Column name -> type of the block that opens on the line starting with {@code opener} and ending in
   * {@code (}, one column per line, closed by {@code )}. Quotes are taken off names; a COMMENT is dropped.
   */
  private static Map<String, String> columns(String sql, String opener) {
    List<String> lines = sql.lines().toList();
    int start = 0;
    while (!(lines.get(start).startsWith(opener) && lines.get(start).endsWith("("))) {
      start++;
    }
    Map<String, String> columns = new LinkedHashMap<>();
    for (int i = start + 1; !lines.get(i).equals(")"); i++) {
      String line = lines.get(i).strip();
      line = line.endsWith(",") ? line.substring(0, line.length() - 1) : line;
      int space = line.indexOf(' ');
      String name = line.substring(1, space - 1);
      String type = line.substring(space + 1);
      int comment = type.indexOf(" COMMENT '");
      columns.put(name, comment < 0 ? type : type.substring(0, comment));
    }
    return columns;
  }

  /** The {@code 'key'='value'} lines of TBLPROPERTIES (values without quotes or escapes in them). */
  private static Map<String, String> properties(String sql) {
    Map<String, String> properties = new LinkedHashMap<>();
    boolean inside = false;
    for (String line : sql.lines().toList()) {
      if (line.equals("TBLPROPERTIES (")) {
        inside = true;
      } else if (inside && line.startsWith(")")) {
        break;
      } else if (inside) {
        String[] kv = line.strip().replaceAll(",$", "").split("'='");
        properties.put(kv[0].substring(1), kv[1].substring(0, kv[1].length() - 1));
      }
    }
    return properties;
  }

  /** Field names of the Avro schema written after {@code prefix} up to the closing quote. */
  private static List<String> literalFieldNames(String sql, String prefix) {
    int from = sql.indexOf(prefix) + prefix.length();
    String json = sql.substring(from, sql.indexOf("}'", from) + 1);
    return new Schema.Parser().parse(json).getFields().stream().map(Schema.Field::name).toList();
  }
}
