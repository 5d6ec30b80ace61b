package io.hourglass.jobs.cli;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Secrets;
import io.hourglass.common.config.Settings;
import io.hourglass.common.config.TableFormat;
import io.hourglass.common.spark.SparkSessions;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.jobs.ingest.IngestJob;
import io.hourglass.jobs.ingest.RecordedIngest;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hourglass ingest --dataset D --hour YYYY-MM-DDTHH}: one arrival hour, replaced exactly. */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Ingest one arrival hour of raw logs into the dataset's table (re-runs replace the hour exactly).")
final class IngestCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Mixin
  CommonOptions common;

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. web_events.")
  String dataset;

  @Option(names = "--hour", required = true, converter = HourConverter.class, paramLabel = "YYYY-MM-DDTHH|last",
      description = "Arrival hour, UTC, whose folder has settled (or 'last' for the latest such hour).")
  HourArg hourArg;

  @Override
  public Integer call() {
    HourglassConfig config = common.load(Optional.of(dataset));
    Settings settings = config.settings();
    DatasetSettings ds = config.dataset(dataset);
    java.time.Instant now = Clock.systemUTC().instant();
    Hour hour = hourArg.resolve(ds, now);
    ds.requireSettled("--hour", hour, now);
    Optional<byte[]> key = Secrets.hmacKey(ds, main.env());
    requireDelta(ds);
    java.util.function.Consumer<String> progress = line -> main.err().println("[ingest " + dataset + " " + hour + "] " + line);
    long t0 = System.nanoTime();
    Ledgers.Opened<SparkSession> opened = Ledgers.openWhile(config, settings, main.env(),
        () -> SparkSessions.getOrCreate("hourglass ingest " + dataset + " " + hour, settings));
    long startupMs = (System.nanoTime() - t0) / 1_000_000;
    SparkSession spark = opened.value();
    Ledgers.ephemeralLedgerWarning(config, settings, spark.sparkContext().master()).ifPresent(main.err()::println);
    try (JdbcRunLedger ledger = opened.ledger()) {
      IngestJob job = new IngestJob(spark, settings, ds, key, progress);
      job.requireStorage();
      job.requireCatalogMatches(); // before the hour is claimed: a refusal is not a failed run
      IngestJob.Result result = new RecordedIngest(ledger, Clock.systemUTC(), progress).run(job, hour, startupMs);
      Summary.print(main.out(), ds, job, result);
      if (!result.empty()) {
        ClassDataArchive.workDone(main.env());
      }
      return Main.OK;
    }
  }

  static void requireDelta(DatasetSettings ds) {
    if (ds.format() == TableFormat.DELTA && !SparkSessions.deltaAvailable()) {
      throw io.hourglass.common.config.BadConfigException.of("hourglass.datasets." + ds.name() + ".format", "delta",
          "Delta is not on the classpath (on Glue add --datalake-formats delta; on EMR --packages io.delta:delta-spark_2.12:3.3.2)");
    }
  }
}
