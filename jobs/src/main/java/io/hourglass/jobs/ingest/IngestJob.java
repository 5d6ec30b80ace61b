package io.hourglass.jobs.ingest;

import static org.apache.spark.sql.functions.broadcast;

import io.hourglass.common.BuildInfo;
import io.hourglass.common.RunFailedException;
import io.hourglass.common.config.CorruptFilePolicy;
import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.InputParser;
import io.hourglass.common.config.Locations;
import io.hourglass.common.config.Settings;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.config.TableWriter;
import io.hourglass.common.io.CsvRecordReader;
import io.hourglass.common.io.HourDiscovery;
import io.hourglass.common.io.HourInput;
import io.hourglass.common.io.HourPartitionWriter;
import io.hourglass.common.io.HourPartitionWriter.Outcome;
import io.hourglass.common.io.HourPartitionWriter.Target;
import io.hourglass.common.io.InputDrift;
import io.hourglass.common.io.ManifestStore;
import io.hourglass.common.io.RawLineReader;
import io.hourglass.common.io.RecordSource;
import io.hourglass.common.io.RowSpill;
import io.hourglass.common.io.RunManifest;
import io.hourglass.common.io.StatusTally;
import io.hourglass.common.io.StorageSchemes;
import io.hourglass.common.io.TableCatalog;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.spark.JobLabels;
import io.hourglass.common.transform.Quarantine;
import io.hourglass.common.transform.Status;
import io.hourglass.common.transform.Transform;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

/**
 * The hourly ingest of web_events: one arrival hour of raw Firehose objects in, the hour's slice of
 * the events table out, replaced exactly, with quarantine and a manifest. Read top to bottom:
 * discover, read, transform, count (one pass), write quarantine, write table, write manifest.
 */
public final class IngestJob {
  /**
   * How the job's progress lines that an operator must see start (the others say how the run goes): a backfill,
   * which does not print its hours' progress, passes these on.
   */
  public static final String WARNING = "warning: ";

  /** Raw (as stored, usually gzipped) input bytes per table write task: about 1 GiB of JSON, 150 MiB of Parquet. */
  static final long RAW_BYTES_PER_WRITE_TASK = 128L * 1024 * 1024;
  /**
   * Parquet's dictionary encoding off for columns whose values rarely repeat within a file: for them it
   * only costs (every value hashed and compared until the dictionary overflows and Parquet falls back to
   * plain encoding; a large dictionary also misses the CPU caches on every lookup). Measured on the
   * benchmark hour: the write stage 25% faster, files 7% larger; url_path and the props values (prices,
   * ids) another 10-15% off the warm write stage.
   */
  static final Map<TableFormat, Map<String, String>> WRITE_OPTIONS = Map.of(TableFormat.PARQUET, Map.of(
      "parquet.enable.dictionary#" + WebEventColumns.EVENT_ID, "false",
      "parquet.enable.dictionary#session_id", "false",
      "parquet.enable.dictionary#user_id", "false",
      "parquet.enable.dictionary#" + WebEventColumns.URL, "false",
      "parquet.enable.dictionary#" + WebEventColumns.URL_PATH, "false",
      "parquet.enable.dictionary#" + WebEventColumns.PROPS + ".key_value.value", "false", // Parquet's path of a map's values
      "parquet.enable.dictionary#" + WebEventColumns.IP, "false",
      "parquet.enable.dictionary#" + WebEventColumns.EVENT_TIME, "false"));
  /**
   * Rejected records one read task sends to the driver in the single pass; past this, or the bytes below, it
   * writes them to a spill folder that the quarantine write reads back.
   */
  static final int MAX_REJECTED_PER_TASK = 20_000;
  static final long MAX_REJECTED_BYTES_PER_TASK = 16L * 1024 * 1024;
  /**
   * Accepted event_ids per raw object whose hashes go to the driver to find repeats (8 bytes each; a
   * Firehose object holds far fewer); past it the staged event_id column is read back instead.
   */
  static final int MAX_ID_HASHES_PER_OBJECT = 2_000_000;
  /**
   * Driver heap set aside per repeated event_id that a second single pass drops: its hash and first object go to
   * every task, and each object that meets it hands its event_id back, all held on the driver at once for the
   * check against hash clashes (about 200 bytes an id, counted: the hash, the object's name shared, each of two
   * objects' id string and its index); the rest is headroom. Measured with a 1 GiB heap: a whole object of 444,445
   * records delivered twice in a 4M-record hour took the second single pass with at most 492 MB live after a full
   * collection. Past {@link #maxRepeatedIds} ids, the two passes, whose dedup joins the duplicated ids.
   */
  static final long DRIVER_BYTES_PER_REPEATED_ID = 2048;
  /** The least limit on repeated ids, whatever the heap. */
  static final int MIN_REPEATED_IDS = 100_000;
  /** Most duplicated event_ids joined back by broadcast (about 100 bytes each). */
  static final long BROADCAST_DUPLICATES = 500_000;
  private final SparkSession spark;
  private final Settings settings;
  private final DatasetSettings dataset;
  private final Optional<byte[]> hmacKey;
  private final Consumer<String> progress;
  private int idHashesPerObject = MAX_ID_HASHES_PER_OBJECT;
  private int maxRepeatedIds = maxRepeatedIds(Runtime.getRuntime().maxMemory());
  private int maxRejectedPerTask = MAX_REJECTED_PER_TASK;
  private long maxRejectedBytesPerTask = MAX_REJECTED_BYTES_PER_TASK;

