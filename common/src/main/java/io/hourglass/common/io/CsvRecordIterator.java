package io.hourglass.common.io;

import com.univocity.parsers.common.TextParsingException;
import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import com.univocity.parsers.csv.UnescapedQuoteHandling;
import io.hourglass.common.config.CsvOptions;
import io.hourglass.common.transform.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import scala.collection.JavaConverters;

/**
 * The rows of one CSV/TSV object, in {@link io.hourglass.common.schema.ParsedRecords#SCHEMA}: records cut by
 * {@link CsvRecordCutter}, fields split by univocity (the parser Spark's own CSV source uses), mapped to
 * column names. A record that is not faithfully text (not UTF-8, over the size limit) or cannot be split
 * into the expected fields comes with {@code read_error} set AND its raw text, the message starting with
 * the quarantine reason ({@code invalid_utf8}, {@code oversized}, {@code malformed_csv}); a damaged object
 * ends with one row naming the error, after every record decoded before the damage.
 */
final class CsvRecordIterator implements Iterator<Row> {
  /** Same whitespace rule as the ingest's blank-line check ({@code rlike("^\\s*$")}), so both agree on what is blank. */
  private static final Pattern BLANK = Pattern.compile("^\\s*$");
  /**
   * Wider than any real export; a record with more fields is malformed, not a crash. Not higher: univocity
   * allocates this many slots each time it starts parsing (once a record), and 20,000 made it 7x slower.
   */
  static final int MAX_COLUMNS = 1024;
  private static final int MAX_ERROR_CHARS = 300;
  /** {@code _nested} of a parsed record: CSV has no nested values. */
  private static final scala.collection.Seq<String> NO_NESTED =
      JavaConverters.asScalaBufferConverter(List.<String>of()).asScala().toList();

  private final String path;
  private final CsvOptions options;
  private final int maxRecordBytes;
  private final int prefixBytes;
  /** The raw schema's fields, in order: the columns without a header, what a header must name at least one of. */
  private final List<String> schemaColumns;
  private final ArrayDeque<Row> pending = new ArrayDeque<>();
  private final Utf8Check utf8 = new Utf8Check();
  private RawLineReader.StopOnError guard;
  private InputStream in;
  private CsvRecordCutter cutter;
  private CsvParser parser;
  /** The column names: the schema's, or the header's once read; null while the header is still to come. */
  private List<String> columns;
  /** Why the header cannot be used, or null. */
  private String headerProblem;
  private boolean done;

  /**
   * @param schemaColumns the columns when the options say there is no header (the raw schema's fields, in order)
   */
  CsvRecordIterator(Configuration conf, String path, CsvOptions options, List<String> schemaColumns, int maxRecordBytes,
      int prefixBytes) {
    this.path = path;
    this.options = options;
    this.maxRecordBytes = maxRecordBytes;
    this.prefixBytes = prefixBytes;
    this.schemaColumns = schemaColumns;
    this.columns = options.header() ? null : schemaColumns;
    try {
      guard = new RawLineReader.StopOnError(RawLineReader.RecordIterator.open(conf, path));
      in = withoutByteOrderMark(guard);
      cutter = new CsvRecordCutter(in, options, maxRecordBytes);
    } catch (IOException | RuntimeException e) {
      fail(e);
    }
  }

