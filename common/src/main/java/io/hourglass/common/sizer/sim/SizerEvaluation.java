package io.hourglass.common.sizer.sim;

import io.hourglass.common.sizer.Observation;
import io.hourglass.common.sizer.Sizer;
import io.hourglass.common.sizer.SizerInput;
import io.hourglass.common.sizer.SizerLimits;
import io.hourglass.common.sizer.SizingDecision;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * Evaluates the sizer on a simulated year of hourly runs and prints a Markdown table.
 *
 * <p>Each hour: the workload gives the hour's objects; the sizer decides from the listing and its own
 * past runs (at the sizes it chose) only; the hidden {@link TrueCluster} runs the hour at that size;
 * the run joins the history. The oracle knows the true cluster and the hour's realised randomness and
 * picks the smallest executor count that meets the deadline, or none. When the sizer says no allowed
 * size meets the deadline, the hour still runs, at the size it names as the best it can do.
 *
 * <p>Cold-start trials then restart the sizer with an empty history at random hours, to measure
 * prediction error after exactly k runs.
 *
 * <pre>
 * bench/sizer-eval.sh [--seed 42] [--hours 8760] [--deadline-minutes 60] [--min-executors 2]
 *     [--max-executors 160] [--cores 4] [--quantile 0.995] [--trials 200] [--trial-hours 60] [--csv FILE]
 * </pre>
 */
public final class SizerEvaluation {

  /** The knobs of one evaluation. */
  record Options(long seed, int hours, Duration deadline, int minExecutors, int maxExecutors, int cores,
      double quantile, int trials, int trialHours, Path csv) {

    static Options parse(String[] args) {
      long seed = 42;
      int hours = 8760;
      long deadlineMinutes = 60;
      int min = 2;
      int max = 160;
      int cores = 4;
      double quantile = SizerLimits.SAFETY_QUANTILE_DEFAULT;
      int trials = 200;
      int trialHours = 60;
      Path csv = null;
      for (int i = 0; i < args.length; i++) {
        String flag = args[i];
        if (flag.equals("--help") || flag.equals("-h")) {
          throw new IllegalArgumentException("usage");
        }
        if (i + 1 >= args.length) {
          throw new IllegalArgumentException(flag + " needs a value");
        }
        String v = args[++i];
        switch (flag) {
          case "--seed" -> seed = Long.parseLong(v);
          case "--hours" -> hours = Integer.parseInt(v);
          case "--deadline-minutes" -> deadlineMinutes = Long.parseLong(v);
          case "--min-executors" -> min = Integer.parseInt(v);
          case "--max-executors" -> max = Integer.parseInt(v);
          case "--cores" -> cores = Integer.parseInt(v);
          case "--quantile" -> quantile = Double.parseDouble(v);
          case "--trials" -> trials = Integer.parseInt(v);
          case "--trial-hours" -> trialHours = Integer.parseInt(v);
          case "--csv" -> csv = Path.of(v);
          default -> throw new IllegalArgumentException("unknown option: " + flag);
        }
      }
      if (hours < 1 || trials < 0 || trialHours < 1 || trialHours >= hours) {
        throw new IllegalArgumentException(String.format(
            "need --hours >= 1, --trials >= 0 and 1 <= --trial-hours < --hours, cannot be: %d, %d, %d",
            hours, trials, trialHours));
      }
      return new Options(seed, hours, Duration.ofMinutes(deadlineMinutes), min, max, cores, quantile, trials,
          trialHours, csv);
    }

    SizerLimits limits() {
      return new SizerLimits(minExecutors, maxExecutors, cores, deadline, quantile,
          SizerLimits.COLD_START_MB_PER_CORE_SECOND_DEFAULT, SizerLimits.COLD_START_OVERHEAD_SECONDS_DEFAULT);
    }
  }

  /** What happened in one simulated hour. */
  record HourResult(int hour, int history, long bytes, int files, long largest, boolean spike, boolean giant,
      SizingDecision.Outcome outcome, int chosen, double predicted, double margin, double actual, int oracle,
      boolean oracleFileTooBig) {

    boolean oracleFeasible() {
      return oracle > 0;
    }

    boolean met(double deadline) {
      return actual <= deadline;
    }

    double ape() {
      return Math.abs(predicted - actual) / actual;
    }
  }