  /**
   * @param hmacKey the key for hashing email, empty when the dataset drops it
   * @param progress receives one line per step, for a person watching
   */
  public IngestJob(SparkSession spark, Settings settings, DatasetSettings dataset, Optional<byte[]> hmacKey,
      Consumer<String> progress) {
    this.spark = spark;
    this.settings = settings;
    this.dataset = dataset;
    this.hmacKey = hmacKey;
    this.progress = progress;
  }

  /**
   * This job with another limit on the event_id hashes kept per raw object ({@value #MAX_ID_HASHES_PER_OBJECT}
   * by default): for tests of the read-back that real hours reach only with objects of millions of records.
   */
  IngestJob withIdHashesPerObject(int limit) {
    this.idHashesPerObject = limit;
    return this;
  }

  /** This job with another limit on the repeated event_ids a second single pass drops ({@link #maxRepeatedIds}), for tests. */
  IngestJob withMaxRepeatedIds(int limit) {
    this.maxRepeatedIds = limit;
    return this;
  }

  /**
   * This job with other bounds on the rejected records a task sends to the driver (past them it spills): for
   * tests of the spill, which real hours reach only with tens of thousands of rejected records.
   */
  IngestJob withRejectedPerTask(int records, long bytes) {
    this.maxRejectedPerTask = records;
    this.maxRejectedBytesPerTask = bytes;
    return this;
  }

  /** What a run did: the manifest it wrote, or an empty hour that wrote nothing. */
  public record Result(Hour hour, HourInput input, Optional<RunManifest> manifest, Optional<String> manifestPath) {
    public boolean empty() {
      return manifest.isEmpty();
    }
  }

  public String tableRoot() {
    return Locations.join(settings.warehouse(), dataset.table());
  }

  public String quarantineRoot() {
    return Locations.join(settings.warehouse(), "_quarantine", dataset.name());
  }

  public String datasetName() {
    return dataset.name();
  }

  /** How hour {@code hour}'s raw folder now differs from what its published run read (one listing, one manifest read). */
  public InputDrift driftSincePublished(Hour hour) {
    return sincePublished(hour).drift();
  }

  /**
   * What a backfill compares for an hour done before: its folder against its published run's input, and the
   * format that run wrote (null without a manifest).
   */
  public record Published(InputDrift drift, String format) {}