  @Override
  public boolean hasNext() {
    while (pending.isEmpty() && !done) {
      try {
        CsvRecordCutter.Cut cut = cutter.next();
        if (cut == null) {
          end();
        } else {
          accept(cut);
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }
    return !pending.isEmpty();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return pending.poll();
  }

  /** Turns one cut record into a row, or into the column names when it is the header. */
  private void accept(CsvRecordCutter.Cut cut) {
    long line = cut.line();
    boolean header = columns == null && headerProblem == null;
    if (cut.atEnd() && guard != null && guard.error != null) {
      // The stream stopped at damage in the middle of this record: what was read of it may parse (a last field
      // cut from "2407" to "2"), so it is never taken as a record. Kept whole in quarantine, with the reason.
      rejectHeaderOr(header, line, Status.MALFORMED_CSV, "the record is cut short where the damage ends the object ("
          + RawLineReader.describe(guard.error) + ")",
          new String(cut.bytes(), 0, cut.oversized() ? Math.min(cut.kept(), prefixBytes) : cut.kept(), StandardCharsets.UTF_8));
      return;
    }
    if (cut.oversized()) {
      int n = Math.min(cut.kept(), prefixBytes);
      while (n > 0 && n < cut.kept() && (cut.bytes()[n] & 0xC0) == 0x80) {
        n--; // do not cut a multi-byte character in two
      }
      String error = "record of " + cut.total() + " bytes is over the limit of " + maxRecordBytes
          + " bytes; raw holds its first " + prefixBytes + " bytes";
      rejectHeaderOr(header, line, Status.OVERSIZED, error, new String(cut.bytes(), 0, n, StandardCharsets.UTF_8));
      return;
    }
    String text = new String(cut.bytes(), 0, cut.kept(), StandardCharsets.UTF_8);
    String invalid = text.indexOf('\uFFFD') >= 0 ? utf8.firstError(cut.bytes(), 0, cut.kept(), "record") : null;
    if (invalid != null) {
      rejectHeaderOr(header, line, Status.INVALID_UTF8, "not UTF-8 " + invalid + "; raw has U+FFFD in its place", text);
      return;
    }
    if (BLANK.matcher(text).matches()) {
      pending.add(row(line, text, null, null, null)); // counted as blank, like a blank JSON line; not a header
      return;
    }
    if (cut.unclosedQuoteLine() > 0) {
      rejectHeaderOr(header, line, Status.MALFORMED_CSV, "the quote that opens field " + cut.unclosedQuoteField() + " on line "
          + cut.unclosedQuoteLine() + " is never closed: the record runs to the end of the file", text);
      return;
    }
    String[] fields;
    try {
      fields = split(text);
    } catch (MalformedRecord e) {
      rejectHeaderOr(header, line, Status.MALFORMED_CSV, e.getMessage(), text);
      return;
    }
    if (header) {
      headerProblem = headerProblem(fields);
      if (headerProblem == null) {
        columns = List.of(fields);
      } else {
        headerProblem = "the header on line " + line + " is unusable: " + headerProblem;
        pending.add(malformed(line, text, headerProblem));
      }
      return;
    }
    if (headerProblem != null) {
      pending.add(malformed(line, text, headerProblem));
    } else if (fields.length != columns.size()) {
      pending.add(malformed(line, text, fields.length + (fields.length == 1 ? " field" : " fields") + " where "
          + (options.header() ? "the header has " : "the raw schema has ") + columns.size()));
    } else {
      Map<String, String> values = new LinkedHashMap<>();
      for (int i = 0; i < fields.length; i++) {
        if (fields[i] != null) {
          values.put(columns.get(i), fields[i]); // an empty cell is absent: null when read, nothing in extra
        }
      }
      pending.add(row(line, text, null, values, null));
    }
  }

  /**
   * A record that cannot be read as text or split. When it was to be the header, the header is unusable:
   * the record is still quarantined (a file's data is never lost without a row saying so), and so is every
   * record after it, naming the header's problem.
   */
  private void rejectHeaderOr(boolean header, long line, String reason, String message, String raw) {
    if (header) {
      headerProblem = "the header on line " + line + " is unusable: " + reason + ": " + message;
    }
    if (reason.equals(Status.MALFORMED_CSV)) {
      pending.add(malformed(line, raw, message));
    } else {
      pending.add(row(line, raw, reason + ": " + message, null, null));
    }
  }

  /**
   * Why a header cannot name the columns, or null. A header that names none of the raw schema's fields is
   * most likely a first data record in a file written without one (csv.header should be false): taking it
   * as the header would drop that record without a row and leave every field of the rest unread, so it is
   * refused like a duplicate column.
   */
  private String headerProblem(String[] names) {
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < names.length; i++) {
      if (names[i] == null || names[i].isEmpty()) {
        return "column " + (i + 1) + " has no name";
      }
      Integer before = seen.put(names[i], i + 1);
      if (before != null) {
        return "column '" + names[i] + "' appears twice (columns " + before + " and " + (i + 1) + ")";
      }
    }
    // Compared without case: a header that differs from the schema only in case is a header, and is told so
    // field by field (missing_field names the fields found) rather than called a data record.
    if (!schemaColumns.isEmpty() && Collections.disjoint(lowerCase(seen.keySet()), lowerCase(schemaColumns))) {
      String expected = String.join(",", schemaColumns.subList(0, Math.min(4, schemaColumns.size())))
          + (schemaColumns.size() > 4 ? ",..." : "");
      return "it names none of the raw schema's fields (" + expected + "); if the files have no header, set "
          + "datasets.<name>.input.csv.header = false";
    }
    return null;
  }

  private static Set<String> lowerCase(Collection<String> names) {
    Set<String> out = new HashSet<>();
    for (String n : names) {
      out.add(n.toLowerCase(Locale.ROOT));
    }
    return out;
  }

  /** Splits one record into its fields: null for an empty unquoted field, "" for {@code ""}. */
  private String[] split(String record) throws MalformedRecord {
    if (parser == null) {
      parser = new CsvParser(settings(options));
    }
    try {
      parser.beginParsing(new StringReader(record));
      String[] fields = parser.parseNext();
      if (parser.parseNext() != null) {
        // Cannot happen while the cutter and univocity agree on quoting; refusing beats losing the rest.
        throw new MalformedRecord("univocity read more than one record in it");
      }
      return fields == null ? new String[] {null} : fields;
    } catch (TextParsingException e) {
      String m = String.valueOf(e.getMessage());
      if (e.getCause() instanceof ArrayIndexOutOfBoundsException) {
        throw new MalformedRecord("more than " + MAX_COLUMNS + " fields");
      }
      throw new MalformedRecord(m.contains("Unescaped quote character")
          ? "a quote inside a quoted field is not escaped (write it as " + options.escape() + options.quote()
              + "), or text follows a closing quote"
          : clean(m));
    } finally {
      parser.stopParsing();
    }
  }

  /** univocity as RFC 4180 wants it: values exactly as sent (no trimming, no comments, no line-end rewriting). */
  static CsvParserSettings settings(CsvOptions options) {
    CsvParserSettings s = new CsvParserSettings();
    s.getFormat().setDelimiter(options.delimiter());
    s.getFormat().setQuote(options.quote());
    s.getFormat().setQuoteEscape(options.escape());
    s.getFormat().setCharToEscapeQuoteEscaping(options.escape() == options.quote() ? '\0' : options.escape());
    s.getFormat().setLineSeparator("\n");
    s.getFormat().setNormalizedNewline('\n');
    s.getFormat().setComment('\0');
    s.setCommentProcessingEnabled(false);
    s.setNormalizeLineEndingsWithinQuotes(false);
    s.setLineSeparatorDetectionEnabled(false);
    s.setDelimiterDetectionEnabled(false);
    s.setQuoteDetectionEnabled(false);
    s.setHeaderExtractionEnabled(false);
    s.setSkipEmptyLines(false);
    s.setIgnoreLeadingWhitespaces(false);
    s.setIgnoreTrailingWhitespaces(false);
    s.setIgnoreLeadingWhitespacesInQuotes(false);
    s.setIgnoreTrailingWhitespacesInQuotes(false);
    s.setKeepQuotes(false);
    s.setKeepEscapeSequences(false);
    s.setEmptyValue("");
    s.setNullValue(null);
    s.setMaxCharsPerColumn(-1);
    s.setMaxColumns(MAX_COLUMNS);
    s.setUnescapedQuoteHandling(UnescapedQuoteHandling.RAISE_ERROR);
    s.setErrorContentLength(0);
    // Parsing starts once per record: univocity's defaults (a reader thread per start on a multi-core
    // machine, a 1M-char buffer) cost ~130 us a record; without them, ~2 us (measured on 100,000 records).
    s.setReadInputOnSeparateThread(false);
    s.setInputBufferSize(1024);
    return s;
  }

  private Row malformed(long line, String raw, String message) {
    return row(line, raw, Status.MALFORMED_CSV + ": " + message, null, message);
  }

  private Row row(long line, String value, String readError, Map<String, String> fields, String parseError) {
    // createDataFrame's encoder takes map and array columns only as Scala collections.
    Object map = fields == null ? null : JavaConverters.mapAsScalaMapConverter(fields).asScala();
    return RowFactory.create(path, line, 0, value, readError, map, fields == null ? null : NO_NESTED, parseError);
  }

  private static InputStream withoutByteOrderMark(InputStream in) throws IOException {
    PushbackInputStream p = new PushbackInputStream(in, 3);
    byte[] head = new byte[3];
    int n = 0;
    while (n < 3) {
      int r = p.read(head, n, 3 - n);
      if (r < 0) {
        break;
      }
      n += r;
    }
    if (!(n == 3 && head[0] == (byte) 0xEF && head[1] == (byte) 0xBB && head[2] == (byte) 0xBF)) {
      p.unread(head, 0, n);
    }
    return p;
  }

  /** The object is read to its end, or to the damage the guard kept. */
  private void end() {
    if (guard != null && guard.error != null) {
      fail(guard.error);
    } else {
      close();
    }
  }

  /** A damaged object becomes one {@code corrupt_file} record; storage that cannot be read fails the task. */
  private void fail(Exception e) {
    long lines = cutter == null ? 0 : cutter.linesRead();
    close();
    String what = RawLineReader.describe(e) + " (after " + lines + " lines)";
    if (!RawLineReader.damaged(e)) {
      throw RawLineReader.unreadable(path, what, e);
    }
    pending.add(RowFactory.create(path, lines, 0, null, what, null, null, null));
  }

  private void close() {
    done = true;
    if (in != null) {
      try {
        in.close();
      } catch (IOException ignored) {
        // the data is read; a failure to close loses nothing
      }
    }
  }

  private static String clean(String message) {
    String m = message.lines().findFirst().orElse("").replaceAll("^[\\w.]+Exception - ", "").trim();
    return m.length() <= MAX_ERROR_CHARS ? m : m.substring(0, MAX_ERROR_CHARS) + "...";
  }

  /** A record univocity refuses to split; the message is the quarantine detail. */
  private static final class MalformedRecord extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedRecord(String message) {
      super(message, null, false, false);
    }
  }
}
