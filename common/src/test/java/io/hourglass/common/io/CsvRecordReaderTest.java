package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.config.CsvOptions;
import io.hourglass.common.config.InputFormat;
import io.hourglass.common.schema.ParsedRecords;
import io.hourglass.common.testing.SparkTestSession;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CSV/TSV reader on small files, through real Spark: RFC 4180 quoting, line numbers of records that
 * span lines, CRLF, BOM, blank lines, bad records with their reason, gzip (whole, damaged, misnamed), TSV,
 * another escape character, header or schema columns. Each row is compared as one line of text:
 * {@code line | value | read_error | fields | parse_error}.
 */
class CsvRecordReaderTest {
  private static final SparkSession SPARK = SparkTestSession.get();
  private static final CsvOptions CSV = CsvOptions.DEFAULT;
  private static final List<String> SCHEMA = List.of("id", "a", "b");

  @TempDir
  Path dir;

  private String file(String name, byte[] content) throws IOException {
    Path f = dir.resolve(name);
    Files.write(f, content);
    return f.toUri().toString();
  }

  private String file(String name, String content) throws IOException {
    return file(name, content.getBytes(StandardCharsets.UTF_8));
  }

  private HourInput input(String... uris) throws IOException {
    List<InputFile> files = new ArrayList<>();
    for (String uri : uris) {
      files.add(new InputFile(uri, Files.size(Path.of(java.net.URI.create(uri)))));
    }
    return new HourInput(dir.toUri().toString(), true, files);
  }

  /** The rows of the given files read together, per file in line order, each described as one string. */
  private List<String> read(CsvOptions options, String... uris) throws IOException {
    List<Row> rows = CsvRecordReader.read(SPARK, input(uris), options, SCHEMA).collectAsList();
    return rows.stream()
        .sorted(Comparator.<Row, String>comparing(r -> r.getString(0)).thenComparingLong(r -> r.getLong(1)))
        .map(CsvRecordReaderTest::describe)
        .toList();
  }

  private static String describe(Row r) {
    assertEquals(0, r.getInt(2), "rec_no is always 0 for CSV");
    Object fields = null;
    if (!r.isNullAt(5)) {
      fields = new TreeMap<>(r.<String, String>getJavaMap(5));
      assertEquals(List.of(), r.getList(6), "a parsed record holds no nested fields");
    } else {
      assertTrue(r.isNullAt(6), "no fields, no nested list");
    }
    return r.getLong(1) + " | " + r.getString(3) + " | " + r.getString(4) + " | " + fields + " | " + r.getString(7);
  }

  private static String ok(long line, String value, Map<String, String> fields) {
    return line + " | " + value + " | null | " + new TreeMap<>(fields) + " | null";
  }

  private static String malformed(long line, String value, String detail) {
    return line + " | " + value + " | malformed_csv: " + detail + " | null | " + detail;
  }

  private static String blank(long line, String value) {
    return line + " | " + value + " | null | null | null";
  }

  /** Three fields by name; a null value (an empty unquoted cell) is left out of the map. */
  private static Map<String, String> f(String id, String a, String b) {
    Map<String, String> m = new TreeMap<>();
    m.put("id", id);
    m.put("a", a);
    m.put("b", b);
    m.values().removeIf(java.util.Objects::isNull);
    return m;
  }

