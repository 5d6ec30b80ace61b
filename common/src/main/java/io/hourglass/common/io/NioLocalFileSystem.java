package io.hourglass.common.io;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsAction;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system ({@code file://}, with its checksum files) without a child process per file.
 *
 * <p>Without Hadoop's native library, which no Spark from Maven Central or pip loads, Hadoop's
 * {@link RawLocalFileSystem} runs {@code chmod} in a child process for every directory and file it creates
 * with a permission (every task output file and its {@code .crc}), and {@code ls -ld} for every file status
 * whose permission or owner is read (every entry of {@code listFiles}). Forked from a JVM of several hundred
 * MB, each takes 30-80 ms: a local run of 12 output files spent about 100 of them, seconds of wall time.
 * Here the same permissions are set and read through {@code java.nio.file}, in one system call each.
 *
 * <p>Everything else is Hadoop's own. Permissions NIO cannot express (the sticky bit) and file systems that
 * are not POSIX go to Hadoop's code. In-process runs use it ({@code fs.file.impl}, set by
 * {@link io.hourglass.common.spark.SparkSessions}); on EMR and Glue the tables are on S3 and it is not used.
 */
public class NioLocalFileSystem extends LocalFileSystem {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  public NioLocalFileSystem() {
    super(new Raw());
  }

  /** Whether this platform's files have POSIX permissions (otherwise Hadoop's own code is used throughout). */
  public static boolean posix() {
    return POSIX;
  }

  /** The raw (checksum-free) file system underneath: permissions through NIO. */
  public static class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      if (!POSIX || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      try {
        Files.setPosixFilePermissions(pathToFile(p).toPath(), posixPermissions(permission));
      } catch (NoSuchFileException e) {
        throw new FileNotFoundException("File " + p + " does not exist");
      }
    }

    @Override
    public FileStatus getFileStatus(Path f) throws IOException {
      FileStatus status = super.getFileStatus(f); // Hadoop's, its permission and owner not loaded yet
      if (!POSIX) {
        return status;
      }
      File file = pathToFile(status.getPath());
      PosixFileAttributes attributes;
      try {
        attributes = Files.readAttributes(file.toPath(), PosixFileAttributes.class);
      } catch (NoSuchFileException e) {
        // removed since; listStatus skips such an entry, as it does for one gone before Hadoop's own stat
        throw new FileNotFoundException("File " + f + " does not exist");
      }
      return new FileStatus(status.getLen(), status.isDirectory(), status.getReplication(), status.getBlockSize(),
          status.getModificationTime(), status.getAccessTime(), fsPermission(attributes.permissions()),
          attributes.owner().getName(), attributes.group().getName(), status.getPath());
    }
  }

  static Set<PosixFilePermission> posixPermissions(FsPermission permission) {
    Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
    add(set, permission.getUserAction(), PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE);
    add(set, permission.getGroupAction(), PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
        PosixFilePermission.GROUP_EXECUTE);
    add(set, permission.getOtherAction(), PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE);
    return set;
  }

  static FsPermission fsPermission(Set<PosixFilePermission> set) {
    return new FsPermission(
        action(set, PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_EXECUTE),
        action(set, PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE),
        action(set, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE));
  }

  private static void add(Set<PosixFilePermission> set, FsAction action, PosixFilePermission read,
      PosixFilePermission write, PosixFilePermission execute) {
    if (action.implies(FsAction.READ)) {
      set.add(read);
    }
    if (action.implies(FsAction.WRITE)) {
      set.add(write);
    }
    if (action.implies(FsAction.EXECUTE)) {
      set.add(execute);
    }
  }

  private static FsAction action(Set<PosixFilePermission> set, PosixFilePermission read, PosixFilePermission write,
      PosixFilePermission execute) {
    FsAction action = FsAction.NONE;
    if (set.contains(read)) {
      action = action.or(FsAction.READ);
    }
    if (set.contains(write)) {
      action = action.or(FsAction.WRITE);
    }
    if (set.contains(execute)) {
      action = action.or(FsAction.EXECUTE);
    }
    return action;
  }
}
