package io.hourglass.common.testing;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A bucket on a real S3-compatible server ({@link S3ProxyServer}, started for the test class) with the test
 * session's S3A settings pointed at it: {@code @RegisterExtension static final S3Bucket S3 = new S3Bucket("name");}.
 * Its {@code beforeAll} runs before the class's own {@code @BeforeAll} methods.
 */
public final class S3Bucket implements BeforeAllCallback, AfterAllCallback {
  private final String name;
  private S3ProxyServer server;
  private Configuration conf;

  public S3Bucket(String name) {
    this.name = name;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws IOException {
    server = S3ProxyServer.start();
    conf = SparkTestSession.get().sparkContext().hadoopConfiguration();
    server.configure(conf);
    server.createBucket(conf, name);
  }

  @Override
  public void afterAll(ExtensionContext context) throws IOException {
    FileSystem.closeAll(); // S3A instances cached for the bucket point at this server
    server.close();
  }

  /** {@code s3a://<bucket>/<prefix>}. */
  public String uri(String prefix) {
    return "s3a://" + name + "/" + prefix;
  }

  /** The test session's Hadoop settings, S3A configured for the server. */
  public Configuration conf() {
    return conf;
  }
}
