package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.Hour;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.s3a.S3AFileSystem;
import org.junit.jupiter.api.Test;

class StorageSchemesTest {
  private static final String S3_HINT = "no file system serves 's3:' in this run (s3:// is EMR's and Glue's own; elsewhere write s3a://)";

  @Test
  void aSchemeNoFileSystemServesIsRefusedNamingTheSetting() {
    BadConfigException e = assertThrows(BadConfigException.class,
        () -> StorageSchemes.require(new Configuration(), "hourglass.warehouse", "s3://bucket/wh"));
    assertEquals("hourglass.warehouse = 's3://bucket/wh': " + S3_HINT, e.getMessage());
    BadConfigException other = assertThrows(BadConfigException.class,
        () -> StorageSchemes.require(new Configuration(), "hourglass.raw-root", "gs://bucket/raw"));
    assertEquals("hourglass.raw-root = 'gs://bucket/raw': no file system serves 'gs:' in this run", other.getMessage());
  }

  @Test
  void servedSchemesPassAndSoDoesAMappedOne() {
    Configuration conf = new Configuration();
    StorageSchemes.require(conf, "hourglass.warehouse", "s3a://bucket/wh");
    StorageSchemes.require(conf, "hourglass.warehouse", "file:///tmp/wh");
    StorageSchemes.require(conf, "hourglass.warehouse", "/tmp/wh");
    conf.set("fs.s3.impl", S3AFileSystem.class.getName()); // as EMR's core-site.xml maps s3 to its own
    StorageSchemes.require(conf, "hourglass.warehouse", "s3://bucket/wh");
  }

  @Test
  void discoveryUnderSuchARawRootAnswersInOneLine() {
    HourDiscovery discovery = new HourDiscovery(new Configuration());
    BadConfigException listing = assertThrows(BadConfigException.class,
        () -> discovery.discover("s3://bucket/raw", "web-events", Hour.parse("2026-11-20T10")));
    assertEquals("hourglass.raw-root = 's3://bucket/raw': " + S3_HINT, listing.getMessage());
    BadConfigException folder = assertThrows(BadConfigException.class,
        () -> discovery.requireStreamFolder("s3://bucket/raw", "web-events"));
    assertEquals(listing.getMessage(), folder.getMessage());
  }
}
