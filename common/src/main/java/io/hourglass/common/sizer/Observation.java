package io.hourglass.common.sizer;

/**
 * One finished run of the dataset, as the ledger records it: what calibration needs and nothing more.
 * History lists are in run order, oldest first.
 *
 * @param inputBytes total input bytes of the run
 * @param fileCount input objects
 * @param largestFileBytes bytes of the largest input object
 * @param executors executors the run had
 * @param coresPerExecutor cores per executor
 * @param wallSeconds wall-clock time of the whole run, start-up included (what the deadline is about)
 * @param startupSeconds part of the wall time spent before the first task ran (kept for {@code --explain})
 */
public record Observation(
    long inputBytes,
    int fileCount,
    long largestFileBytes,
    int executors,
    int coresPerExecutor,
    double wallSeconds,
    double startupSeconds) {

  public Observation {
    if (inputBytes < 0 || fileCount < 0 || largestFileBytes < 0 || largestFileBytes > inputBytes) {
      throw new IllegalArgumentException(String.format(
          "Observation needs 0 <= largest file <= input bytes and files >= 0, cannot be: bytes=%d files=%d largest=%d",
          inputBytes, fileCount, largestFileBytes));
    }
    if (executors < 1 || coresPerExecutor < 1) {
      throw new IllegalArgumentException(String.format(
          "Observation needs at least 1 executor and 1 core, cannot be: executors=%d cores=%d",
          executors, coresPerExecutor));
    }
    if (!(wallSeconds > 0) || Double.isInfinite(wallSeconds)) {
      throw new IllegalArgumentException("Observed wall time must be positive seconds, cannot be: " + wallSeconds);
    }
    if (!(startupSeconds >= 0 && startupSeconds <= wallSeconds)) {
      throw new IllegalArgumentException(String.format(
          "Observed start-up must be between 0 and the wall time (%.1f s), cannot be: %s", wallSeconds, startupSeconds));
    }
  }

  /** The input this run had, seen as a sizer input with the given splittability. */
  public SizerInput input(boolean splittable) {
    return new SizerInput(inputBytes, fileCount, largestFileBytes, splittable);
  }
}
