package io.hourglass.common.io;

import io.hourglass.common.config.BadConfigException;
import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Whether a configured location has a file system in this run. {@code s3://} is EMR's (EMRFS) and Glue's own; a local
 * run has none for it, and a run given one listed its input, failed with Hadoop's "No FileSystem for scheme" under a
 * stack trace and was recorded as a failed hour: a setting's mistake, answered in one line (exit 2) instead.
 */
public final class StorageSchemes {
  private StorageSchemes() {}

  /**
   * Refuses {@code location} (the value of setting {@code key}) when no file system in {@code conf} serves its
   * scheme. Give it the run's own Hadoop configuration (the Spark session's): a cluster may map a scheme there only
   * ({@code fs.s3.impl}), and so may a user.
   */
  public static void require(Configuration conf, String key, String location) {
    String scheme = new Path(location).toUri().getScheme();
    if (scheme == null) {
      return; // a bare path: the default file system's
    }
    try {
      FileSystem.getFileSystemClass(scheme, conf);
    } catch (UnsupportedFileSystemException e) {
      throw refused(key, location, scheme);
    } catch (IOException e) {
      // Not thrown for a scheme that is served; anything else is the run's to report, with its cause.
    }
  }

  /** The one-line refusal of a location whose scheme no file system serves. */
  static BadConfigException refused(String key, String location, String scheme) {
    return BadConfigException.of(key, location, "no file system serves '" + scheme + ":' in this run"
        + (scheme.equals("s3") ? " (s3:// is EMR's and Glue's own; elsewhere write s3a://)" : ""));
  }
}