  /** The hour's folder and its manifest, read once. */
  public Published sincePublished(Hour hour) {
    var conf = spark.sparkContext().hadoopConfiguration();
    HourInput now = new HourDiscovery(conf).discover(settings.rawRoot(), dataset.stream(), hour);
    Optional<RunManifest> manifest = new ManifestStore(conf).read(tableRoot(), hour);
    return new Published(InputDrift.of(now, manifest), manifest.map(m -> m.output().format()).orElse(null));
  }

  /** The table format this job writes, as a manifest names it ({@code parquet}, {@code avro}, {@code delta}). */
  public String formatName() {
    return dataset.format().sparkFormat();
  }

  public Result run(Hour hour) {
    return run(hour, hour.id() + "-" + UUID.randomUUID().toString().substring(0, 8));
  }

  /** Runs hour {@code hour} under the given run id (the ledger's, when the run is recorded). */
  public Result run(Hour hour, String runId) {
    return run(hour, runId, () -> { });
  }

  /**
   * Runs hour {@code hour} under the given run id.
   *
   * @param beforePublish runs before each change that readers can see (the quarantine's and the table's swaps): a
   *     recorded run checks there that the hour is still its own, and fails it instead of publishing if not
   */
  public Result run(Hour hour, String runId, Runnable beforePublish) {
    Instant started = Instant.now();
    TableSchema raw = TableSchema.load(dataset.rawSchema());
    TableSchema table = TableSchema.load(dataset.tableSchema());
    JobLabels labels = new JobLabels(spark, runId, "hourglass ingest " + dataset.name() + " " + hour);

    HourInput input = new HourDiscovery(spark.sparkContext().hadoopConfiguration())
        .discover(settings.rawRoot(), dataset.stream(), hour);
    if (input.isEmpty()) {
      progress.accept("no input in " + input.folder() + (input.exists() ? " (folder is empty)" : " (no such folder)")
          + "; nothing written, existing output left as it is");
      return new Result(hour, input, Optional.empty(), Optional.empty());
    }
    progress.accept(String.format("reading %d files, %s, from %s", input.files().size(), bytes(input.totalBytes()), input.folder()));

    if (dataset.parser() == InputParser.FAST && !dataset.inputFormat().delimited() && dataset.format() != TableFormat.DELTA) {
      Optional<Result> done;
      try {
        done = singlePass(hour, runId, started, input, raw, table, labels, beforePublish);
      } catch (RuntimeException e) {
        labels.clear();
        throw e;
      }
      if (done.isPresent()) {
        labels.clear();
        return done.get();
      }
    }
    // The hour is read twice. First a small survey row per record (status; position; for a rejected record
    // its detail and text), cached: the counts, the duplicates and the quarantine come from it. Then the
    // accepted records in full, streamed into the table write. Parsing twice costs less than caching wide rows.
    Dataset<Row> survey = read(WebEventDecoder.Output.SURVEY, hour, input, raw, table).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> duplicateIds = WebEventsTransforms.duplicateIds(survey).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> duplicates = null;
    try {
      labels.step("read, classify and count");
      // Duplicated event_ids are few in any sane hour: their list goes to every task and the rows stay put.
      // A pathological hour (a producer replaying everything) falls back to shuffle joins.
      long duplicated = duplicateIds.count();
      boolean few = duplicated <= BROADCAST_DUPLICATES;
      Transform dedup = in -> in; // the usual hour: no event_id twice, nothing to join
      if (duplicated > 0) {
        duplicates = WebEventsTransforms.firstPositions(survey, few ? broadcast(duplicateIds) : duplicateIds)
            .persist(StorageLevel.MEMORY_AND_DISK());
        dedup = WebEventsTransforms.markDuplicates(few ? broadcast(duplicates) : duplicates);
      }
      Dataset<Row> classified = dedup.apply(survey);
      StatusTally tally = StatusTally.of(classified);
      failOnCorruptFiles(tally);
      progress.accept(readLine(tally));

      HourPartitionWriter writer = new HourPartitionWriter(spark);
      ManifestStore manifests = new ManifestStore(spark.sparkContext().hadoopConfiguration());
      labels.step("write quarantine");
      Outcome quarantined = writer.replace(quarantineTarget(hour), Quarantine.rows(classified, WebEventColumns.INGEST_HOUR).coalesce(1),
          tally.quarantined(), runId, withdrawingManifest(beforePublish, manifests, hour));
      failOnRejectRate(hour, tally);

      labels.step("write " + dataset.table());
      Dataset<Row> accepted = dedup.apply(read(WebEventDecoder.Output.TABLE, hour, input, raw, table));
      Dataset<Row> tableRows = fewerFiles(WebEventsTransforms.tableRows(accepted, table), input);
      Outcome written = writer.replace(tableTarget(hour, table), tableRows, tally.get(Status.OK),
          runId, withdrawingManifest(beforePublish, manifests, hour));

      return finish(hour, runId, started, input, raw, table, tally, quarantined, written, manifests, labels);
    } finally {
      if (duplicates != null) {
        duplicates.unpersist();
      }
      duplicateIds.unpersist();
      survey.unpersist();
      labels.clear();
    }
  }

