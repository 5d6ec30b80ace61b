package io.hourglass.common.io;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;

/**
 * Rows that tasks set aside in files instead of sending them to the driver: each task attempt that spills
 * writes one file of JSON lines, {@code part-<task>-a<attempt>.json}, into a private folder of the run, and
 * the driver reads back, itself, exactly the files of the attempts Spark counted as successful (their names come
 * through an accumulator, which Spark drops for failed attempts; a failed attempt deletes its own file, and
 * {@link #delete} removes whatever is left). For a bounded side channel that must not lose what passes its
 * bound: the single-pass ingest keeps a task's first rejected records in memory and spills the rest.
 *
 * <p>Strings, ints and longs (and nulls) only, written and read back by Jackson.
 */
public final class RowSpill implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final JsonFactory JSON = new JsonFactory();

  private final String folder;
  private final StructType schema;
  private final SerializableHadoopConf conf;
  private final CollectionAccumulator<String> files;
  private final LongAccumulator rows;
  private transient JsonGenerator out;
  private transient Path file;

  private RowSpill(String folder, StructType schema, Configuration conf, CollectionAccumulator<String> files,
      LongAccumulator rows) {
    this.folder = folder;
    this.schema = schema;
    this.conf = new SerializableHadoopConf(conf);
    this.files = files;
    this.rows = rows;
    for (StructField f : schema.fields()) {
      DataType t = f.dataType();
      if (!t.equals(DataTypes.StringType) && !t.equals(DataTypes.IntegerType) && !t.equals(DataTypes.LongType)) {
        throw new IllegalArgumentException("a spilled row holds strings, ints and longs only, cannot hold "
            + f.name() + " of type " + t.simpleString());
      }
    }
  }

  /**
   * A spill into {@code folder} (on the driver, before the job); the folder is created by the first task that
   * spills, so a run that spills nothing leaves nothing behind.
   */
  public static RowSpill register(SparkSession spark, String folder, StructType schema) {
    var sc = spark.sparkContext();
    return new RowSpill(folder, schema, sc.hadoopConfiguration(), sc.collectionAccumulator("hourglass spilled files"),
        sc.longAccumulator("hourglass spilled rows"));
  }

  public String folder() {
    return folder;
  }

  /** Writes one row, values in the schema's order (in a task); the task's file is opened by its first row. */
  public void write(Object... values) {
    if (values.length != schema.fields().length) {
      throw new IllegalArgumentException("a spilled row has " + schema.fields().length + " values, not " + values.length);
    }
    try {
      if (out == null) {
        open();
      }
      out.writeStartObject();
      for (int i = 0; i < values.length; i++) {
        Object v = values[i];
        if (v == null) {
          continue; // Spark's reader gives a missing field null
        }
        out.writeFieldName(schema.fields()[i].name());
        if (v instanceof String s) {
          out.writeString(s);
        } else if (v instanceof Integer n) {
          out.writeNumber(n);
        } else if (v instanceof Long n) {
          out.writeNumber(n);
        } else {
          throw new IllegalArgumentException(schema.fields()[i].name() + ": a spilled value is a String, Integer or Long, not "
              + v.getClass().getName());
        }
      }
      out.writeEndObject();
      out.writeRaw('\n');
      rows.add(1);
    } catch (IOException e) {
      throw new UncheckedIOException("spilling a row to " + file + ": " + e.getMessage(), e);
    }
  }

  private void open() throws IOException {
    TaskContext context = TaskContext.get();
    if (context == null) {
      throw new IllegalStateException("rows are spilled from Spark tasks only");
    }
    file = new Path(folder, String.format("part-%05d-a%d.json", context.partitionId(), context.attemptNumber()));
    FileSystem fs = file.getFileSystem(conf.get());
    out = JSON.createGenerator((java.io.OutputStream) fs.create(file, true), JsonEncoding.UTF8);
    out.setRootValueSeparator(null);
    Path opened = file;
    context.addTaskCompletionListener((TaskCompletionListener) ctx -> finish(fs, opened, ctx.isFailed() || ctx.isInterrupted()));
    files.add(file.getName()); // dropped by Spark with the rest of this attempt's updates if it fails
  }

  /** Closes the task's file; a failed attempt's file is deleted (nothing reads it). */
  private void finish(FileSystem fs, Path opened, boolean failed) {
    try {
      out.close();
    } catch (IOException e) {
      if (!failed) {
        throw new UncheckedIOException("closing spilled rows " + opened + ": " + e.getMessage(), e);
      }
    } finally {
      out = null;
    }
    if (failed) {
      try {
        fs.delete(opened, false);
      } catch (IOException ignored) {
        // the folder goes as a whole when the run ends
      }
    }
  }

  /** Rows spilled by successful tasks (on the driver, after the job). */
  public long rows() {
    return rows.value();
  }

  /**
   * Hands every row the successful task attempts spilled to {@code action}, file by file in name order, each
   * row's values in the schema's order (String, Integer, Long or null); on the driver, streamed (one row at a
   * time in memory). A line that does not read back as such a row fails, naming the file and line.
   */
  public void forEachRow(Consumer<Object[]> action) {
    List<String> names = new ArrayList<>(files.value());
    names.sort(null);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < schema.fields().length; i++) {
      index.put(schema.fields()[i].name(), i);
    }
    for (String name : names) {
      Path p = new Path(folder, name);
      try (InputStream in = p.getFileSystem(conf.get()).open(p); JsonParser parser = JSON.createParser(in)) {
        for (JsonToken t = parser.nextToken(); t != null; t = parser.nextToken()) {
          action.accept(row(parser, t, index, p));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("reading spilled rows " + p + ": " + e.getMessage(), e);
      }
    }
  }

  private Object[] row(JsonParser parser, JsonToken start, Map<String, Integer> index, Path file) throws IOException {
    if (start != JsonToken.START_OBJECT) {
      throw new IOException("line " + parser.currentLocation().getLineNr() + " is not a JSON object");
    }
    Object[] values = new Object[schema.fields().length];
    for (JsonToken t = parser.nextToken(); t == JsonToken.FIELD_NAME; t = parser.nextToken()) {
      Integer i = index.get(parser.currentName());
      if (i == null) {
        throw new IOException("line " + parser.currentLocation().getLineNr() + ": no such column " + parser.currentName());
      }
      JsonToken v = parser.nextToken();
      DataType type = schema.fields()[i].dataType();
      if (v == JsonToken.VALUE_STRING && type.equals(DataTypes.StringType)) {
        values[i] = parser.getText();
      } else if (v == JsonToken.VALUE_NUMBER_INT && type.equals(DataTypes.LongType)) {
        values[i] = parser.getLongValue();
      } else if (v == JsonToken.VALUE_NUMBER_INT && type.equals(DataTypes.IntegerType)) {
        values[i] = parser.getIntValue();
      } else if (v != JsonToken.VALUE_NULL) {
        throw new IOException("line " + parser.currentLocation().getLineNr() + ": " + schema.fields()[i].name() + " is not a "
            + type.simpleString());
      }
    }
    return values;
  }

  /** Removes the folder and everything in it (on the driver, when the rows are written elsewhere or not needed). */
  public void delete() {
    deleteFolder(folder, conf.get());
  }

  /**
   * Removes a spill folder, recursively (also the leftovers of a run that died before it could), then its
   * parent if that is left empty; another run's folder beside it keeps the parent (a parallel backfill's hours
   * share it: if one of them writes there meanwhile, the parent stays, and that is all).
   */
  public static void deleteFolder(String folder, Configuration conf) {
    Path p = new Path(folder);
    FileSystem fs;
    try {
      fs = p.getFileSystem(conf);
      fs.delete(p, true);
    } catch (IOException e) {
      throw new UncheckedIOException("removing spilled rows " + folder + ": " + e.getMessage(), e);
    }
    Path parent = p.getParent();
    try {
      if (parent != null && fs.exists(parent) && fs.listStatus(parent).length == 0) {
        fs.delete(parent, false);
      }
    } catch (IOException notEmptyAnyMore) {
      // another run's folder came meanwhile: the parent is theirs too
    }
  }
}
