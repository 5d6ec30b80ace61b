package io.hourglass.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The CLI's side of {@code ./hourglass}'s class-data archive (JVM class data sharing, written by the launcher's
 * first Spark run after a build). When the launcher starts a JVM that writes the archive as it exits, it names a
 * file in {@value #ENV}; a command that did the work the archive is for, an hour read and written through Spark,
 * creates that file, and the launcher keeps the archive only then. A run that found an empty hour loads about
 * half the classes, and an archive of those saved nothing measurable on a real run; so such a run is not the
 * one to learn from, and the next run tries again.
 */
final class ClassDataArchive {
  /** Set by {@code ./hourglass} in the JVM that writes the archive: the file to create once the work is done. */
  static final String ENV = "HOURGLASS_CDS_TRAINED";

  private ClassDataArchive() {}

  /** Tells the launcher (if it asked) that this run read and wrote an hour. Never fails the run. */
  static void workDone(Map<String, String> env) {
    String file = env.get(ENV);
    if (file == null || file.isBlank()) {
      return;
    }
    try {
      Files.writeString(Path.of(file), "an hour was read and written\n");
    } catch (IOException | RuntimeException e) {
      // The archive is an optimisation of the launcher's: without the file it is not kept, nothing else changes.
    }
  }
}
