package io.hourglass.common.transform;

import java.util.List;

/**
 * What became of each raw record. Every record gets exactly one status, so the accounts of a run are
 * one aggregation: read = written ({@link #OK}) + quarantined (the reasons) + {@link #DUPLICATE}.
 * Blank lines are counted apart and are not records.
 */
public final class Status {
  /** Column holding the status of a record. */
  public static final String COLUMN = "_status";
  /** Column holding a human-readable detail for a quarantined record. */
  public static final String DETAIL = "_detail";

  public static final String OK = "ok";
  public static final String DUPLICATE = "duplicate";
  public static final String BLANK = "blank";

  /** The object could not be read to its end (truncated gzip, a .gz that is not gzip): one record for the file. */
  public static final String CORRUPT_FILE = "corrupt_file";
  /** The record's bytes are not UTF-8; its raw text has U+FFFD in their place. */
  public static final String INVALID_UTF8 = "invalid_utf8";
  /** The record is longer than the reader keeps whole; its raw text is a prefix, the detail gives the length. */
  public static final String OVERSIZED = "oversized";
  /** A CSV/TSV record that cannot be cut into the header's fields: wrong field count, unclosed quote, stray quote, bad header. */
  public static final String MALFORMED_CSV = "malformed_csv";
  public static final String MALFORMED_JSON = "malformed_json";
  public static final String MISSING_FIELD = "missing_field";
  public static final String BAD_TYPE = "bad_type";
  public static final String TOO_LATE = "too_late";
  public static final String FUTURE = "future";

  /** Every quarantine reason, in the order checks are applied. */
  public static final List<String> REASONS = List.of(
      CORRUPT_FILE, INVALID_UTF8, OVERSIZED, MALFORMED_CSV, MALFORMED_JSON, MISSING_FIELD, BAD_TYPE, TOO_LATE, FUTURE);

  private Status() {}
}
