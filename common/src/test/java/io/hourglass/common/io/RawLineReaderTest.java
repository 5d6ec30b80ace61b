package io.hourglass.common.io;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hourglass.common.schema.RawRecords;
import io.hourglass.common.testing.SparkTestSession;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import io.hourglass.common.transform.Status;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawLineReaderTest {
  private static final SparkSession SPARK = SparkTestSession.get();

  @TempDir
  Path dir;

  private static byte[] gzip(String text) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
      gz.write(text.getBytes(StandardCharsets.UTF_8));
    }
    return bytes.toByteArray();
  }

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

  private static Row ok(String file, long line, int rec, String value) {
    return RowFactory.create(file, line, rec, value, null);
  }

  /** The rows of one file, in line then record order. */
  private static List<Row> rowsOf(List<Row> all, String file) {
    return all.stream().filter(r -> r.getString(0).equals(file))
        .sorted(Comparator.<Row>comparingLong(r -> r.getLong(1)).thenComparingInt(r -> r.getInt(2))).toList();
  }

  @Test
  void findsTheFirstNewlineEightBytesAtATimeAsByteByByte() {
    // Bytes next to '\n' in value (0x09, 0x0B, 0x8A, 0xFF, 0x00) around it, at every offset and range end.
    java.util.Random random = new java.util.Random(7);
    byte[] alphabet = {'\n', 0x09, 0x0B, (byte) 0x8A, (byte) 0xFF, 0x00, 'a', (byte) 0x80, 0x01};
    int checked = 0;
    for (int round = 0; round < 200; round++) {
      byte[] bytes = new byte[random.nextInt(40)];
      double newlines = random.nextDouble() * 0.3;
      for (int i = 0; i < bytes.length; i++) {
        bytes[i] = random.nextDouble() < newlines ? (byte) '\n' : alphabet[1 + random.nextInt(alphabet.length - 1)];
      }
      for (int from = 0; from <= bytes.length; from++) {
        for (int to = from; to <= bytes.length; to++) {
          int expected = -1;
          for (int i = from; i < to && expected < 0; i++) {
            expected = bytes[i] == '\n' ? i : -1;
          }
          assertEquals(expected, RawLineReader.indexOfNewline(bytes, from, to),
              () -> "in " + Arrays.toString(bytes));
          checked += expected >= 0 ? 1 : 0;
        }
      }
    }
    assertTrue(checked > 1000, "newlines found: " + checked);
  }

  @Test
  void readsPlainAndGzipLinesWithPositions() throws IOException {
    String plain = file("plain.json", "{\"a\":1}\r\n\r\n{\"b\":2}{\"c\":3}\r\n}{\r\nlast");
    String bom = file("bom.json", "\uFEFF{\"a\":1}\n\uFEFFx\n");
    String gz = file("lines.gz", gzip("{\"g\":1}\n {\"g\":2} {\"g\":3}\n\n"));
    String gzNamedLog = file("lines.log", gzip("{\"h\":1}\n"));
    String emptyPlain = file("empty.json", new byte[0]);
    String emptyGz = file("empty.gz", new byte[0]);
    Dataset<Row> expected = SPARK.createDataFrame(List.of(
        ok(plain, 1, 0, "{\"a\":1}"),
        ok(plain, 2, 0, ""),
        ok(plain, 3, 0, "{\"b\":2}"),
        ok(plain, 3, 1, "{\"c\":3}"),
        ok(plain, 4, 0, "}{"),
        ok(plain, 5, 0, "last"),
        ok(bom, 1, 0, "{\"a\":1}"),
        ok(bom, 2, 0, "\uFEFFx"),
        ok(gz, 1, 0, "{\"g\":1}"),
        ok(gz, 2, 0, "{\"g\":2}"),
        ok(gz, 2, 1, "{\"g\":3}"),
        ok(gz, 3, 0, ""),
        ok(gzNamedLog, 1, 0, "{\"h\":1}")), RawRecords.SCHEMA);
    Dataset<Row> got = RawLineReader.read(SPARK, input(plain, bom, gz, gzNamedLog, emptyPlain, emptyGz));
    assertSmallDatasetEquality(expected, got);
  }

  @Test
  void aFileNamedGzThatIsNotGzipIsOneReadErrorRow() throws IOException {
    String fake = file("fake.gz", "{\"a\":1}\n{\"b\":2}\n");
    String good = file("good.gz", gzip("{\"a\":1}\n"));
    List<Row> rows = RawLineReader.read(SPARK, input(fake, good)).collectAsList();
    List<Row> fakeRows = rowsOf(rows, fake);
    assertEquals(1, fakeRows.size(), rows.toString());
    Row error = fakeRows.get(0);
    assertEquals(0L, error.getLong(1));
    assertEquals(0, error.getInt(2));
    assertNull(error.get(3));
    assertTrue(error.getString(4).contains("not gzip"), error.getString(4));
    assertEquals(List.of(ok(good, 1, 0, "{\"a\":1}")), rowsOf(rows, good), "one bad file does not stop another");
  }

  @Test
  void anObjectThatCannotBeReadFailsItsTaskNamingItInsteadOfPassingForADamagedOne() throws IOException {
    String gone = dir.resolve("listed-then-removed.gz").toUri().toString();
    java.io.UncheckedIOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.UncheckedIOException.class,
        () -> readWithLimits(gone, 1024, 64));
    assertTrue(e.getMessage().startsWith("cannot read " + gone + ": FileNotFoundException"), e.getMessage());
    String good = file("good.gz", gzip("{\"a\":1}\n"));
    Exception job = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
        () -> RawLineReader.read(SPARK, new HourInput("x", true, List.of(new InputFile(good, 10), new InputFile(gone, 10))))
            .collectAsList());
    assertTrue(String.valueOf(job.getMessage()).contains("cannot read " + gone), job.getMessage());
  }

  /** What java.util.zip decodes from {@code gz} before it fails, byte by byte. */
  private static String decodablePrefix(byte[] gz) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      int b;
      while ((b = in.read()) != -1) {
        out.write(b);
      }
    } catch (IOException expected) {
      // the damage: stop here
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void aTruncatedGzipEndsWithOneRowNamingTheError() throws IOException {
    StringBuilder text = new StringBuilder();
    List<String> lines = new ArrayList<>();
    for (int i = 1; i <= 400; i++) {
      String line = "{\"event_id\":\"e" + i + "\",\"n\":" + (i * 7919 % 1000) + "}";
      lines.add(line);
      text.append(line).append('\n');
    }
    byte[] whole = gzip(text.toString());
    byte[] cut = Arrays.copyOf(whole, whole.length * 2 / 3);
    Exception damage = decodeExpectingFailure(cut);

    String truncated = file("truncated.gz", cut);
    List<Row> rows = rowsOf(RawLineReader.read(SPARK, input(truncated)).collectAsList(), truncated);

    Row error = rows.get(rows.size() - 1);
    String readError = error.getString(4);
    assertNotNull(readError, "the last row reports the damage: " + rows);
    assertTrue(readError.startsWith(damage.getClass().getSimpleName() + ": " + damage.getMessage()), readError);
    assertNull(error.get(3));
    List<Row> good = rows.subList(0, rows.size() - 1);
    assertTrue(readError.endsWith("(after " + good.size() + " lines)"), readError);
    assertTrue(good.size() < lines.size(), "a cut file cannot yield all its lines");
    // Every line the JDK can decode from the cut bytes comes back (the cut last one as it is): nothing lost.
    List<String> decodable = decodablePrefix(cut).lines().toList();
    assertEquals(decodable.size(), good.size(), "rows before the damage");
    for (int i = 0; i < good.size(); i++) {
      assertEquals(ok(truncated, i + 1, 0, decodable.get(i)), good.get(i), "rows before the damage are the file's first lines");
    }
  }

  @Test
  void aGzipDamagedInTheMiddleEndsWithOneRowNamingTheError() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 300; i++) {
      text.append("{\"i\":").append(i).append("}\n");
    }
    byte[] damaged = gzip(text.toString());
    for (int i = damaged.length / 2; i < damaged.length / 2 + 16; i++) {
      damaged[i] = (byte) ~damaged[i];
    }
    Exception damage = decodeExpectingFailure(damaged);

    String bad = file("damaged.gz", damaged);
    List<Row> rows = rowsOf(RawLineReader.read(SPARK, input(bad)).collectAsList(), bad);
    long errors = rows.stream().filter(r -> !r.isNullAt(4)).count();
    assertEquals(1, errors, rows.toString());
    assertTrue(rows.get(rows.size() - 1).getString(4).startsWith(damage.getClass().getSimpleName()), rows.toString());
  }

  /** The rows of one object read with other limits than production's (the record limit and the prefix kept). */
  private static List<Row> readWithLimits(String uri, int maxRecordBytes, int prefixBytes) {
    List<Row> rows = new ArrayList<>();
    new RawLineReader.RecordIterator(new Configuration(), uri, maxRecordBytes, prefixBytes).forEachRemaining(rows::add);
    return rows;
  }

  private static Row row(String file, long line, int rec, String value, String readError) {
    return RowFactory.create(file, line, rec, value, readError);
  }

  private static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object p : parts) {
      byte[] b = p instanceof byte[] raw ? raw : ((String) p).getBytes(StandardCharsets.UTF_8);
      out.write(b, 0, b.length);
    }
    return out.toByteArray();
  }

  @Test
  void invalidUtf8IsNamedPerRecordAndValidTextIsNot() throws IOException {
    String f = file("utf8.json", bytes(
        "{\"a\":\"caf", new byte[] {(byte) 0xE9}, "\"}\n",
        "{\"b\":\"caf\u00e9 \ud83d\ude00\"}\n",
        "{\"c\":\"sent as \uFFFD\"}\n",
        "{\"d\":1}{\"e\":\"", new byte[] {(byte) 0xFF}, "\"}\n"));
    List<Row> rows = readWithLimits(f, 1024, 64);
    String why = Status.INVALID_UTF8 + ": not UTF-8 at byte ";
    assertEquals(List.of(
        row(f, 1, 0, "{\"a\":\"caf\uFFFD\"}", why + "10 of the line (0xE9); raw has U+FFFD in its place"),
        row(f, 2, 0, "{\"b\":\"caf\u00e9 \ud83d\ude00\"}", null),
        row(f, 3, 0, "{\"c\":\"sent as \uFFFD\"}", null),
        row(f, 4, 0, "{\"d\":1}", null),
        row(f, 4, 1, "{\"e\":\"\uFFFD\"}", why + "14 of the line (0xFF); raw has U+FFFD in its place")), rows);
  }

  @Test
  void crBeforeLfIsDroppedAndALoneCrIsKept() throws IOException {
    String f = file("cr.json", "{\"a\":1}\r\n{\"b\":2}\r{\"c\":3}\r\nx\ry\r\n\r\nlast\r");
    assertEquals(List.of(
        ok(f, 1, 0, "{\"a\":1}"),
        ok(f, 2, 0, "{\"b\":2}"),
        ok(f, 2, 1, "{\"c\":3}"),
        ok(f, 3, 0, "x\ry"),
        ok(f, 4, 0, ""),
        ok(f, 5, 0, "last")), readWithLimits(f, 1024, 64));
  }

  @Test
  void aRecordOverTheLimitIsOversizedWithItsLengthAndAPrefix() throws IOException {
    String big = "{\"big\":\"" + "x".repeat(200) + "\"}";
    String f = file("big.gz", gzip("{\"a\":1}\n" + big + "\r\n{\"b\":2}\n"));
    String why = Status.OVERSIZED + ": record of " + big.length() + " bytes is over the limit of 100 bytes; raw holds its first 16 bytes";
    assertEquals(List.of(
        ok(f, 1, 0, "{\"a\":1}"),
        row(f, 2, 0, big.substring(0, 16), why),
        ok(f, 3, 0, "{\"b\":2}")), readWithLimits(f, 100, 16));
    // A record of exactly the limit is whole.
    String exact = "{\"k\":\"" + "y".repeat(100 - 8) + "\"}";
    assertEquals(100, exact.length());
    String g = file("exact.json", exact + "\n");
    assertEquals(List.of(ok(g, 1, 0, exact)), readWithLimits(g, 100, 16));
  }

  @Test
  void theOversizedPrefixDoesNotCutACharacterInTwo() throws IOException {
    String big = "{\"k\":\"" + "\u00e9".repeat(100) + "\"}"; // two bytes per character
    String f = file("wide.json", big + "\n");
    Row r = readWithLimits(f, 64, 9).get(0);
    assertEquals("{\"k\":\"\u00e9", r.getString(3), "8 bytes kept of 9: the 9th is the second half of an \u00e9");
    assertTrue(r.getString(4).startsWith(Status.OVERSIZED + ": record of " + (big.length() + 100) + " bytes"), r.getString(4));
  }

  @Test
  void aLongLineOfBackToBackRecordsIsSplitAsItStreams() throws IOException {
    StringBuilder line = new StringBuilder();
    List<String> records = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      String r = i == 20 ? "{\"big\":\"" + "z".repeat(300) + "\"}" : "{\"i\":" + i + ",\"s\":\"}{\\\"\"}";
      records.add(r);
      line.append(r).append(i % 3 == 0 ? " " : "");
    }
    String f = file("noline.gz", gzip("\uFEFF" + line + "\r\n{\"after\":1}"));
    List<Row> rows = readWithLimits(f, 100, 8);
    assertEquals(41, rows.size(), rows.toString());
    for (int i = 0; i < 40; i++) {
      Row expected = i == 20
          ? row(f, 1, i, records.get(i).substring(0, 8), Status.OVERSIZED + ": record of " + records.get(i).length()
              + " bytes is over the limit of 100 bytes; raw holds its first 8 bytes")
          : ok(f, 1, i, records.get(i));
      assertEquals(expected, rows.get(i), "record " + i);
    }
    assertEquals(ok(f, 2, 0, "{\"after\":1}"), rows.get(40));
  }

  @Test
  void aLongLineThatStopsBeingACleanConcatenationEndsInOneRecord() throws IOException {
    String head = "{\"a\":1}{\"b\":2}";
    String rest = "garbage " + "g".repeat(150) + " {\"c\":3}";
    String cut = "{\"a\":1}{\"b\":2}{\"c\":\"" + "h".repeat(150);
    String f = file("mixed.json", head + rest + "\n" + cut + "\n");
    List<Row> rows = readWithLimits(f, 100, 8);
    String tooLong = " bytes is over the limit of 100 bytes; raw holds its first 8 bytes";
    assertEquals(List.of(
        ok(f, 1, 0, "{\"a\":1}"),
        ok(f, 1, 1, "{\"b\":2}"),
        row(f, 1, 2, rest.substring(0, 8), Status.OVERSIZED + ": record of " + rest.length() + tooLong),
        ok(f, 2, 0, "{\"a\":1}"),
        ok(f, 2, 1, "{\"b\":2}"),
        row(f, 2, 2, "{\"c\":\"hh", Status.OVERSIZED + ": record of " + (cut.length() - 14) + tooLong)), rows);
  }

  @Test
  void aLongLineOfWhitespaceIsOneOversizedRecordNotSilence() throws IOException {
    String f = file("spaces.json", " ".repeat(500) + "\n{\"a\":1}\n");
    assertEquals(List.of(
        row(f, 1, 0, "", Status.OVERSIZED + ": record of 500 bytes is over the limit of 100 bytes; raw holds its first 8 bytes"),
        ok(f, 2, 0, "{\"a\":1}")), readWithLimits(f, 100, 8));
  }

  @Test
  void aTwentyMegabyteLineIsReadInBoundedMemoryAtTheRealLimit() throws IOException {
    // The production limit, end to end through Spark: one record of 20,000,000 bytes between two small ones.
    String head = "{\"big\":\"";
    StringBuilder text = new StringBuilder("{\"a\":1}\n").append(head);
    text.append("x".repeat(20_000_000 - head.length() - 2)).append("\"}\n{\"b\":2}\n");
    String f = file("twenty.gz", gzip(text.toString()));
    List<Row> rows = rowsOf(RawLineReader.read(SPARK, input(f)).collectAsList(), f);
    assertEquals(3, rows.size());
    assertEquals(ok(f, 1, 0, "{\"a\":1}"), rows.get(0));
    assertEquals(RawLineReader.OVERSIZED_PREFIX_BYTES, rows.get(1).getString(3).length());
    assertTrue(rows.get(1).getString(3).startsWith(head + "xxx"));
    assertEquals(Status.OVERSIZED + ": record of 20000000 bytes is over the limit of " + RawLineReader.MAX_RECORD_BYTES
        + " bytes; raw holds its first " + RawLineReader.OVERSIZED_PREFIX_BYTES + " bytes", rows.get(1).getString(4));
    assertEquals(ok(f, 3, 0, "{\"b\":2}"), rows.get(2));
    assertFalse(rows.get(0).getString(3).contains("\uFFFD"));
  }

  @Test
  void nothingIsReadForAnEmptyHour() {
    assertEquals(0, RawLineReader.read(SPARK, new HourInput(dir.toUri().toString(), false, List.of())).collectAsList().size());
  }

  /** Decodes with the JDK alone; the exception it ends with is the one the reader must name. */
  private static Exception decodeExpectingFailure(byte[] gz) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
      while (in.read() >= 0) {
        // drain
      }
    } catch (IOException e) {
      return e;
    }
    throw new AssertionError("the damaged test file decoded without error");
  }
}
