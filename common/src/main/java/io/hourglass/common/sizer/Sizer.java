package io.hourglass.common.sizer;

import io.hourglass.common.sizer.SizingDecision.Outcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Plans the size of an hourly run so that it meets its deadline: the smallest executor count whose
 * predicted runtime, times a safety margin learnt from the dataset's own history, fits the deadline.
 *
 * <ol>
 *   <li>Fit {@link RuntimeModel} on the last {@value #FIT_WINDOW} runs (NNLS, relative error, θ0
 *       anchored near the start-up time). With fewer than {@value #MIN_OBSERVATIONS} runs, use the
 *       cold-start defaults of {@link SizerLimits} with margin 1 (the defaults are the margin).
 *   <li>Margin: refit without each of the last {@value #MARGIN_WINDOW} runs and predict it (an honest,
 *       out-of-sample error); the margin is the {@code safetyQuantile} of actual/predicted over those
 *       runs, the larger of the empirical quantile and a log-normal prediction bound (a week of ratios
 *       barely shows a 1-in-200 tail), never below 1.
 *   <li>Predict T(n) for every n in [min, max]; choose the smallest n with T(n) × margin <= deadline,
 *       never more than ceil(tasks / cores) (more executors would get no task).
 * </ol>
 *
 * <p>Pure and deterministic: no clock, no I/O, no randomness.
 */
public final class Sizer {
  /** Runs needed before the history replaces the cold-start defaults. */
  public static final int MIN_OBSERVATIONS = 3;

  /** Runs the model is fitted on: the last two weeks of hourly runs, so it follows drift in the data. */
  public static final int FIT_WINDOW = 336;

  /**
   * Recent runs whose out-of-sample error sets the margin: one week of hourly runs. Thirty runs (a
   * day) make a jumpy estimate of a 1-in-200 tail; the evaluation missed more deadlines with it.
   */
  public static final int MARGIN_WINDOW = 168;

  private Sizer() {}

  /** The calibration learnt from a history: the model, the margin and the ratios the margin came from. */
  public record Calibration(RuntimeModel model, double margin, List<Double> recentRatios) {}

  /**
   * Sizes the run of {@code in}.
   *
   * @param in the hour's input as listed
   * @param history this dataset's past runs, oldest first; they are read with the splittability of
   *     {@code in} (a dataset keeps its format)
   * @param limits floor, cap, cores, deadline and the cold-start defaults
   */
  public static SizingDecision size(SizerInput in, List<Observation> history, SizerLimits limits) {
    Objects.requireNonNull(in, "input");
    Objects.requireNonNull(history, "history");
    Objects.requireNonNull(limits, "limits");
    Calibration cal = calibrate(history, in.splittable(), limits);
    return decide(in, cal.model(), cal.margin(), limits);
  }

  /** Fits the model and learns the margin from the recent history (or returns the cold-start defaults). */
  public static Calibration calibrate(List<Observation> history, boolean splittable, SizerLimits limits) {
    List<Observation> window = history.subList(Math.max(0, history.size() - FIT_WINDOW), history.size());
    if (window.size() < MIN_OBSERVATIONS) {
      return new Calibration(RuntimeModel.coldStart(limits), 1.0, List.of());
    }
    RuntimeModel.Design design = RuntimeModel.design(window, splittable);
    RuntimeModel model = RuntimeModel.fromThetas(design.solve(), window, splittable);

    List<Double> ratios = new ArrayList<>();
    int m = window.size();
    for (int i = Math.max(0, m - MARGIN_WINDOW); i < m; i++) {
      RuntimeModel without = RuntimeModel.fromThetas(design.solveWithout(i), List.of(), splittable);
      Observation o = window.get(i);
      double predicted = without.predictSeconds(o.input(splittable), o.executors(), o.coresPerExecutor());
      if (predicted > 0) {
        ratios.add(o.wallSeconds() / predicted);
      }
    }
    return new Calibration(model, margin(ratios, limits.safetyQuantile()), Collections.unmodifiableList(ratios));
  }

  /**
   * The margin for a safety quantile q from k ratios actual/predicted: the largest of 1, their
   * empirical q-quantile, and exp(mean + t(q, k-1) · sd · sqrt(1 + 1/k)) of their logs: the upper
   * prediction bound of a log-normal fitted to them, with Student's t so that a few ratios (just
   * after the cold start) give a wide margin rather than a confident one.
   */
  static double margin(List<Double> ratios, double q) {
    int k = ratios.size();
    if (k == 0) {
      return 1.0;
    }
    double[] logs = ratios.stream().mapToDouble(Math::log).sorted().toArray();
    double empirical = Stats.quantileSorted(logs, q);
    double parametric = empirical;
    if (k >= 2) {
      double mean = Stats.mean(logs);
      double sd = Stats.sd(logs, mean);
      parametric = mean + Stats.studentQuantile(q, k - 1) * sd * Math.sqrt(1.0 + 1.0 / k);
    }
    return Math.max(1.0, Math.exp(Math.max(empirical, parametric)));
  }

  /** Chooses a size with a given model and margin (what {@link #size} does after calibrating). */
  public static SizingDecision decide(SizerInput in, RuntimeModel model, double margin, SizerLimits limits) {
    if (!(margin >= 1.0) || Double.isInfinite(margin)) {
      throw new IllegalArgumentException("Margin must be at least 1, cannot be: " + margin);
    }
    int cores = limits.coresPerExecutor();
    double deadline = limits.deadlineSeconds();
    SortedMap<Integer, Double> curve = new TreeMap<>();
    for (int n = limits.minExecutors(); n <= limits.maxExecutors(); n++) {
      curve.put(n, model.predictSeconds(in, n, cores));
    }
    int useful = RuntimeModel.usefulExecutors(in, cores);
    int upper = Math.max(limits.minExecutors(), Math.min(limits.maxExecutors(), useful));
    SortedMap<Integer, Double> view = Collections.unmodifiableSortedMap(curve);

    for (int n = limits.minExecutors(); n <= upper; n++) {
      double t = curve.get(n);
      if (t * margin <= deadline) {
        String reason = String.format(Locale.ROOT,
            "%d executors x %d cores: predicted %s x margin %.2f = %s, within the %s deadline",
            n, cores, Fmt.duration(t), margin, Fmt.duration(t * margin), Fmt.duration(deadline));
        return new SizingDecision(Outcome.FITS, n, cores, t, margin, deadline, model, view, reason);
      }
    }

    int best = limits.minExecutors();
    for (int n = limits.minExecutors(); n <= upper; n++) {
      if (curve.get(n) < curve.get(best)) {
        best = n;
      }
    }
    double bestSeconds = curve.get(best);
    if (model.theta0() * margin > deadline) {
      String reason = String.format(Locale.ROOT,
          "Every run costs about %s before its input counts (start-up, listing, commit; %s), %s with the margin %.2f,"
              + " longer than the %s deadline, so no size helps: raise the deadline to at least %s.",
          Fmt.duration(model.theta0()), model.source() == RuntimeModel.Source.COLD_START
              ? "the cold-start default until " + MIN_OBSERVATIONS + " runs are recorded"
              : "fitted on " + model.observations() + " runs",
          Fmt.duration(model.theta0() * margin), margin, Fmt.duration(deadline), Fmt.durationUp(bestSeconds * margin));
      return new SizingDecision(Outcome.DEADLINE_TOO_SHORT, best, cores, bestSeconds, margin, deadline, model, view, reason);
    }
    double fileFloor = model.largestFileSeconds(in);
    if (!in.splittable() && fileFloor * margin > deadline) {
      String reason = String.format(Locale.ROOT,
          "The largest file (%s of gzip, which cannot be split: one file is one task) alone takes about %s"
              + " (at %s per core, margin %.2f), longer than the %s deadline, so more executors cannot help:"
              + " split or recompress such files (a smaller Firehose buffer, or a splittable codec),"
              + " or raise the deadline to at least %s.",
          Fmt.bytes(in.largestFileBytes()), Fmt.duration(fileFloor * margin), Fmt.throughput(model.mibPerCoreSecond()),
          margin, Fmt.duration(deadline), Fmt.durationUp(bestSeconds * margin));
      return new SizingDecision(Outcome.FILE_TOO_BIG, best, cores, bestSeconds, margin, deadline, model, view, reason);
    }

    int needed = executorsNeeded(in, model, margin, limits, useful);
    String help = needed > 0
        ? String.format(Locale.ROOT,
            "raise the maximum executors from %d to %d, or raise the deadline to at least %s,"
                + " or split the hour into smaller runs",
            limits.maxExecutors(), needed, Fmt.durationUp(bestSeconds * margin))
        : String.format(Locale.ROOT,
            "no executor count gets there; raise the deadline to at least %s, or split the hour into smaller runs",
            Fmt.durationUp(bestSeconds * margin));
    String reason = String.format(Locale.ROOT,
        "%s in %d files needs more than the maximum of %d executors to finish within %s (at best %s x margin %.2f"
            + " = %s with %d): %s.",
        Fmt.bytes(in.inputBytes()), in.fileCount(), limits.maxExecutors(), Fmt.duration(deadline),
        Fmt.duration(bestSeconds), margin, Fmt.duration(bestSeconds * margin), best, help);
    return new SizingDecision(Outcome.TOO_MUCH_INPUT, best, cores, bestSeconds, margin, deadline, model, view, reason);
  }

  /** The smallest executor count above the cap that would meet the deadline, or -1 if none would. */
  private static int executorsNeeded(SizerInput in, RuntimeModel model, double margin, SizerLimits limits, int useful) {
    long last = Math.min(useful, Math.max(100_000L, 64L * limits.maxExecutors()));
    for (long n = limits.maxExecutors() + 1L; n <= last; n++) {
      if (model.predictSeconds(in, (int) n, limits.coresPerExecutor()) * margin <= limits.deadlineSeconds()) {
        return (int) n;
      }
    }
    return -1;
  }
}
