package io.hourglass.common.io;

import io.hourglass.common.schema.RawRecords;
import io.hourglass.common.transform.Status;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Reads raw line-oriented objects (JSON lines; gzipped or not, decided by the gzip magic bytes, not
 * the name) into {@link RawRecords#SCHEMA} rows: one task per object, largest first, lines streamed.
 *
 * <p>Reading is ours rather than {@code spark.read().text()} so that a damaged object becomes a
 * counted row naming the file (instead of a task failure deep in a stack trace, or a silent skip
 * with {@code ignoreCorruptFiles}), each row knows its line number, and records Firehose concatenated
 * without a newline are split instead of lost.
 *
 * <p>Lines end at LF; a CR right before it (CRLF) is dropped, a CR anywhere else is kept (JSON reads it
 * as whitespace). A UTF-8 byte order mark at the start of an object is dropped. Two kinds of record
 * are read but not faithfully, and come with {@code read_error} set AND a value, the message starting
 * with the quarantine reason:
 * <ul>
 *   <li>{@code invalid_utf8}: bytes that are not UTF-8 (a Latin-1 producer, binary garbage). The value
 *       has them replaced by U+FFFD; the record is not passed on as if its text were what was sent.</li>
 *   <li>{@code oversized}: a record over {@link #MAX_RECORD_BYTES}. The value holds its first
 *       {@link #OVERSIZED_PREFIX_BYTES} bytes; the message gives its true length.</li>
 * </ul>
 * A whole-object problem (truncated gzip, a {@code .gz} that is not gzip) is one row with
 * {@code read_error} set and no value, after every line decoded before the damage.
 */
public final class RawLineReader {
  private static final int BUFFER = 256 * 1024;
  /**
   * Longest record passed on whole, in bytes (16 MiB). Far above any event (Firehose itself caps a
   * record at 1,000 KiB) and low enough that a runaway line (a binary blob, a producer that never ends
   * a record) cannot exhaust an executor: the reader holds at most about twice this per task. A longer
   * record is quarantined as {@code oversized}; a longer LINE of back-to-back records is split as it
   * streams by, so only a single record over the limit is refused.
   */
  public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
  /** How much of an oversized record is kept as its raw text in quarantine (64 KiB): enough to see what it is. */
  public static final int OVERSIZED_PREFIX_BYTES = 64 * 1024;
  private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
  private static final long ONES = 0x0101010101010101L;
  private static final long HIGHS = 0x8080808080808080L;

  private RawLineReader() {}

  /** A lazy Dataset over the given objects; nothing is read until an action runs. */
  public static Dataset<Row> read(SparkSession spark, HourInput input) {
    List<String> paths = input.files().stream().map(InputFile::path).toList();
    SerializableHadoopConf conf = new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration());
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(paths, Math.max(1, paths.size()))
        .flatMap(path -> new RecordIterator(conf.get(), path));
    return spark.createDataFrame(rows, RawRecords.SCHEMA);
  }

  /**
   * Whether a read error says the object's bytes are damaged: a truncated gzip (its stream ends early), a corrupt
   * one, a {@code .gz} that is not gzip. Such an object becomes a {@code corrupt_file} record (the dataset's
   * {@code on-corrupt-file} policy decides the rest). Any other error is storage that could not be read (the object
   * removed since the listing, access refused, a network failure past S3A's retries): no record at all, the task
   * fails, Spark retries it, and the run fails if it keeps failing, so that nothing is cut short in silence.
   */
  static boolean damaged(Throwable e) {
    return e instanceof java.util.zip.ZipException || e instanceof java.io.EOFException;
  }

  static String describe(Throwable e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
  }

  /** The error that ends a task reading {@code path} when its storage, not its bytes, failed. */
  static RuntimeException unreadable(String path, String what, Exception e) {
    if (e instanceof RuntimeException r && !(e instanceof java.io.UncheckedIOException)) {
      return r; // not a read error at all: a fault of ours, not to be passed off as the object's
    }
    return new java.io.UncheckedIOException("cannot read " + path + ": " + what,
        e instanceof IOException io ? io : new IOException(e));
  }

  /**
   * Ends the stream at the first read error instead of throwing it, keeping the error. Without this the
   * bytes decoded but not yet returned as lines would be lost with the exception: a truncated gzip must
   * give back every line decoded before the damage (the cut last line becomes a malformed record), then
   * the error.
   */
  static final class StopOnError extends java.io.FilterInputStream {
    /** The error that ended the stream, or null (read by the readers of this package). */
    IOException error;

    StopOnError(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      if (error != null) {
        return -1;
      }
      try {
        return super.read();
      } catch (IOException e) {
        error = e;
        return -1;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (error != null) {
        return -1;
      }
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        error = e;
        return -1;
      }
    }
  }

  /**
   * Streams the records of one object; an I/O or decompression error ends it with a read_error row.
   * Lines are cut from bytes (not through a {@code Reader}) so that invalid UTF-8 is seen rather than
   * silently replaced, and a line is never held beyond {@link #MAX_RECORD_BYTES}.
   */
  static final class RecordIterator implements Iterator<Row> {
    private static final int SMALL_LINE = 64 * 1024;
    private static final byte[] CR = {'\r'};
    private final String path;
    private final ArrayDeque<Row> pending = new ArrayDeque<>();
    private final byte[] buf = new byte[BUFFER];
    private int pos;
    private int lim;
    private boolean eof;
    private byte[] line = new byte[SMALL_LINE];
    private int lineLength;
    private InputStream in;
    private StopOnError guard;
    private long lineNo;
    private boolean done;
    /** Set while a line too long for {@link #line} is being split as it streams by. */
    private ConcatenatedRecords.Splitter longLine;
    private boolean pendingCr;
    private final LongLineSink longLineSink = new LongLineSink();
    private Utf8Check utf8;
    private final int maxRecordBytes;
    private final int prefixBytes;

    RecordIterator(Configuration conf, String path) {
      this(conf, path, MAX_RECORD_BYTES, OVERSIZED_PREFIX_BYTES);
    }

    /** With other limits than production's, so that tests need not write 16 MiB lines. */
    RecordIterator(Configuration conf, String path, int maxRecordBytes, int prefixBytes) {
      this.path = path;
      this.maxRecordBytes = maxRecordBytes;
      this.prefixBytes = prefixBytes;
      try {
        guard = new StopOnError(open(conf, path));
        in = guard;
        skipByteOrderMark();
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    /** Drops a UTF-8 byte order mark at the start of the object (a read error here surfaces at the first line). */
    private void skipByteOrderMark() throws IOException {
      while (lim < 3) {
        int n = in.read(buf, lim, buf.length - lim);
        if (n < 0) {
          eof = true;
          break;
        }
        lim += n;
      }
      if (lim >= 3 && buf[0] == (byte) 0xEF && buf[1] == (byte) 0xBB && buf[2] == (byte) 0xBF) {
        pos = 3;
      }
    }

    @Override
    public boolean hasNext() {
      while (pending.isEmpty() && !done) {
        advance();
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

    private void advance() {
      try {
        if (longLine != null) {
          continueLongLine();
        } else {
          readLine();
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    /** Reads the next line into {@link #line}, or starts a long line when it outgrows the limit. */
    private void readLine() throws IOException {
      lineLength = 0;
      while (true) {
        if (pos == lim && !fill()) {
          if (lineLength > 0) {
            emitLine();
          } else {
            end();
          }
          return;
        }
        int nl = indexOfNewline(buf, pos, lim);
        int stop = nl < 0 ? lim : nl;
        if ((long) lineLength + (stop - pos) > maxRecordBytes) {
          startLongLine();
          return;
        }
        append(buf, pos, stop - pos);
        pos = stop;
        if (nl >= 0) {
          pos++;
          emitLine();
          return;
        }
      }
    }

    private void emitLine() {
      lineNo++;
      int end = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
      String text = new String(line, 0, end, StandardCharsets.UTF_8);
      // U+FFFD in the text is either sent as such (valid UTF-8 EF BF BD) or stands for invalid bytes:
      // only then does the strict decoder find an error. Pure ASCII/Latin-1 text never contains it.
      String invalid = text.indexOf('\uFFFD') >= 0 ? invalidUtf8(line, 0, end) : null;
      List<String> records = ConcatenatedRecords.split(text);
      for (int i = 0; i < records.size(); i++) {
        String r = records.get(i);
        pending.add(RowFactory.create(path, lineNo, i, r, invalid != null && r.indexOf('\uFFFD') >= 0 ? invalid : null));
      }
      if (line.length > SMALL_LINE) {
        line = new byte[SMALL_LINE]; // a long line does not pin its buffer for the rest of the object
      }
    }

    /**
     * The line has passed {@link #MAX_RECORD_BYTES} without an end: from here its bytes go through a
     * splitter that hands over each record as it completes, so memory stays bounded however long the line.
     */
    private void startLongLine() {
      lineNo++;
      longLineSink.recNo = 0;
      longLine = new ConcatenatedRecords.Splitter(maxRecordBytes, longLineSink);
      feedLongLine(line, 0, lineLength);
      line = new byte[SMALL_LINE];
      lineLength = 0;
    }

    /** Feeds the long line on until it ends or at least one record is ready. */
    private void continueLongLine() throws IOException {
      while (pending.isEmpty()) {
        if (pos == lim && !fill()) {
          finishLongLine();
          return;
        }
        int nl = indexOfNewline(buf, pos, lim);
        int stop = nl < 0 ? lim : nl;
        // Feed in slices so that records come out as they complete, not all at the end of a huge buffer.
        int slice = Math.min(stop - pos, 64 * 1024);
        feedLongLine(buf, pos, slice);
        pos += slice;
        if (pos == nl) {
          pos++;
          finishLongLine();
          return;
        }
      }
    }

    /**
     * Feeds a slice of the long line to the splitter. A CR at the end of a slice is held back until the
     * next byte shows whether it ends the line (CRLF: dropped) or not (fed after all).
     */
    private void feedLongLine(byte[] bytes, int off, int len) {
      if (len == 0) {
        return;
      }
      if (pendingCr) {
        longLine.feed(CR, 0, 1);
        pendingCr = false;
      }
      if (bytes[off + len - 1] == '\r') {
        pendingCr = true;
        len--;
      }
      longLine.feed(bytes, off, len);
    }

    private void finishLongLine() {
      pendingCr = false;
      longLine.finish();
      if (longLine.records() == 0) {
        // Only whitespace, more than the limit of it: not a blank line anyone meant. Count it as oversized.
        long length = longLine.fed();
        pending.add(RowFactory.create(path, lineNo, 0, "", oversized(length)));
      }
      longLine = null;
    }

    /** Turns a record cut out of a long line into a row. */
    private final class LongLineSink implements ConcatenatedRecords.RecordSink {
      private int recNo;

      @Override
      public void record(byte[] bytes, int kept, long total, long offset) {
        String value;
        String error;
        if (total > maxRecordBytes) {
          int n = Math.min(kept, prefixBytes);
          while (n > 0 && n < kept && (bytes[n] & 0xC0) == 0x80) {
            n--; // do not cut a multi-byte character in two
          }
          value = new String(bytes, 0, n, StandardCharsets.UTF_8);
          error = oversized(total);
        } else {
          value = new String(bytes, 0, kept, StandardCharsets.UTF_8);
          error = value.indexOf('\uFFFD') >= 0 ? invalidUtf8At(bytes, 0, kept, offset) : null;
        }
        pending.add(RowFactory.create(path, lineNo, recNo++, value, error));
      }
    }

    private String oversized(long length) {
      return Status.OVERSIZED + ": record of " + length + " bytes is over the limit of " + maxRecordBytes
          + " bytes; raw holds its first " + prefixBytes + " bytes";
    }

    /** The invalid_utf8 message for a line, or null when its bytes are valid UTF-8 after all. */
    private String invalidUtf8(byte[] bytes, int off, int len) {
      return invalidUtf8At(bytes, off, len, 0);
    }

    private String invalidUtf8At(byte[] bytes, int off, int len, long lineOffset) {
      if (utf8 == null) {
        utf8 = new Utf8Check();
      }
      String where = utf8.firstError(bytes, off, len, lineOffset, "line");
      return where == null ? null : Status.INVALID_UTF8 + ": not UTF-8 " + where + "; raw has U+FFFD in its place";
    }

    private void append(byte[] bytes, int off, int len) {
      if (lineLength + len > line.length) {
        line = Arrays.copyOf(line, (int) Math.min(maxRecordBytes, Math.max(2L * line.length, (long) lineLength + len)));
      }
      System.arraycopy(bytes, off, line, lineLength, len);
      lineLength += len;
    }

    private boolean fill() throws IOException {
      if (eof) {
        return false;
      }
      int n = in.read(buf, 0, buf.length);
      if (n < 0) {
        eof = true;
        return false;
      }
      pos = 0;
      lim = n;
      return true;
    }

    /** The object is read to its end, or to the damage the guard kept. */
    private void end() {
      if (guard != null && guard.error != null) {
        fail(guard.error);
      } else {
        close();
      }
    }

    private void fail(Exception e) {
      close();
      String what = describe(e) + " (after " + lineNo + " lines)";
      if (!damaged(e)) {
        throw unreadable(path, what, e);
      }
      pending.add(RowFactory.create(path, lineNo, 0, null, what));
    }

    /** Stops reading and releases the object's stream; safe to call more than once. */
    void close() {
      done = true;
      if (in != null) {
        try {
          in.close();
        } catch (IOException ignored) {
          // the data is read; a failure to close loses nothing
        }
      }
    }

    /** Opens an object, decompressing it when it starts with the gzip magic bytes (shared with {@link CsvRecordReader}). */
    static InputStream open(Configuration conf, String path) throws IOException {
      Path p = new Path(path);
      FSDataInputStream raw = p.getFileSystem(conf).open(p, BUFFER);
      InputStream in = new BufferedInputStream(raw, BUFFER);
      try {
        in.mark(2);
        int b0 = in.read();
        int b1 = in.read();
        in.reset();
        boolean gzip = b0 == 0x1f && b1 == 0x8b;
        if (!gzip && path.endsWith(".gz") && b0 != -1) {
          throw new java.util.zip.ZipException("named .gz but is not gzip");
        }
        return gzip ? new GZIPInputStream(in, 64 * 1024) : in;
      } catch (IOException | RuntimeException e) {
        // A damaged header (a truncated gzip) is skipped under on-corrupt-file = skip: its stream, an S3A
        // connection from a bounded pool, must not stay open with it.
        try {
          in.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
    }
  }

  /**
   * The first '\n' in {@code bytes[from, to)}, or -1: eight bytes at a time (a byte equal to '\n' is a zero byte of
   * the word XOR eight newlines, and the lowest high bit of (x - 0x01..) & ~x & 0x80.. marks the first zero byte),
   * as the per-byte loop was 2% of the write tasks' CPU on a line of about 500 bytes.
   */
  static int indexOfNewline(byte[] bytes, int from, int to) {
    int i = from;
    for (; i <= to - Long.BYTES; i += Long.BYTES) {
      long x = (long) LONGS.get(bytes, i) ^ NEWLINES;
      long found = (x - ONES) & ~x & HIGHS;
      if (found != 0) {
        return i + (Long.numberOfTrailingZeros(found) >>> 3);
      }
    }
    for (; i < to; i++) {
      if (bytes[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
