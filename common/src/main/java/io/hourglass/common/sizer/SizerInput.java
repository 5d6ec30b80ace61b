package io.hourglass.common.sizer;

/**
 * What the sizer knows about the hour to run, measured from the listing without reading the data.
 *
 * @param inputBytes total bytes of the hour's objects (as stored, i.e. compressed)
 * @param fileCount number of objects
 * @param largestFileBytes bytes of the largest object
 * @param splittable false for gzip: one object is one task, whatever its size
 */
public record SizerInput(long inputBytes, int fileCount, long largestFileBytes, boolean splittable) {

  public SizerInput {
    if (inputBytes < 0) {
      throw new IllegalArgumentException("Input bytes must not be negative, cannot be: " + inputBytes);
    }
    if (fileCount < 0) {
      throw new IllegalArgumentException("File count must not be negative, cannot be: " + fileCount);
    }
    if (largestFileBytes < 0 || largestFileBytes > inputBytes) {
      throw new IllegalArgumentException(String.format(
          "Largest file must be between 0 and the input bytes (%d), cannot be: %d", inputBytes, largestFileBytes));
    }
    if (fileCount == 0 && inputBytes > 0) {
      throw new IllegalArgumentException("Input of " + inputBytes + " bytes must come in at least one file");
    }
    if (fileCount > 0 && largestFileBytes * (double) fileCount < inputBytes) {
      throw new IllegalArgumentException(String.format(
          "%d files of at most %d bytes cannot hold %d bytes", fileCount, largestFileBytes, inputBytes));
    }
  }

  /** An hour of gzip objects (the Firehose default). */
  public static SizerInput gzip(long inputBytes, int fileCount, long largestFileBytes) {
    return new SizerInput(inputBytes, fileCount, largestFileBytes, false);
  }
}
