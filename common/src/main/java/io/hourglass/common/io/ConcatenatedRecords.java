package io.hourglass.common.io;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Firehose concatenates records without a separator when the producer adds no newline: {@code {...}{...}}. */
final class ConcatenatedRecords {
  private ConcatenatedRecords() {}

  /**
   * Splits a line holding several JSON objects written back to back ({@code {...}{...}}, as Firehose
   * does when the producer adds no newline) into one string per object. Braces inside strings are
   * respected. A line that is one object, or not JSON at all, comes back whole.
   */
  static List<String> split(String line) {
    if (line.indexOf('}') < 0 || line.indexOf('{') < 0 || !hasObjectBoundary(line)) {
      return List.of(line);
    }
    List<String> parts = new ArrayList<>(2);
    int depth = 0;
    int start = 0;
    boolean inString = false;
    boolean escaped = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (inString) {
        if (escaped) {
          escaped = false;
        } else if (c == '\\') {
          escaped = true;
        } else if (c == '"') {
          inString = false;
        }
      } else if (depth == 0) {
        if (c == '{') {
          start = i;
          depth = 1;
        } else if (!Character.isWhitespace(c)) {
          return List.of(line); // text between objects: not a clean concatenation, the parser judges it
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        parts.add(line.substring(start, i + 1));
      }
    }
    if (depth != 0 || parts.size() < 2) {
      return List.of(line); // cut mid-record, or a single object: one record, the parser decides
    }
    return parts;
  }

  private static boolean hasObjectBoundary(String line) {
    for (int i = line.indexOf('}'); i >= 0 && i < line.length() - 1; i = line.indexOf('}', i + 1)) {
      int j = i + 1;
      while (j < line.length() && Character.isWhitespace(line.charAt(j))) {
        j++;
      }
      if (j < line.length() && line.charAt(j) == '{') {
        return true;
      }
    }
    return false;
  }

  /** The same whitespace as {@link Character#isWhitespace} for the ASCII range; bytes of multi-byte UTF-8 are never whitespace. */
  static boolean isWhitespace(byte b) {
    return b == ' ' || (b >= 0x09 && b <= 0x0D) || (b >= 0x1C && b <= 0x1F);
  }

  /** Receives the records a {@link Splitter} cuts out of a line. */
  interface RecordSink {
    /**
     * @param bytes the record's first {@code kept} bytes (the array is reused after the call returns)
     * @param total the record's length in bytes; more than {@code kept} when it was longer than the splitter keeps
     * @param offset where the record starts in its line, in bytes
     */
    void record(byte[] bytes, int kept, long total, long offset);
  }

  /**
   * {@link #split} for a line too long to hold as one string: fed the line's bytes slice by slice, it hands
   * each record to a sink as soon as it is complete, keeping at most {@code maxKept} bytes of any one record.
   * So a Firehose object whose producer never wrote a newline (one "line" of a hundred megabytes) is
   * split in bounded memory, and a single record over the limit is reported with its true length.
   *
   * <p>As long as the line is a clean concatenation (objects with only whitespace between them) every
   * complete object is a record. From the first byte that breaks that (text between objects), the rest
   * of the line is one record, for the parser to judge. Works on UTF-8 bytes: every byte of a multi-byte
   * character is 0x80 or above, so it is never taken for a brace, quote or backslash.
   */
  static final class Splitter {
    private final int maxKept;
    private final RecordSink sink;
    private byte[] kept = new byte[64 * 1024];
    private int keptLength;
    private long total;
    private long start;
    private long fed;
    private boolean inRecord;
    private boolean clean = true;
    private int depth;
    private boolean inString;
    private boolean escaped;
    private long records;

    Splitter(int maxKept, RecordSink sink) {
      this.maxKept = maxKept;
      this.sink = sink;
    }

    /** Feeds the next {@code len} bytes of the line; complete records go to the sink before this returns. */
    void feed(byte[] bytes, int off, int len) {
      int end = off + len;
      int run = -1; // where the bytes still to be appended to the open record start
      for (int i = off; i < end; i++) {
        byte b = bytes[i];
        if (!inRecord) {
          if (clean && isWhitespace(b)) {
            continue; // between objects, as split() drops it
          }
          inRecord = true;
          start = fed + (i - off);
          run = i;
          if (b == '{' && clean) {
            depth = 1;
            continue;
          }
          clean = false; // text where an object should start: the rest of the line is one record
        }
        if (!clean) {
          if (run < 0) {
            run = i;
          }
          break; // no more boundaries on this line: the rest of it is appended below
        }
        if (run < 0) {
          run = i;
        }
        if (inString) {
          if (escaped) {
            escaped = false;
          } else if (b == '\\') {
            escaped = true;
          } else if (b == '"') {
            inString = false;
          }
        } else if (b == '"') {
          inString = true;
        } else if (b == '{') {
          depth++;
        } else if (b == '}' && --depth == 0) {
          append(bytes, run, i + 1 - run);
          run = -1;
          emit();
        }
      }
      if (run >= 0) {
        append(bytes, run, end - run);
      }
      fed += len;
    }

    /** The line has ended: a record still open (cut mid-object, or trailing text) is handed over as it is. */
    void finish() {
      if (inRecord) {
        emit();
      }
    }

    /** Records handed to the sink so far. */
    long records() {
      return records;
    }

    /** Bytes fed so far: the line's length. */
    long fed() {
      return fed;
    }

    private void append(byte[] bytes, int off, int len) {
      total += len;
      int n = (int) Math.min(len, (long) maxKept - keptLength);
      if (n <= 0) {
        return;
      }
      if (keptLength + n > kept.length) {
        kept = Arrays.copyOf(kept, (int) Math.min(maxKept, Math.max(2L * kept.length, (long) keptLength + n)));
      }
      System.arraycopy(bytes, off, kept, keptLength, n);
      keptLength += n;
    }

    private void emit() {
      sink.record(kept, keptLength, total, start);
      records++;
      inRecord = false;
      keptLength = 0;
      total = 0;
      depth = 0;
      inString = false;
      escaped = false;
    }
  }
}
