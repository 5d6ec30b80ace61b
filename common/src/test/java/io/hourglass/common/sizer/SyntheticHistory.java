package io.hourglass.common.sizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Run histories generated from a known Ernest model, for tests. */
final class SyntheticHistory {
  static final long MIB = 1024L * 1024;
  static final long GIB = 1024L * MIB;

  /** A plausible truth: 90 s fixed, 0.8 s per MiB per core, 4 s per ln(executor), 0.5 s per executor. */
  static final RuntimeModel TRUTH = new RuntimeModel(90, 0.8, 4, 0.5, 0, Double.NaN, RuntimeModel.Source.FITTED);

  private SyntheticHistory() {}

  /**
   * Runs of gzip hours between 20 and 400 GiB (files of ~100 MiB) at executor counts between 4 and 80,
   * timed by {@code truth} with log-normal noise of {@code sigma}. The start-up is recorded as θ0
   * itself (all of the fixed cost is start-up in this world), so the fit's start-up prior agrees with it.
   */
  static List<Observation> runs(RuntimeModel truth, int count, double sigma, long seed) {
    Random random = new Random(seed);
    List<Observation> runs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      long bytes = (long) ((20 + 380 * random.nextDouble()) * GIB);
      int files = (int) Math.max(1, bytes / (100 * MIB));
      long largest = Math.min(bytes, 140 * MIB);
      int executors = 4 + random.nextInt(77);
      SizerInput in = SizerInput.gzip(bytes, files, largest);
      double wall = truth.predictSeconds(in, executors, 4) * Math.exp(sigma * random.nextGaussian());
      runs.add(new Observation(bytes, files, largest, executors, 4, wall, Math.min(truth.theta0(), wall)));
    }
    return runs;
  }
}
