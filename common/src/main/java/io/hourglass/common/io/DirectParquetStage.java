package io.hourglass.common.io;

import io.hourglass.common.spark.SparkSessions;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.mapreduce.Job;
import org.apache.hadoop.mapreduce.JobID;
import org.apache.hadoop.mapreduce.TaskAttemptContext;
import org.apache.hadoop.mapreduce.TaskAttemptID;
import org.apache.hadoop.mapreduce.TaskID;
import org.apache.hadoop.mapreduce.TaskType;
import org.apache.hadoop.mapreduce.task.TaskAttemptContextImpl;
import org.apache.parquet.hadoop.ParquetOutputFormat;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.execution.datasources.OutputWriter;
import org.apache.spark.sql.execution.datasources.OutputWriterFactory;
import org.apache.spark.sql.execution.datasources.parquet.ParquetOptions;
import org.apache.spark.sql.execution.datasources.parquet.ParquetUtils;
import org.apache.spark.sql.internal.SQLConf;
import org.apache.spark.sql.internal.SessionState$;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.JavaConverters;
import scala.Predef;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;

/**
 * The table's Parquet files written straight from the decoder's rows, in one plain Spark job: each task
 * reads its raw objects, decodes every record and hands the row to Spark's own Parquet writer
 * ({@code ParquetFileFormat}'s output writer, set up as {@code DataFrameWriter} sets it up, by the same Spark
 * code, so the files are the ones Spark would write: same schema, footer metadata, codec and per-column
 * options). The setup reads the session's settings without building its SQL state, which a job of plain
 * tasks never needs ({@link SparkSessions#sqlConf}).
 *
 * <p>What it leaves out is the SQL write around that writer: no query to analyse, optimise and compile
 * (about 2 s of a fresh JVM), no copy of every row into an {@code UnsafeRow} for the partition split, no
 * task commit protocol. The commit is this class's own and simple, because the files land in a private
 * staging folder that nothing reads until {@link HourPartitionWriter#publish} swaps it in: every task attempt
 * writes files whose names carry its partition and attempt, deletes them itself if it fails, and returns
 * their list; the driver keeps exactly the files of the attempts Spark counted as successful, deletes any
 * other file it finds in the staging folder (an attempt that died without cleaning up) and then counts the
 * rows back from the footers, as for Spark's writer. That requires that no two attempts of a task run at
 * once, so it is used only with {@code spark.speculation} off (the default; {@link #usable}).
 */
final class DirectParquetStage {
  /** Files a task keeps open at once (one per partition directory); past this the least recently written one is closed. */
  static final int MAX_OPEN_FILES = 32;
  /** What {@code _SUCCESS} of a directly written staging folder names as its committer (see the manifest's output). */
  static final String COMMITTER = "direct";

  private DirectParquetStage() {
  }

  /**
   * Whether the direct write can stand in for Spark's here: partition columns last and of string, int or long
   * type, no speculative tasks.
   */
  static boolean usable(SparkSession spark, HourPartitionWriter.Target target) {
    return !spark.sparkContext().getConf().getBoolean("spark.speculation", false) && laidOut(target);
  }

