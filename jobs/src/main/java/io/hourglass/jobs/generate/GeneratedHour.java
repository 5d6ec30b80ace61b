package io.hourglass.jobs.generate;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@link WebEventsGenerator#generate} wrote for one arrival hour: the accounts an ingest run of
 * that hour must reproduce. Every non-blank line is exactly one of valid, duplicate or rejected.
 *
 * @param hour the arrival hour (UTC, on the hour)
 * @param files full URIs of the objects written, in file-index order
 * @param totalBytes sum of the compressed object sizes
 * @param lines physical lines, blank lines included
 * @param blankLines empty lines (counted by the job, not quarantined)
 * @param validRecords unique valid records inside the allowed window, late-in-window ones included
 * @param duplicates exact copies of an earlier valid line of the hour (the original is counted as valid)
 * @param lateInWindow valid records whose event hour is not the arrival hour
 * @param rejectsByReason records the job must quarantine, by reason code; every code of
 *     {@link #REJECT_REASONS} is present, in that order
 */
public record GeneratedHour(
    Instant hour,
    List<String> files,
    long totalBytes,
    long lines,
    long blankLines,
    long validRecords,
    long duplicates,
    long lateInWindow,
    Map<String, Long> rejectsByReason) {

  /** The quarantine reason codes the generator produces, in reporting order. */
  public static final List<String> REJECT_REASONS = List.of("malformed_json", "missing_field", "bad_type", "too_late", "future");

  public GeneratedHour {
    Objects.requireNonNull(hour, "hour");
    files = List.copyOf(files);
    // LinkedHashMap, not Map.copyOf: the reasons are printed in a stable order.
    rejectsByReason = Collections.unmodifiableMap(new LinkedHashMap<>(rejectsByReason));
    if (lines != blankLines + validRecords + duplicates + sum(rejectsByReason)) {
      throw new IllegalArgumentException(String.format(
          "Accounts do not balance: lines %d != blank %d + valid %d + duplicates %d + rejected %s",
          lines, blankLines, validRecords, duplicates, rejectsByReason));
    }
  }

  /** Non-blank lines: the records an ingest run reads. */
  public long records() {
    return lines - blankLines;
  }

  /** Records the ingest run must quarantine, all reasons together. */
  public long rejected() {
    return sum(rejectsByReason);
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
