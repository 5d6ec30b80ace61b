package io.hourglass.common.io;

import io.hourglass.common.config.CsvOptions;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Cuts a CSV/TSV byte stream into records (RFC 4180): a record ends at a line feed outside quotes, so a
 * quoted field may hold delimiters, line ends and escaped quotes. Cutting is ours (univocity only splits
 * each record into fields, see {@link CsvRecordIterator}) because the ingest needs what univocity's
 * streaming parser does not give: the line each record STARTS on, the record's exact raw text, an unclosed
 * quote reported instead of silently swallowing the rest of the file, LF and CRLF in one file, and a bound
 * on the memory a runaway record takes.
 *
 * <p>Works on bytes: the options' special characters are ASCII, which UTF-8 never uses inside a multi-byte
 * character. A CR right before the LF that ends a record (or before the end of the object) is dropped;
 * CR and LF inside quotes are kept as sent. A record holds at most {@code maxRecordBytes} bytes; the rest is
 * counted, not kept.
 */
final class CsvRecordCutter {
  private static final int BUFFER = 256 * 1024;

  /**
   * One record as cut.
   *
   * @param line 1-based physical line the record starts on
   * @param bytes the record's first {@code kept} bytes (without its line end)
   * @param total the record's true length in bytes ({@code > kept} when it was over the limit)
   * @param unclosedQuoteLine the line of a quote still open at the end of the object, or 0
   * @param unclosedQuoteField the 1-based field that quote opened, or 0
   * @param atEnd the end of the stream ended the record, not a line end (a last record without one, or one cut
   *     short where the stream stopped at damage)
   */
  record Cut(long line, byte[] bytes, int kept, long total, long unclosedQuoteLine, int unclosedQuoteField, boolean atEnd) {
    boolean oversized() {
      return total > kept;
    }
  }

  private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTED_ESCAPE, QUOTE_IN_QUOTED, AFTER_QUOTE }

  private final InputStream in;
  private final byte delimiter;
  private final byte quote;
  private final byte escape;
  private final int maxRecordBytes;
  private final byte[] buf = new byte[BUFFER];
  private int pos;
  private int lim;
  private boolean eof;
  /** Line of the next byte, 1-based. */
  private long line = 1;
  /** Bytes of the current line seen so far (to tell "after n lines" when the object ends mid-line). */
  private long lineBytes;

  CsvRecordCutter(InputStream in, CsvOptions options, int maxRecordBytes) {
    this.in = in;
    this.delimiter = (byte) options.delimiter();
    this.quote = (byte) options.quote();
    this.escape = (byte) options.escape();
    this.maxRecordBytes = maxRecordBytes;
  }

  /** Physical lines read so far, a partly read last line included. */
  long linesRead() {
    return line - 1 + (lineBytes > 0 ? 1 : 0);
  }

  /** The next record, or null at the end of the object (an end right after a line feed starts no record). */
  Cut next() throws IOException {
    long start = line;
    byte[] record = new byte[Math.min(4096, maxRecordBytes)];
    int kept = 0;
    long total = 0;
    boolean started = false;
    byte last = 0;
    State state = State.FIELD_START;
    int field = 1;
    long quoteLine = 0;
    int quoteField = 0;
    while (true) {
      if (pos == lim && !fill()) {
        if (!started) {
          return null;
        }
        boolean open = state == State.QUOTED || state == State.QUOTED_ESCAPE;
        return cut(start, record, kept, total, last, open ? quoteLine : 0, open ? quoteField : 0, true);
      }
      byte b = buf[pos++];
      started = true;
      if (b == '\n') {
        line++;
        lineBytes = 0;
      } else {
        lineBytes++;
      }
      if (state == State.QUOTE_IN_QUOTED) {
        // The quote before b either starts a doubled quote ("" when escape = quote) or closes the field.
        state = b == quote ? State.QUOTED : State.AFTER_QUOTE;
        if (state == State.QUOTED) {
          last = b;
          total++;
          if (kept < maxRecordBytes) {
            record = grow(record, kept);
            record[kept++] = b;
          }
          continue;
        }
      }
      switch (state) {
        case FIELD_START, UNQUOTED, AFTER_QUOTE -> {
          if (b == '\n') {
            return cut(start, record, kept, total, last, 0, 0, false);
          } else if (b == delimiter) {
            state = State.FIELD_START;
            field++;
          } else if (b == quote && state == State.FIELD_START) {
            state = State.QUOTED;
            quoteLine = line;
            quoteField = field;
          } else if (state == State.FIELD_START) {
            state = State.UNQUOTED;
          }
        }
        case QUOTED -> {
          if (b == escape && escape != quote) {
            state = State.QUOTED_ESCAPE;
          } else if (b == quote) {
            state = escape == quote ? State.QUOTE_IN_QUOTED : State.AFTER_QUOTE;
          }
        }
        case QUOTED_ESCAPE -> state = State.QUOTED;
        default -> throw new IllegalStateException(String.valueOf(state));
      }
      last = b;
      total++;
      if (kept < maxRecordBytes) {
        record = grow(record, kept);
        record[kept++] = b;
      }
    }
  }

  /** The record without a CR that ends it (CRLF, or a CR at the end of the object). */
  private static Cut cut(long start, byte[] record, int kept, long total, byte last, long quoteLine, int quoteField,
      boolean atEnd) {
    if (total > 0 && last == '\r' && quoteLine == 0) {
      total--;
      kept = (int) Math.min(kept, total);
    }
    return new Cut(start, record, kept, total, quoteLine, quoteField, atEnd);
  }

  private byte[] grow(byte[] record, int kept) {
    return kept < record.length ? record : Arrays.copyOf(record, (int) Math.min(maxRecordBytes, 2L * record.length));
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
}
