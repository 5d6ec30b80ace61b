package io.hourglass.jobs.cli;

import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.io.StorageSchemes;
import io.hourglass.jobs.generate.GeneratedHour;
import io.hourglass.jobs.generate.WebEventsGenerator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code hourglass generate}: deterministic Firehose-layout sample data for one hour. */
@Command(name = "generate", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Write a deterministic sample hour of web_events in the Firehose layout (gzipped JSON lines).")
final class GenerateCommand implements Callable<Integer> {
  @ParentCommand
  Main main;

  @Mixin
  CommonOptions common;

  @Option(names = "--hour", required = true, converter = HourConverter.class, paramLabel = "YYYY-MM-DDTHH|last",
      description = "Arrival hour, UTC (or 'last': the hour 'ingest --hour last' would take now).")
  HourArg hourArg;

  @Option(names = "--records", defaultValue = "10000", description = "Records to write (default ${DEFAULT-VALUE}).")
  long records;

  @Option(names = "--files", defaultValue = "4", description = "Objects to spread them over (default ${DEFAULT-VALUE}).")
  int files;

  @Option(names = "--dirty", description = "Mix in bad input: malformed, duplicates, late, future, bad types, blank lines, ...")
  boolean dirty;

  @Option(names = "--repeats", defaultValue = "0", paramLabel = "RATE",
      description = "Share of records delivered twice, as Firehose does when it retries a batch, e.g. 0.001 (default"
          + " ${DEFAULT-VALUE}; a --dirty hour repeats 2%% anyway).")
  double repeats;

  @Option(names = "--rejects", defaultValue = "0", paramLabel = "RATE",
      description = "Share of records the ingest rejects (malformed, missing a field, a wrong type, too late, in the future),"
          + " e.g. 0.03 (default ${DEFAULT-VALUE}; a --dirty hour rejects 10%% anyway).")
  double rejects;

  @Option(names = "--seed", defaultValue = "42", description = "Random seed; same seed, same bytes (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--replace", description = "Delete the objects already in the hour's folder first (without it, a folder"
      + " that holds any is refused: the ingest would read them beside the new ones).")
  boolean replace;

  @Option(names = "--dataset", defaultValue = "web_events", description = "Dataset whose stream to write (default ${DEFAULT-VALUE}).")
  String dataset;

  @Override
  public Integer call() throws Exception {
    HourglassConfig config = common.load(Optional.of(dataset));
    DatasetSettings ds = config.dataset(dataset);
    Hour hour = hourArg.resolve(ds, java.time.Instant.now());
    Configuration conf = io.hourglass.common.spark.HadoopConfs.from(config.settings().spark());
    String rawRoot = config.settings().rawRoot();
    check(ds, records, files, repeats, rejects);
    StorageSchemes.require(conf, "hourglass.raw-root", rawRoot);
    WebEventsGenerator generator = new WebEventsGenerator(conf);
    List<String> existing = generator.existingObjects(hour.start(), rawRoot, ds.stream());
    if (!existing.isEmpty() && !replace) {
      throw new BadConfigException(String.format("%s/%s/%s/ already holds %d object%s (e.g. %s): the ingest would read %s"
              + " beside the new ones; add --replace to delete %s first, or give another --hour or --raw-root", rawRoot,
          ds.stream(), hour.folder(), existing.size(), existing.size() == 1 ? "" : "s",
          existing.get(0).substring(existing.get(0).lastIndexOf('/') + 1), existing.size() == 1 ? "it" : "them",
          existing.size() == 1 ? "it" : "them"));
    }
    generator.delete(existing);
    if (!existing.isEmpty()) {
      main.out().printf(existing.size() == 1 ? "deleted the object that was in the hour's folder (--replace)%n"
          : "deleted the %d objects that were in the hour's folder (--replace)%n", existing.size());
    }
    GeneratedHour g = generate(conf, rawRoot, ds, hour, records, files, dirty, repeats, rejects, seed);
    main.out().printf("generated %s %s: %d lines in %d files (%d bytes), %d valid records, %d duplicates, %d blank lines,"
            + " rejects %s%n", dataset, hour, g.lines(), g.files().size(), g.totalBytes(), g.validRecords(), g.duplicates(),
        g.blankLines(), g.rejectsByReason());
    main.out().printf("  under %s/%s/%s/%n", config.settings().rawRoot(), ds.stream(), hour.folder());
    return Main.OK;
  }

  static GeneratedHour generate(Configuration conf, String rawRoot, DatasetSettings ds, Hour hour, long records, int files,
      boolean dirty, double repeats, double rejects, long seed) throws java.io.IOException {
    check(ds, records, files, repeats, rejects);
    return new WebEventsGenerator(conf).generate(hour.start(), rawRoot, ds.stream(), records, files, dirty, repeats, rejects, seed);
  }

  private static void check(DatasetSettings ds, long records, int files, double repeats, double rejects) {
    if (!ds.name().equals("web_events")) {
      throw BadConfigException.of("--dataset", ds.name(), "the generator knows only web_events");
    }
    if (records < 0) {
      throw BadConfigException.of("--records", String.valueOf(records), "must be at least 0");
    }
    if (files < 1) {
      throw BadConfigException.of("--files", String.valueOf(files), "must be at least 1");
    }
    if (!(repeats >= 0 && repeats < 1)) {
      throw BadConfigException.of("--repeats", String.valueOf(repeats), "a share of records, at least 0 and below 1");
    }
    if (!(rejects >= 0 && rejects < 1)) {
      throw BadConfigException.of("--rejects", String.valueOf(rejects), "a share of records, at least 0 and below 1");
    }
  }
}