  /** Checks the accounts, writes the manifest (last) and registers the hour in the catalog. */
  private Result finish(Hour hour, String runId, Instant started, HourInput input, TableSchema raw, TableSchema table,
      StatusTally tally, Outcome quarantined, Outcome written, ManifestStore manifests, JobLabels labels) {
    RunManifest.Accounts accounts = new RunManifest.Accounts(
        tally.read(), written.rows(), quarantined.rows(), tally.get(Status.DUPLICATE), tally.get(Status.BLANK));
    if (!accounts.balanced()) {
      throw new RunFailedException(String.format("accounts do not balance for %s %s: read %d != written %d + quarantined %d"
              + " + duplicates %d; no manifest written", dataset.name(), hour, accounts.read(), accounts.written(),
          accounts.quarantined(), accounts.duplicates()));
    }
    Instant finished = Instant.now();
    RunManifest manifest = new RunManifest(dataset.name(), dataset.table(), hour.toString(), runId, "succeeded",
        accounts, tally.quarantinedByReason(),
        new RunManifest.Input(input.folder(), input.files().size(), input.totalBytes(), input.largestFileBytes(), input.files()),
        new RunManifest.Output(dataset.format().sparkFormat(), tableRoot(), written.rowsByDirectory(), quarantineRoot(),
            quarantined.rowsByDirectory(), written.committer()),
        new RunManifest.Schemas(raw.resource(), table.resource(), table.version()),
        BuildInfo.version(), started.toString(), finished.toString(), Duration.between(started, finished).toMillis(),
        sparkInfo());
    String path = manifests.write(tableRoot(), hour, manifest);
    io.hourglass.common.io.FaultPoints.reach("manifest-written");
    registerInCatalog(hour, labels);
    return new Result(hour, input, Optional.of(manifest), Optional.of(path));
  }

