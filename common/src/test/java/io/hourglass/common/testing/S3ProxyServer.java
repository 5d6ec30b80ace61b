package io.hourglass.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * A real S3-compatible server (s3proxy, in-memory jclouds store) on 127.0.0.1, started as a child JVM
 * from its own jar so its Jackson/Jetty never meet Spark's. Tests speak S3A to it, path-style.
 * The jar is copied into {@code target/s3proxy/} by the build (maven-dependency-plugin).
 */
public final class S3ProxyServer implements AutoCloseable {
  public static final String ACCESS_KEY = "AKIAHOURGLASSTEST001";
  public static final String SECRET_KEY = "hourglass-test-secret-KEY-9f8e7d6c5b4a";

  private final Process process;
  private final int port;
  private final Path logFile;

  private S3ProxyServer(Process process, int port, Path logFile) {
    this.process = process;
    this.port = port;
    this.logFile = logFile;
  }

  public static S3ProxyServer start() {
    try {
      Path jar = Paths.get(System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar")).toAbsolutePath();
      if (!Files.isRegularFile(jar)) {
        throw new IllegalStateException("s3proxy jar not found at " + jar + " (the build copies it; run through Maven)");
      }
      int port;
      try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
        port = s.getLocalPort();
      }
      Path dir = Files.createTempDirectory("s3proxy");
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(props, String.join("\n",
          "s3proxy.endpoint=http://127.0.0.1:" + port,
          "s3proxy.authorization=aws-v2-or-v4",
          "s3proxy.identity=" + ACCESS_KEY,
          "s3proxy.credential=" + SECRET_KEY,
          "jclouds.provider=transient",
          "jclouds.identity=" + ACCESS_KEY,
          "jclouds.credential=" + SECRET_KEY,
          ""));
      Path log = dir.resolve("s3proxy.log");
      String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
      Process p = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", jar.toString(), "--properties", props.toString()))
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      S3ProxyServer server = new S3ProxyServer(p, port, log);
      server.awaitUp(Duration.ofSeconds(60));
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** Hadoop settings for S3A against this server: path style, no SSL, small multipart parts. */
  public void configure(Configuration conf) {
    conf.set("fs.s3a.endpoint", endpoint());
    conf.set("fs.s3a.path.style.access", "true");
    conf.set("fs.s3a.connection.ssl.enabled", "false");
    conf.set("fs.s3a.access.key", ACCESS_KEY);
    conf.set("fs.s3a.secret.key", SECRET_KEY);
    conf.set("fs.s3a.aws.credentials.provider", "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider");
    conf.set("fs.s3a.change.detection.mode", "none");
    conf.set("fs.s3a.change.detection.version.required", "false");
    conf.set("fs.s3a.multipart.size", "5M");
    conf.set("fs.s3a.multipart.threshold", "5M");
    conf.set("fs.s3a.fast.upload.buffer", "disk"); // Hadoop's default; see README, S3
    conf.set("fs.s3a.retry.limit", "3");
    conf.set("fs.s3a.attempts.maximum", "3");
    conf.setBoolean("fs.s3a.impl.disable.cache", false);
  }

  /** Creates a bucket (s3proxy's transient store starts empty). */
  public void createBucket(Configuration conf, String bucket) throws IOException {
    FileSystem fs = new org.apache.hadoop.fs.Path("s3a://" + bucket + "/").getFileSystem(conf);
    // S3A has no create-bucket; the transient store accepts a PUT Bucket through the AWS SDK underneath.
    com.amazonaws.services.s3.AmazonS3 s3 = com.amazonaws.services.s3.AmazonS3ClientBuilder.standard()
        .withEndpointConfiguration(new com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration(endpoint(), "us-east-1"))
        .withPathStyleAccessEnabled(true)
        .withCredentials(new com.amazonaws.auth.AWSStaticCredentialsProvider(new com.amazonaws.auth.BasicAWSCredentials(ACCESS_KEY, SECRET_KEY)))
        .build();
    if (!s3.doesBucketExistV2(bucket)) {
      s3.createBucket(bucket);
    }
    s3.shutdown();
    fs.getFileStatus(new org.apache.hadoop.fs.Path("s3a://" + bucket + "/"));
  }

  private void awaitUp(Duration timeout) throws IOException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException("s3proxy exited with " + process.exitValue() + ": " + Files.readString(logFile));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    close();
    throw new IllegalStateException("s3proxy did not start within " + timeout + ": " + Files.readString(logFile));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
