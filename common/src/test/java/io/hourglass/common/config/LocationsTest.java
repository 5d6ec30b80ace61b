package io.hourglass.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LocationsTest {
  private static final String KEY = "hourglass.warehouse";
  private static final String CWD = System.getProperty("user.dir");

  @Test
  void relativePathBecomesAnAbsoluteFileUri() {
    assertEquals("file://" + CWD + "/data/raw", Locations.normalize(KEY, "data/raw"));
    assertEquals("file://" + CWD + "/data/raw", Locations.normalize(KEY, "./data/x/../raw/"));
  }

  @Test
  void absolutePathBecomesAFileUri() {
    assertEquals("file:///var/tmp/wh", Locations.normalize(KEY, "/var/tmp/wh"));
  }

  @Test
  void aPathWithASpaceNamesTheSameFolderToHadoop() {
    String uri = Locations.normalize(KEY, "/var/tmp/x y/wh");
    assertEquals("file:///var/tmp/x y/wh", uri);
    // Path.toUri() would have given file:///var/tmp/x%20y/wh, which Hadoop reads as a folder named "x%20y".
    assertEquals("/var/tmp/x y/wh", new org.apache.hadoop.fs.Path(uri).toUri().getPath());
    assertEquals("/var/tmp/x y/wh/events", new org.apache.hadoop.fs.Path(Locations.join(uri, "events")).toUri().getPath());
  }

  @Test
  void s3aUriIsKeptAndLosesItsTrailingSlash() {
    assertEquals("s3a://bucket/x", Locations.normalize(KEY, "s3a://bucket/x"));
    assertEquals("s3a://bucket/x", Locations.normalize(KEY, "s3a://bucket/x/"));
    assertEquals("s3a://bucket/x", Locations.normalize(KEY, "  s3a://bucket/x//  "));
    assertEquals("s3a://bucket", Locations.normalize(KEY, "s3a://bucket/"));
    assertEquals("s3://bucket/a/b", Locations.normalize(KEY, "s3://bucket/a/b/"));
  }

  @Test
  void fileUriIsKeptWithoutTrailingSlash() {
    assertEquals("file:///data/wh", Locations.normalize(KEY, "file:///data/wh/"));
    assertEquals("file:///", Locations.normalize(KEY, "file:///"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"gs://bucket/x", "ftp://host/x", "http://example.com/wh"})
  void unsupportedSchemeIsRejectedNamingKeyAndValue(String location) {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Locations.normalize(KEY, location));
    assertTrue(e.getMessage().startsWith(KEY + " = '" + location + "'"), e.getMessage());
    assertTrue(e.getMessage().contains("unsupported scheme"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"s3a:///x", "s3a://", "s3://"})
  void s3WithoutBucketIsRejectedNamingTheKey(String location) {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Locations.normalize(KEY, location));
    assertTrue(e.getMessage().startsWith(KEY + " = '" + location + "'"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   "})
  void emptyIsRejectedNamingTheKey(String location) {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Locations.normalize(KEY, location));
    assertTrue(e.getMessage().startsWith(KEY + " = "), e.getMessage());
    assertTrue(e.getMessage().contains("must not be empty"), e.getMessage());
  }

  @Test
  void nullIsRejectedNamingTheKey() {
    BadConfigException e = assertThrows(BadConfigException.class, () -> Locations.normalize("hourglass.raw-root", null));
    assertTrue(e.getMessage().startsWith("hourglass.raw-root = "), e.getMessage());
  }

  @Test
  void joinUsesSingleSlashesAndSkipsEmptyParts() {
    assertEquals("s3a://b/root/web-events/2026/11/20/10",
        Locations.join("s3a://b/root", "web-events", "/2026/11/20/10"));
    assertEquals("s3a://b/root/x", Locations.join("s3a://b/root/", "", null, "x"));
    assertEquals("s3a://b/root", Locations.join("s3a://b/root"));
  }
}