  /**
   * The usual hour in one read: the accepted records go straight into the table's staging while counts and
   * rejected records are collected on the side ({@link SideSurvey}: in memory up to a bound per task, the rest
   * set aside in a spill folder); the quarantine is written from those, the staged rows are checked (their
   * count against the side count; no event_id twice, from the hashes kept on the side or, past their limit,
   * one column read back), and only then published. An hour whose event_ids repeat (Firehose retries deliver
   * records twice) is staged once more, the decoder dropping the later copies itself ({@link RepeatedIds}):
   * two single passes, no shuffle. Empty when the hour needs the two passes after all (more repeated ids than
   * {@link #maxRepeatedIds}, a hash clash): the staging is dropped, nothing shows. A Parquet table is staged
   * by the direct write ({@code writer = direct}, {@link HourPartitionWriter#stageRecords}): the decoder's rows
   * straight into Spark's Parquet writer, no query around it.
   */
  private Optional<Result> singlePass(Hour hour, String runId, Instant started, HourInput input, TableSchema raw,
      TableSchema table, JobLabels labels, Runnable beforePublish) {
    HourPartitionWriter writer = new HourPartitionWriter(spark);
    labels.step("read, classify and stage " + dataset.table());
    String spillFolder = spillFolder(hour);
    RowSpill.deleteFolder(spillFolder, spark.sparkContext().hadoopConfiguration()); // a dead run's leftovers
    try {
      Pass pass = stageOnce(writer, hour, input, raw, table, runId, null, spillFolder);
      if (pass.twoPasses() == null && pass.repeats().isPresent()) {
        RepeatedIds repeats = pass.repeats().get();
        writer.discard(pass.staged());
        pass.side().spill().delete();
        progress.accept(repeats.size() + " event_ids repeat: staging the hour again without their later copies");
        labels.step("read, classify and stage " + dataset.table() + " without repeated event_ids");
        pass = stageOnce(writer, hour, input, raw, table, runId, repeats, spillFolder);
      }
      if (pass.twoPasses() != null) {
        writer.discard(pass.staged());
        progress.accept("one pass is not enough (" + pass.twoPasses() + "): reading the hour again in two passes");
        return Optional.empty();
      }
      return Optional.of(publishPass(pass, hour, runId, started, input, raw, table, writer, labels, beforePublish));
    } finally {
      try {
        RowSpill.deleteFolder(spillFolder, spark.sparkContext().hadoopConfiguration());
      } catch (UncheckedIOException e) { // not worth failing a run that is done, nor hiding why it failed
        progress.accept(WARNING + "could not remove " + spillFolder + " (" + e.getCause().getMessage() + "); the next run of the hour removes it");
      }
    }
  }

  /**
   * What runs just before the quarantine's swap and the table's: the caller's check, then the hour's manifest
   * withdrawn. The quarantine goes first, so the manifest goes with it: a run that fails after the quarantine's swap
   * (the reject rate, the table's write) must not leave a manifest whose quarantine counts describe the old run.
   */
  private Runnable withdrawingManifest(Runnable beforePublish, ManifestStore manifests, Hour hour) {
    return () -> {
      beforePublish.run();
      manifests.withdraw(tableRoot(), hour);
    };
  }

  /** Writes a single pass's quarantine, from the rejected records kept in memory and those spilled, then publishes its staging. */
  private Result publishPass(Pass pass, Hour hour, String runId, Instant started, HourInput input, TableSchema raw,
      TableSchema table, HourPartitionWriter writer, JobLabels labels, Runnable beforePublish) {
    HourPartitionWriter.Staged staged = pass.staged();
    SideSurvey side = pass.side();
    Map<String, Long> counts = side.counts();
    List<Row> rejected = side.rejected();
    StatusTally tally = new StatusTally(counts, rejected.stream() // a corrupt object's record is never spilled
        .filter(r -> Status.CORRUPT_FILE.equals(r.getString(5)))
        .map(r -> r.getString(0) + ": " + r.getString(6))
        .distinct().sorted().toList());
    try {
      failOnCorruptFiles(tally);
      progress.accept(readLine(tally));
      long spilled = side.spill().rows();
      if (spilled > 0) {
        progress.accept(spilled + " rejected records were set aside in " + side.spill().folder() + ", read back for the quarantine");
      }
      ManifestStore manifests = new ManifestStore(spark.sparkContext().hadoopConfiguration());
      labels.step("write quarantine");
      // Written here, on the driver, from the records kept in memory and then those spilled (survey rows: source_file,
      // line_no, rec_no, event_id, value, _status, _detail, ingest_hour): no Spark job, whose planning in a fresh JVM
      // cost 3 s of a 1M-record hour with 45,000 rejected records, against a write that takes a fraction of that.
      Outcome quarantined = writer.replaceRows(quarantineTarget(hour), sink -> {
        Consumer<Object[]> quarantine = v ->
            sink.accept(Quarantine.row((String) v[5], (String) v[6], (String) v[0], (Long) v[1], (String) v[4], (String) v[7]));
        for (Row r : rejected) {
          quarantine.accept(IntStream.range(0, r.length()).mapToObj(r::get).toArray());
        }
        side.spill().forEachRow(quarantine);
      }, tally.quarantined(), runId, withdrawingManifest(beforePublish, manifests, hour));
      failOnRejectRate(hour, tally);
      labels.step("publish " + dataset.table());
      Outcome written = writer.publish(staged, tally.get(Status.OK), withdrawingManifest(beforePublish, manifests, hour));
      return finish(hour, runId, started, input, raw, table, tally, quarantined, written, manifests, labels);
    } catch (RunFailedException e) {
      writer.discard(staged); // a run that fails before publishing leaves no staging behind
      throw e;
    }
  }

