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
      throw BadConfigException.of(prefix + "pii.hmac-key-env", hmacKeyEnv, "must be an environment variable name");
    }
    if (sla == null || sla.compareTo(Duration.ofHours(1)) < 0) {
      throw BadConfigException.of(prefix + "sla", sla, "must be at least 1h (the hour has to end first)");
    }
    if (!(maxRejectRate >= 0.0 && maxRejectRate <= 1.0)) {
      throw BadConfigException.of(prefix + "max-reject-rate", maxRejectRate, "must be between 0 and 1");
    }
  }

  private static void requireName(String key, String value) {
    if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw BadConfigException.of(key, value, "must be a plain name (letters, digits, '_', '-', '.')");
    }
  }
}
