package io.hourglass.common.io;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import io.hourglass.common.schema.RawRecords;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * Reads raw line-oriented objects (JSON lines; gzipped or not, decided by the gzip magic bytes, not
 * the name) into {@link RawRecords#SCHEMA} rows: one task per object, largest first, lines streamed.
 *
 * <p>Reading is ours rather than {@code spark.read().text()} so that a damaged object becomes a
 * counted row naming the file (instead of a task failure deep in a stack trace, or a silent skip
 * with {@code ignoreCorruptFiles}), each row knows its line number, and records Firehose concatenated
 * without a newline are split instead of lost.
 */
public final class RawLineReader {
  private static final int BUFFER = 256 * 1024;

  private RawLineReader() {}

  /** A lazy Dataset over the given objects; nothing is read until an action runs. */
  public static Dataset<Row> read(SparkSession spark, HourInput input) {
    List<String> paths = input.files().stream().map(InputFile::path).toList();
    SerializableHadoopConf conf = new SerializableHadoopConf(spark.sparkContext().hadoopConfiguration());
    JavaRDD<Row> rows = JavaSparkContext.fromSparkContext(spark.sparkContext())
        .parallelize(paths, Math.max(1, paths.size()))
        .flatMap(path -> new RecordIterator(conf.get(), path));
    return spark.createDataFrame(rows, RawRecords.SCHEMA);
  }

  /**
   * Ends the stream at the first read error instead of throwing it, keeping the error. Without this the
   * reader's read-ahead buffer, decoded but not yet returned as lines, would be lost with the exception:
   * a truncated gzip must give back every line decoded before the damage (the cut last line becomes a
   * malformed record), then the error.
   */
  static final class StopOnError extends java.io.FilterInputStream {
    private IOException error;

    StopOnError(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      if (error != null) {
        return -1;
      }
      try {
        return super.read();
      } catch (IOException e) {
        error = e;
        return -1;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (error != null) {
        return -1;
      }
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        error = e;
        return -1;
      }
    }
  }

  /** Streams the records of one object; an I/O or decompression error ends it with a read_error row. */
  static final class RecordIterator implements Iterator<Row> {
    private final String path;
    private final ArrayDeque<Row> pending = new ArrayDeque<>();
    private BufferedReader reader;
    private StopOnError guard;
    private long lineNo;
    private boolean done;

    RecordIterator(Configuration conf, String path) {
      this.path = path;
      try {
        guard = new StopOnError(open(conf, path));
        reader = new BufferedReader(new InputStreamReader(guard, StandardCharsets.UTF_8), BUFFER);
      } catch (IOException | RuntimeException e) {
        fail(e);
      }
    }

    @Override
    public boolean hasNext() {
      while (pending.isEmpty() && !done) {
        advance();
      }
      return !pending.isEmpty();
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return pending.poll();
    }

    private void advance() {
      String line;
      try {
        line = reader.readLine();
      } catch (IOException | RuntimeException e) {
        fail(e);
        return;
      }
      if (line == null) {
        if (guard != null && guard.error != null) {
          fail(guard.error);
        } else {
          close();
        }
        return;
      }
      lineNo++;
      if (lineNo == 1 && !line.isEmpty() && line.charAt(0) == '\uFEFF') {
        line = line.substring(1);
      }
      List<String> records = ConcatenatedRecords.split(line);
      for (int i = 0; i < records.size(); i++) {
        pending.add(RowFactory.create(path, lineNo, i, records.get(i), null));
      }
    }

    private void fail(Exception e) {
      String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
      pending.add(RowFactory.create(path, lineNo, 0, null, what + " (after " + lineNo + " lines)"));
      close();
    }

    private void close() {
      done = true;
      if (reader != null) {
        try {
          reader.close();
        } catch (IOException ignored) {
          // the data is read; a failure to close loses nothing
        }
      }
    }

    private static InputStream open(Configuration conf, String path) throws IOException {
      Path p = new Path(path);
      FSDataInputStream raw = p.getFileSystem(conf).open(p, BUFFER);
      InputStream in = new BufferedInputStream(raw, BUFFER);
      in.mark(2);
      int b0 = in.read();
      int b1 = in.read();
      in.reset();
      boolean gzip = b0 == 0x1f && b1 == 0x8b;
      if (!gzip && path.endsWith(".gz") && b0 != -1) {
        in.close();
        throw new IOException("named .gz but is not gzip");
      }
      InputStream decoded = gzip ? new GZIPInputStream(in, 64 * 1024) : in;
      return decoded;
    }
  }
}
