package io.hourglass.common;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The code version recorded in manifests and the ledger, and compared by a backfill's skip rule: the Maven project
 * version and the commit the jar was built from ({@code 0.1.0-SNAPSHOT+1a2b3c4d5e}, {@code ...+1a2b3c4d5e.dirty} when
 * the work tree had uncommitted changes), or the Maven version alone where the build saw no git repository.
 */
public final class BuildInfo {
  private static final String VERSION = load();

  private BuildInfo() {}

  public static String version() {
    return VERSION;
  }

  /** The version from the build's properties; an unresolved placeholder (no repository) counts as no commit. */
  static String of(String version, String commit, String dirty) {
    if (commit.isBlank() || commit.startsWith("${")) {
      return version;
    }
    return version + "+" + commit + ("true".equals(dirty) ? ".dirty" : "");
  }

  private static String load() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/hourglass/build.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return of(p.getProperty("version", "unknown"), p.getProperty("commit", ""), p.getProperty("dirty", ""));
    } catch (IOException e) {
      return "unknown";
    }
  }
}
