package io.hourglass.common.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.LocalFileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An object that cannot be opened as what it claims to be leaves no stream open (on S3A, a pooled connection). */
class RawLineReaderCloseTest {
  /** The local file system, counting the streams it opened that are still open: the side effect under test. */
  public static final class CountingFileSystem extends LocalFileSystem {
    static final AtomicInteger OPEN = new AtomicInteger();

    @Override
    public String getScheme() {
      return "counting";
    }

    @Override
    public java.net.URI getUri() {
      return java.net.URI.create("counting:///");
    }

    @Override
    public FSDataInputStream open(org.apache.hadoop.fs.Path f, int bufferSize) throws IOException {
      FSDataInputStream in = super.open(new org.apache.hadoop.fs.Path(f.toUri().getPath()), bufferSize);
      OPEN.incrementAndGet();
      return new FSDataInputStream(in) {
        private boolean closed;

        @Override
        public void close() throws IOException {
          if (!closed) {
            closed = true;
            OPEN.decrementAndGet();
          }
          super.close();
        }
      };
    }
  }

  @TempDir Path dir;

  @Test
  void aDamagedGzipHeaderOrAGzNameWithoutGzipClosesItsStream() throws IOException {
    Configuration conf = new Configuration();
    conf.set("fs.counting.impl", CountingFileSystem.class.getName());
    conf.setBoolean("fs.counting.impl.disable.cache", true);
    Path truncatedHeader = Files.write(dir.resolve("a.gz"), new byte[] {0x1f, (byte) 0x8b, 8, 0, 0});
    Path notGzip = Files.writeString(dir.resolve("b.gz"), "{\"event_id\":\"x\"}\n");
    Path plain = Files.writeString(dir.resolve("c.json"), "{\"event_id\":\"x\"}\n");

    assertThrows(IOException.class, () -> RawLineReader.RecordIterator.open(conf, "counting://" + truncatedHeader));
    assertThrows(IOException.class, () -> RawLineReader.RecordIterator.open(conf, "counting://" + notGzip));
    assertEquals(0, CountingFileSystem.OPEN.get(), "streams left open by objects that failed to open");

    try (InputStream in = RawLineReader.RecordIterator.open(conf, "counting://" + plain)) {
      assertEquals(1, CountingFileSystem.OPEN.get(), "the good one is open until its reader closes it");
      assertEquals('{', in.read());
    }
    assertEquals(0, CountingFileSystem.OPEN.get());
  }
}
