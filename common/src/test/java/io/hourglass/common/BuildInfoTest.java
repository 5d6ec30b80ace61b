package io.hourglass.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The code version: the Maven version and, where the build saw a repository, the commit. */
class BuildInfoTest {
  @Test
  void theCommitAndAnUncommittedTreeAreInTheVersion() {
    assertEquals("1.2.0+0123abcdef", BuildInfo.of("1.2.0", "0123abcdef", "false"));
    assertEquals("1.2.0+0123abcdef.dirty", BuildInfo.of("1.2.0", "0123abcdef", "true"));
    assertEquals("1.2.0", BuildInfo.of("1.2.0", "${git.commit.id.abbrev}", "${git.dirty}"), "no repository: no commit");
    assertEquals("1.2.0", BuildInfo.of("1.2.0", "", ""));
  }

  @Test
  void thisBuildsVersionNamesItsCommit() {
    // Built from a git checkout (here and in CI): the Maven version and ten hex digits of the commit.
    assertTrue(BuildInfo.version().matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\\+[0-9a-f]{10}(\\.dirty)?"), BuildInfo.version());
  }
}