  /** {@code text} gzipped and cut right after a flush point: it decodes, then the stream ends without a trailer. */
  private static byte[] cutGzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    GZIPOutputStream gz = new GZIPOutputStream(bytes, true);
    gz.write(text.getBytes(StandardCharsets.UTF_8));
    gz.flush();
    return bytes.toByteArray();
  }

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

  @Test
  void quotedFieldsHoldDelimitersDoubledQuotesAndLineEnds() throws IOException {
    String uri = file("quoted.csv", String.join("\n",
        "id,a,b",
        "1,\"x,y\",\"say \"\"hi\"\"\"",
        "2,\"multi",
        "line\",plain",
        "3,,\"\"",
        "4, spaced ,\"  kept  \"",
        "5,\"crlf\r\ninside\",\"three",
        "",
        "lines\"",
        "6,after,all") + "\n");
    assertEquals(List.of(
        ok(2, "1,\"x,y\",\"say \"\"hi\"\"\"", f("1", "x,y", "say \"hi\"")),
        ok(3, "2,\"multi\nline\",plain", f("2", "multi\nline", "plain")),
        ok(5, "3,,\"\"", f("3", null, "")),
        ok(6, "4, spaced ,\"  kept  \"", f("4", " spaced ", "  kept  ")),
        ok(7, "5,\"crlf\r\ninside\",\"three\n\nlines\"", f("5", "crlf\r\ninside", "three\n\nlines")),
        ok(11, "6,after,all", f("6", "after", "all"))),
        read(CSV, uri));
  }

  @Test
  void crlfByteOrderMarkAndBlankLines() throws IOException {
    String uri = file("crlf.csv", "\uFEFFid,a,b\r\n1,x,y\r\n\r\n  \r\n2,\"q\",z\r\n3,last,no-newline\r");
    assertEquals(List.of(
        ok(2, "1,x,y", f("1", "x", "y")),
        blank(3, ""),
        blank(4, "  "),
        ok(5, "2,\"q\",z", f("2", "q", "z")),
        ok(6, "3,last,no-newline", f("3", "last", "no-newline"))),
        read(CSV, uri), "the BOM is not part of the first column's name, CRs of line ends are dropped");
  }

  @Test
  void wrongFieldCountStrayQuoteAndUnclosedQuoteAreMalformed() throws IOException {
    String uri = file("bad.csv", String.join("\n",
        "id,a,b",
        "1,2",
        "1,2,3,4",
        "2,\"ab\"cd,3",
        "3,ok,ok",
        "4,\"never closed,x",
        "5,6,7") + "\n");
    assertEquals(List.of(
        malformed(2, "1,2", "2 fields where the header has 3"),
        malformed(3, "1,2,3,4", "4 fields where the header has 3"),
        malformed(4, "2,\"ab\"cd,3",
            "a quote inside a quoted field is not escaped (write it as \"\"), or text follows a closing quote"),
        ok(5, "3,ok,ok", f("3", "ok", "ok")),
        malformed(6, "4,\"never closed,x\n5,6,7\n",
            "the quote that opens field 2 on line 6 is never closed: the record runs to the end of the file")),
        read(CSV, uri));
  }

  @Test
  void aRecordWiderThanTheParserTakesIsMalformedNotACrash() throws IOException {
    String wide = "1" + ",x".repeat(CsvRecordIterator.MAX_COLUMNS);
    String uri = file("wide.csv", "id,a,b\n" + wide + "\n2,y,z\n");
    assertEquals(List.of(
        malformed(2, wide, "more than " + CsvRecordIterator.MAX_COLUMNS + " fields"),
        ok(3, "2,y,z", f("2", "y", "z"))),
        read(CSV, uri), "and the parser still works after it");
  }

  @Test
  void withoutHeaderTheColumnsAreTheSchemasAndLineOneIsARecord() throws IOException {
    String uri = file("noheader.csv", "1,x,y\nid,a,b\n1,2\n");
    assertEquals(List.of(
        ok(1, "1,x,y", f("1", "x", "y")),
        ok(2, "id,a,b", f("id", "a", "b")),
        malformed(3, "1,2", "2 fields where the raw schema has 3")),
        read(new CsvOptions(false, ',', '"', '"'), uri));
  }

  @Test
  void headerColumnsMapByNameInAnyOrderAndUnknownOnesAreKept() throws IOException {
    String uri = file("order.csv", "b,extra_col,id\ny,e,1\n");
    Map<String, String> fields = new TreeMap<>(Map.of("b", "y", "extra_col", "e", "id", "1"));
    assertEquals(List.of(ok(2, "y,e,1", fields)), read(CSV, uri));
  }

  @Test
  void anUnusableHeaderQuarantinesItselfAndEveryRecordAfterIt() throws IOException {
    String dup = file("dup.csv", "id,a,id\n1,2,3\n");
    String unnamed = file("unnamed.csv", "\nid,,b\n1,2,3\n");
    String problem = "the header on line 1 is unusable: column 'id' appears twice (columns 1 and 3)";
    assertEquals(List.of(
        malformed(1, "id,a,id", problem),
        malformed(2, "1,2,3", problem)),
        read(CSV, dup));
    String noName = "the header on line 2 is unusable: column 2 has no name";
    assertEquals(List.of(
        blank(1, ""),
        malformed(2, "id,,b", noName),
        malformed(3, "1,2,3", noName)),
        read(CSV, unnamed), "blank lines before the header are blank; the header is the first other line");
  }

  @Test
  void aHeaderNamingNoneOfTheSchemasFieldsIsAFirstRecordAndIsKept() throws IOException {
    // A file written without a header under csv.header = true: its first record must not vanish as a header.
    String uri = file("headless.csv", "1,x,y\n2,p,q\n");
    String problem = "the header on line 1 is unusable: it names none of the raw schema's fields (id,a,b); "
        + "if the files have no header, set datasets.<name>.input.csv.header = false";
    assertEquals(List.of(malformed(1, "1,x,y", problem), malformed(2, "2,p,q", problem)), read(CSV, uri));
    String partly = file("partly.csv", "id,other\n1,z\n");
    assertEquals(List.of(ok(2, "1,z", Map.of("id", "1", "other", "z"))), read(CSV, partly),
        "one known name is enough: the rest are kept as extra fields");
    String upper = file("upper.csv", "ID,A\n1,z\n");
    assertEquals(List.of(ok(2, "1,z", Map.of("ID", "1", "A", "z"))), read(CSV, upper),
        "a header that differs only in case is a header (the fields' own check names them), not a first record");
  }

  @Test
  void tsvSplitsOnTabsAndQuotesStillWork() throws IOException {
    CsvOptions tsv = CsvOptions.of("k.", InputFormat.TSV, true, ",", false, "\"", "\"");
    String uri = file("events.tsv", "id\ta\tb\n1\t\"x\ty\"\tc,d\n2\t\t\"multi\nline\"\n");
    assertEquals(List.of(
        ok(2, "1\t\"x\ty\"\tc,d", f("1", "x\ty", "c,d")),
        ok(3, "2\t\t\"multi\nline\"", f("2", null, "multi\nline"))),
        read(tsv, uri));
  }

  @Test
  void aBackslashEscapeMakesQuotesAndBackslashesLiteral() throws IOException {
    CsvOptions backslash = new CsvOptions(true, ',', '"', '\\');
    String uri = file("backslash.csv", "id,a,b\n1,\"say \\\"hi\\\"\",\"ends in \\\\\"\n2,\"a\\\"\nb\",c\n");
    assertEquals(List.of(
        ok(2, "1,\"say \\\"hi\\\"\",\"ends in \\\\\"", f("1", "say \"hi\"", "ends in \\")),
        ok(3, "2,\"a\\\"\nb\",c", f("2", "a\"\nb", "c"))),
        read(backslash, uri));
  }

  @Test
  void gzipIsFoundByItsMagicBytesWhateverTheName() throws IOException {
    String gz = file("part.gz", gzip("id,a,b\n1,\"x\ny\",z\n"));
    String named = file("part.csv", gzip("id,a,b\n2,p,q\n"));
    assertEquals(List.of(
        ok(2, "2,p,q", f("2", "p", "q")),
        ok(2, "1,\"x\ny\",z", f("1", "x\ny", "z"))),
        read(CSV, gz, named), "part.csv (gzip inside) then part.gz");
  }

  @Test
  void anObjectThatCannotBeReadFailsTheReadNamingItInsteadOfPassingForADamagedOne() {
    String gone = dir.resolve("listed-then-removed.csv.gz").toUri().toString();
    HourInput listed = new HourInput(dir.toUri().toString(), true, List.of(new InputFile(gone, 100)));
    Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> CsvRecordReader.read(SPARK, listed, CSV, SCHEMA).collectAsList());
    assertTrue(String.valueOf(e.getMessage()).contains("cannot read " + gone + ": FileNotFoundException"), e.getMessage());
  }

  @Test
  void aDamagedGzipKeepsTheRecordsBeforeTheDamageAndEndsWithOneRowNamingIt() throws IOException {
    String truncated = file("truncated.gz", cutGzip("id,a,b\n1,x,y\n2,\"open\nstill"));
    String notGzip = file("not-gzip.gz", "id,a,b\n1,x,y\n");
    List<String> rows = read(CSV, notGzip, truncated);
    assertEquals(List.of(
        "0 | null | ZipException: named .gz but is not gzip (after 0 lines) | null | null",
        ok(2, "1,x,y", f("1", "x", "y")),
        malformed(3, "2,\"open\nstill", "the record is cut short where the damage ends the object "
            + "(EOFException: Unexpected end of ZLIB input stream)"),
        "4 | null | EOFException: Unexpected end of ZLIB input stream (after 4 lines) | null | null"),
        rows);
  }

  @Test
  void aRecordCutByTheDamageIsNeverTakenForARecordEvenWhenItParses() throws IOException {
    // The damage falls inside the last field: "3,x,2407" reads as "3,x,2", three fields, a valid-looking record.
    String cut = file("cut.csv.gz", cutGzip("id,a,b\n1,x,y\n3,x,2"));
    assertEquals(List.of(
        ok(2, "1,x,y", f("1", "x", "y")),
        malformed(3, "3,x,2", "the record is cut short where the damage ends the object "
            + "(EOFException: Unexpected end of ZLIB input stream)"),
        "3 | null | EOFException: Unexpected end of ZLIB input stream (after 3 lines) | null | null"),
        read(CSV, cut));
    // A whole object whose last record has no line end is not damaged: that record is a record.
    String whole = file("whole.csv", "id,a,b\n1,x,y\n3,x,2407");
    assertEquals(List.of(ok(2, "1,x,y", f("1", "x", "y")), ok(3, "3,x,2407", f("3", "x", "2407"))), read(CSV, whole));
  }

  @Test
  void emptyAndHeaderOnlyObjectsHaveNoRecords() throws IOException {
    assertEquals(List.of(), read(CSV, file("empty.csv", ""), file("header.csv", "id,a,b\n"), file("empty.gz", gzip(""))));
  }

  @Test
  void invalidUtf8AndOversizedRecordsComeWithTheirReasonAndRawText() throws IOException {
    byte[] latin1 = "id,a,b\n1,caf\u00e9,x\n2,\"".getBytes(StandardCharsets.ISO_8859_1);
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    content.write(latin1);
    content.write("long\nlong long long\",x\n3,\u00e9t\u00e9,x\n".getBytes(StandardCharsets.UTF_8));
    String uri = file("limits.csv", content.toByteArray());
    List<String> rows = new ArrayList<>();
    new CsvRecordIterator(new Configuration(), uri, CSV, SCHEMA, 16, 8).forEachRemaining(r -> rows.add(describe(r)));
    assertEquals(List.of(
        "2 | 1,caf\uFFFD,x | invalid_utf8: not UTF-8 at byte 6 of the record (0xE9); raw has U+FFFD in its place | null | null",
        "3 | 2,\"long\n | oversized: record of 25 bytes is over the limit of 16 bytes; raw holds its first 8 bytes | null | null",
        ok(5, "3,\u00e9t\u00e9,x", f("3", "\u00e9t\u00e9", "x"))),
        rows, "the record after an oversized one starts on the right line");
  }

  @Test
  void rowsHaveTheParsedRecordsSchema() throws IOException {
    assertEquals(ParsedRecords.SCHEMA, CsvRecordReader.read(SPARK, input(file("s.csv", "id,a,b\n")), CSV, SCHEMA).schema());
  }
}