  /**
   * Where the single pass's tasks set aside the rejected records past their bound: private to the hour's run,
   * under the quarantine root (hidden from readers by its {@code _}), removed when the run ends.
   */
  private String spillFolder(Hour hour) {
    return Locations.join(quarantineRoot(), "_spill", WebEventColumns.INGEST_HOUR + "=" + hour.id());
  }

  /**
   * One single pass's staging and what it learnt on the side.
   *
   * @param twoPasses why the hour needs the two passes after all; null when it does not
   * @param repeats the repeated event_ids a first pass found (its staging then holds their later copies too)
   */
  private record Pass(HourPartitionWriter.Staged staged, SideSurvey side, String twoPasses, Optional<RepeatedIds> repeats) {}

  /** Stages the hour's accepted records, without the later copies of {@code repeats} when given. */
  private Pass stageOnce(HourPartitionWriter writer, Hour hour, HourInput input, TableSchema raw, TableSchema table,
      String runId, RepeatedIds repeats, String spillFolder) {
    SideSurvey side = SideSurvey.register(spark.sparkContext(), RowSpill.register(spark, spillFolder, WebEventDecoder.surveySchema()),
        maxRejectedPerTask, maxRejectedBytesPerTask, idHashesPerObject);
    WebEventDecoder decoder = new WebEventDecoder(WebEventDecoder.Output.STAGE, raw, table, hour, dataset.late(),
        dataset.future(), dataset.email(), hmacKey).withSideSurvey(side);
    if (repeats != null) {
      decoder.withRepeats(repeats);
    }
    Target target = tableTarget(hour, table);
    HourPartitionWriter.Staged staged = dataset.writer() == TableWriter.DIRECT && writer.writesDirectly(target)
        ? writer.stageRecords(target, input, decoder, writeTasks(input), runId)
        : writer.stage(target, fewerFiles(RecordSource.read(spark, input, decoder), input), runId); // the table's columns already
    long accepted = side.counts().getOrDefault(Status.OK, 0L);
    if (staged.rows() != accepted) {
      return new Pass(staged, side, "staged " + staged.rows() + " rows, counted " + accepted, Optional.empty());
    }
    if (repeats != null && repeats.clashed()) {
      return new Pass(staged, side, "two event_ids share a hash", Optional.empty());
    }
    if (!side.idsAllKept()) {
      return new Pass(staged, side, repeatsAnEventId(staged) ? "an event_id repeats" : null, Optional.empty());
    }
    Optional<RepeatedIds> repeated = side.repeatedIds(spark.sparkContext());
    if (repeated.isEmpty()) {
      return new Pass(staged, side, null, repeated);
    }
    int n = repeated.get().size();
    return repeats != null ? new Pass(staged, side, "an event_id repeats after dropping the later copies", Optional.empty())
        : n > maxRepeatedIds ? new Pass(staged, side, n + " event_ids repeat, more than " + maxRepeatedIds, Optional.empty())
        : new Pass(staged, side, null, repeated);
  }

  private boolean repeatsAnEventId(HourPartitionWriter.Staged staged) {
    progress.accept("an object has more than " + idHashesPerObject + " accepted records: checking event_ids in the staged rows");
    Target t = staged.target();
    return !spark.read().format(t.format().sparkFormat()).schema(t.schema()).load(staged.staging())
        .groupBy(WebEventColumns.EVENT_ID).count()
        .where(org.apache.spark.sql.functions.col("count").gt(1))
        .limit(1).isEmpty();
  }

