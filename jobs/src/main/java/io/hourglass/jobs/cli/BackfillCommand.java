package io.hourglass.jobs.cli;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Secrets;
import io.hourglass.common.config.Settings;
import io.hourglass.common.io.HourDiscovery;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.schema.TableSchema;
import io.hourglass.common.spark.HadoopConfs;
import io.hourglass.common.spark.SparkSessions;
import io.hourglass.jobs.ingest.Backfill;
import io.hourglass.jobs.ingest.IngestJob;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hourglass backfill ingest --dataset D --from H1 --to H2 [--parallelism N] [--force]}. */
@Command(name = "backfill", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Re-run a job over a range of hours.",
    subcommands = BackfillCommand.Ingest.class)
final class BackfillCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Override
  public Integer call() {
    main.err().println("hourglass: backfill needs a job: ingest (see 'hourglass backfill --help')");
    return Main.BAD_USAGE;
  }

  @Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
      description = "Ingest every hour from --from to --to (both included), resumable: hours that already succeeded"
          + " with this code and schema version are skipped unless --force.")
  static final class Ingest implements Callable<Integer> {
    @ParentCommand
    BackfillCommand parent;

    @Mixin
    CommonOptions common;

    @Option(names = "--dataset", required = true, description = "Dataset name, e.g. web_events.")
    String dataset;

    @Option(names = "--from", required = true, converter = HourConverter.class, paramLabel = "YYYY-MM-DDTHH",
        description = "First arrival hour (UTC), included.")
    HourArg from;

    @Option(names = "--to", required = true, converter = HourConverter.class, paramLabel = "YYYY-MM-DDTHH|last",
        description = "Last arrival hour (UTC), included, whose folder has settled (or 'last' for the latest such hour).")
    HourArg to;

    @Option(names = "--parallelism", defaultValue = "2", description = "Hours at once (default ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--force", description = "Re-run hours that already succeeded.")
    boolean force;

    @Option(names = "--retries", defaultValue = "2", description = "Retries of a transient failure per hour (default ${DEFAULT-VALUE}).")
    int retries;

    @Override
    public Integer call() {
      Main main = parent.main;
      HourglassConfig config = common.load(Optional.of(dataset));
      Settings settings = config.settings();
      DatasetSettings ds = config.dataset(dataset);
      Optional<byte[]> key = Secrets.hmacKey(ds, main.env());
      IngestCommand.requireDelta(ds);
      java.time.Instant now = Clock.systemUTC().instant();
      Hour first = from.resolve(ds, now);
      Hour last = to.resolve(ds, now);
      List<Hour> hours = Backfill.hours(first, last, now);
      ds.requireSettled("--to", last, now);
      new HourDiscovery(HadoopConfs.from(settings.spark())).requireStreamFolder(settings.rawRoot(), ds.stream());
      Backfill.Options options = new Backfill.Options(parallelism, force, retries, Duration.ofSeconds(2), Duration.ofMinutes(1));
      ProgressView view = new ProgressView(main.err(), System.console() != null && System.getenv("CI") == null);
      try (JdbcRunLedger ledger = Ledgers.open(config, settings, main.env())) {
        long t0 = System.nanoTime();
        SparkSession spark = SparkSessions.getOrCreate("hourglass backfill ingest " + dataset + " " + first + ".." + last, settings);
        long startupMs = (System.nanoTime() - t0) / 1_000_000;
        Ledgers.ephemeralLedgerWarning(config, settings, spark.sparkContext().master()).ifPresent(main.err()::println);
        IngestJob job = new IngestJob(spark, settings, ds, key, line -> {
          if (line.startsWith(IngestJob.WARNING)) { // the hours' own progress would drown the backfill's; not these
            view.note(line);
          }
        });
        job.requireStorage();
        job.requireCatalogMatches(); // before any hour is claimed: exit 2, nothing recorded
        List<Backfill.HourOutcome> outcomes = new Backfill(spark, job, ledger, TableSchema.load(ds.tableSchema()).version(),
            options, Clock.systemUTC(), view, view::note, startupMs).run(hours);
        view.close();
        return summarize(main.out(), first, last, outcomes);
      }
    }

    private int summarize(PrintStream out, Hour first, Hour last, List<Backfill.HourOutcome> outcomes) {
      long ok = count(outcomes, Backfill.State.SUCCEEDED);
      long empty = count(outcomes, Backfill.State.EMPTY);
      long skipped = count(outcomes, Backfill.State.SKIPPED);
      List<Backfill.HourOutcome> failed = outcomes.stream().filter(o -> o.state() == Backfill.State.FAILED).toList();
      if (ok > 0) {
        ClassDataArchive.workDone(parent.main.env());
      }
      out.printf("backfill ingest %s %s..%s: %d hours: %d succeeded, %d empty, %d skipped (already done), %d failed%n",
          dataset, first, last, outcomes.size(), ok, empty, skipped, failed.size());
      for (Backfill.HourOutcome f : failed) {
        out.printf("  failed %s after %d attempt(s): %s%n", f.hour(), f.attempts(), f.error());
      }
      if (!failed.isEmpty()) {
        out.printf(force ? "re-run the same command without --force to retry only the failed hours%n"
            : "re-run the same command to retry the failed hours (succeeded ones are skipped)%n");
        return Main.RUN_FAILED;
      }
      return Main.OK;
    }

    private static long count(List<Backfill.HourOutcome> outcomes, Backfill.State state) {
      return outcomes.stream().filter(o -> o.state() == state).count();
    }
  }
}
