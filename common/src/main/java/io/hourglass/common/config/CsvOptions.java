package io.hourglass.common.config;

import java.io.Serializable;

/**
 * How a delimited (CSV/TSV) raw object is cut into records and fields ({@code input.csv}), validated once.
 * The three special characters must be single ASCII characters other than CR and LF: records are cut on
 * the bytes (UTF-8 never uses an ASCII byte inside a multi-byte character), and a line end cannot also be
 * a delimiter.
 *
 * @param header the first record names the columns; otherwise the columns are the raw schema's fields in order
 * @param delimiter separates fields ({@code ,}; TAB for {@code tsv})
 * @param quote encloses a field that holds delimiters, quotes or line ends
 * @param escape inside a quoted field, makes the next quote literal: the quote itself (RFC 4180, {@code ""})
 *     or another character such as a backslash ({@code \"}, and {@code \\} for a backslash)
 */
public record CsvOptions(boolean header, char delimiter, char quote, char escape) implements Serializable {
  private static final long serialVersionUID = 1L;
  /** RFC 4180 with a header row: {@code , " "}. */
  public static final CsvOptions DEFAULT = new CsvOptions(true, ',', '"', '"');

  public CsvOptions {
    check("delimiter", delimiter);
    check("quote", quote);
    check("escape", escape);
    if (delimiter == quote) {
      throw new IllegalArgumentException("delimiter and quote must differ: " + show(delimiter));
    }
    if (escape == delimiter) {
      throw new IllegalArgumentException("escape and delimiter must differ: " + show(escape));
    }
  }

  /**
   * Builds the options from the settings under {@code keyPrefix} (e.g. {@code hourglass.datasets.web_events.input.}),
   * naming the key and value of the first bad one.
   *
   * @param format csv or tsv; tsv fixes the delimiter to TAB, so a delimiter other than TAB set for it is refused
   *     rather than silently ignored (the shipped default, {@code ,}, is what csv would use)
   * @param delimiterGiven whether the delimiter was set by the user (a {@code --conf} file, {@code --set}) rather than
   *     left at the shipped default: for tsv, a given {@code ,} is refused like any delimiter but TAB
   */
  public static CsvOptions of(String keyPrefix, InputFormat format, boolean header, String delimiter,
      boolean delimiterGiven, String quote, String escape) {
    String key = keyPrefix + "csv.";
    delimiter = spelledTab(delimiter);
    quote = spelledTab(quote);
    escape = spelledTab(escape);
    char q = single(key + "quote", quote);
    char e = single(key + "escape", escape);
    char d;
    if (format == InputFormat.TSV) {
      if (!delimiter.equals("\t") && (delimiterGiven || !delimiter.equals(","))) {
        throw BadConfigException.of(key + "delimiter", printable(delimiter),
            "input.format = tsv always splits on TAB (leave csv.delimiter unset, or set it to \\t); use input.format = csv for another delimiter");
      }
      d = '\t';
    } else {
      d = single(key + "delimiter", delimiter);
    }
    if (d == q) {
      throw BadConfigException.of(key + "quote", printable(quote), "must differ from " + key + "delimiter");
    }
    if (e == d) {
      throw BadConfigException.of(key + "escape", printable(escape), "must differ from " + key + "delimiter");
    }
    return new CsvOptions(header, d, q, e);
  }

  /**
   * {@code \t} written as two characters stands for TAB: a {@code --set} value is trimmed, so a real TAB
   * cannot be passed there.
   */
  private static String spelledTab(String value) {
    return "\\t".equals(value) ? "\t" : value;
  }

  private static char single(String key, String value) {
    if (value == null || value.length() != 1) {
      throw BadConfigException.of(key, printable(value), "must be exactly one character");
    }
    char c = value.charAt(0);
    if (c > 0x7F || c == '\r' || c == '\n') {
      throw BadConfigException.of(key, show(c), "must be an ASCII character other than CR and LF");
    }
    return c;
  }

  private static void check(String what, char c) {
    if (c > 0x7F || c == '\r' || c == '\n') {
      throw new IllegalArgumentException(what + " must be an ASCII character other than CR and LF: " + show(c));
    }
  }

  private static String show(char c) {
    return printable(String.valueOf(c));
  }

  /** The value with TAB, CR and LF spelled out, so that the message about it stays one readable line. */
  private static String printable(String value) {
    return value == null ? null : value.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n");
  }
}
