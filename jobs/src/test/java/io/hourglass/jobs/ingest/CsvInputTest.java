package io.hourglass.jobs.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hourglass.common.config.CsvOptions;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.PiiMode;
import io.hourglass.common.io.CsvRecordReader;
import io.hourglass.common.io.HourInput;
import io.hourglass.common.io.InputFile;
import io.hourglass.common.io.RawLineReader;
import io.hourglass.common.schema.ParsedRecords;
import io.hourglass.common.schema.RawRecords;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.testing.SparkTestSession;
import io.hourglass.common.transform.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV/TSV input joins the JSON pipeline after parsing: the reader's parsed columns have exactly the types
 * {@link WebEventsTransforms#parse()} produces, and a CSV record classifies and cleanses to the same table
 * row as the JSON record with the same values.
 */
class CsvInputTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final Hour HOUR = Hour.parse("2026-11-20T10");
  private static final TableSchema RAW = TableSchema.load("web_events/raw-v1.avsc");
  private static final TableSchema TABLE = TableSchema.load("web_events/events-v1.avsc");
  private static final byte[] KEY = "0123456789abcdef-test-key".getBytes(StandardCharsets.UTF_8);

  @TempDir
  Path dir;

  @Test
  void theReadersParsedColumnsAreExactlyThoseOfParse() {
    Dataset<Row> raw = SPARK.createDataFrame(List.of(RowFactory.create("f", 1L, 0, "{\"a\":1}", null)), RawRecords.SCHEMA);
    StructType parsed = WebEventsTransforms.parse().apply(raw).schema();
    assertEquals(List.of(WebEventsTransforms.FIELDS, WebEventsTransforms.NESTED, WebEventsTransforms.PARSE_ERROR),
        List.of(ParsedRecords.FIELDS, ParsedRecords.NESTED, ParsedRecords.PARSE_ERROR), "column names");
    for (String c : List.of(ParsedRecords.FIELDS, ParsedRecords.NESTED, ParsedRecords.PARSE_ERROR)) {
      assertEquals(parsed.apply(c).dataType(), ParsedRecords.SCHEMA.apply(c).dataType(), c);
    }
  }

  @Test
  void aCsvRecordGivesTheSameRowAsTheSameJsonRecord() throws IOException {
    String csv = file("h.csv", String.join("\n",
        "event_id,event_type,event_time,site_id,url,ip,email,props,campaign",
        "e1,page_view,2026-11-20T12:15:30.250+02:00,7,\"https://WWW.Shop.example.com/p/1?x=2,3#top\",203.0.113.57,"
            + "\"  Alice@Example.com \",\"{\"\"ab\"\":\"\"B\"\",\"\"price\"\":12.50}\",\"fall, sale\"",
        "e2,page_view,2026-11-20T10:15:00Z,x7,,,,,",
        "e3,,2026-11-20T10:15:00Z,7,,,,,",
        "e4,too,few") + "\n");
    String json = file("h.json", String.join("\n",
        "{\"event_id\":\"e1\",\"event_type\":\"page_view\",\"event_time\":\"2026-11-20T12:15:30.250+02:00\",\"site_id\":7,"
            + "\"url\":\"https://WWW.Shop.example.com/p/1?x=2,3#top\",\"ip\":\"203.0.113.57\",\"email\":\"  Alice@Example.com \","
            + "\"props\":{\"ab\":\"B\",\"price\":12.50},\"campaign\":\"fall, sale\"}",
        "{\"event_id\":\"e2\",\"event_type\":\"page_view\",\"event_time\":\"2026-11-20T10:15:00Z\",\"site_id\":\"x7\"}",
        "{\"event_id\":\"e3\",\"event_time\":\"2026-11-20T10:15:00Z\",\"site_id\":7}") + "\n");

    List<Row> fromCsv = classify(WebEventsTransforms.recordsFromFields(RAW, HOUR, Duration.ofHours(6), Duration.ofMinutes(10),
        PiiMode.HASH, Optional.of(KEY)).andThen(WebEventsTransforms.dedup()).apply(CsvRecordReader.read(SPARK, input(csv), CsvOptions.DEFAULT, RAW.fieldNames())));
    List<Row> fromJson = classify(WebEventsTransforms.all(RAW, HOUR, Duration.ofHours(6), Duration.ofMinutes(10),
        PiiMode.HASH, Optional.of(KEY)).apply(RawLineReader.read(SPARK, input(json))));

    assertEquals(List.of("e1 ok", "e2 bad_type site_id: 'x7' is not an int",
            "e3 missing_field missing required field(s): event_type", "e4 malformed_csv 3 fields where the header has 9"),
        fromCsv.stream().map(CsvInputTest::status).toList());
    assertEquals(fromJson.stream().map(CsvInputTest::status).toList(), fromCsv.subList(0, 3).stream().map(CsvInputTest::status).toList());
    Row csvRow = tableRow(fromCsv);
    Row jsonRow = tableRow(fromJson);
    for (String c : TABLE.fieldNames()) {
      if (!c.equals("source_file")) {
        assertEquals(String.valueOf(jsonRow.<Object>getAs(c)), String.valueOf(csvRow.<Object>getAs(c)), "column " + c);
      }
    }
  }

  private static String status(Row r) {
    String id = r.getAs("event_id");
    return (id == null ? r.<String>getAs("value").split(",")[0] : id) + " " + r.getAs(Status.COLUMN)
        + (r.getAs(Status.DETAIL) == null ? "" : " " + r.getAs(Status.DETAIL));
  }

  private Row tableRow(List<Row> classified) {
    Dataset<Row> ds = SPARK.createDataFrame(classified, classified.get(0).schema());
    return WebEventsTransforms.tableRows(ds, TABLE).collectAsList().get(0);
  }

  private static List<Row> classify(Dataset<Row> classified) {
    return classified.orderBy(col(RawRecords.LINE_NO)).collectAsList();
  }

  private String file(String name, String content) throws IOException {
    Path f = dir.resolve(name);
    Files.writeString(f, content);
    return f.toUri().toString();
  }

  private HourInput input(String uri) throws IOException {
    return new HourInput(dir.toUri().toString(), true, List.of(new InputFile(uri, Files.size(Path.of(java.net.URI.create(uri))))));
  }
}
