package io.hourglass.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hourglass.common.config.BadConfigException;
import io.hourglass.common.config.DatasetSettings;
import io.hourglass.common.config.Hour;
import io.hourglass.common.config.HourglassConfig;
import io.hourglass.common.config.Secrets;
import io.hourglass.common.config.Settings;
import io.hourglass.common.io.HourDiscovery;
import io.hourglass.common.io.HourInput;
import io.hourglass.common.ledger.JdbcRunLedger;
import io.hourglass.common.sizer.AsciiChart;
import io.hourglass.common.sizer.GlueWorkerType;
import io.hourglass.common.sizer.Observation;
import io.hourglass.common.sizer.PngChart;
import io.hourglass.common.sizer.Recommendation;
import io.hourglass.common.sizer.Sizer;
import io.hourglass.common.sizer.SizerInput;
import io.hourglass.common.sizer.SizerLimits;
import io.hourglass.common.sizer.SizingDecision;
import io.hourglass.common.spark.HadoopConfs;
import io.hourglass.jobs.ingest.RecordedIngest;
import io.hourglass.jobs.sizing.IngestSizing;
import java.io.File;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code hourglass size --dataset D --hour H [--deadline 60m] [--target spark-submit|emr|glue] [--explain]}:
 * measures the hour's input from its listing (no data read, no Spark), fits the runtime model on the
 * dataset's run history from the ledger, and prints the smallest size that meets the deadline.
 */
@Command(name = "size", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "Executors (or Glue workers) for an hour's run to meet its deadline, from its input size and run history.")
final class SizeCommand implements Callable<Integer> {
  /** A margin above this is named when nothing fits: it, more than the input, is then what the deadline meets. */
  static final double WIDE_MARGIN = 3.0;

  enum Target { SPARK_SUBMIT, EMR, GLUE }

  @ParentCommand
  Main main;

  @Mixin
  CommonOptions common;

  @Option(names = "--dataset", required = true, description = "Dataset name, e.g. web_events.")
  String dataset;

  @Option(names = "--hour", required = true, converter = HourConverter.class, paramLabel = "YYYY-MM-DDTHH|last",
      description = "Arrival hour, UTC (or 'last' for the latest hour whose folder has settled).")
  HourArg hourArg;

  /** {@link #hourArg} resolved against the dataset. */
  private Hour hour;

  @Option(names = "--deadline", paramLabel = "DURATION", description = "Deadline, e.g. 60m (default: hourglass.sizer.deadline).")
  String deadline;

  @Option(names = "--target", defaultValue = "spark-submit", paramLabel = "spark-submit|emr|glue",
      converter = TargetConverter.class, description = "What to print arguments for (default ${DEFAULT-VALUE}).")
  Target target;

  @Option(names = "--explain", description = "Print the fitted model, the history it used and a chart.")
  boolean explain;

  @Option(names = "--png", paramLabel = "FILE", description = "Also write the chart as a PNG.")
  File png;

  @Option(names = "--json", description = "Print one JSON object instead (outcome, input, size, spark-submit "
      + "arguments, Glue workers), also for an empty hour and when no size fits (exit 4).")
  boolean json;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (json && explain) {
      throw new ParameterException(spec.commandLine(), "--json and --explain cannot be used together");
    }
    HourglassConfig config = common.load(Optional.of(dataset));
    Settings settings = config.settings();
    DatasetSettings ds = config.dataset(dataset);
    Instant now = Instant.now();
    hour = hourArg.resolve(ds, now);
    // Sized before it has settled, an hour would be sized on part of its input (or, in the future, called empty):
    // refused as the ingest of it would be.
    ds.requireSettled("--hour", hour, now);
    if (png != null) {
      File folder = png.getAbsoluteFile().getParentFile();
      if (folder == null || !folder.isDirectory() || !folder.canWrite()) {
        throw BadConfigException.of("--png", png, "no folder to write it in (" + folder + " is missing or not writable)");
      }
    }
    String s = "hourglass.sizer.";
    Duration limit = deadline != null ? HourglassConfig.duration("--deadline", deadline) : config.durationSetting(s + "deadline");
    if (limit.isNegative() || limit.isZero()) {
      throw BadConfigException.of(deadline != null ? "--deadline" : s + "deadline",
          deadline != null ? deadline : io.hourglass.common.config.DurationText.of(limit), "must be more than 0");
    }
    SizerLimits limits;
    try {
      limits = SizerLimits.of(config.intSetting(s + "min-executors"), config.intSetting(s + "max-executors"),
          config.intSetting(s + "cores-per-executor"), limit);
    } catch (IllegalArgumentException e) {
      throw new BadConfigException("hourglass.sizer: " + e.getMessage());
    }
    String worker = config.stringSetting(s + "glue-worker-type");
    GlueWorkerType workerType;
    try {
      workerType = GlueWorkerType.parse(worker);
    } catch (IllegalArgumentException e) {
      throw BadConfigException.of(s + "glue-worker-type", worker, "must be one of G.1X | G.2X | G.4X | G.8X");
    }
    int memoryGb = config.intSetting(s + "executor-memory-gb");
    int historyRuns = config.intSetting(s + "history");
    if (memoryGb < 1) {
      throw BadConfigException.of(s + "executor-memory-gb", memoryGb, "must be at least 1");
    }
    if (historyRuns < 1) { // the ledger's query needs at least one; 0 used to end in its stack trace
      throw BadConfigException.of(s + "history", historyRuns, "must be at least 1");
    }
    if (historyRuns > Sizer.FIT_WINDOW) { // more would be read and then left out of the fit without a word
      throw BadConfigException.of(s + "history", historyRuns, "must be at most " + Sizer.FIT_WINDOW
          + ": the model is fitted to the last " + Sizer.FIT_WINDOW + " runs (two weeks of hours) at most");
    }

