package io.hourglass.jobs.ingest;

import static io.hourglass.common.testing.DataFrameAssert.assertSchemaEquality;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.Hour;
import io.hourglass.common.config.PiiMode;
import io.hourglass.common.schema.RawRecords;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.common.transform.Status;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Each web_events rule, both ways, on small DataFrames built here. */
class WebEventsTransformsTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final Hour HOUR = Hour.parse("2026-11-20T10");
  private static final TableSchema RAW = TableSchema.load("web_events/raw-v1.avsc");
  private static final TableSchema TABLE = TableSchema.load("web_events/events-v1.avsc");
  private static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);

  /** A valid raw record with one field replaced (null value = field absent). */
  private static String record(String id, Map<String, String> overrides) {
    Map<String, String> f = new java.util.LinkedHashMap<>();
    f.put("event_id", "\"" + id + "\"");
    f.put("event_type", "\"page_view\"");
    f.put("event_time", "\"2026-11-20T12:15:30.250+02:00\"");
    f.put("site_id", "7");
    f.put("url", "\"https://WWW.Shop.example.com/p/1?x=2#top\"");
    f.put("ip", "\"203.0.113.57\"");
    f.put("email", "\"  Alice@Example.com \"");
    f.put("props", "{\"ab\":\"B\",\"price\":\"12.50\"}");
    f.putAll(overrides);
    StringBuilder sb = new StringBuilder("{");
    f.forEach((k, v) -> {
      if (v != null) {
        sb.append(sb.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v);
      }
    });
    return sb.append('}').toString();
  }

  private static String record(String id) {
    return record(id, Map.of());
  }

  private static Map<String, String> with(String k, String v) {
    Map<String, String> m = new HashMap<>();
    m.put(k, v);
    return m;
  }

  private static Dataset<Row> raw(String... values) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values.length; i++) {
      rows.add(RowFactory.create("file:/raw/a.gz", (long) i + 1, 0, values[i], null));
    }
    return SPARK.createDataFrame(rows, RawRecords.SCHEMA);
  }

  private static List<Row> classify(Dataset<Row> raw, PiiMode email) {
    return WebEventsTransforms.all(RAW, HOUR, Duration.ofHours(6), Duration.ofMinutes(10), email,
            email == PiiMode.HASH ? Optional.of(KEY) : Optional.empty())
        .apply(raw).orderBy(col(RawRecords.LINE_NO)).collectAsList();
  }

  private static List<String> statuses(String... values) {
    return classify(raw(values), PiiMode.HASH).stream().map(r -> r.<String>getAs(Status.COLUMN)).toList();
  }

  private static String detail(String value) {
    return classify(raw(value), PiiMode.HASH).get(0).getAs(Status.DETAIL);
  }

  @Test
  void validRecordIsAcceptedWithTypedColumns() {
    Row r = classify(raw(record("e1")), PiiMode.HASH).get(0);
    assertEquals(Status.OK, r.getAs(Status.COLUMN));
    assertEquals(Timestamp.from(Instant.parse("2026-11-20T10:15:30.250Z")), r.getAs("event_time"));
    assertEquals(7, (int) r.getAs("site_id"));
    assertEquals("2026-11-20", r.getAs("dt"));
    assertEquals(10, (int) r.getAs("hour"));
    assertEquals(HOUR.id(), r.getAs("ingest_hour"));
    assertEquals(Map.of("ab", "B", "price", "12.50"), r.getJavaMap(r.fieldIndex("props")));
  }

  @Test
  void eventTimeAcceptsEpochMillisAndOffsetsAndRejectsText() {
    long millis = Instant.parse("2026-11-20T10:59:59.999Z").toEpochMilli();
    List<Row> rows = classify(raw(
        record("a", with("event_time", String.valueOf(millis))),
        record("b", with("event_time", "\"2026-11-20T05:30:00-05:00\"")),
        record("c", with("event_time", "\"yesterday\""))), PiiMode.HASH);
    assertEquals(Timestamp.from(Instant.ofEpochMilli(millis)), rows.get(0).getAs("event_time"));
    assertEquals(Timestamp.from(Instant.parse("2026-11-20T10:30:00Z")), rows.get(1).getAs("event_time"));
    assertEquals(Status.BAD_TYPE, rows.get(2).getAs(Status.COLUMN));
    assertTrue(rows.get(2).<String>getAs(Status.DETAIL).contains("event_time: 'yesterday'"));
  }

  @Test
  void blankLinesAreCountedNotQuarantined() {
    assertEquals(List.of(Status.BLANK, Status.BLANK, Status.OK), statuses("", "   \t", record("e1")));
  }

  @Test
  void malformedJsonIsQuarantined() {
    assertEquals(List.of(Status.MALFORMED_JSON, Status.MALFORMED_JSON, Status.MALFORMED_JSON, Status.MALFORMED_JSON,
            Status.OK),
        statuses("{\"event_id\":\"e1\",\"event_ty", "[1,2]", "\"just a string\"", record("e2") + " trailing", record("e3")));
  }

  @Test
  void missingRequiredFieldsAreNamed() {
    assertEquals(List.of(Status.MISSING_FIELD, Status.MISSING_FIELD, Status.OK),
        statuses(record("e1", with("event_id", null)), record("", Map.of()), record("e3", with("user_id", null))));
    String d = detail(record("e1", Map.of("site_id", "null", "event_type", "\"\"")));
    assertEquals("missing required field(s): event_type, site_id", d);
  }

  @Test
  void wrongTypesAreQuarantinedAndNumericStringsAccepted() {
    assertEquals(List.of(Status.BAD_TYPE, Status.BAD_TYPE, Status.BAD_TYPE, Status.BAD_TYPE, Status.OK, Status.OK),
        statuses(record("a", with("site_id", "\"abc\"")), record("b", with("site_id", "12.5")),
            record("c", with("site_id", "99999999999")), record("d", with("props", "[1]")),
            record("e", with("site_id", "\"42\"")), record("f", with("props", "{}"))));
    assertEquals("site_id: 'abc' is not an int", detail(record("a", with("site_id", "\"abc\""))));
  }

  @Test
  void eventTimeWindowBoundsAreInclusiveStartExclusiveEnd() {
    Instant start = HOUR.start().minus(Duration.ofHours(6));
    Instant end = HOUR.end().plus(Duration.ofMinutes(10));
    assertEquals(List.of(Status.TOO_LATE, Status.OK, Status.OK, Status.FUTURE),
        statuses(
            record("a", with("event_time", String.valueOf(start.toEpochMilli() - 1))),
            record("b", with("event_time", String.valueOf(start.toEpochMilli()))),
            record("c", with("event_time", String.valueOf(end.toEpochMilli() - 1))),
            record("d", with("event_time", String.valueOf(end.toEpochMilli())))));
  }

  @Test
  void lateEventsInWindowGoToTheirEventHour() {
    Row r = classify(raw(record("a", with("event_time", "\"2026-11-20T06:59:00Z\""))), PiiMode.HASH).get(0);
    assertEquals(Status.OK, r.getAs(Status.COLUMN));
    assertEquals(6, (int) r.getAs("hour"));
    assertEquals(HOUR.id(), r.getAs("ingest_hour"));
  }

  @Test
  void unreadableFileBecomesCorruptFile() {
    Dataset<Row> raw = SPARK.createDataFrame(List.of(
        RowFactory.create("file:/raw/b.gz", 3L, 0, null, "EOFException: Unexpected end (after 3 lines)")), RawRecords.SCHEMA);
    Row r = classify(raw, PiiMode.HASH).get(0);
    assertEquals(Status.CORRUPT_FILE, r.getAs(Status.COLUMN));
    assertEquals("EOFException: Unexpected end (after 3 lines)", r.getAs(Status.DETAIL));
  }

  @Test
  void duplicatesKeepTheFirstByFileAndLine() {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("file:/raw/b.gz", 1L, 0, record("dup", with("event_type", "\"second\"")), null));
    rows.add(RowFactory.create("file:/raw/a.gz", 9L, 0, record("dup", with("event_type", "\"first\"")), null));
    rows.add(RowFactory.create("file:/raw/a.gz", 10L, 0, record("dup", with("site_id", "\"bad\"")), null));
    rows.add(RowFactory.create("file:/raw/a.gz", 11L, 0, record("solo"), null));
    List<Row> out = WebEventsTransforms.all(RAW, HOUR, Duration.ofHours(6), Duration.ofMinutes(10), PiiMode.DROP, Optional.empty())
        .apply(SPARK.createDataFrame(rows, RawRecords.SCHEMA))
        .orderBy(col(RawRecords.SOURCE_FILE), col(RawRecords.LINE_NO)).collectAsList();
    assertEquals(List.of(Status.OK, Status.BAD_TYPE, Status.OK, Status.DUPLICATE),
        out.stream().map(r -> r.<String>getAs(Status.COLUMN)).toList());
    assertEquals("first", out.get(0).getAs("event_type"));
  }

  @Test
  void cleanseDerivesUrlPartsTruncatesIpAndHashesEmail() throws Exception {
    Row r = classify(raw(record("e1")), PiiMode.HASH).get(0);
    assertEquals("www.shop.example.com", r.getAs("url_domain"));
    assertEquals("/p/1", r.getAs("url_path"));
    assertEquals("203.0.113.0", r.getAs("ip"));
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal("alice@example.com".getBytes(StandardCharsets.UTF_8)));
    assertEquals(expected, r.getAs("email_hmac"));
  }

  @Test
  void emailDropLeavesNoTrace() {
    Row r = classify(raw(record("e1")), PiiMode.DROP).get(0);
    assertNull(r.getAs("email_hmac"));
    assertTrue(List.of(r.schema().fieldNames()).stream().noneMatch(f -> f.equals("email")));
  }

  @Test
  void unknownFieldsAreKeptAsJsonAndKnownOnesAreNot() {
    List<Row> rows = classify(raw(
        record("a", Map.of("experiment", "{\"id\":7,\"arm\":\"b\"}", "app_version", "\"3.1.0\"")),
        record("b")), PiiMode.HASH);
    String extra = rows.get(0).getAs("extra");
    assertTrue(extra.contains("\"app_version\":\"3.1.0\""), extra);
    assertTrue(extra.contains("\"experiment\":\"{\\\"id\\\":7,\\\"arm\\\":\\\"b\\\"}\""), extra);
    assertTrue(!extra.contains("event_id"), extra);
    assertNull(rows.get(1).getAs("extra"));
  }

  private static Row one(String value) {
    return classify(raw(value), PiiMode.HASH).get(0);
  }

  @Test
  void linesTheReaderCouldNotReadFaithfullyGetTheirOwnReasonNotCorruptFile() {
    List<Row> rows = new ArrayList<>();
    rows.add(RowFactory.create("file:/raw/a.gz", 1L, 0, record("u"), Status.INVALID_UTF8 + ": not UTF-8 at byte 3 of the line (0xE9)"));
    rows.add(RowFactory.create("file:/raw/a.gz", 2L, 0, "{\"big\":\"xx", Status.OVERSIZED + ": record of 20000000 bytes is over the limit"));
    rows.add(RowFactory.create("file:/raw/a.gz", 3L, 0, record("x"), "SomethingElse: unexpected"));
    rows.add(RowFactory.create("file:/raw/a.gz", 4L, 0, null, "EOFException: Unexpected end (after 3 lines)"));
    rows.add(RowFactory.create("file:/raw/a.gz", 5L, 0, record("ok"), null));
    List<Row> out = classify(SPARK.createDataFrame(rows, RawRecords.SCHEMA), PiiMode.HASH);
    assertEquals(List.of(Status.INVALID_UTF8, Status.OVERSIZED, Status.CORRUPT_FILE, Status.CORRUPT_FILE, Status.OK),
        out.stream().map(r -> r.<String>getAs(Status.COLUMN)).toList());
    assertEquals("not UTF-8 at byte 3 of the line (0xE9)", out.get(0).getAs(Status.DETAIL));
    assertEquals("record of 20000000 bytes is over the limit", out.get(1).getAs(Status.DETAIL));
    assertEquals("{\"big\":\"xx", out.get(1).getAs(RawRecords.VALUE), "the prefix is kept as raw");
  }

  @Test
  void epochSecondsAreNamedAsSuchAndMillisAreNot() {
    long seconds = Instant.parse("2026-11-20T10:15:00Z").getEpochSecond();
    assertEquals(List.of(Status.BAD_TYPE, Status.BAD_TYPE, Status.OK, Status.TOO_LATE, Status.TOO_LATE),
        statuses(
            record("a", with("event_time", String.valueOf(seconds))),
            record("b", with("event_time", "\"" + seconds + "\"")),
            record("c", with("event_time", String.valueOf(seconds * 1000))),
            record("d", with("event_time", "100000000000")),
            record("e", with("event_time", "-1"))));
    assertEquals("event_time: '" + seconds + "' looks like epoch seconds; epoch milliseconds expected",
        detail(record("a", with("event_time", String.valueOf(seconds)))));
    assertEquals("event_time: '1795169700000000' is not ISO-8601 or epoch millis",
        detail(record("a", with("event_time", "1795169700000000"))));
  }

  @Test
  void blankRequiredValuesAreMissingAndBlankOptionalOnesAreNot() {
    assertEquals(List.of(Status.MISSING_FIELD, Status.MISSING_FIELD, Status.MISSING_FIELD, Status.OK),
        statuses(record("   "), record("\\t"), record("e3", with("event_type", "\" \"")), record("e4", with("user_id", "\"  \""))));
  }

  @Test
  void fieldNamesAreCaseSensitiveAndAVariantIsNamedOrKept() {
    Map<String, String> variant = new java.util.LinkedHashMap<>();
    variant.put("event_id", null);
    variant.put("Event_ID", "\"e1\"");
    assertEquals("missing required field(s): event_id (field names are case-sensitive; found Event_ID)", detail(record("x", variant)));
    assertEquals("missing required field(s): event_id", detail(record("x", with("event_id", null))), "no variant, no hint");
    Row kept = one(record("e2", Map.of("Event_ID", "\"other\"", "URL", "\"https://a.example/x\"")));
    assertEquals(Status.OK, kept.getAs(Status.COLUMN));
    assertEquals("https://WWW.Shop.example.com/p/1?x=2#top", kept.getAs("url"), "the real url, not the variant");
    String extra = kept.getAs("extra");
    assertTrue(extra.contains("\"Event_ID\":\"other\"") && extra.contains("\"URL\":\"https://a.example/x\""), extra);
  }

  @Test
  void anObjectOrArrayWhereAStringIsExpectedIsBadTypeAndScalarsAreTakenAsText() {
    assertEquals(List.of(Status.BAD_TYPE, Status.BAD_TYPE, Status.BAD_TYPE, Status.OK, Status.OK),
        statuses(record("a", with("event_id", "{\"id\":1}")), record("b", with("event_type", "[\"click\"]")),
            record("c", with("url", "{\"href\":\"x\"}")), record("d", with("event_id", "12345")),
            record("e", with("user_agent", "true"))));
    assertEquals("url: a JSON object or array where a string is expected", detail(record("c", with("url", "{\"href\":\"x\"}"))));
    assertEquals("12345", one(record("d", with("event_id", "12345"))).getAs("event_id"));
  }

  @Test
  void valuesAreKeptExactlyAsSentNotRePrintedThroughADouble() throws Exception {
    Row r = one(record("e1", Map.of(
        "props", "{\"qty\":1e999,\"price\":12.50,\"id\":123456789012345678901234567890,\"neg\":-0.0}",
        "ratio", "0.12345678901234567891", "huge", "1E400", "nested", "{ \"a\" : [1, 2.50] }")));
    assertEquals(Status.OK, r.getAs(Status.COLUMN));
    assertEquals(Map.of("qty", "1e999", "price", "12.50", "id", "123456789012345678901234567890", "neg", "-0.0"),
        r.getJavaMap(r.fieldIndex("props")));
    assertEquals(Map.of("ratio", "0.12345678901234567891", "huge", "1E400", "nested", "{ \"a\" : [1, 2.50] }"),
        new com.fasterxml.jackson.databind.ObjectMapper().readValue(r.<String>getAs("extra"), Map.class));
  }

  @Test
  void strictJsonOnly() {
    String base = record("e1");
    String open = base.substring(0, base.length() - 1);
    assertEquals(List.of(Status.MALFORMED_JSON, Status.MALFORMED_JSON, Status.MALFORMED_JSON, Status.MALFORMED_JSON,
            Status.MALFORMED_JSON, Status.MALFORMED_JSON, Status.OK),
        statuses(
            open + ",\"n\":NaN}",
            base.replace('"', '\''),
            open + ",\"event_id\":\"again\"}",
            record("e2", with("props", "{\"a\":\"1\",\"a\":\"2\"}")),
            open + ",\"ua\":\"a\tb\"}",
            open + ",}",
            open + ",\"ua\":\"a\\tb\\u0000\"}"));
    assertTrue(detail(open + ",\"event_id\":\"again\"}").startsWith("not a single JSON object: Duplicate field 'event_id'"));
    assertEquals("not a single JSON object: text after the object at column " + (base.length() + 2), detail(base + " x"));
    assertEquals("not a single JSON object: found an array instead", detail("[" + base + "]"));
    assertEquals("no JSON value", WebEventsTransforms.JsonObjects.parse("  ").getString(2));
    assertNull(WebEventsTransforms.JsonObjects.parse(null));
  }

  @Test
  void nestingIsParsedTo1000LevelsAndRefusedBeyondWithoutACrash() {
    // The record itself is level 1.
    String deepest = record("a", with("tree", "[".repeat(999) + "]".repeat(999)));
    String tooDeep = record("b", with("tree", "[".repeat(1000) + "]".repeat(1000)));
    String farTooDeep = record("c", with("tree", "{\"k\":".repeat(50_000) + "1" + "}".repeat(50_000)));
    assertEquals(List.of(Status.OK, Status.MALFORMED_JSON, Status.MALFORMED_JSON), statuses(deepest, tooDeep, farTooDeep));
    assertEquals("not a single JSON object: nested deeper than 1000 levels", detail(tooDeep));
  }

  @Test
  void propsThatAreNotAnObjectSayWhy() {
    assertEquals("props: not a JSON object: found an array instead", detail(record("a", with("props", "[1]"))));
    assertTrue(detail(record("a", with("props", "\"{broken\""))).startsWith("props: not a JSON object: "),
        detail(record("a", with("props", "\"{broken\""))));
  }

  @Test
  void tableRowsHaveExactlyTheContractSchema() {
    Dataset<Row> classified = WebEventsTransforms.all(RAW, HOUR, Duration.ofHours(6), Duration.ofMinutes(10), PiiMode.HASH,
        Optional.of(KEY)).apply(raw(record("e1"), "not json"));
    Dataset<Row> table = WebEventsTransforms.tableRows(classified, TABLE);
    assertSchemaEquality(TABLE.sparkSchema(), table.schema());
    assertEquals(1, table.collectAsList().size());
  }

  @Test
  void transformsNameTheColumnsTheyMiss() {
    Dataset<Row> wrong = SPARK.range(1).toDF("id");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> WebEventsTransforms.parse().apply(wrong));
    assertTrue(e.getMessage().contains("parse needs columns [value] but got [id]"), e.getMessage());
  }
}
