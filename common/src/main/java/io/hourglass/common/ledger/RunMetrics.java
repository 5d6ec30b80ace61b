package io.hourglass.common.ledger;

/**
 * What a run read, wrote and used, as recorded in the ledger (the same numbers as the run's manifest).
 * The text fields may be null when unknown.
 */
public record RunMetrics(
    long inputFiles,
    long inputBytes,
    long largestFileBytes,
    long recordsRead,
    long recordsWritten,
    long recordsQuarantined,
    long duplicates,
    long blankLines,
    int executors,
    int cores,
    String sparkMaster,
    String codeVersion,
    int schemaVersion,
    long wallMs,
    long startupMs,
    int concurrentHours) {

  public RunMetrics {
    nonNegative("inputFiles", inputFiles);
    nonNegative("inputBytes", inputBytes);
    nonNegative("largestFileBytes", largestFileBytes);
    nonNegative("recordsRead", recordsRead);
    nonNegative("recordsWritten", recordsWritten);
    nonNegative("recordsQuarantined", recordsQuarantined);
    nonNegative("duplicates", duplicates);
    nonNegative("blankLines", blankLines);
    nonNegative("executors", executors);
    nonNegative("cores", cores);
    nonNegative("schemaVersion", schemaVersion);
    nonNegative("wallMs", wallMs);
    nonNegative("startupMs", startupMs);
    nonNegative("concurrentHours", concurrentHours);
  }

  /** A run that had its session to itself ({@code concurrentHours} 1). */
  public RunMetrics(long inputFiles, long inputBytes, long largestFileBytes, long recordsRead, long recordsWritten,
      long recordsQuarantined, long duplicates, long blankLines, int executors, int cores, String sparkMaster,
      String codeVersion, int schemaVersion, long wallMs, long startupMs) {
    this(inputFiles, inputBytes, largestFileBytes, recordsRead, recordsWritten, recordsQuarantined, duplicates, blankLines,
        executors, cores, sparkMaster, codeVersion, schemaVersion, wallMs, startupMs, 1);
  }

  /** The same run, recorded as one of {@code hours} run at once in one session (a backfill's parallelism). */
  public RunMetrics sharedBy(int hours) {
    return new RunMetrics(inputFiles, inputBytes, largestFileBytes, recordsRead, recordsWritten, recordsQuarantined,
        duplicates, blankLines, executors, cores, sparkMaster, codeVersion, schemaVersion, wallMs, startupMs, hours);
  }

  /** Nothing known: all numbers zero, all text null (a running row, an empty hour, a run that failed early). */
  public static RunMetrics none() {
    return new RunMetrics(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 0, 0, 0, 0);
  }

  private static void nonNegative(String name, long value) {
    if (value < 0) {
      throw new IllegalArgumentException("Run metric " + name + " must not be negative, cannot be: " + value);
    }
  }
}
