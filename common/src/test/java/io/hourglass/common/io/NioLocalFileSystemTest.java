package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hourglass.common.config.SparkSettings;
import io.hourglass.common.spark.HadoopConfs;
import io.hourglass.common.testing.SparkTestSession;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local file system without child processes against Hadoop's own: the same permissions set, and the
 * same statuses (length, kind, permission, owner, group) read back, file by file; Spark's in-process
 * sessions use it.
 */
class NioLocalFileSystemTest {
  @TempDir
  java.nio.file.Path dir;

  private LocalFileSystem ours;
  private LocalFileSystem hadoops;

  @BeforeEach
  void open() throws IOException {
    assumeTrue(NioLocalFileSystem.available(), "POSIX file attributes");
    Configuration conf = new Configuration(false);
    ours = new NioLocalFileSystem();
    ours.initialize(FileSystem.getDefaultUri(conf).resolve("file:///"), conf);
    hadoops = new LocalFileSystem(new RawLocalFileSystem());
    hadoops.initialize(java.net.URI.create("file:///"), conf);
  }

  @Test
  void directoriesAndFilesGetThePermissionAsked() throws IOException {
    Path sub = new Path(dir.toUri().toString(), "a/b");
    assertTrue(ours.mkdirs(sub, new FsPermission((short) 0750)));
    assertEquals("rwxr-x---", mode(dir.resolve("a/b")));

    Path file = new Path(sub, "part-0.parquet");
    try (FSDataOutputStream out = ours.create(file, new FsPermission((short) 0640), false, 4096, (short) 1, 1 << 20, null)) {
      out.write("hello".getBytes(StandardCharsets.UTF_8));
    }
    assertEquals("rw-r-----", mode(dir.resolve("a/b/part-0.parquet")));
    assertTrue(Files.exists(dir.resolve("a/b/.part-0.parquet.crc")), "checksum file written as by Hadoop's");
    assertEquals(5, ours.getFileStatus(file).getLen());

    ours.setPermission(file, new FsPermission((short) 0604));
    assertEquals("rw----r--", mode(dir.resolve("a/b/part-0.parquet")));
    assertEquals(new FsPermission((short) 0604), ours.getFileStatus(file).getPermission());
  }

  @Test
  void statusesAreHadoopsOwn() throws IOException {
    Files.createDirectories(dir.resolve("x/y"));
    Files.writeString(dir.resolve("x/one.json"), "{}\n");
    Files.writeString(dir.resolve("x/y/two.json"), "{\"a\":1}\n");
    Files.setPosixFilePermissions(dir.resolve("x/one.json"), PosixFilePermissions.fromString("r--r-----"));
    Files.setPosixFilePermissions(dir.resolve("x/y"), PosixFilePermissions.fromString("rwx--x--x"));

    Files.createSymbolicLink(dir.resolve("x/link.json"), dir.resolve("x/one.json"));

    Path root = new Path(dir.toUri().toString(), "x");
    assertArrayEquals(described(hadoops.listStatus(root)), described(ours.listStatus(root)));
    Path file = new Path(root, "one.json");
    assertArrayEquals(described(hadoops.listStatus(file)), described(ours.listStatus(file)), "a file's own listing");
    assertEquals(FileStatus.class, ours.listStatus(file)[0].getClass(), "made here, not by Hadoop's ls -ld");
    assertEquals(describe(hadoops.getFileStatus(new Path(root, "link.json"))),
        describe(ours.getFileStatus(new Path(root, "link.json"))), "a link as Hadoop reports it: its target's");
    assertEquals(describedRecursively(hadoops, root), describedRecursively(ours, root));
    assertEquals(describe(hadoops.getFileStatus(new Path(root, "y/two.json"))),
        describe(ours.getFileStatus(new Path(root, "y/two.json"))));
    assertEquals(3, describedRecursively(ours, root).size(), "both files and the link listed");
  }

  @Test
  void aMissingPathIsNotFound() {
    Path missing = new Path(dir.toUri().toString(), "nope");
    assertThrows(FileNotFoundException.class, () -> ours.getFileStatus(missing));
    assertThrows(FileNotFoundException.class, () -> ours.setPermission(missing, new FsPermission((short) 0644)));
  }

  @Test
  void theStickyBitIsSetThroughHadoopAndReadBack() throws IOException {
    Path shared = new Path(dir.toUri().toString(), "shared");
    assertTrue(ours.mkdirs(shared));
    ours.setPermission(shared, new FsPermission((short) 01751));
    assertEquals("rwxr-x--x", mode(dir.resolve("shared")));
    assertTrue(hadoops.getFileStatus(shared).getPermission().getStickyBit(), "sticky bit set, as chmod sets it");
    assertEquals(hadoops.getFileStatus(shared).getPermission(), ours.getFileStatus(shared).getPermission());
  }

  @Test
  void inProcessRunsOnALocalMasterUseIt() throws IOException {
    Configuration conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    try (FileSystem fs = FileSystem.newInstance(java.net.URI.create("file:///"), conf)) {
      assertEquals(NioLocalFileSystem.class, fs.getClass());
    }
    Configuration noSpark = HadoopConfs.from(new SparkSettings("local[2]", 2, Map.of()));
    assertEquals(NioLocalFileSystem.class.getName(), noSpark.get("fs.file.impl"), "generate and size, before Spark");
    assertNull(HadoopConfs.from(new SparkSettings("yarn", 2, Map.of())).get("fs.file.impl"), "executors elsewhere");
    assertEquals("x.Y", HadoopConfs.from(new SparkSettings("local[2]", 2, Map.of("spark.hadoop.fs.file.impl", "x.Y")))
        .get("fs.file.impl"), "configured otherwise");
  }

  private static String mode(java.nio.file.Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  private static String[] described(FileStatus[] statuses) {
    List<String> out = new ArrayList<>();
    for (FileStatus s : statuses) {
      out.add(describe(s));
    }
    out.sort(null);
    return out.toArray(new String[0]);
  }

  private static List<String> describedRecursively(FileSystem fs, Path root) throws IOException {
    List<String> out = new ArrayList<>();
    for (RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true); it.hasNext(); ) {
      out.add(describe(it.next()));
    }
    out.sort(null);
    return out;
  }

  private static String describe(FileStatus s) {
    return String.join(" ", s.getPath().toString(), String.valueOf(s.getLen()), String.valueOf(s.isDirectory()),
        s.getPermission().toString(), s.getOwner(), s.getGroup(), String.valueOf(s.getModificationTime()));
  }
}
