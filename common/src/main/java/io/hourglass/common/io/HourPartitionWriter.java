package io.hourglass.common.io;

import static org.apache.spark.sql.functions.col;

import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.Locations;
import io.hourglass.common.config.TableFormat;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.catalog.ExternalCatalogUtils;
import org.apache.spark.sql.types.StructType;

/**
 * Replaces exactly what one run owns in a partitioned table: every directory whose last partition
 * level is {@code <owner>=<value>} (e.g. {@code dt=* /hour=* /ingest_hour=2026112010}). Other values are
 * never touched; a directory the previous run wrote that this run does not produce is removed.
 *
 * <p>Parquet and Avro: the rows are written to {@code <table>/_staging/<owner>=<value>/<run>/}, counted
 * back from storage and checked against what the caller expects, and only then swapped in (old owned
 * directories deleted, staged ones moved into place). Delta: one {@code replaceWhere} commit, which is
 * atomic by itself. Readers that need the hour complete wait for the run's manifest, written after this.
 */
public final class HourPartitionWriter {
  private final SparkSession spark;

  public HourPartitionWriter(SparkSession spark) {
    this.spark = spark;
  }

  /**
   * @param root table root URI
   * @param partitionColumns partition columns, outermost first; the last one is the owner column
   * @param ownerValue the value this run owns
   * @param schema the table schema, for reading back what was written
   * @param writeOptions options for the writer of the format (e.g. Parquet's per-column dictionary switch)
   */
  public record Target(String root, TableFormat format, List<String> partitionColumns, String ownerValue, StructType schema,
      Map<String, String> writeOptions) {
    public Target {
      if (partitionColumns.isEmpty()) {
        throw new IllegalArgumentException("A target needs at least its owner partition column, cannot be: " + partitionColumns);
      }
      partitionColumns = List.copyOf(partitionColumns);
      writeOptions = Map.copyOf(writeOptions);
    }

    public Target(String root, TableFormat format, List<String> partitionColumns, String ownerValue, StructType schema) {
      this(root, format, partitionColumns, ownerValue, schema, Map.of());
    }

    public String ownerColumn() {
      return partitionColumns.get(partitionColumns.size() - 1);
    }

    /** The glob, relative to a root, of the directories this run owns. */
    String ownedGlob() {
      StringBuilder sb = new StringBuilder();
      for (String c : partitionColumns.subList(0, partitionColumns.size() - 1)) {
        sb.append(c).append("=*/");
      }
      return sb.append(ownerColumn()).append('=').append(ownerValue).toString();
    }
  }

