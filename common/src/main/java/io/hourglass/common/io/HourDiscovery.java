package io.hourglass.common.io;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.Locations;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Finds the raw objects of one arrival hour under the Firehose layout
 * {@code <raw-root>/<stream>/YYYY/MM/DD/HH/}. It lists only that prefix, once, so a bucket holding
 * years of other hours costs one listing. Hidden objects ({@code _*}, {@code .*}) and folders are skipped.
 */
public final class HourDiscovery {
  private static final String RAW_ROOT = "hourglass.raw-root";
  private final Configuration hadoopConf;

  public HourDiscovery(Configuration hadoopConf) {
    this.hadoopConf = hadoopConf;
  }

  /**
   * Refuses a stream with no folder at all under the raw root: a raw root or stream name with a typo would otherwise
   * make every hour an empty hour, recorded as done while its data sits elsewhere. (An hour whose own folder is
   * missing under an existing stream folder is an empty hour.)
   */
  public void requireStreamFolder(String rawRoot, String stream) {
    String streamFolder = Locations.join(rawRoot, stream);
    Path path = new Path(streamFolder);
    try {
      if (!path.getFileSystem(hadoopConf).exists(path)) {
        throw new BadConfigException("no folder " + streamFolder + " at all: check the raw root (--raw-root,"
            + " hourglass.raw-root) and the dataset's stream; until Firehose has written the stream's first object,"
            + " create the folder to have its hours recorded as empty");
      }
    } catch (UnsupportedFileSystemException e) {
      throw StorageSchemes.refused(RAW_ROOT, rawRoot, path.toUri().getScheme());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + streamFolder + ": " + e.getMessage(), e);
    }
  }

  public HourInput discover(String rawRoot, String stream, Hour hour) {
    String folder = Locations.join(rawRoot, stream, hour.folder());
    Path path = new Path(folder);
    try {
      FileSystem fs = path.getFileSystem(hadoopConf);
      FileStatus[] listed;
      try {
        listed = fs.listStatus(path);
      } catch (FileNotFoundException e) {
        requireStreamFolder(rawRoot, stream);
        return new HourInput(folder, false, List.of());
      }
      List<InputFile> files = new ArrayList<>();
      for (FileStatus s : listed) {
        String name = s.getPath().getName();
        if (s.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          files.add(new InputFile(s.getPath().toString(), s.getLen()));
        }
      }
      return new HourInput(folder, true, files);
    } catch (UnsupportedFileSystemException e) {
      throw StorageSchemes.refused(RAW_ROOT, rawRoot, path.toUri().getScheme());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + folder + ": " + e.getMessage(), e);
    }
  }
}
