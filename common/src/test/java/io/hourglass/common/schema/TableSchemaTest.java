package io.hourglass.common.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.BadConfigException;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class TableSchemaTest {
  private static final TableSchema RAW = TableSchema.load("web_events/raw-v1.avsc");
  private static final TableSchema EVENTS = TableSchema.load("web_events/events-v1.avsc");
  private static final TableSchema QUARANTINE = TableSchema.load("common/quarantine-v1.avsc");

  @Test
  void versionComesFromTheSchemaProperty() {
    assertEquals(1, RAW.version());
    assertEquals(1, EVENTS.version());
    assertEquals(1, QUARANTINE.version());
    assertEquals("web_events/raw-v1.avsc", RAW.resource());
  }

  @Test
  void requiredFieldsAreTheOnesNotNullable() {
    assertEquals(List.of("event_id", "event_type", "event_time", "site_id"), RAW.requiredFields());
    assertEquals(List.of("reason", "source_file", "line_no", "ingest_hour"), QUARANTINE.requiredFields());
    assertTrue(EVENTS.requiredFields().containsAll(List.of("event_id", "event_time", "dt", "hour", "ingest_hour")));
    assertFalse(EVENTS.requiredFields().contains("email_hmac"));
  }

  @Test
  void fieldNamesKeepTheContractOrder() {
    assertEquals(List.of("event_id", "event_type", "event_time", "site_id", "user_id", "session_id", "url", "referrer",
        "user_agent", "ip", "country", "device", "email", "props"), RAW.fieldNames());
    List<String> events = EVENTS.fieldNames();
    assertEquals(List.of("source_file", "dt", "hour", "ingest_hour"), events.subList(events.size() - 4, events.size()));
    assertEquals(List.of(EVENTS.sparkSchema().fieldNames()), events);
  }

  @Test
  void sparkSchemaOfEventsHasTheContractTypes() {
    StructType s = EVENTS.sparkSchema();
    assertEquals(DataTypes.TimestampType, s.apply("event_time").dataType());
    assertEquals(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true), s.apply("props").dataType());
    assertEquals(DataTypes.IntegerType, s.apply("hour").dataType());
    assertEquals(DataTypes.IntegerType, s.apply("site_id").dataType());
    assertEquals(DataTypes.StringType, s.apply("dt").dataType());
    assertEquals(DataTypes.StringType, s.apply("ingest_hour").dataType());
    assertFalse(s.apply("event_id").nullable());
    assertTrue(s.apply("email_hmac").nullable());
  }

  @Test
  void sparkSchemaOfQuarantine() {
    StructType s = QUARANTINE.sparkSchema();
    assertEquals(DataTypes.LongType, s.apply("line_no").dataType());
    assertEquals(DataTypes.StringType, s.apply("raw").dataType());
    assertTrue(s.apply("detail").nullable());
    assertFalse(s.apply("reason").nullable());
  }

  @Test
  void sparkSchemaOfRawKeepsRequiredFieldsNotNull() {
    StructType s = RAW.sparkSchema();
    assertEquals(DataTypes.StringType, s.apply("event_id").dataType());
    assertFalse(s.apply("site_id").nullable());
    assertEquals(DataTypes.IntegerType, s.apply("site_id").dataType());
    assertTrue(s.apply("email").nullable());
  }

  @Test
  void fieldFindsOneOrNamesTheSchema() {
    StructField f = EVENTS.field("url_domain");
    assertEquals(DataTypes.StringType, f.dataType());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EVENTS.field("nope"));
    assertTrue(e.getMessage().contains("web_events/events-v1.avsc"), e.getMessage());
    assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
  }

  @Test
  void piiPropertyIsReadPerField() {
    assertEquals("hash", RAW.piiOf("email"));
    assertEquals("truncate", RAW.piiOf("ip"));
    assertNull(RAW.piiOf("user_id"));
    assertNull(RAW.piiOf("no_such_field"));
  }

  @Test
  void missingSchemaIsABadConfigNamingIt() {
    BadConfigException e = assertThrows(BadConfigException.class, () -> TableSchema.load("web_events/raw-v9.avsc"));
    assertTrue(e.getMessage().contains("schemas/web_events/raw-v9.avsc"), e.getMessage());
    assertTrue(e.getMessage().contains("not on the classpath"), e.getMessage());
  }

  @Test
  void rawRecordsSchemaIsTheReadersContract() {
    assertEquals(List.of("source_file", "line_no", "rec_no", "value", "read_error"), List.of(RawRecords.SCHEMA.fieldNames()));
    assertEquals(DataTypes.LongType, RawRecords.SCHEMA.apply(RawRecords.LINE_NO).dataType());
    assertEquals(DataTypes.IntegerType, RawRecords.SCHEMA.apply(RawRecords.REC_NO).dataType());
    assertTrue(RawRecords.SCHEMA.apply(RawRecords.READ_ERROR).nullable());
    assertFalse(RawRecords.SCHEMA.apply(RawRecords.SOURCE_FILE).nullable());
  }
}
