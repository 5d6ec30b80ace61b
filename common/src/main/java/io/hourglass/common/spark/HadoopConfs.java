package io.hourglass.common.spark;

import io.hourglass.common.config.SparkSettings;
import io.hourglass.common.io.NioLocalFileSystem;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;

/**
 * A Hadoop Configuration for commands that touch storage without starting Spark (size, generate):
 * the {@code spark.hadoop.*} entries of {@code hourglass.spark.conf}, as Spark itself would apply them.
 */
public final class HadoopConfs {
  private HadoopConfs() {}

  public static Configuration from(SparkSettings settings) {
    Configuration conf = new Configuration();
    if (SparkSessions.localFiles(settings.master())) {
      // As Spark's own configuration will have it: Hadoop keeps one file system per scheme, and this may make it first.
      conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    }
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      if (e.getKey().startsWith("spark.hadoop.")) {
        conf.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
      }
    }
    return conf;
  }
}