    HourInput input = new HourDiscovery(HadoopConfs.from(settings.spark())).discover(settings.rawRoot(), ds.stream(), hour);
    PrintStream out = main.out();
    if (input.isEmpty()) {
      String reason = "no input in " + input.folder() + "; nothing to size (the run would be recorded as empty)";
      if (json) {
        Map<String, Object> root = jsonHead("EMPTY", input, limit, null); // the ledger is not read for an empty hour
        root.put("reason", reason);
        out.println(toJson(root));
      } else {
        out.printf("size %s %s: %s%n", dataset, hour, reason);
      }
      if (png != null) {
        main.err().println("hourglass: note: no chart for an empty hour; " + png + " not written");
      }
      return Main.OK;
    }
    List<Observation> history = List.of();
    Optional<JdbcRunLedger> opened = Ledgers.openToRead(config, settings, main.env());
    if (opened.isEmpty()) {
      main.err().println("hourglass: note: no run ledger at " + Ledgers.embeddedFile(settings)
          + " (nothing has run with this state folder): sizing without history");
    } else {
      try (JdbcRunLedger ledger = opened.get()) {
        history = IngestSizing.observations(ledger.recentSucceeded(RecordedIngest.JOB, dataset, historyRuns));
      }
    }
    SizerInput in = SizerInput.gzip(input.totalBytes(), input.files().size(), input.largestFileBytes());
    SizingDecision d = Sizer.size(in, history, limits);
    if (png != null) {
      PngChart.write(d.curve(), d.deadlineSeconds(), d.executors(), dataset + " " + hour + ": predicted runtime vs executors", png);
    }
    if (json) {
      printJson(out, input, limit, history.size(), d, memoryGb, workerType);
    } else {
      out.printf("size %s %s: %d files, %s (largest %s), deadline %s, %d runs of history%n", dataset, hour,
          input.files().size(), mib(input.totalBytes()), mib(input.largestFileBytes()),
          limit.toSeconds() % 60 == 0 ? limit.toMinutes() + " min" : limit.toSeconds() + " s", history.size());
      out.println("  " + d.reason());
      if (explain) {
        explain(out, d, history, limits);
      }
      if (png != null) {
        out.println("  chart written to " + png.getAbsolutePath());
      }
    }
    if (!d.fits()) {
      // A wide margin, not the input, is then often what breaks the deadline: a few runs of history, or runs whose times
      // the model does not explain, are read as a wide spread. Said so, rather than left to the file or fixed cost alone.
      String wide = d.margin() > WIDE_MARGIN ? String.format(" (note the margin x%.2f: it comes from the spread of the recent"
          + " runs of history around the model, wide while they are few or uneven, and narrows as runs are recorded)",
          d.margin()) : "";
      main.err().println("hourglass: no allowed size meets the deadline: " + d.reason() + wide);
      return Main.NO_SIZE_MEETS_DEADLINE;
    }
    if (json) {
      return Main.OK;
    }
    Recommendation r = Recommendation.of(d, memoryGb);
    // The run sized here, as it was described: its roots, its --conf and its --set settings (a dataset that drops
    // email, a ledger.url, a format) go to the job too, or it would run with other settings than the ones sized.
    List<String> jobArgs = new ArrayList<>(List.of("ingest", "--dataset", dataset, "--hour", hour.toString(),
        "--raw-root", settings.rawRoot(), "--warehouse", settings.warehouse()));
    if (common.conf != null) {
      jobArgs.addAll(List.of("--conf", common.conf.toString()));
      main.err().println("hourglass: the job reads --conf " + common.conf + " where its driver runs: ship the file with the"
          + " job (EMR: spark-submit --files; Glue: --extra-files) and name it as the driver sees it");
    }
    for (String set : common.sets) {
      jobArgs.addAll(List.of("--set", Secrets.redactUrl(set)));
    }
    switch (target) {
      case SPARK_SUBMIT -> out.println(r.sparkSubmitLine());
      case EMR -> out.println(r.emrAddStepsJson("hourglass ingest " + dataset + " " + hour, "s3://YOUR-BUCKET/jars/hourglass.jar",
          "io.hourglass.jobs.cli.Main", jobArgs));
      case GLUE -> {
        Map<String, String> glueArgs = new LinkedHashMap<>(); // the same run as the other targets': its roots too
        glueArgs.put("--command", "ingest");
        glueArgs.put("--dataset", dataset);
        glueArgs.put("--hour", hour.toString());
        glueArgs.put("--raw-root", settings.rawRoot());
        glueArgs.put("--warehouse", settings.warehouse());
        if (ds.format() == io.hourglass.common.config.TableFormat.DELTA) {
          glueArgs.put("--datalake-formats", "delta"); // Glue 5.1 puts its Delta jars on the classpath
        }
        if (common.conf != null) {
          glueArgs.put("--conf", common.conf.toString());
        }
        for (String set : common.sets) { // a job parameter a setting: Glue's parameters are a map, one --set at most
          int eq = set.indexOf('=');
          String key = set.substring(0, eq).trim();
          // The job takes a dotted parameter as a setting; a top-level key (state-dir) gets its prefix to have a dot.
          glueArgs.put("--" + (key.contains(".") ? key : "hourglass." + key), Secrets.redactUrl(set.substring(eq + 1).trim()));
        }
        out.println(r.glueStartJobRunJson("hourglass-ingest", workerType, glueArgs));
      }
    }
    return Main.OK;
  }

  /** The --json answer: the same decision as the text, for a scheduler to read without parsing lines. */
  private void printJson(PrintStream out, HourInput input, Duration limit, int historyRuns, SizingDecision d, int memoryGb,
      GlueWorkerType workerType) throws Exception {
    Map<String, Object> root = jsonHead(d.outcome().name(), input, limit, historyRuns);
    root.put("executors", d.executors());
    root.put("cores_per_executor", d.coresPerExecutor());
    root.put("executor_memory_gb", memoryGb);
    root.put("predicted_seconds", Math.round(d.predictedSeconds() * 10) / 10.0);
    root.put("margin", Math.round(d.margin() * 100) / 100.0);
    root.put("planned_seconds", Math.round(d.plannedSeconds() * 10) / 10.0);
    root.put("reason", d.reason());
    if (png != null) {
      root.put("chart", png.getAbsolutePath());
    }
    if (d.fits()) {
      Recommendation r = Recommendation.of(d, memoryGb);
      root.put("spark_submit_args", r.sparkSubmitArgs());
      Map<String, Object> glue = new LinkedHashMap<>();
      glue.put("worker_type", workerType.apiName());
      glue.put("number_of_workers", r.glueWorkers(workerType));
      root.put("glue", glue);
    }
    out.println(toJson(root));
  }

  private Map<String, Object> jsonHead(String outcome, HourInput input, Duration limit, Integer historyRuns) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("dataset", dataset);
    root.put("hour", hour.toString());
    root.put("outcome", outcome);
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("folder", input.folder());
    in.put("files", input.files().size());
    in.put("bytes", input.totalBytes());
    in.put("largest_file_bytes", input.largestFileBytes());
    root.put("input", in);
    root.put("deadline_seconds", limit.toSeconds());
    root.put("history_runs", historyRuns);
    return root;
  }

  private static String toJson(Map<String, Object> root) throws Exception {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
  }

  private static void explain(PrintStream out, SizingDecision d, List<Observation> history, SizerLimits limits) {
    var m = d.model();
    out.printf("  model (%s, %d runs, %s): T(n) = %.1f s + %.4f s/MiB-per-slot x W(n) + %.2f x ln n + %.3f x n%n",
        m.source(), m.observations(), Double.isNaN(m.mape()) ? "no fit yet" : String.format(Locale.ROOT, "fit MAPE %.1f%%", 100 * m.mape()),
        m.theta0(), m.theta1(), m.theta2(), m.theta3());
    out.printf("  throughput %.2f MiB/s per core; margin x%.2f (from the spread of actual/predicted over recent runs)%n",
        m.mibPerCoreSecond(), d.margin());
    if (!history.isEmpty()) {
      int shown = Math.min(5, history.size());
      out.printf("  the latest %d of the %d runs of history (bytes, files, executors x cores, wall s with start-up):%n",
          shown, history.size());
      history.stream().skip(history.size() - shown).forEach(o -> out.printf("    %s, %d files, %d x %d, %.0f s%n",
          mib(o.inputBytes()), o.fileCount(), o.executors(), o.coresPerExecutor(), o.wallSeconds()));
    }
    out.println(AsciiChart.render(d.curve(), d.deadlineSeconds(), d.executors(), 60, 12));
  }

  private static String mib(long bytes) {
    return String.format("%.1f MiB", bytes / (1024.0 * 1024));
  }

  static final class TargetConverter implements picocli.CommandLine.ITypeConverter<Target> {
    @Override
    public Target convert(String value) {
      return switch (value.trim().toLowerCase(java.util.Locale.ROOT)) {
        case "spark-submit" -> Target.SPARK_SUBMIT;
        case "emr" -> Target.EMR;
        case "glue" -> Target.GLUE;
        default -> throw new picocli.CommandLine.TypeConversionException("'" + value + "' is not a target: spark-submit, emr or glue");
      };
    }
  }
}