  /** Whether the target's partition columns come last and are of string, int or long type ({@link #writeHere} needs no more). */
  static boolean laidOut(HourPartitionWriter.Target target) {
    StructType schema = target.schema();
    int n = schema.fields().length;
    int k = target.partitionColumns().size();
    if (n <= k) {
      return false;
    }
    for (int i = 0; i < k; i++) {
      StructField f = schema.fields()[n - k + i];
      DataType t = f.dataType();
      // Types whose text is what Spark names the directory by (a date or a timestamp would need Spark's formatting).
      boolean plain = t.equals(DataTypes.StringType) || t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType);
      if (!f.name().equals(target.partitionColumns().get(i)) || !plain) {
        return false;
      }
    }
    return true;
  }

  /** One committed file: its path relative to the staging folder and its rows as the task wrote them. */
  record WrittenFile(String relativePath, long rows) implements Serializable {}

  /**
   * Decodes {@code input} with {@code decoder} (whose rows have the target's schema) into Parquet files under
   * {@code staging}, in {@code tasks} tasks, and commits them: returns the committed files' relative paths.
   *
   * @param runId goes into every file name (part-TTTTT-RUNID-aA-cCCC), so a file tells which run wrote it
   * @param maxOpenFiles files a task keeps open at once ({@value #MAX_OPEN_FILES} in production)
   */
  static Set<String> write(SparkSession spark, HourPartitionWriter.Target target, HourInput input, RecordDecoder decoder,
      int tasks, String staging, String runId, int maxOpenFiles) throws IOException {
    if (maxOpenFiles < 1) {
      throw new IllegalArgumentException("a task needs at least one open file, cannot be: " + maxOpenFiles);
    }
    Task task = task(spark, target, decoder, staging, runId, maxOpenFiles);
    FileSystem fs = new Path(staging).getFileSystem(task.conf.get());
    fs.mkdirs(new Path(staging)); // there even when no task writes a row (an hour of empty objects), as Spark's writer leaves it
    List<List<String>> groups = groups(input.files(), tasks);
    // One job over the groups, run with the task itself as the job's function: mapPartitionsWithIndex and collect
    // would wrap it in Scala closures, which Spark's closure cleaner reads back from their classes' bytecode (RDD's,
    // JavaRDDLike's, SparkContext's: 0.1-0.2 s of a fresh JVM's driver, and C2 compiling the class reader); a named
    // class is not a closure, so the cleaner only checks that it serializes.
    RDD<List<String>> rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(groups, groups.size()).rdd();
    WrittenFile[][] written = (WrittenFile[][]) spark.sparkContext().runJob(rdd, task, ClassTag$.MODULE$.apply(WrittenFile[].class));
    Set<String> committed = Arrays.stream(written).flatMap(Arrays::stream).map(WrittenFile::relativePath).collect(Collectors.toSet());
    dropUncommitted(fs, new Path(staging), committed);
    markSuccess(fs, staging, committed);
    return committed;
  }

  /**
   * Writes the rows that {@code rows} hands to its sink (in the target's schema, partition columns last) into
   * Parquet files under {@code staging}, here, in the calling thread: for rows the driver already holds, such
   * as a quarantine, where a Spark job's planning (seconds in a fresh JVM) would cost more than the write.
   * Returns the files' relative paths.
   */
  static Set<String> writeHere(SparkSession spark, HourPartitionWriter.Target target, Consumer<Consumer<InternalRow>> rows,
      String staging, String runId) throws IOException {
    Task task = task(spark, target, null, staging, runId, MAX_OPEN_FILES);
    FileSystem fs = new Path(staging).getFileSystem(task.conf.get());
    fs.mkdirs(new Path(staging));
    Set<String> committed = task.writeAll(0, rows).stream().map(WrittenFile::relativePath).collect(Collectors.toSet());
    markSuccess(fs, staging, committed);
    return committed;
  }

  /** The per-task writer, with Spark's Parquet output set up exactly as {@code DataFrameWriter} sets it up. */
  private static Task task(SparkSession spark, HourPartitionWriter.Target target, RecordDecoder decoder, String staging,
      String runId, int maxOpenFiles) throws IOException {
    StructType schema = target.schema();
    int k = target.partitionColumns().size();
    StructType dataSchema = new StructType(Arrays.copyOf(schema.fields(), schema.fields().length - k));
    // As SessionState.newHadoopConfWithOptions and ParquetFileFormat.prepareWrite do it, from the same settings.
    SQLConf sqlConf = SparkSessions.sqlConf(spark);
    Configuration hadoop = SessionState$.MODULE$.newHadoopConf(spark.sparkContext().hadoopConfiguration(), sqlConf);
    target.writeOptions().forEach(hadoop::set); // the format's per-column options (Target's copy holds no nulls)
    Job job = Job.getInstance(hadoop);
    // A file source's options fall back to the active session's settings for these two (read-side) flags, which
    // would build its SQL state: give them from the same settings.
    Map<String, String> options = new HashMap<>(target.writeOptions());
    options.put("ignoreCorruptFiles", String.valueOf(sqlConf.ignoreCorruptFiles()));
    options.put("ignoreMissingFiles", String.valueOf(sqlConf.ignoreMissingFiles()));
    ParquetOptions parquetOptions = new ParquetOptions(
        JavaConverters.mapAsScalaMapConverter(options).asScala().toMap(Predef.$conforms()), sqlConf);
    OutputWriterFactory factory = ParquetUtils.prepareWrite(sqlConf, job, dataSchema, parquetOptions);
    // Spark's write support with its per-row path written out: the same files (see DirectWriteSupport). A
    // decoder's rows are never changed once handed over; rows handed to writeHere may be (a spill reread).
    job.getConfiguration().set(ParquetOutputFormat.WRITE_SUPPORT_CLASS, DirectWriteSupport.class.getName());
    job.getConfiguration().setBoolean(DirectWriteSupport.ROWS_KEPT, decoder != null);
    return new Task(new SerializableHadoopConf(job.getConfiguration()), decoder, factory, staging,
        target.partitionColumns(), schema, runId, maxOpenFiles);
  }

  private static void markSuccess(FileSystem fs, String staging, Set<String> committed) throws IOException {
    try (var out = fs.create(new Path(staging, "_SUCCESS"), true)) {
      out.write(("{\"committer\":\"" + COMMITTER + "\",\"files\":" + committed.size() + "}").getBytes(
          StandardCharsets.UTF_8));
    }
  }

  /**
   * The objects split into at most {@code tasks} groups of consecutive objects in name order, each read in that
   * order, with the largest group's bytes as small as such a split allows. Consecutive, because a record a
   * producer sends again lands in the same object or the next, and a task that reads both in name order finds the
   * later copy itself (the decoder's window of recent ids); Firehose objects are about equal in size, so the
   * groups are about equal too.
   */
  static List<List<String>> groups(List<InputFile> files, int tasks) {
    List<InputFile> byName = new ArrayList<>(files);
    byName.sort(Comparator.comparing(InputFile::path));
    int n = Math.max(1, Math.min(tasks, byName.size()));
    long lo = byName.stream().mapToLong(InputFile::bytes).max().orElse(0);
    long hi = byName.stream().mapToLong(InputFile::bytes).sum();
    while (lo < hi) { // the least bound on a group's bytes that n consecutive groups can keep
      long mid = lo + (hi - lo) / 2;
      if (split(byName, mid).size() <= n) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return split(byName, lo);
  }

  /** Consecutive groups, each filled while it stays within {@code bound} bytes (at least one object each). */
  private static List<List<String>> split(List<InputFile> byName, long bound) {
    List<List<String>> groups = new ArrayList<>();
    List<String> current = new ArrayList<>();
    long bytes = 0;
    for (InputFile f : byName) {
      if (!current.isEmpty() && bytes + f.bytes() > bound) {
        groups.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(f.path());
      bytes += f.bytes();
    }
    if (!current.isEmpty() || groups.isEmpty()) {
      groups.add(current);
    }
    return groups;
  }

  /**
   * Deletes every data file under {@code staging} that no successful attempt committed (hidden files, such as a
   * local file system's checksums, go with their data file).
   */
  private static void dropUncommitted(FileSystem fs, Path staging, Set<String> committed) throws IOException {
    String prefix = staging.toUri().getPath() + "/";
    for (RemoteIterator<LocatedFileStatus> it = fs.listFiles(staging, true); it.hasNext(); ) {
      Path p = it.next().getPath();
      String relative = p.toUri().getPath().substring(prefix.length());
      if (!HourPartitionWriter.hidden(relative) && !committed.contains(relative)) {
        fs.delete(p, false);
      }
    }
  }

  /** One task: its objects decoded and written, one open file per partition directory met. */
  private static final class Task extends AbstractFunction2<TaskContext, scala.collection.Iterator<List<String>>, WrittenFile[]>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final SerializableHadoopConf conf;
    private final RecordDecoder decoder;
    private final OutputWriterFactory factory;
    private final String staging;
    private final List<String> partitionColumns;
    private final StructType dataSchema;
    private final int dataColumns;
    private final DataType[] partitionTypes;
    private final String runId;
    private final int maxOpenFiles;

    Task(SerializableHadoopConf conf, RecordDecoder decoder, OutputWriterFactory factory, String staging,
        List<String> partitionColumns, StructType schema, String runId, int maxOpenFiles) {
      this.conf = conf;
      this.decoder = decoder;
      this.factory = factory;
      this.staging = staging;
      this.partitionColumns = List.copyOf(partitionColumns);
      this.dataColumns = schema.fields().length - partitionColumns.size();
      this.dataSchema = new StructType(Arrays.copyOf(schema.fields(), dataColumns));
      this.partitionTypes = Arrays.stream(schema.fields()).skip(dataColumns).map(StructField::dataType).toArray(DataType[]::new);
      this.runId = runId;
      this.maxOpenFiles = maxOpenFiles;
    }

    @Override
    public WrittenFile[] apply(TaskContext context, scala.collection.Iterator<List<String>> objects) {
      try {
        return call(context, JavaConverters.asJavaIterator(objects)).toArray(WrittenFile[]::new);
      } catch (IOException e) {
        throw new UncheckedIOException(e.getMessage(), e); // Scala functions declare no checked exceptions
      }
    }

    /** The task's objects decoded and written, as its partition's attempt. */
    private List<WrittenFile> call(TaskContext context, Iterator<List<String>> objects) throws IOException {
      Files files = new Files(context.partitionId(), context.attemptNumber());
      long seen = 0;
      try {
        while (objects.hasNext()) {
          for (String path : objects.next()) {
            RecordSource.ObjectReader reader = new RecordSource.ObjectReader(
                new RawLineReader.RecordIterator(conf.get(), path), decoder);
            try {
              while (reader.next()) {
                if ((++seen & 4095) == 0) {
                  context.killTaskIfInterrupted(); // a cancelled job (another task failed) stops this one soon
                }
                files.write(reader.get());
              }
            } finally {
              reader.close(); // the stream, and the decoder's end of the object
            }
          }
        }
        return files.commit();
      } catch (Throwable e) {
        files.abort(e);
        throw e;
      }
    }

    /** Writes what {@code rows} hands over, as task {@code partition}'s first attempt, and commits its files. */
    List<WrittenFile> writeAll(int partition, Consumer<Consumer<InternalRow>> rows) throws IOException {
      Files files = new Files(partition, 0);
      try {
        rows.accept(files::write);
        return files.commit();
      } catch (Throwable e) {
        files.abort(e);
        throw e;
      }
    }

    /** The task's files: open ones by partition directory, closed ones with their rows. */
    private final class Files {
      private final int partition;
      private final int attempt;
      private final TaskAttemptContext context;
      private final String extension;
      private final DataColumns data = new DataColumns(
          Arrays.stream(dataSchema.fields()).map(StructField::dataType).toArray(DataType[]::new));
      private final LinkedHashMap<String, Open> open = new LinkedHashMap<>(16, 0.75f, true); // least recently used first
      private final List<WrittenFile> closed = new ArrayList<>();
      private final List<String> created = new ArrayList<>();
      private final Map<String, Integer> filesPerDirectory = new HashMap<>();
      private Open last;
      /** The partition values of the directory the previous row went to. */
      private Object[] lastValues;
      /** The partition values of the last directories named, and their names (see recentDirectory). */
      private final Object[][] recentValues = new Object[16][];
      private final String[] recentNames = new String[16];
      private int nextRecent;

      Files(int partition, int attempt) {
        this.partition = partition;
        this.attempt = attempt;
        Configuration c = conf.get();
        c.setClassLoader(DirectWriteSupport.class.getClassLoader()); // Parquet finds the write support by name
        TaskAttemptID id = new TaskAttemptID(new TaskID(new JobID("hourglass", 0), TaskType.MAP, partition), attempt);
        c.set("mapreduce.task.attempt.id", id.toString());
        c.setInt("mapreduce.task.partition", partition);
        this.context = new TaskAttemptContextImpl(c, id);
        this.extension = factory.getFileExtension(context);
      }

      void write(InternalRow row) {
        Open target = last;
        if (target == null || !in(row, lastValues)) {
          target = open(recentDirectory(row));
          last = target;
        }
        target.writer.write(data.of(row));
        target.rows++;
      }

      /** Whether {@code row}'s partition values are {@code values} (checked without a string). */
      private boolean in(InternalRow row, Object[] values) {
        for (int i = 0; i < partitionTypes.length; i++) {
          if (!Objects.equals(partitionValue(row, i), values[i])) {
            return false;
          }
        }
        return true;
      }

      private Object partitionValue(InternalRow row, int i) {
        return row.isNullAt(dataColumns + i) ? null : row.get(dataColumns + i, partitionTypes[i]);
      }

      /**
       * The row's partition directory, from the few last named when its values are among them: an hour's late records
       * move its rows between a handful of directories many times a file, and naming one escapes every value. Its
       * values become the ones the next row is checked against.
       */
      private String recentDirectory(InternalRow row) {
        for (int k = 0; k < recentValues.length && recentValues[k] != null; k++) {
          if (in(row, recentValues[k])) {
            lastValues = recentValues[k];
            return recentNames[k];
          }
        }
        String name = directory(row);
        Object[] values = new Object[partitionTypes.length];
        for (int i = 0; i < values.length; i++) {
          Object v = partitionValue(row, i);
          values[i] = v instanceof UTF8String u ? u.clone() : v; // a decoder may reuse its buffers
        }
        recentValues[nextRecent] = values;
        recentNames[nextRecent] = name;
        nextRecent = (nextRecent + 1) % recentValues.length;
        lastValues = values;
        return name;
      }

      /** The row's partition directory, named exactly as Spark names it (escaped; null as Hive's default partition). */
      private String directory(InternalRow row) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < partitionColumns.size(); i++) {
          int ordinal = dataColumns + i;
          String text = row.isNullAt(ordinal) ? ExternalCatalogUtils.DEFAULT_PARTITION_NAME()
              : row.get(ordinal, partitionTypes[i]).toString();
          if (i > 0) {
            sb.append('/');
          }
          sb.append(ExternalCatalogUtils.getPartitionPathString(partitionColumns.get(i), text));
        }
        return sb.toString();
      }

      private Open open(String directory) {
        Open o = open.get(directory);
        if (o != null) {
          return o;
        }
        if (open.size() >= maxOpenFiles) {
          var eldest = open.entrySet().iterator().next();
          open.remove(eldest.getKey());
          close(eldest.getValue());
        }
        int n = filesPerDirectory.merge(directory, 1, Integer::sum) - 1;
        String relative = String.format("%s/part-%05d-%s-a%d-c%03d%s", directory, partition, runId, attempt, n, extension);
        created.add(relative);
        o = new Open(relative, factory.newInstance(staging + "/" + relative, dataSchema, context));
        open.put(directory, o);
        return o;
      }

      private void close(Open o) {
        o.writer.close();
        closed.add(new WrittenFile(o.relativePath, o.rows));
        if (o == last) {
          last = null;
        }
      }

      List<WrittenFile> commit() {
        for (Open o : new ArrayList<>(open.values())) {
          close(o);
        }
        open.clear();
        return closed;
      }

      /** Closes what is open and deletes every file this attempt created; the failure is kept, not replaced. */
      void abort(Throwable cause) {
        for (Open o : open.values()) {
          try {
            o.writer.close();
          } catch (RuntimeException | Error e) {
            cause.addSuppressed(e);
          }
        }
        try {
          FileSystem fs = new Path(staging).getFileSystem(conf.get());
          for (String relative : created) {
            fs.delete(new Path(staging + "/" + relative), false);
          }
        } catch (IOException | RuntimeException e) {
          cause.addSuppressed(e);
        }
      }
    }

  }

  /** An open file and the rows written to it so far. */
  private static final class Open {
    final String relativePath;
    final OutputWriter writer;
    long rows;

    Open(String relativePath, OutputWriter writer) {
      this.relativePath = relativePath;
      this.writer = writer;
    }
  }

}