  private Target tableTarget(Hour hour, TableSchema table) {
    return new Target(tableRoot(), dataset.format(), WebEventColumns.PARTITIONS, hour.id(), table.sparkSchema(),
        WRITE_OPTIONS.getOrDefault(dataset.format(), Map.of()));
  }

  private Target quarantineTarget(Hour hour) {
    return new Target(quarantineRoot(), TableFormat.PARQUET, List.of(WebEventColumns.INGEST_HOUR), hour.id(),
        TableSchema.load(Quarantine.SCHEMA).sparkSchema());
  }

  private static String readLine(StatusTally tally) {
    return String.format("read %d records: %d ok, %d quarantined, %d duplicates, %d blank lines",
        tally.read(), tally.get(Status.OK), tally.quarantined(), tally.get(Status.DUPLICATE), tally.get(Status.BLANK));
  }

  /**
   * The hour's records by the dataset's parser, classified and cleansed but not yet deduplicated: the
   * survey rows of every record, or the table rows of accepted records (see {@link WebEventDecoder.Output}).
   */
  private Dataset<Row> read(WebEventDecoder.Output output, Hour hour, HourInput input, TableSchema raw, TableSchema table) {
    boolean delimited = dataset.inputFormat().delimited();
    if (!delimited && dataset.parser() == InputParser.FAST) {
      return RecordSource.read(spark, input,
          new WebEventDecoder(output, raw, table, hour, dataset.late(), dataset.future(), dataset.email(), hmacKey));
    }
    // CSV/TSV: the reader cuts and splits records itself; Spark's functions classify them.
    Dataset<Row> records = delimited
        ? WebEventsTransforms.recordsFromFields(raw, hour, dataset.late(), dataset.future(), dataset.email(), hmacKey)
            .apply(CsvRecordReader.read(spark, input, dataset.csv(), raw.fieldNames()))
        : WebEventsTransforms.records(raw, hour, dataset.late(), dataset.future(), dataset.email(), hmacKey)
            .apply(RawLineReader.read(spark, input));
    return output == WebEventDecoder.Output.SURVEY
        ? WebEventsTransforms.survey().apply(records)
        : records.where(org.apache.spark.sql.functions.col(Status.COLUMN).equalTo(Status.OK));
  }

  /**
   * The table rows in as many tasks as there are cores, or one per {@value #RAW_BYTES_PER_WRITE_TASK} bytes
   * of raw input if that is more: each write task writes one file per partition directory it meets, so
   * one task per input object (the read's parallelism) would write objects x directories small files.
   * Coalescing merges tasks without a shuffle.
   */
  private Dataset<Row> fewerFiles(Dataset<Row> rows, HourInput input) {
    return rows.coalesce(writeTasks(input));
  }

