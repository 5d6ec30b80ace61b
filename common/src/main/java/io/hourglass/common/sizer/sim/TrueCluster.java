package io.hourglass.common.sizer.sim;

import java.util.SplittableRandom;

/**
 * The hidden "true" cluster that produces actual runtimes. It is deliberately not the sizer's
 * model: it schedules every gzip object as one task, largest first, on the n·c task slots (list
 * scheduling, as the reader does), with per-task jitter and an occasional straggler, then adds
 * start-up that grows with n, per-task launch and commit costs, a dedup shuffle and per-executor
 * coordination. Throughput per core drifts down 10% over the year (richer events) and drops 8% more
 * on day 200 (a new transform is deployed), with log-normal hour-to-hour variation on top.
 *
 * <p>The sizer never sees this class; the oracle does, including each hour's realised randomness.
 */
final class TrueCluster {
  static final double MIB = 1024.0 * 1024.0;

  /** Per core, of gzip input, at the start of the year. */
  static final double MIB_PER_CORE_SECOND = 1.2;
  static final double YEARLY_THROUGHPUT_DRIFT = 0.10;
  static final int DEPLOY_DAY = 200;
  static final double DEPLOY_SLOWDOWN = 0.92;
  static final double HOURLY_THROUGHPUT_SIGMA = 0.05;
  static final double TASK_JITTER_SIGMA = 0.20;
  static final double TASK_OVERHEAD_SECONDS = 0.3;
  static final double STRAGGLER_PROBABILITY = 0.05;
  static final double STRAGGLER_MIN = 3;
  static final double STRAGGLER_MAX = 10;
  static final double DRIVER_START_SECONDS = 20;
  static final double EXECUTOR_START_SECONDS = 10;
  static final double EXECUTOR_START_PER_EXECUTOR = 0.25;
  static final double STARTUP_SIGMA = 0.20;
  static final double LAUNCH_SECONDS_PER_TASK = 0.003;
  static final double COMMIT_SECONDS = 25;
  static final double COMMIT_SECONDS_PER_TASK = 0.002;
  static final double SHUFFLE_MIB_PER_INPUT_MIB = 1.5;
  static final double SHUFFLE_MIB_PER_CORE_SECOND = 25;
  static final double AGGREGATION_SECONDS_PER_LN_EXECUTOR = 3;
  static final double COORDINATION_SECONDS_PER_EXECUTOR = 0.4;

  private final long seed;
  private final int cores;

  TrueCluster(long seed, int cores) {
    this.seed = seed;
    this.cores = cores;
  }

  /** The realised randomness of one hour: the same whatever size the hour is run at. */
  record Conditions(double throughputFactor, double startupFactor, double[] taskSeconds, double sumTaskSeconds,
      double maxTaskSeconds, double inputMib) {}

  /** One run's outcome. */
  record Run(double wallSeconds, double startupSeconds) {}

  Conditions conditions(SimHour hour) {
    SplittableRandom r = Rng.forHour(seed, hour.index(), 2);
    int h = hour.index();
    double drift = (1 - YEARLY_THROUGHPUT_DRIFT * h / 8760.0) * (h >= DEPLOY_DAY * 24 ? DEPLOY_SLOWDOWN : 1.0);
    double factor = drift * Math.exp(HOURLY_THROUGHPUT_SIGMA * Rng.gaussian(r));
    double startup = Math.exp(STARTUP_SIGMA * Rng.gaussian(r));
    long[] files = hour.fileBytes();
    double[] t = new double[files.length];
    double perMib = 1.0 / (MIB_PER_CORE_SECOND * factor);
    for (int i = 0; i < files.length; i++) {
      t[i] = files[i] / MIB * perMib * Math.exp(TASK_JITTER_SIGMA * Rng.gaussian(r)) + TASK_OVERHEAD_SECONDS;
    }
    if (files.length > 0 && r.nextDouble() < STRAGGLER_PROBABILITY) {
      t[r.nextInt(files.length)] *= STRAGGLER_MIN + (STRAGGLER_MAX - STRAGGLER_MIN) * r.nextDouble();
    }
    double sum = 0;
    double max = 0;
    for (double x : t) {
      sum += x;
      max = Math.max(max, x);
    }
    return new Conditions(factor, startup, t, sum, max, hour.totalBytes() / MIB);
  }

  Run run(Conditions c, int executors) {
    double startup = startup(c, executors);
    return new Run(startup + makespan(c, executors) + rest(c, executors), startup);
  }

  /** The smallest executor count in [min, max] whose actual run meets the deadline, or -1. */
  int oracle(Conditions c, int min, int max, double deadlineSeconds) {
    for (int n = min; n <= max; n++) {
      long slots = (long) n * cores;
      double lowerBound = startup(c, n) + Math.max(c.sumTaskSeconds() / slots, c.maxTaskSeconds()) + rest(c, n);
      if (lowerBound <= deadlineSeconds && run(c, n).wallSeconds() <= deadlineSeconds) {
        return n;
      }
    }
    return -1;
  }

  /**
   * Whether the hour's largest task alone, with the other costs of the run, misses the deadline at
   * every allowed size (the oracle's infeasibility is then the file's fault, not the volume's).
   */
  boolean largestTaskTooLong(Conditions c, int min, int max, double deadlineSeconds) {
    for (int n = min; n <= max; n++) {
      if (startup(c, n) + c.maxTaskSeconds() + rest(c, n) <= deadlineSeconds) {
        return false;
      }
    }
    return true;
  }

  private double startup(Conditions c, int n) {
    return (DRIVER_START_SECONDS + EXECUTOR_START_SECONDS + EXECUTOR_START_PER_EXECUTOR * n) * c.startupFactor();
  }

  private double rest(Conditions c, int n) {
    int tasks = c.taskSeconds().length;
    double shuffle = SHUFFLE_MIB_PER_INPUT_MIB * c.inputMib()
        / ((double) n * cores * SHUFFLE_MIB_PER_CORE_SECOND * c.throughputFactor());
    return LAUNCH_SECONDS_PER_TASK * tasks + shuffle + AGGREGATION_SECONDS_PER_LN_EXECUTOR * Math.log(n)
        + COORDINATION_SECONDS_PER_EXECUTOR * n + COMMIT_SECONDS + COMMIT_SECONDS_PER_TASK * tasks;
  }

  /** List scheduling of the tasks (already largest first) on n·c slots: each goes to the slot free first. */
  private double makespan(Conditions c, int executors) {
    double[] t = c.taskSeconds();
    int slots = (int) Math.min((long) executors * cores, Math.max(1, t.length));
    if (slots >= t.length) {
      return c.maxTaskSeconds();
    }
    double[] heap = new double[slots]; // min-heap of slot free times, all 0
    for (double task : t) {
      heap[0] += task;
      siftDown(heap, 0);
    }
    double max = 0;
    for (double v : heap) {
      max = Math.max(max, v);
    }
    return max;
  }

  private static void siftDown(double[] heap, int i) {
    int n = heap.length;
    double v = heap[i];
    while (true) {
      int l = 2 * i + 1;
      if (l >= n) {
        break;
      }
      int m = l + 1 < n && heap[l + 1] < heap[l] ? l + 1 : l;
      if (heap[m] >= v) {
        break;
      }
      heap[i] = heap[m];
      i = m;
    }
    heap[i] = v;
  }
}
