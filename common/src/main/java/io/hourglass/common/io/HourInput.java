package io.hourglass.common.io;

import java.util.Comparator;
import java.util.List;

/**
 * The raw objects of one arrival hour.
 *
 * @param folder the hour's folder URI
 * @param exists whether the folder exists at all (a missing folder is an empty hour, not an error)
 * @param files the objects, largest first (gzip is unsplittable: starting the largest first shortens the run)
 */
public record HourInput(String folder, boolean exists, List<InputFile> files) {
  public HourInput {
    files = files.stream().sorted(Comparator.comparingLong(InputFile::bytes).reversed().thenComparing(InputFile::path)).toList();
  }

  public long totalBytes() {
    return files.stream().mapToLong(InputFile::bytes).sum();
  }

  public long largestFileBytes() {
    return files.stream().mapToLong(InputFile::bytes).max().orElse(0L);
  }

  public boolean isEmpty() {
    return files.isEmpty();
  }
}
