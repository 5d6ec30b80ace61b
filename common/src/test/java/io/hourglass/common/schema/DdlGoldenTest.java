package io.hourglass.common.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hourglass.common.config.TableFormat;
import io.hourglass.common.schema.Ddl.Dialect;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statements for the real web_events contract, compared byte for byte with reviewed files in
 * {@code src/test/resources/ddl/}. The files are written by hand: a change here is a change users see.
 */
class DdlGoldenTest {
  private static final TableSchema EVENTS = TableSchema.load("web_events/events-v1.avsc");
  private static final String LOCATION = "s3a://example-bucket/warehouse/events";

  private static Ddl.Table events(String database, TableFormat format) {
    return new Ddl.Table(database, "events", EVENTS, List.of("dt", "hour", "ingest_hour"), format, LOCATION);
  }

  @Test
  void athenaParquet() {
    assertGolden("web_events.athena.sql",
        Ddl.createTable(Dialect.ATHENA, events("hourglass", TableFormat.PARQUET), Ddl.Options.NONE));
  }

  @Test
  void athenaParquetWithPartitionProjection() {
    assertGolden("web_events.athena-projection.sql",
        Ddl.createTable(Dialect.ATHENA, events("hourglass", TableFormat.PARQUET), new Ddl.Options(true, "2026-01-01")));
  }

  @Test
  void athenaAvro() {
    assertGolden("web_events.athena-avro.sql",
        Ddl.createTable(Dialect.ATHENA, events("hourglass", TableFormat.AVRO), Ddl.Options.NONE));
  }

  @Test
  void athenaDelta() {
    assertGolden("web_events.athena-delta.sql",
        Ddl.createTable(Dialect.ATHENA, events("hourglass", TableFormat.DELTA), Ddl.Options.NONE));
  }

  @Test
  void redshiftParquet() {
    assertGolden("web_events.redshift.sql",
        Ddl.createTable(Dialect.REDSHIFT, events("spectrum", TableFormat.PARQUET), Ddl.Options.NONE));
  }

  @Test
  void hiveParquet() {
    assertGolden("web_events.hive.sql",
        Ddl.createTable(Dialect.HIVE, events("hourglass", TableFormat.PARQUET), Ddl.Options.NONE));
  }

  /** Equal bytes, or a failure that points at the first line that differs. */
  private static void assertGolden(String file, String actual) {
    String expected = read("ddl/" + file);
    if (expected.equals(actual)) {
      return;
    }
    List<String> e = expected.lines().toList();
    List<String> a = actual.lines().toList();
    int line = 0;
    while (line < e.size() && line < a.size() && e.get(line).equals(a.get(line))) {
      line++;
    }
    String message = String.format("%s differs from the generated statement at line %d:%n  golden:    %s%n  generated: %s%n"
            + "generated statement:%n%s", file, line + 1, line < e.size() ? e.get(line) : "<end of file>",
        line < a.size() ? a.get(line) : "<end of statement>", actual);
    assertEquals(expected, actual, message);
  }

  private static String read(String resource) {
    try (InputStream in = DdlGoldenTest.class.getClassLoader().getResourceAsStream(resource)) {
      assertNotNull(in, resource + " is not on the test classpath");
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
