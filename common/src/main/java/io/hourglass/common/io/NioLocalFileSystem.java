package io.hourglass.common.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file://}, with its checksum files) without a child process per file.
 *
 * <p>Without Hadoop's native library, which no Spark from Maven Central or pip loads, Hadoop's
 * {@link RawLocalFileSystem} runs {@code chmod} in a child process for every directory and file it creates
 * with a permission (every task output file and its {@code .crc}), and {@code ls -ld} for every file status
 * whose permission or owner is read (every entry of {@code listFiles}). Forked from a JVM of several hundred
 * MB, each takes tens of milliseconds: a local run of 12 output files started 110 of them. Here the same
 * permissions are set through {@code java.nio.file}, and read with the owner and group in one {@code stat}
 * (of a symbolic link's target, as Hadoop's status reports it).
 *
 * <p>Everything else is Hadoop's own. Setting the sticky bit, which NIO cannot, and platforms without
 * POSIX attributes go to Hadoop's code. In-process runs on a local master use it ({@code fs.file.impl}, set by
 * {@link io.hourglass.common.spark.SparkSessions} and {@link io.hourglass.common.spark.HadoopConfs}); on EMR
 * and Glue the tables are on S3 and it is not used.
 */
public class NioLocalFileSystem extends LocalFileSystem {
  private static final boolean UNIX = FileSystems.getDefault().supportedFileAttributeViews().contains("unix");

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** Whether this platform's files have POSIX permissions (otherwise Hadoop's own code is used throughout). */
  public static boolean available() {
    return UNIX;
  }

  /** The raw (checksum-free) file system underneath: permissions through NIO. */
  public static class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (!UNIX || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(permission.toString()));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("File " + p + " does not exist");
      }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
      return withAttributes(super.getFileStatus(f)); // Hadoop's, its permission and owner not loaded yet
    }

    /** Hadoop lists a directory through {@link #getFileStatus}, but makes a file's own status itself. */
    @Override
    public FileStatus[] listStatus(Path f) throws IOException {
      FileStatus[] found = super.listStatus(f);
      for (int i = 0; i < found.length; i++) {
        if (found[i].getClass() != FileStatus.class) {
          found[i] = withAttributes(found[i]);
        }
      }
      return found;
    }

    private FileStatus withAttributes(FileStatus status) throws IOException {
      if (!UNIX) {
        return status;
      }
      Map<String, Object> a;
      try {
        a = Files.readAttributes(pathToFile(status.getPath()).toPath(), "unix:mode,owner,group");
      } catch (NoSuchFileException e) {
        // removed since; listStatus skips such an entry, as it does for one gone before Hadoop's own stat
        throw new FileNotFoundException("File " + status.getPath() + " does not exist");
      }
      FsPermission permission = new FsPermission((short) ((Integer) a.get("mode") & 01777));
      return new FileStatus(status.getLen(), status.isDirectory(), status.getReplication(), status.getBlockSize(),
          status.getModificationTime(), status.getAccessTime(), permission, ((UserPrincipal) a.get("owner")).getName(),
          ((GroupPrincipal) a.get("group")).getName(), status.getPath());
    }
  }
}