  private SizerEvaluation() {}

  public static void main(String[] args) throws IOException {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sizer-eval: " + e.getMessage());
      System.err.println("usage: sizer-eval.sh [--seed N] [--hours 8760] [--deadline-minutes 60] [--min-executors 2]"
          + " [--max-executors 160] [--cores 4] [--quantile 0.995] [--trials 200] [--trial-hours 60] [--csv FILE]");
      System.exit(2);
      return;
    }
    long started = System.nanoTime();
    Workload workload = new Workload(options.seed(), options.hours());
    TrueCluster cluster = new TrueCluster(options.seed(), options.cores());
    List<HourResult> year = simulate(workload, cluster, options, 0, options.hours());
    List<List<HourResult>> trials = coldStartTrials(workload, cluster, options);
    if (options.csv() != null) {
      List<List<HourResult>> runs = new ArrayList<>();
      runs.add(year);
      runs.addAll(trials);
      writeCsv(options.csv(), runs);
    }
    System.out.print(report(options, year, trials));
    // The table is a function of the options alone; the time it took goes to stderr.
    System.err.printf(Locale.ROOT, "sizer-eval: %.1f s%n", (System.nanoTime() - started) / 1e9);
  }

  /** Runs hours [from, from + count) with the sizer starting from an empty history. */
  static List<HourResult> simulate(Workload workload, TrueCluster cluster, Options o, int from, int count) {
    SizerLimits limits = o.limits();
    double deadline = limits.deadlineSeconds();
    List<Observation> history = new ArrayList<>();
    List<HourResult> results = new ArrayList<>(count);
    for (int h = from; h < from + count; h++) {
      SimHour hour = workload.hour(h);
      SizerInput in = hour.input();
      SizingDecision d = Sizer.size(in, history, limits);
      TrueCluster.Conditions c = cluster.conditions(hour);
      TrueCluster.Run run = cluster.run(c, d.executors());
      int oracle = cluster.oracle(c, o.minExecutors(), o.maxExecutors(), deadline);
      boolean fileTooBig = oracle < 0 && cluster.largestTaskTooLong(c, o.minExecutors(), o.maxExecutors(), deadline);
      results.add(new HourResult(h, history.size(), in.inputBytes(), in.fileCount(), in.largestFileBytes(),
          hour.spike(), hour.giantFile(), d.outcome(), d.executors(), d.predictedSeconds(), d.margin(),
          run.wallSeconds(), oracle, fileTooBig));
      history.add(new Observation(in.inputBytes(), in.fileCount(), in.largestFileBytes(), d.executors(), o.cores(),
          run.wallSeconds(), run.startupSeconds()));
    }
    return results;
  }

  static List<List<HourResult>> coldStartTrials(Workload workload, TrueCluster cluster, Options o) {
    SplittableRandom r = new SplittableRandom(o.seed() * 1_000_003L + 11);
    int[] starts = new int[o.trials()];
    for (int t = 0; t < starts.length; t++) {
      starts[t] = r.nextInt(o.hours() - o.trialHours());
    }
    // Trials are independent and each is deterministic: run them in parallel, keep their order.
    return IntStream.range(0, starts.length).parallel()
        .mapToObj(t -> simulate(workload, cluster, o, starts[t], o.trialHours())).toList();
  }

  // ---- the report ----

  static String report(Options o, List<HourResult> year, List<List<HourResult>> trials) {
    double deadline = o.deadline().toSeconds();
    List<HourResult> feasible = year.stream().filter(HourResult::oracleFeasible).toList();
    List<HourResult> infeasible = year.stream().filter(r -> !r.oracleFeasible()).toList();
    long met = feasible.stream().filter(r -> r.met(deadline)).count();
    double hitRate = feasible.isEmpty() ? 1.0 : met / (double) feasible.size();
    double[] ratios = feasible.stream().mapToDouble(r -> r.chosen() / (double) r.oracle()).sorted().toArray();
    double median = percentile(ratios, 0.50);
    double p95 = percentile(ratios, 0.95);
    double chosenSum = feasible.stream().mapToDouble(HourResult::chosen).sum();
    double oracleSum = feasible.stream().mapToDouble(HourResult::oracle).sum();

    long infeasibleFile = infeasible.stream().filter(HourResult::oracleFileTooBig).count();
    long flaggedFile = infeasible.stream().filter(r -> r.oracleFileTooBig()
        && r.outcome() == SizingDecision.Outcome.FILE_TOO_BIG).count();
    long flaggedInput = infeasible.stream().filter(r -> !r.oracleFileTooBig()
        && r.outcome() == SizingDecision.Outcome.TOO_MUCH_INPUT).count();
    long falseRefusals = feasible.stream().filter(r -> r.outcome() != SizingDecision.Outcome.FITS).count();

    double mapeYear5 = mape(year, 5, Integer.MAX_VALUE);
    double mapeYear10 = mape(year, 10, Integer.MAX_VALUE);
    double mapeYear50 = mape(year, 50, Integer.MAX_VALUE);
    double[] trialMape = new double[4];
    int[] ks = {3, 5, 10, 50};
    for (int i = 0; i < ks.length; i++) {
      int k = ks[i];
      trialMape[i] = k < o.trialHours() ? mape(trials.stream().flatMap(List::stream).toList(), k, k) : Double.NaN;
    }
    List<HourResult> trialHours = trials.stream().flatMap(List::stream).filter(HourResult::oracleFeasible).toList();
    long trialMet = trialHours.stream().filter(r -> r.met(deadline)).count();

    StringBuilder s = new StringBuilder();
    s.append(String.format(Locale.ROOT,
        "Sizer evaluation: %d simulated hours, deadline %d min, executors %d-%d x %d cores, safety quantile %.3f,"
            + " seed %d%n%n",
        o.hours(), o.deadline().toMinutes(), o.minExecutors(), o.maxExecutors(), o.cores(), o.quantile(), o.seed()));
    s.append("| measure | result | goal |\n| --- | --- | --- |\n");
    row(s, "deadlines met (hours the oracle can meet)",
        String.format(Locale.ROOT, "%.2f%% (%d of %d; %d missed)", 100 * hitRate, met, feasible.size(),
            feasible.size() - met),
        goal(hitRate >= 0.995, ">= 99.5%"));
    row(s, "chosen / oracle executors, median", fmt3(median), goal(median <= 1.15, "<= 1.15"));
    row(s, "chosen / oracle executors, p95", fmt3(p95), "");
    row(s, "executor-hours, chosen / oracle", fmt2(chosenSum / oracleSum), "");
    row(s, "runtime MAPE, predictions with >= 5 runs known", pct(mapeYear5), goal(mapeYear5 <= 0.10, "<= 10%"));
    row(s, "runtime MAPE, >= 10 runs known", pct(mapeYear10), "");
    row(s, "runtime MAPE, >= 50 runs known", pct(mapeYear50), "");
    row(s, String.format("cold-start trials (%d x %d h): MAPE after exactly 3 / 5 / 10 / 50 runs", o.trials(),
        o.trialHours()),
        String.join(" / ", pct(trialMape[0]), pct(trialMape[1]), pct(trialMape[2]), pct(trialMape[3])),
        goal(trialMape[1] <= 0.10, "<= 10% at 5"));
    row(s, "cold-start trials: deadlines met (oracle-feasible hours)",
        String.format(Locale.ROOT, "%.2f%% (%d of %d)", 100.0 * trialMet / Math.max(1, trialHours.size()), trialMet,
            trialHours.size()), "");
    row(s, "hours infeasible for the oracle too",
        String.format("%d (largest gzip file too big: %d; too much input: %d)", infeasible.size(), infeasibleFile,
            infeasible.size() - infeasibleFile), "");
    row(s, "... of which the sizer named the cause",
        String.format("%d of %d (FILE_TOO_BIG %d of %d, TOO_MUCH_INPUT %d of %d)", flaggedFile + flaggedInput,
            infeasible.size(), flaggedFile, infeasibleFile, flaggedInput, infeasible.size() - infeasibleFile), "");
    row(s, "sizer refused an hour the oracle could meet", Long.toString(falseRefusals), "");
    s.append('\n');
    s.append(breakdown(year, deadline));
    return s.toString();
  }

  /** Misses and ratios by kind of hour, to see where the sizer struggles. */
  private static String breakdown(List<HourResult> year, double deadline) {
    StringBuilder s = new StringBuilder("| hours | count | oracle-feasible | met | chosen/oracle median | MAPE |\n"
        + "| --- | --- | --- | --- | --- | --- |\n");
    breakdownRow(s, "ordinary", year.stream().filter(r -> !r.spike() && !r.giant()).toList(), deadline);
    breakdownRow(s, "x5 spike", year.stream().filter(HourResult::spike).toList(), deadline);
    breakdownRow(s, "giant gzip file", year.stream().filter(HourResult::giant).toList(), deadline);
    breakdownRow(s, "first 3 (cold start)", year.stream().filter(r -> r.history() < Sizer.MIN_OBSERVATIONS).toList(),
        deadline);
    return s.toString();
  }

  private static void breakdownRow(StringBuilder s, String name, List<HourResult> rows, double deadline) {
    List<HourResult> feasible = rows.stream().filter(HourResult::oracleFeasible).toList();
    long met = feasible.stream().filter(r -> r.met(deadline)).count();
    double[] ratios = feasible.stream().mapToDouble(r -> r.chosen() / (double) r.oracle()).sorted().toArray();
    s.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s |%n", name, rows.size(), feasible.size(), met,
        ratios.length == 0 ? "-" : fmt2(percentile(ratios, 0.5)),
        pct(rows.stream().mapToDouble(HourResult::ape).average().orElse(Double.NaN))));
  }

  /** MAPE of the predictions made with between kMin and kMax runs of history (cold-start predictions excluded). */
  static double mape(List<HourResult> rows, int kMin, int kMax) {
    return rows.stream().filter(r -> r.history() >= Math.max(kMin, Sizer.MIN_OBSERVATIONS) && r.history() <= kMax)
        .mapToDouble(HourResult::ape).average().orElse(Double.NaN);
  }

  static double percentile(double[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    double h = (sorted.length - 1) * q;
    int lo = (int) Math.floor(h);
    int hi = Math.min(sorted.length - 1, lo + 1);
    return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
  }

  private static void row(StringBuilder s, String measure, String result, String goal) {
    s.append("| ").append(measure).append(" | ").append(result).append(" | ").append(goal).append(" |\n");
  }

  private static String goal(boolean ok, String goal) {
    return goal + (ok ? " (met)" : " (NOT met)");
  }

  private static String fmt2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  private static String fmt3(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String pct(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * v);
  }

  /** One line per simulated hour: run 0 is the year, runs 1.. the cold-start trials. */
  private static void writeCsv(Path path, List<List<HourResult>> runs) throws IOException {
    try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(path, StandardCharsets.UTF_8))) {
      w.println("run,hour,history,bytes,files,largest,spike,giant,outcome,chosen,predicted,margin,actual,oracle");
      for (int run = 0; run < runs.size(); run++) {
        for (HourResult r : runs.get(run)) {
          w.println(String.join(",", Arrays.asList(Integer.toString(run), Integer.toString(r.hour()),
            Integer.toString(r.history()),
            Long.toString(r.bytes()), Integer.toString(r.files()), Long.toString(r.largest()),
            Boolean.toString(r.spike()), Boolean.toString(r.giant()), r.outcome().name(),
            Integer.toString(r.chosen()), String.format(Locale.ROOT, "%.1f", r.predicted()),
            String.format(Locale.ROOT, "%.4f", r.margin()), String.format(Locale.ROOT, "%.1f", r.actual()),
            Integer.toString(r.oracle()))));
        }
      }
    }
  }
}
