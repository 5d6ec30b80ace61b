package io.hourglass.common.config;

import java.time.Duration;

/**
 * Everything the ingest of one dataset is configured by ({@code hourglass.datasets.<name>}).
 *
 * @param name dataset name, e.g. {@code web_events}
 * @param stream Firehose prefix under the raw root
 * @param table table name under the warehouse
 * @param format storage format of the table
 * @param rawSchema resource path under {@code schemas/} of the raw record contract
 * @param tableSchema resource path under {@code schemas/} of the table contract
 * @param onCorruptFile what to do with a truncated or corrupt raw object
 * @param late how far before the arrival hour an event may be and still be accepted
 * @param future clock skew allowed past the end of the arrival hour
 * @param email what happens to the email column
 * @param hmacKeyEnv environment variable holding the HMAC key (never the key itself)
 * @param maxRejectRate quarantined / read above which the run fails
 * @param sla how long after the start of hour H its run is expected to be done
 * @param settle how long after hour H ends its raw folder may still receive objects: Firehose names an object by the
 *     arrival of its oldest record and delivers it up to its buffer interval (at most 900 s) later, so a run before
 *     then would miss what is still on its way
 * @param parser how JSON-lines records are parsed and classified
 * @param inputFormat how the raw objects are laid out: JSON lines, CSV or TSV
 * @param csv how CSV/TSV objects are cut into records and fields (unused for JSON lines)
 * @param writer how the table's Parquet files are written when the hour is read in one pass
 */
public record DatasetSettings(
    String name,
    String stream,
    String table,
    TableFormat format,
    String rawSchema,
    String tableSchema,
    CorruptFilePolicy onCorruptFile,
    Duration late,
    Duration future,
    PiiMode email,
    String hmacKeyEnv,
    double maxRejectRate,
    Duration sla,
    Duration settle,
    InputParser parser,
    InputFormat inputFormat,
    CsvOptions csv,
    TableWriter writer) {

  public DatasetSettings {
    String prefix = "hourglass.datasets." + name + ".";
    requireName(prefix + "stream", stream);
    requireName(prefix + "table", table);
    if (late.isNegative()) {
      throw BadConfigException.of(prefix + "window.late", late, "must not be negative");
    }
    if (future.isNegative()) {
      throw BadConfigException.of(prefix + "window.future", future, "must not be negative");
    }
    if (email == PiiMode.HASH && (hmacKeyEnv == null || !hmacKeyEnv.matches("[A-Za-z_][A-Za-z0-9_]*"))) {
      // The value is not echoed: what is there by mistake is most likely the key itself.
      throw new BadConfigException(prefix + "pii.hmac-key-env must be the name of an environment variable (letters, digits,"
          + " '_'), not the key itself; the value given is not shown");
    }
    if (settle.isNegative()) {
      throw BadConfigException.of(prefix + "settle", settle, "must not be negative");
    }
    if (sla == null || sla.compareTo(Duration.ofHours(1).plus(settle)) <= 0) {
      throw BadConfigException.of(prefix + "sla", sla, "must be more than 1h + settle (" + DurationText.of(settle)
          + "): the hour has to end and its folder settle before its run starts");
    }
    if (!(maxRejectRate >= 0.0 && maxRejectRate <= 1.0)) {
      throw BadConfigException.of(prefix + "max-reject-rate", maxRejectRate, "must be between 0 and 1");
    }
  }

  /** When hour {@code h}'s raw folder is complete: the end of the hour plus {@link #settle}. */
  public java.time.Instant settledAt(Hour h) {
    return h.end().plus(settle);
  }

  /** The latest hour whose folder is complete at {@code now}: what {@code --hour last} means. */
  public Hour lastSettled(java.time.Instant now) {
    return Hour.of(now.minus(settle)).plusHours(-1);
  }

  /**
   * Refuses hour {@code h} before its folder has settled at {@code now}: a run then would miss the objects still on
   * their way, and a later backfill would skip the hour as done unless it looked at the folder again.
   *
   * @param option the command-line option that named the hour, for the message
   */
  public void requireSettled(String option, Hour h, java.time.Instant now) {
    java.time.Instant at = settledAt(h);
    if (now.isBefore(at)) {
      throw new BadConfigException(option + " " + h + " has not settled: objects may land in its folder until " + at
          + " (Firehose writes an object up to its buffer interval after its first record arrives; hourglass.datasets."
          + name + ".settle = " + DurationText.of(settle) + "); run it then, or use " + option + " last (now " + lastSettled(now) + ")");
    }
  }

  private static void requireName(String key, String value) {
    if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw BadConfigException.of(key, value, "must be a plain name (letters, digits, '_', '-', '.')");
    }
  }
}