  /**
   * What landed.
   *
   * @param rowsByDirectory rows per owned directory (relative to the root), counted back from storage
   * @param committer the committer that wrote the rows, from its {@code _SUCCESS} marker: an S3A committer
   *     ({@code magic}, {@code directory}, ...) writes JSON naming itself; {@code file} is the classic
   *     FileOutputCommitter; {@code delta} is a Delta commit
   */
  public record Outcome(String root, Map<String, Long> rowsByDirectory, String committer) {
    public long rows() {
      return rowsByDirectory.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Writes {@code rows} as the new content of what {@code target} owns.
   *
   * @param expectedRows the row count the caller's accounts expect; a different count fails the run
   *     (before anything is published, for Parquet and Avro)
   * @param beforePublish runs just before the visible swap (e.g. withdrawing the hour's manifest)
   */
  public Outcome replace(Target target, Dataset<Row> rows, long expectedRows, String runId, Runnable beforePublish) {
    return replace(target, () -> rows, expectedRows, runId, beforePublish);
  }

  /**
   * As above, the rows made only when there are some to write: a Parquet or Avro target expecting none is
   * cleared without them (planning a DataFrame costs a fresh JVM about 0.5 s).
   */
  public Outcome replace(Target target, Supplier<Dataset<Row>> rows, long expectedRows, String runId, Runnable beforePublish) {
    if (target.format() == TableFormat.DELTA) {
      return replaceDelta(target, rows.get(), expectedRows, beforePublish);
    }
    if (expectedRows == 0) {
      return replaceWithNothing(target, beforePublish);
    }
    return publish(stage(target, rows.get(), runId), expectedRows, beforePublish);
  }

  /**
   * As above, for rows the driver holds or streams itself (in the target's schema, as Spark's internal rows,
   * partition columns last), which {@code rows} hands to the sink it is given: written here by Spark's own
   * Parquet writer ({@link DirectParquetStage#writeHere}), with no Spark job to plan, then counted back and
   * published as any staging. For a Parquet target with its partition columns last; a quarantine, say.
   */
  public Outcome replaceRows(Target target, Consumer<Consumer<InternalRow>> rows, long expectedRows, String runId,
      Runnable beforePublish) {
    if (target.format() != TableFormat.PARQUET || !DirectParquetStage.laidOut(target)) {
      throw new IllegalArgumentException("not written directly (Parquet, partition columns last): " + target.root());
    }
    if (expectedRows == 0) {
      return replaceWithNothing(target, beforePublish);
    }
    return publish(stage(target, runId, staging -> {
      try {
        DirectParquetStage.writeHere(spark, target, rows, staging, runId);
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + staging + ": " + e.getMessage(), e);
      }
    }), expectedRows, beforePublish);
  }

  /**
   * Rows written to staging (Parquet and Avro) and counted back from storage, not yet visible: {@link #publish}
   * swaps them in, {@link #discard} drops them.
   *
   * @param rowsByDirectory rows per partition directory relative to the staging folder, counted back
   * @param createdTop the outermost directory that staging created (the table root or above), null if none
   */
  public record Staged(Target target, String stagingOwner, String staging, Map<String, Long> rowsByDirectory, String committer,
      String createdTop) {
    public long rows() {
      return rowsByDirectory.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Writes {@code rows} to the run's staging folder under {@code target} and counts them back. */
  public Staged stage(Target target, Dataset<Row> rows, String runId) {
    return stage(target, runId, staging -> rows.write()
        .format(target.format().sparkFormat())
        .options(target.writeOptions())
        .mode(SaveMode.ErrorIfExists)
        .partitionBy(target.partitionColumns().toArray(String[]::new))
        .save(staging));
  }

  /**
   * Whether {@link #stageRecords} writes {@code target} itself (Parquet with its partition columns last, no
   * speculative tasks); otherwise the records go through a Dataset and {@link #stage}.
   */
  public boolean writesDirectly(Target target) {
    return target.format() == TableFormat.PARQUET && DirectParquetStage.usable(spark, target);
  }

  /**
   * Decodes {@code input} with {@code decoder} straight into Parquet files in the run's staging folder, in
   * {@code tasks} tasks of about equal input, and counts them back ({@link DirectParquetStage}): the same files
   * as {@link #stage} of the decoded records, without Spark's SQL write around the Parquet writer.
   *
   * @param decoder its rows have the target's schema, partition columns last
   */
  public Staged stageRecords(Target target, HourInput input, RecordDecoder decoder, int tasks, String runId) {
    return stageRecords(target, input, decoder, tasks, runId, DirectParquetStage.MAX_OPEN_FILES);
  }

  /** {@link #stageRecords} with another limit on the files a task keeps open (tests of the limit). */
  Staged stageRecords(Target target, HourInput input, RecordDecoder decoder, int tasks, String runId, int maxOpenFiles) {
    if (!writesDirectly(target)) {
      throw new IllegalArgumentException("not written directly (Parquet, partition columns last, no speculation): " + target.root());
    }
    return stage(target, runId, staging -> {
      try {
        DirectParquetStage.write(spark, target, input, decoder, tasks, staging, runId, maxOpenFiles);
      } catch (IOException e) {
        throw new UncheckedIOException("writing " + staging + ": " + e.getMessage(), e);
      }
    });
  }

  private Staged stage(Target target, String runId, java.util.function.Consumer<String> writeTo) {
    if (target.format() == TableFormat.DELTA) {
      throw new IllegalArgumentException("Delta tables are replaced in one commit, not staged: " + target.root());
    }
    String stagingOwner = stagingOwner(target);
    String staging = Locations.join(stagingOwner, runId);
    try {
      FileSystem fs = fileSystem(target);
      fs.delete(new Path(stagingOwner), true); // leftovers of an attempt that died
      Path createdTop = null;
      for (Path p = new Path(target.root()); p != null && !fs.exists(p); p = p.getParent()) {
        createdTop = p;
      }
      writeTo.accept(staging);
      Map<String, Long> counted = target.format() == TableFormat.PARQUET
          ? countFromFooters(fs, new Path(staging), target)
          : countByDirectory(spark.read().format(target.format().sparkFormat()).schema(target.schema()).load(staging), target);
      return new Staged(target, stagingOwner, staging, counted, committerOf(fs, new Path(staging, "_SUCCESS")),
          createdTop == null ? null : createdTop.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target.root() + ": " + e.getMessage(), e);
    }
  }

  /** Drops what {@link #stage} wrote, and the directories it created if they hold nothing else: nothing is left. */
  public void discard(Staged staged) {
    try {
      FileSystem fs = fileSystem(staged.target());
      Path owner = new Path(staged.stagingOwner());
      fs.delete(owner, true);
      // Up to the table root, or up to and including the outermost directory staging created. Never recursive
      // above our own folder: the hours of a parallel backfill share the table root and _staging, and a recursive
      // check-then-delete there raced with them (a walk hit another hour's vanishing _temporary and failed the run).
      Path stop = staged.createdTop() == null ? new Path(staged.target().root()) : new Path(staged.createdTop()).getParent();
      deleteEmptyParents(fs, owner.getParent(), stop);
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + staged.stagingOwner() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Swaps staged rows in for what the target owns, after checking their count against {@code expectedRows}
   * (a different count discards them and fails the run, nothing published).
   */
  public Outcome publish(Staged staged, long expectedRows, Runnable beforePublish) {
    Target target = staged.target();
    try {
      FileSystem fs = fileSystem(target);
      if (staged.rows() != expectedRows) {
        fs.delete(new Path(staged.stagingOwner()), true);
        throw new RunFailedException(String.format(
            "%s: wrote %d rows but the run's accounts expect %d; nothing was published", target.root(), staged.rows(), expectedRows));
      }
      String tableName = new Path(target.root()).getName();
      FaultPoints.reach(tableName, "staged");
      beforePublish.run();
      FaultPoints.reach(tableName, "withdrawn");
      deleteOwned(fs, target);
      FaultPoints.reach(tableName, "old-deleted");
      int moved = 0;
      for (String dir : staged.rowsByDirectory().keySet()) {
        Path from = new Path(staged.staging() + "/" + dir);
        Path to = new Path(target.root() + "/" + dir);
        fs.mkdirs(to.getParent());
        if (!fs.rename(from, to)) {
          throw new RunFailedException("could not move " + from + " to " + to + "; re-run the hour");
        }
        if (++moved == 1 && staged.rowsByDirectory().size() > 1) {
          FaultPoints.reach(tableName, "half-moved");
        }
      }
      FaultPoints.reach(tableName, "published");
      fs.delete(new Path(staged.stagingOwner()), true);
      return new Outcome(target.root(), staged.rowsByDirectory(), staged.committer());
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target.root() + ": " + e.getMessage(), e);
    }
  }

  /** Nothing to write (a clean hour's quarantine): no Spark job, only the old owned directories go. */
  private Outcome replaceWithNothing(Target target, Runnable beforePublish) {
    try {
      FileSystem fs = fileSystem(target);
      fs.delete(new Path(stagingOwner(target)), true); // leftovers of an attempt that died
      String tableName = new Path(target.root()).getName();
      beforePublish.run();
      FaultPoints.reach(tableName, "withdrawn");
      deleteOwned(fs, target);
      FaultPoints.reach(tableName, "old-deleted");
      fs.mkdirs(new Path(target.root())); // the table exists for its readers, empty or not
      FaultPoints.reach(tableName, "published");
      return new Outcome(target.root(), Map.of(), "none");
    } catch (IOException e) {
      throw new UncheckedIOException("writing " + target.root() + ": " + e.getMessage(), e);
    }
  }

  /** Where runs of the owner value stage their rows: {@code <root>/_staging/<owner>=<value>}. */
  private static String stagingOwner(Target target) {
    return Locations.join(target.root(), "_staging", target.ownerColumn() + "=" + target.ownerValue());
  }

  private FileSystem fileSystem(Target target) throws IOException {
    return new Path(target.root()).getFileSystem(spark.sparkContext().hadoopConfiguration());
  }

  private Outcome replaceDelta(Target target, Dataset<Row> rows, long expectedRows, Runnable beforePublish) {
    beforePublish.run();
    rows.write()
        .format("delta")
        .options(target.writeOptions())
        .mode(SaveMode.Overwrite)
        .option("replaceWhere", target.ownerColumn() + " = '" + target.ownerValue().replace("'", "''") + "'")
        .partitionBy(target.partitionColumns().toArray(String[]::new))
        .save(target.root());
    Dataset<Row> owned = spark.read().format("delta").load(target.root())
        .where(col(target.ownerColumn()).equalTo(target.ownerValue()));
    Outcome outcome = new Outcome(target.root(), countByDirectory(owned, target), "delta");
    if (outcome.rows() != expectedRows) {
      throw new RunFailedException(String.format(
          "%s: committed %d rows but the run's accounts expect %d; re-run the hour", target.root(), outcome.rows(), expectedRows));
    }
    return outcome;
  }

  /** Footers read at once on the driver: an object store answers each in tens of milliseconds. */
  private static final int FOOTER_READERS = 8;

  /**
   * Rows per partition directory of a Parquet staging folder, from the footers of its files as storage
   * holds them: no Spark job (which, with its shuffle, took a fresh JVM about 1.5 s on the benchmark hour).
   */
  private static Map<String, Long> countFromFooters(FileSystem fs, Path staging, Target target) throws IOException {
    String prefix = staging.toUri().getPath() + "/";
    String owned = ExternalCatalogUtils.getPartitionPathString(target.ownerColumn(), target.ownerValue());
    List<FileStatus> files = new ArrayList<>();
    List<String> directories = new ArrayList<>();
    for (RemoteIterator<LocatedFileStatus> it = fs.listFiles(staging, true); it.hasNext(); ) {
      LocatedFileStatus f = it.next();
      String relative = f.getPath().toUri().getPath().substring(prefix.length());
      if (hidden(relative)) {
        continue; // _SUCCESS, checksums, committer leftovers
      }
      String directory = relative.substring(0, Math.max(0, relative.lastIndexOf('/')));
      if (!directory.equals(owned) && !directory.endsWith("/" + owned)) {
        throw new RunFailedException(String.format("%s: rows in %s in a run that owns %s; nothing was published",
            target.root(), directory, owned));
      }
      files.add(f);
      directories.add(directory);
    }
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(FOOTER_READERS, files.size())));
    try {
      List<Future<Long>> rows = new ArrayList<>();
      for (FileStatus f : files) {
        rows.add(pool.submit(() -> {
          try (ParquetFileReader reader = ParquetFileReader.open(HadoopInputFile.fromStatus(f, fs.getConf()))) {
            return reader.getRecordCount();
          }
        }));
      }
      Map<String, Long> result = new TreeMap<>();
      for (int i = 0; i < files.size(); i++) {
        result.merge(directories.get(i), rows.get(i).get(), Long::sum);
      }
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while reading the footers under " + staging, e);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io
          : new IOException("reading the footers under " + staging + ": " + e.getCause(), e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Whether a path relative to a staging folder is not data: any part of it starts with {@code _} or {@code .}. */
  static boolean hidden(String relative) {
    return Arrays.stream(relative.split("/")).anyMatch(part -> part.startsWith("_") || part.startsWith("."));
  }

  /** One aggregation over what was written: rows per partition directory. */
  private static Map<String, Long> countByDirectory(Dataset<Row> written, Target target) {
    Column[] cols = target.partitionColumns().stream().map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    Map<String, Long> result = new TreeMap<>();
    for (Row r : written.groupBy(cols).count().collectAsList()) {
      Object owner = r.get(cols.length - 1);
      if (owner == null || !target.ownerValue().equals(owner.toString())) {
        throw new RunFailedException(String.format("%s: rows for %s=%s in a run that owns %s=%s; nothing was published",
            target.root(), target.ownerColumn(), owner, target.ownerColumn(), target.ownerValue()));
      }
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < cols.length; i++) {
        // The directory name exactly as Spark writes it (escaped; null as __HIVE_DEFAULT_PARTITION__).
        Object v = r.get(i);
        parts.add(ExternalCatalogUtils.getPartitionPathString(target.partitionColumns().get(i),
            v == null ? ExternalCatalogUtils.DEFAULT_PARTITION_NAME() : v.toString()));
      }
      result.put(String.join("/", parts), r.getLong(cols.length));
    }
    return result;
  }

  private static void deleteOwned(FileSystem fs, Target target) throws IOException {
    Path root = new Path(target.root());
    for (FileStatus old : glob(fs, root, target.ownedGlob())) {
      fs.delete(old.getPath(), true);
      deleteEmptyParents(fs, old.getPath().getParent(), root);
    }
  }

  static String committerOf(FileSystem fs, Path success) {
    try {
      if (!fs.exists(success)) {
        return "unknown";
      }
      if (fs.getFileStatus(success).getLen() == 0) {
        return "file";
      }
      try (java.io.InputStream in = fs.open(success)) {
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
        return json.path("committer").asText("unknown");
      }
    } catch (IOException e) {
      return "unknown";
    }
  }

  private static List<FileStatus> glob(FileSystem fs, Path root, String relativeGlob) throws IOException {
    FileStatus[] found = fs.globStatus(new Path(root, relativeGlob));
    return found == null ? List.of() : Arrays.asList(found);
  }

  /**
   * Removes {@code dir} and its parents, up to but not including {@code stop}, while they are empty; never
   * recursively. A directory another run writes into meanwhile (parallel hours share the table root and
   * {@code _staging}) is not empty, or refuses the delete, and the climb ends there: an empty directory left
   * behind is harmless, a failed run or another hour's files deleted would not be.
   */
  private static void deleteEmptyParents(FileSystem fs, Path dir, Path stop) {
    for (Path p = dir; p != null && !p.equals(stop) && p.depth() > stop.depth(); p = p.getParent()) {
      try {
        if (fs.listStatus(p).length > 0 || !fs.delete(p, false)) {
          return;
        }
      } catch (FileNotFoundException gone) {
        // removed meanwhile (by the run that shared it): go on with its parent
      } catch (IOException notEmptyAnyMore) {
        return;
      }
    }
  }
}