  /**
   * Most repeated event_ids a second single pass drops with a driver heap of {@code maxHeapBytes}: a whole Firehose
   * object delivered twice repeats every id in it (125,000 in an object of the 1M-record benchmark hour). 1 GiB
   * gives about 500,000.
   */
  static int maxRepeatedIds(long maxHeapBytes) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(MIN_REPEATED_IDS, maxHeapBytes / DRIVER_BYTES_PER_REPEATED_ID));
  }

  private int writeTasks(HourInput input) {
    return writeTasks(input.totalBytes(), spark.sparkContext().defaultParallelism());
  }

  /**
   * Write tasks for {@code rawBytes} of input on {@code cores}: the cores, or one task per
   * {@value #RAW_BYTES_PER_WRITE_TASK} bytes rounded up to whole waves of tasks. Three equal tasks on two
   * cores would leave one core idle for the whole third task: a 5M-record hour ran a third longer so.
   */
  static int writeTasks(long rawBytes, int cores) {
    long byBytes = (rawBytes + RAW_BYTES_PER_WRITE_TASK - 1) / RAW_BYTES_PER_WRITE_TASK;
    long waves = (byBytes + cores - 1) / cores;
    return (int) Math.min(Math.max(1, waves) * cores, 10_000);
  }

  /**
   * Refuses a raw root or warehouse whose scheme no file system of this run serves ({@code s3://} outside EMR and
   * Glue): called, like {@link #requireCatalogMatches}, before any hour is claimed.
   */
  public void requireStorage() {
    var conf = spark.sparkContext().hadoopConfiguration();
    StorageSchemes.require(conf, "hourglass.raw-root", settings.rawRoot());
    StorageSchemes.require(conf, "hourglass.warehouse", settings.warehouse());
  }

  /**
   * With the catalog on, refuses a catalog table of another format or place than the dataset's (see
   * {@link TableCatalog#requireMatches}). The commands call it before they claim any hour: a refusal is a setting to
   * fix, not a failed run, and recording it as one would make a backfill re-run every hour it touched.
   */
  public void requireCatalogMatches() {
    if (settings.catalog().enabled()) {
      new TableCatalog(spark, settings.catalog().database()).requireMatches(tableDef());
    }
  }

  /** The events table as the catalog sees it. */
  public TableCatalog.TableDef tableDef() {
    return new TableCatalog.TableDef(dataset.table(), tableRoot(), dataset.format(), WebEventColumns.PARTITIONS,
        TableSchema.load(dataset.tableSchema()));
  }

  private void registerInCatalog(Hour hour, JobLabels labels) {
    if (!settings.catalog().enabled()) {
      return;
    }
    labels.step("register partitions in the catalog");
    try {
      TableCatalog.Plan plan = new TableCatalog(spark, settings.catalog().database()).registerOwner(tableDef(), hour.id());
      progress.accept(String.format("catalog %s.%s: %d partitions added, %d dropped", settings.catalog().database(),
          dataset.table(), plan.missing().size(), plan.extra().size()));
    } catch (Exception e) { // also the metastore's AnalysisException: checked, and undeclared by Spark's Scala
      throw new RunFailedException("the hour's data and manifest are published, but registering its partitions in the catalog"
          + " failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("") + "; run 'hourglass catalog sync --dataset "
          + dataset.name() + "'", e);
    }
  }

  private void failOnCorruptFiles(StatusTally tally) {
    if (tally.corruptFiles().isEmpty()) {
      return;
    }
    if (dataset.onCorruptFile() == CorruptFilePolicy.FAIL) {
      int more = tally.corruptFiles().size() - 1;
      throw new RunFailedException("corrupt input file " + tally.corruptFiles().get(0)
          + (more > 0 ? " (and " + more + " more)" : "") + "; nothing was written (hourglass.datasets." + dataset.name()
          + ".input.on-corrupt-file = skip keeps the readable lines and quarantines the file)");
    }
    tally.corruptFiles().forEach(f -> progress.accept(WARNING + "skipping the rest of corrupt input file " + f));
  }

  private void failOnRejectRate(Hour hour, StatusTally tally) {
    double rate = tally.read() == 0 ? 0.0 : (double) tally.quarantined() / tally.read();
    if (rate > dataset.maxRejectRate()) {
      throw new RunFailedException(String.format(
          "reject rate %.2f%% (%d of %d records) exceeds max-reject-rate %.2f%% for %s %s; quarantine written to %s,"
              + " the table's data for the hour was left as it was",
          100 * rate, tally.quarantined(), tally.read(), 100 * dataset.maxRejectRate(), dataset.name(), hour, quarantineRoot()));
    }
  }

  private RunManifest.SparkInfo sparkInfo() {
    var sc = spark.sparkContext();
    int executors = Math.max(1, sc.statusTracker().getExecutorInfos().length - (sc.isLocal() ? 0 : 1));
    return new RunManifest.SparkInfo(sc.master(), sc.applicationId(), sc.defaultParallelism(), executors);
  }

  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    if (n < 1024 * 1024) {
      return String.format("%.1f KiB", n / 1024.0);
    }
    return String.format("%.1f MiB", n / (1024.0 * 1024));
  }
}
