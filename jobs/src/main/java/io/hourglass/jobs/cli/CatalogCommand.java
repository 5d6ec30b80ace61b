package io.hourglass.jobs.cli;

import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Settings;
import io.hourglass.common.io.HiveCatalog.Partition;
import io.hourglass.common.io.StorageSchemes;
import io.hourglass.common.io.TableCatalog;
import io.hourglass.common.spark.SparkSessions;
import io.hourglass.jobs.ingest.IngestJob;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hourglass catalog sync --dataset D [--dry-run]}: the catalog's partitions made equal to storage. */
@Command(name = "catalog", mixinStandardHelpOptions = true, versionProvider = Main.Version.class, description = "Catalog (Hive metastore / Glue Data Catalog) tools.",
    subcommands = CatalogCommand.Sync.class)
final class CatalogCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Override
  public Integer call() {
    main.err().println("hourglass: catalog needs a subcommand: sync (see 'hourglass catalog --help')");
    return Main.BAD_USAGE;
  }

  @Command(name = "sync", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
      description = "Compare storage partitions with catalog partitions both ways (missing, extra, wrong location) and fix them.")
  static final class Sync implements Callable<Integer> {
    @ParentCommand
    CatalogCommand parent;

    @Mixin
    CommonOptions common;

    @Option(names = "--dataset", required = true, description = "Dataset name, e.g. web_events.")
    String dataset;

    @Option(names = "--dry-run", description = "Print the plan; change nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
      HourglassConfig config = common.load(Optional.of(dataset));
      Settings s = config.settings();
      Settings settings = new Settings(s.rawRoot(), s.warehouse(), s.stateDir(),
          new Settings.CatalogSettings(true, s.catalog().database()), s.spark());
      DatasetSettings ds = config.dataset(dataset);
      IngestCommand.requireDelta(ds);
      SparkSession spark = SparkSessions.getOrCreate("hourglass catalog sync " + dataset, settings);
      StorageSchemes.require(spark.sparkContext().hadoopConfiguration(), "hourglass.warehouse", settings.warehouse());
      IngestJob job = new IngestJob(spark, settings, ds, Optional.empty(), line -> { });
      TableCatalog.Plan plan = new TableCatalog(spark, settings.catalog().database()).sync(job.tableDef(), dryRun);
      PrintStream out = parent.main.out();
      out.printf("catalog sync %s.%s (%s)%s: %d missing, %d extra, %d with a wrong location%n",
          settings.catalog().database(), ds.table(), job.tableRoot(), dryRun ? " [dry run, nothing changed]" : "",
          plan.missing().size(), plan.extra().size(), plan.wrongLocation().size());
      print(out, dryRun ? "would add " : "added    ", plan.missing());
      print(out, dryRun ? "would drop" : "dropped  ", plan.extra());
      print(out, dryRun ? "would move" : "moved    ", plan.wrongLocation());
      return Main.OK;
    }

    private static void print(PrintStream out, String verb, List<Partition> partitions) {
      for (Partition p : partitions) {
        out.printf("  %s %s -> %s%n", verb, p.directory(), p.location());
      }
    }
  }
}
