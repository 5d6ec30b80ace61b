package io.hourglass.common.sizer;

import java.util.List;

/**
 * A fitted runtime model, {@code T(n) = θ0 + θ1·W(n) + θ2·ln(n) + θ3·n} (see the package doc for W).
 *
 * @param theta0 fixed seconds per run (start-up, listing, commit)
 * @param theta1 seconds per MiB of input on one core (1 / throughput per core)
 * @param theta2 seconds per ln(executor): tree-shaped coordination
 * @param theta3 seconds per executor: per-executor cost
 * @param observations runs the fit used (0 for the cold-start default)
 * @param mape mean absolute percentage error of the fit on those runs, as a fraction (NaN when cold)
 * @param source where the θs come from
 */
public record RuntimeModel(
    double theta0, double theta1, double theta2, double theta3, int observations, double mape, Source source) {

  /** Where the θs of a model come from. */
  public enum Source {
    /** Fewer than {@value Sizer#MIN_OBSERVATIONS} runs known: the documented conservative defaults. */
    COLD_START,
    /** θ0 and θ1 fitted; too few runs, or too few distinct sizes, to tell the executor terms apart. */
    FITTED_LINEAR,
    /** All four θs fitted. */
    FITTED
  }

  /** Byte unit of W(n): θ1 is seconds per MiB per core. */
  public static final double MIB = 1024.0 * 1024.0;

  /** Splittable input is cut into tasks of this size (Spark's default {@code maxPartitionBytes}). */
  public static final long SPLIT_BYTES = 128L * 1024 * 1024;

  public RuntimeModel {
    for (double t : new double[] {theta0, theta1, theta2, theta3}) {
      if (!(t >= 0) || Double.isInfinite(t)) {
        throw new IllegalArgumentException("Model coefficients must be finite and non-negative, cannot be: " + t);
      }
    }
  }

  /** The cold-start model: overhead + input / (slots × default throughput), nothing per executor. */
  public static RuntimeModel coldStart(SizerLimits limits) {
    return new RuntimeModel(limits.coldStartOverheadSeconds(), 1.0 / limits.coldStartMbPerCoreSecond(), 0, 0, 0,
        Double.NaN, Source.COLD_START);
  }

  /** Predicted wall seconds of a run of {@code in} on {@code executors} executors of {@code cores} cores. */
  public double predictSeconds(SizerInput in, int executors, int cores) {
    return theta0 + theta1 * workMib(in, executors, cores) + theta2 * Math.log(executors) + theta3 * executors;
  }

  /** The shortest any run of {@code in} can be: the fixed cost plus its largest unsplittable file on one core. */
  public double largestFileSeconds(SizerInput in) {
    return in.splittable() ? theta0 : theta0 + theta1 * in.largestFileBytes() / MIB;
  }

  /** MiB per core that the fitted throughput implies, or infinity if the bytes term vanished. */
  public double mibPerCoreSecond() {
    return theta1 > 0 ? 1.0 / theta1 : Double.POSITIVE_INFINITY;
  }

  public double[] thetas() {
    return new double[] {theta0, theta1, theta2, theta3};
  }

  /** Task slots that actually get work: min(executors × cores, tasks). */
  public static long effectiveSlots(SizerInput in, int executors, int cores) {
    long slots = (long) executors * cores;
    return Math.max(1, Math.min(slots, tasks(in)));
  }

  /** Tasks of the input: one per gzip file; for splittable input, one per file or per 128 MiB, whichever is more. */
  public static long tasks(SizerInput in) {
    if (!in.splittable()) {
      return Math.max(1, in.fileCount());
    }
    long splits = (in.inputBytes() + SPLIT_BYTES - 1) / SPLIT_BYTES;
    return Math.max(1, Math.max(in.fileCount(), splits));
  }

  /** The most executors that can all get a task: ceil(tasks / cores). More do nothing. */
  public static int usefulExecutors(SizerInput in, int cores) {
    return (int) Math.min(Integer.MAX_VALUE, (tasks(in) + cores - 1) / cores);
  }

  /**
   * W(n): MiB on the critical path of one task slot. Gzip: the larger of an even share over the
   * slots that get work and the largest file (one file is one task).
   */
  public static double workMib(SizerInput in, int executors, int cores) {
    double share = in.inputBytes() / (double) effectiveSlots(in, executors, cores);
    double critical = in.splittable() ? share : Math.max(share, in.largestFileBytes());
    return critical / MIB;
  }

  // ---- fitting ----

  /** Runs from which the executor terms (θ2, θ3) are fitted as well. */
  static final int FULL_MODEL_MIN_OBSERVATIONS = 10;

  /** Distinct executor counts in the history needed before θ2, θ3 can be told apart from θ0. */
  static final int FULL_MODEL_MIN_DISTINCT_SIZES = 3;

  /** Regression row of a run: the model's features divided by the run's time, so the fit minimises relative error. */
  static double[] row(Observation o, boolean splittable, int terms) {
    SizerInput in = o.input(splittable);
    double[] f = {1.0, workMib(in, o.executors(), o.coresPerExecutor()), Math.log(o.executors()), o.executors()};
    double[] r = new double[terms];
    for (int j = 0; j < terms; j++) {
      r[j] = f[j] / o.wallSeconds();
    }
    return r;
  }

  /** How many θs the history supports: 4, or 2 (θ0, θ1) when it is short or has too few distinct sizes. */
  static int termsFor(List<Observation> runs) {
    long distinct = runs.stream().mapToInt(Observation::executors).distinct().count();
    return runs.size() >= FULL_MODEL_MIN_OBSERVATIONS && distinct >= FULL_MODEL_MIN_DISTINCT_SIZES ? 4 : 2;
  }

  /**
   * Weight, in runs, of the prior that θ0 is about the runs' median start-up time. It only decides
   * what the runs cannot: when every run had about the same input per slot (the cold-start runs do,
   * and so do runs the sizer sized itself), θ0 and θ1 are collinear, and NNLS alone may put all the
   * time into θ0, a model in which input costs nothing. Anchoring θ0 at the start-up puts the rest
   * on θ1, which over-predicts larger inputs per slot rather than under-predicting them.
   */
  static final double STARTUP_PRIOR_RUNS = 1.0;

  /** The least-squares problem of a fit: one row per run (relative error) plus the start-up prior. */
  record Design(int terms, double[][] rows, double[][] gram, double[] atb) {

    /** The θs fitted without run i (for out-of-sample errors). */
    double[] solveWithout(int i) {
      double[][] g = new double[terms][];
      for (int j = 0; j < terms; j++) {
        g[j] = gram[j].clone();
      }
      double[] b = atb.clone();
      Nnls.accumulate(g, b, rows[i], 1.0, -1.0);
      return Nnls.solveNormal(g, b);
    }

    double[] solve() {
      return Nnls.solveNormal(gram, atb);
    }
  }

  static Design design(List<Observation> runs, boolean splittable) {
    int terms = termsFor(runs);
    double[][] rows = new double[runs.size()][];
    double[][] gram = new double[terms][terms];
    double[] atb = new double[terms];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = row(runs.get(i), splittable, terms);
      Nnls.accumulate(gram, atb, rows[i], 1.0, 1.0);
    }
    double scale = median(runs.stream().mapToDouble(Observation::wallSeconds).toArray());
    double startup = median(runs.stream().mapToDouble(Observation::startupSeconds).toArray());
    double[] prior = new double[terms];
    prior[0] = Math.sqrt(STARTUP_PRIOR_RUNS) / scale;
    Nnls.accumulate(gram, atb, prior, startup * Math.sqrt(STARTUP_PRIOR_RUNS) / scale, 1.0);
    return new Design(terms, rows, gram, atb);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    java.util.Arrays.sort(s);
    return Stats.quantileSorted(s, 0.5);
  }

  /**
   * Fits the model to runs by NNLS on relative error: minimises Σ ((T(run) - actual) / actual)²,
   * plus a weak prior that θ0 is near the runs' median start-up. The relative form matches what the
   * margin and the deadline care about (a ratio), and keeps the long runs from drowning the short ones.
   */
  public static RuntimeModel fit(List<Observation> runs, boolean splittable) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("Cannot fit a model to no runs");
    }
    return fromThetas(design(runs, splittable).solve(), runs, splittable);
  }

  /** A model from solved θs (2 or 4 of them), with its MAPE on runs. */
  static RuntimeModel fromThetas(double[] theta, List<Observation> runs, boolean splittable) {
    double[] t = new double[4];
    for (int j = 0; j < theta.length; j++) {
      t[j] = Math.max(0.0, theta[j]);
    }
    RuntimeModel provisional = new RuntimeModel(t[0], t[1], t[2], t[3], runs.size(), Double.NaN, Source.FITTED);
    double sumApe = 0;
    for (Observation o : runs) {
      double p = provisional.predictSeconds(o.input(splittable), o.executors(), o.coresPerExecutor());
      sumApe += Math.abs(p - o.wallSeconds()) / o.wallSeconds();
    }
    Source source = theta.length == 4 ? Source.FITTED : Source.FITTED_LINEAR;
    return new RuntimeModel(t[0], t[1], t[2], t[3], runs.size(), sumApe / runs.size(), source);
  }
}
