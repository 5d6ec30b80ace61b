package io.hourglass.common.io;

import static io.hourglass.common.testing.DataFrameAssert.assertSmallDatasetEquality;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
