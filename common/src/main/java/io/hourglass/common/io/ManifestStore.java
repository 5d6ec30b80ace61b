package io.hourglass.common.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.Locations;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Run manifests at {@code <table root>/_manifests/YYYYMMDDHH.json} (the arrival hour). On S3 an object
 * appears whole when its upload completes; elsewhere the manifest is written to a hidden temporary
 * name and renamed, so a reader never sees half of one.
 */
public final class ManifestStore {
  private static final ObjectMapper JSON = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .enable(SerializationFeature.INDENT_OUTPUT);

  private final Configuration hadoopConf;

  public ManifestStore(Configuration hadoopConf) {
    this.hadoopConf = hadoopConf;
  }

  public static String location(String tableRoot, Hour hour) {
    return Locations.join(tableRoot, "_manifests", hour.id() + ".json");
  }

  /** Withdraws the hour's manifest: from now until the new one is written, the hour reads as incomplete. */
  public void withdraw(String tableRoot, Hour hour) {
    Path p = new Path(location(tableRoot, hour));
    try {
      p.getFileSystem(hadoopConf).delete(p, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot withdraw manifest " + p + ": " + e.getMessage(), e);
    }
  }

  /** Writes the hour's manifest (replacing it) and returns its location, written as the table root is ({@link #location}). */
  public String write(String tableRoot, Hour hour, RunManifest manifest) {
    String location = location(tableRoot, hour);
    Path target = new Path(location);
    try {
      FileSystem fs = target.getFileSystem(hadoopConf);
      byte[] bytes = JSON.writeValueAsBytes(manifest);
      if (fs.getScheme().startsWith("s3")) {
        try (OutputStream out = fs.create(target, true)) {
          out.write(bytes);
        }
      } else {
        Path tmp = new Path(target.getParent(), "." + target.getName() + "." + manifest.runId() + ".tmp");
        try (OutputStream out = fs.create(tmp, true)) {
          out.write(bytes);
        }
        fs.delete(target, false);
        if (!fs.rename(tmp, target)) {
          throw new IOException("rename " + tmp + " -> " + target + " failed");
        }
      }
      return location; // not the Hadoop path's "file:/..." where the table root reads "file:///..."
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write manifest " + target + ": " + e.getMessage(), e);
    }
  }

  public Optional<RunManifest> read(String tableRoot, Hour hour) {
    Path p = new Path(location(tableRoot, hour));
    try {
      FileSystem fs = p.getFileSystem(hadoopConf);
      if (!fs.exists(p)) {
        return Optional.empty();
      }
      try (InputStream in = fs.open(p)) {
        return Optional.of(JSON.readValue(in, RunManifest.class));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read manifest " + p + ": " + e.getMessage(), e);
    }
  }
}
